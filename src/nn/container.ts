/** Containers and glue: `Sequential`, `ModuleList`, `ModuleDict`, `Flatten`, `Identity`, `Residual` (S15). */
import { shapeStr, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from '../ops/elementwise.js';
import { relu } from '../ops/activation.js';
import { flatten } from '../ops/shape.js';
import { convBlock, convSubsamplingBlock } from '../ops/fused-conv.js';
import { linkMask } from '../ops/linked-conv.js';
import type { Activation } from '../backend/backend.js';
import { type AnyModule, Module, type ModuleSpec, observingForwards, runAsLayer } from './module.js';
import { Conv2d, LinkedConv2d } from './conv.js';
import { ReLU, Sigmoid, Tanh } from './activation.js';
import { MaxPool2d, Subsampling } from './pooling.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';

/** Whether `m` is exactly an instance of `type` (a subclass may change what `forward` does). */
function isExactly(m: Module | undefined, type: abstract new (...args: never[]) => Module): boolean {
  return m !== undefined && Object.getPrototypeOf(m) === type.prototype;
}

/** The activation layers a convolution block applies itself, with their kernels' names. */
const ACTIVATION_LAYERS: [abstract new (...args: never[]) => Module, Activation][] = [
  [ReLU, 'relu'],
  [Tanh, 'tanh'],
  [Sigmoid, 'sigmoid'],
];

/**
 * A `Conv2d` or `LinkedConv2d`, then an activation layer (`ReLU`, `Tanh`, `Sigmoid`) and/or a
 * `MaxPool2d` or LeNet-5's `Subsampling`: a run of layers that one convolution block op computes.
 */
interface ConvBlockLayers {
  conv: Conv2d | LinkedConv2d;
  activation: Activation;
  pool: MaxPool2d | Subsampling | null;
  /** Layers in the run. */
  length: number;
}

/**
 * The run starting at `layers[i]`, with at least one layer after the convolution; null where
 * there is none.
 */
function convBlockAt(layers: readonly Module[], i: number): ConvBlockLayers | null {
  const conv = layers[i];
  if (!(isExactly(conv, Conv2d) || isExactly(conv, LinkedConv2d))) return null;
  let next = i + 1;
  const activation = ACTIVATION_LAYERS.find(([type]) => isExactly(layers[next], type))?.[1] ?? 'none';
  if (activation !== 'none') next++;
  const closing = layers[next];
  const pool = isExactly(closing, MaxPool2d) || isExactly(closing, Subsampling) ? (layers[next++] as MaxPool2d | Subsampling) : null;
  if (activation === 'none' && pool === null) return null;
  return { conv: conv as Conv2d | LinkedConv2d, activation, pool, length: next - i };
}

/**
 * A convolution block's output; bad input is reported under the names of the layers' own ops. A
 * block closed by a `Subsampling` runs fused on batches `(N, C, H, W)` only; an unbatched input
 * goes through the layers one by one, to the error `Subsampling` gives for it.
 */
function runBlock(block: ConvBlockLayers, layers: readonly Module[], x: Tensor): Tensor {
  const { conv, activation, pool } = block;
  const linked = conv instanceof LinkedConv2d;
  const mask = linked
    ? linkMask('linkedConv2d', conv.table, conv.weight.shape, conv.weight.dtype === 'float64' ? 'float64' : 'float32').data
    : null;
  const names = { op: linked ? 'linkedConv2d' : 'conv2d', poolOp: 'maxPool2d', recorded: 'fusedConv2d' };
  if (pool instanceof Subsampling) {
    if (x.ndim !== 4) return layers.reduce((y, m) => m.forward(y), x);
    const close = { weight: pool.weight, bias: pool.bias, options: pool.options };
    return convSubsamplingBlock(names, x, conv.weight, conv.bias, { ...conv.options, activation }, mask, close);
  }
  return convBlock(names, x, conv.weight, conv.bias, { ...conv.options, activation, maxPool: pool?.options ?? null }, mask);
}

/** `m` as a BatchNorm layer whose `forward` is the built-in one, or null. */
function exactBatchNorm(m: Module | undefined): BatchNorm1d | BatchNorm2d | null {
  return isExactly(m, BatchNorm1d) || isExactly(m, BatchNorm2d) ? (m as BatchNorm1d | BatchNorm2d) : null;
}

/**
 * The layers a `Sequential` runs as one batch normalization op (`batchNormBlock`): a BatchNorm
 * then a ReLU (`'bn-relu'`), or a `Residual` whose body is a `Sequential` ending in a BatchNorm,
 * then a ReLU (`'residual-relu'`, the basic block of a ResNet). Null elsewhere.
 */
function normBlockAt(layers: readonly Module[], i: number): 'bn-relu' | 'residual-relu' | null {
  if (!isExactly(layers[i + 1], ReLU)) return null;
  if (exactBatchNorm(layers[i]) !== null) return 'bn-relu';
  const unit = layers[i];
  if (isExactly(unit, Residual) && isExactly((unit as Residual).body, Sequential)) {
    const body = (unit as Residual).body as Sequential;
    if (exactBatchNorm(body.layers.at(-1)) !== null) return 'residual-relu';
  }
  return null;
}

/** Where in nested `Sequential`s an error happened: the index path and the innermost layer. */
const ERROR_LAYER = new WeakMap<Error, { message: string; path: number[]; layer: string }>();

/**
 * `e` with the layer it came from appended to its message — `(in layer 3: Linear(10, 2))`, or
 * `(in layer 1.0: Conv2d(…))` through nested `Sequential`s — so that a shape error deep in a model
 * says where it is. Other thrown values pass through.
 */
function atLayer(e: unknown, index: number, layer: AnyModule): unknown {
  if (!(e instanceof Error)) return e;
  const known = ERROR_LAYER.get(e);
  const where = known ?? { message: e.message, path: [], layer: layer.describe() };
  where.path.unshift(index);
  ERROR_LAYER.set(e, where);
  e.message = `${where.message} (in layer ${where.path.join('.')}: ${where.layer})`;
  return e;
}

/**
 * Applies its modules in order: `y = f_k(… f_2(f_1(x)))`. Children are named `"0"`, `"1"`, ….
 *
 * Shape: the first layer's input, the last layer's output.
 *
 * A `Conv2d` or `LinkedConv2d` followed by a `ReLU`, `Tanh` or `Sigmoid` and/or a `MaxPool2d`
 * (or LeNet-5's `Subsampling`) runs as one convolution block op (as `F.fusedConv2d`), whose
 * values and gradients are those of the layers run one by one, bit for bit, but which a backend
 * computes without handing the full-resolution activations back and forth. Likewise a
 * `BatchNorm1d`/`BatchNorm2d` followed by a `ReLU`, and a `Residual` whose body ends in a
 * BatchNorm followed by a `ReLU` (a ResNet's basic block), run as one batch normalization op
 * that adds the skip path and applies the relu in the same pass.
 *
 * An error in a layer gets the layer's index and description appended to its message:
 * `linear: input [2, 144] has 144 features but weight [2, 10] expects 10 (in layer 3: Linear(10, 2))`.
 */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) {
        const got =
          m === null
            ? 'null'
            : typeof m === 'object'
              ? `a ${(m as object).constructor?.name ?? 'plain object'}`
              : `${typeof m} ${String(m)}`;
        throw new Error(`Sequential: layer ${i} must be a Module, got ${got}`);
      }
    });
    this.layers = layers.map((m, i) => this.registerModule(String(i), m));
  }
  forward(x: Tensor): Tensor {
    return this.run(x, 0, this.layers.length);
  }

  /** Layers `start` to `end − 1` applied to x (fused where `forward` fuses them). */
  run(x: Tensor, start: number, end: number): Tensor {
    let y = x;
    for (let i = start; i < end;) {
      const block = observingForwards() ? null : convBlockAt(this.layers, i);
      const norm = observingForwards() || block !== null || i + 1 >= end ? null : normBlockAt(this.layers, i);
      if (norm !== null) {
        const layer = this.layers[i];
        try {
          y =
            norm === 'bn-relu'
              ? runAsLayer(layer, () => (layer as BatchNorm1d | BatchNorm2d).normalize(y, { residual: null, relu: true }))
              : runAsLayer(layer, () => (layer as Residual).forwardThenRelu(y));
        } catch (e) {
          throw atLayer(e, i, layer);
        }
        i += 2;
      } else if (block === null) {
        try {
          y = this.layers[i].forward(y);
        } catch (e) {
          throw atLayer(e, i, this.layers[i]);
        }
        i++;
      } else {
        const layers = this.layers.slice(i, i + block.length);
        try {
          y = runAsLayer(block.conv, () => runBlock(block, layers, y));
        } catch (e) {
          // the pooling's own errors name its op; the rest are the convolution's
          const last = i + block.length - 1;
          const k = block.pool !== null && e instanceof Error && /^(maxPool2d|subsampling): /.test(e.message) ? last : i;
          throw atLayer(e, k, this.layers[k]);
        }
        i += block.length;
      }
    }
    return y;
  }

  /** The layer at `index` (negative counts from the end), as PyTorch's `model[i]`. */
  at(index: number): Module {
    const layer = this.layers.at(index);
    if (layer === undefined) throw new Error(`Sequential.at: index ${index} is out of range for ${this.layers.length} layers`);
    return layer;
  }

  /** Number of layers. */
  get length(): number {
    return this.layers.length;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }

  override spec(): ModuleSpec | null {
    return containerSpec('Sequential', this.layers);
  }
}

/** The spec of a container of `layers` (null if any layer has none). */
function containerSpec(type: string, layers: readonly AnyModule[]): ModuleSpec | null {
  const children = layers.map((m) => m.spec());
  return children.every((c) => c !== null) ? { type, children: children as ModuleSpec[] } : null;
}

/**
 * Holds modules in a list, as `torch.nn.ModuleList`: they are children named `"0"`, `"1"`, …, so
 * their parameters are the container's. It has no `forward`: the owner calls its modules.
 */
export class ModuleList extends Module<never[], never> {
  private readonly items: AnyModule[] = [];
  constructor(modules: Iterable<AnyModule> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  /** Adds `m` at the end; returns this. */
  append(m: AnyModule): this {
    this.items.push(this.registerModule(String(this.items.length), m));
    return this;
  }
  /** The module at `index` (negative counts from the end). */
  at(index: number): AnyModule {
    const m = this.items.at(index);
    if (m === undefined) throw new Error(`ModuleList.at: index ${index} is out of range for ${this.items.length} modules`);
    return m;
  }
  get length(): number {
    return this.items.length;
  }
  [Symbol.iterator](): Iterator<AnyModule> {
    return this.items[Symbol.iterator]();
  }
  forward(): never {
    throw new Error('ModuleList has no forward: call its modules (for (const m of list) x = m.forward(x))');
  }
  override spec(): ModuleSpec | null {
    return containerSpec('ModuleList', this.items);
  }
}

/**
 * Holds modules by name, as `torch.nn.ModuleDict`: they are children under their keys (in
 * insertion order). It has no `forward`: the owner calls its modules.
 */
export class ModuleDict extends Module<never[], never> {
  private readonly items = new Map<string, AnyModule>();
  constructor(modules: Record<string, AnyModule> = {}) {
    super();
    for (const [name, m] of Object.entries(modules)) this.set(name, m);
  }
  /** Adds or replaces the module under `name`; returns this. */
  set(name: string, m: AnyModule): this {
    this.items.set(name, this.registerModule(name, m));
    return this;
  }
  /** The module under `name`. */
  get(name: string): AnyModule {
    const m = this.items.get(name);
    if (m === undefined) throw new Error(`ModuleDict.get: no module '${name}' (keys: ${[...this.items.keys()].join(', ')})`);
    return m;
  }
  has(name: string): boolean {
    return this.items.has(name);
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
  entries(): [string, AnyModule][] {
    return [...this.items.entries()];
  }
  get size(): number {
    return this.items.size;
  }
  forward(): never {
    throw new Error('ModuleDict has no forward: call its modules (dict.get(name).forward(x))');
  }
  override spec(): ModuleSpec | null {
    const children = Object.fromEntries([...this.items].map(([name, m]) => [name, m.spec()]));
    return Object.values(children).every((c) => c !== null) ? { type: 'ModuleDict', children } : null;
  }
}

/**
 * Merges axes `startDim..endDim` (default 1..−1) into one.
 *
 * Shape: `(N, C, H, W)` → `(N, C·H·W)` with the defaults; in general the merged axes' sizes multiply.
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  override spec(): ModuleSpec {
    return { type: 'Flatten', args: [this.startDim, this.endDim] };
  }
  override describe(): string {
    return `Flatten(startDim=${this.startDim}, endDim=${this.endDim})`;
  }
}

/**
 * The identity, `y = x`, as `torch.nn.Identity`: a placeholder that keeps a container's layer
 * indices (and so its state-dict names) where a layer was removed, e.g. a BatchNorm folded into
 * the convolution before it (`foldBatchNorm`).
 *
 * Shape: any, unchanged.
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
  override spec(): ModuleSpec {
    return { type: 'Identity' };
  }
}

/** The error of a residual unit whose body output `fx` and skip path `skip` differ in shape. */
function checkSkip(x: Tensor, fx: Tensor, skip: Tensor): void {
  if (!shapesEqual(fx.shape, skip.shape)) {
    throw new Error(
      `Residual: the body maps ${shapeStr(x.shape)} to ${shapeStr(fx.shape)}, but the skip path gives ${shapeStr(skip.shape)}; ` +
        "pass a projection that maps the input to the body's output shape",
    );
  }
}

/**
 * Residual unit (S15): `h(x) = x + f(x, θ)`, or `P(x) + f(x)` with a projection `P` (e.g. a
 * 1×1 convolution) when `f` changes the shape. Not limited to convolutions.
 *
 * Shape: the body's output shape, which the skip path (`x`, or `P(x)`) must have too.
 */
export class Residual extends Module {
  readonly body: Module;
  readonly projection: Module | null;
  constructor(body: Module, projection?: Module) {
    super();
    this.body = this.registerModule('body', body);
    this.projection = projection ? this.registerModule('projection', projection) : null;
  }
  forward(x: Tensor): Tensor {
    const fx = this.body.forward(x);
    const skip = this.projection ? this.projection.forward(x) : x;
    checkSkip(x, fx, skip);
    return add(skip, fx);
  }

  /**
   * `relu(forward(x))` where the body is a `Sequential` ending in a BatchNorm layer: the body's
   * other layers, the skip path, then one op for the BatchNorm, the addition and the relu
   * (`BatchNorm.normalize`) — what `Sequential` runs for this unit followed by a `ReLU`.
   */
  forwardThenRelu(x: Tensor): Tensor {
    const body = this.body as Sequential;
    const bn = body.layers[body.length - 1] as BatchNorm1d | BatchNorm2d;
    const last = body.length - 1;
    const h = runAsLayer(body, () => body.run(x, 0, last));
    const skip = this.projection ? this.projection.forward(x) : x;
    if (h.ndim < 2 || h.shape[1] !== bn.numFeatures || !shapesEqual(h.shape, skip.shape)) {
      // the separate layers, for the errors they give
      const fx = runAsLayer(body, () => body.run(h, last, last + 1));
      checkSkip(x, fx, skip);
      return relu(add(skip, fx));
    }
    return runAsLayer(body, () => runAsLayer(bn, () => bn.normalize(h, { residual: skip, relu: true })));
  }
  override spec(): ModuleSpec | null {
    const body = this.body.spec();
    const projection = this.projection?.spec() ?? null;
    if (body === null || (this.projection !== null && projection === null)) return null;
    return { type: 'Residual', children: { body, projection } };
  }
}
