/**
 * `Module`: the base of every layer and model, as `torch.nn.Module`. A module owns named
 * parameters (leaf tensors that require gradients), buffers (tensors saved with the model but not
 * trained: running statistics, masks) and child modules.
 *
 * As in PyTorch, a module finds what it holds by itself: a field that is a `Module`, an array of
 * modules, or a parameter (`nn.Parameter(t)`, or any leaf tensor that requires gradients) is a
 * child or a parameter named after the field, in declaration order —
 *
 *     class Net extends nn.Module {
 *       conv = new nn.Conv2d(1, 6, 5);          // child 'conv': parameters 'conv.weight', 'conv.bias'
 *       blocks = [new nn.Linear(4, 4)];         // child 'blocks.0'
 *       scale = nn.Parameter(ones([1]));        // parameter 'scale'
 *       forward(x: Tensor): Tensor { … }
 *     }
 *
 * `registerModule`, `registerParameter` and `registerBuffer` name things explicitly; those come
 * first, in registration order, then the fields. Private (`#`) fields are not seen.
 */
import { shapeStr, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { persistentStorage } from '../backend/registry.js';
import { inLayer, isAnomalyEnabled } from '../autograd/anomaly.js';

/** A module of any signature (containers hold these). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], any>;

/**
 * What rebuilds a built-in module from a model file: its class name, its constructor arguments
 * as JSON, and (for containers) the specs of its children.
 */
export interface ModuleSpec {
  type: string;
  args?: unknown[];
  children?: ModuleSpec[] | Record<string, ModuleSpec | null>;
}

const PARAMETER = Symbol('parameter');

/**
 * Marks `t` as a parameter (it will require gradients), as `torch.nn.Parameter`: a module field
 * holding it registers it. Returns `t`.
 */
export function Parameter(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new Error(`Parameter: expected a Tensor, got ${describeValue(t)}`);
  if (!t.isLeaf) throw new Error('Parameter: expected a leaf tensor (one not computed by an op); use t.detach()');
  t.setRequiresGrad(true);
  (t as Tensor & { [PARAMETER]?: true })[PARAMETER] = true;
  // kept where the backend's kernels use it in place (wasm: its own memory) for the model's life
  t.moveStorage(persistentStorage(t.dtype, t.size));
  return t;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `${typeof v} ${String(v)}`;
}

/** Whether a field's tensor is a parameter: marked by `Parameter`, or a leaf that requires gradients. */
function isParameterTensor(v: unknown): v is Tensor {
  return v instanceof Tensor && (PARAMETER in v || (v.isLeaf && v.requiresGrad));
}

/** Node's `util.inspect` hook: a module prints as its tree. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Base class of layers and models: subclasses hold parameters and children (as fields, or
 * registered), and implement `forward`. `In` is the tuple of `forward`'s arguments, `Out` its
 * result: `Module` alone is a one-tensor-in, one-tensor-out layer.
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Training mode (dropout active) or evaluation mode; see `train()` / `eval()`. */
  training = true;
  private readonly registeredParameters = new Map<string, Tensor>();
  private readonly registeredBuffers = new Map<string, Tensor>();
  private readonly registeredChildren = new Map<string, AnyModule>();

  constructor() {
    // forward runs as this layer, so that anomaly detection can name it (see runAsLayer)
    const forward = this.forward as (...args: In) => Out;
    Object.defineProperty(this, 'forward', {
      value: (...args: In): Out => runAsLayer(this, () => forward.apply(this, args)),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }

  /** The layer's computation, e.g. `y = f(x)`. */
  abstract forward(...args: In): Out;

  /** Runs `forward`: the equivalent of PyTorch's `model(x)`. */
  call(...args: In): Out {
    return this.forward(...args);
  }

  /** Registers `t` as a parameter called `name` (it will require gradients) and returns it. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    checkName('registerParameter', name);
    this.registeredParameters.set(name, Parameter(t));
    return t;
  }

  /**
   * Registers `t` as a buffer called `name`: saved in `stateDict()` and loaded by
   * `loadStateDict()`, but not a parameter (no gradient, not trained). Returns it.
   */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    checkName('registerBuffer', name);
    if (!(t instanceof Tensor)) throw new Error(`registerBuffer: '${name}' must be a Tensor, got ${describeValue(t)}`);
    this.registeredBuffers.set(name, t);
    return t;
  }

  /** Registers `m` as a child module called `name` and returns it. */
  protected registerModule<M extends AnyModule>(name: string, m: M): M {
    checkName('registerModule', name);
    if (!(m instanceof Module)) throw new Error(`registerModule: '${name}' must be a Module, got ${describeValue(m)}`);
    this.registeredChildren.set(name, m);
    return m;
  }

  /** The fields of this object, in declaration order (the module's own bookkeeping excluded). */
  private fields(): [string, unknown][] {
    return Object.entries(this).filter(([key]) => !OWN_FIELDS.has(key));
  }

  /** Direct children with their names: registered ones, then fields (arrays as `name.i`). */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [...this.registeredChildren];
    const seen = new Set<AnyModule>(this.registeredChildren.values());
    const add = (name: string, m: AnyModule): void => {
      if (m === (this as AnyModule) || seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
    };
    for (const [key, v] of this.fields()) {
      if (v instanceof Module) add(key, v);
      else if (Array.isArray(v) && v.length > 0 && v.every((m) => m instanceof Module))
        v.forEach((m: AnyModule, i) => add(`${key}.${i}`, m));
    }
    return out;
  }

  /** Direct children, in order. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, named by path (`""` for this one, then `"0"`, `"0.conv"`, …). */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [[prefix, this as AnyModule]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** This module's own parameters (not its children's), registered ones first, then fields. */
  private ownParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.registeredParameters];
    const seen = new Set<Tensor>(this.registeredParameters.values());
    for (const [key, v] of this.fields()) {
      if (isParameterTensor(v) && !seen.has(v)) {
        seen.add(v);
        out.push([key, v]);
      }
    }
    return out;
  }

  /**
   * Every parameter of this module and its descendants, named by path (`"0.weight"`), each tensor
   * once (a parameter shared by two layers is listed under its first name).
   */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [path, m] of this.namedModules()) {
      for (const [name, t] of m.ownParameters()) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([prefix + (path ? `${path}.${name}` : name), t]);
      }
    }
    return out;
  }

  /** Every parameter tensor (for an optimizer). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Every buffer of this module and its descendants, named by path (`"0.runningMean"`). */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.namedModules()) {
      for (const [name, t] of m.registeredBuffers) out.push([prefix + (path ? `${path}.${name}` : name), t]);
    }
    return out;
  }

  /** Every buffer tensor. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /**
   * Number of trainable scalars. Layers with structurally zero weights (a link table) count only
   * the real ones.
   */
  numParameters(): number {
    let n = 0;
    for (const [, t] of this.ownParameters()) n += t.size;
    for (const child of this.children()) n += child.numParameters();
    return n;
  }

  /** Sets training mode (`true`) or evaluation mode on this module and all descendants; returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const t of this.parameters()) t.grad = null;
  }

  /**
   * The parameters and buffers by name (each module's parameters, then its buffers, then its
   * children's, as PyTorch orders them); the tensors are the live ones (copy them to keep a
   * snapshot).
   */
  stateDict(): Record<string, Tensor> {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [path, m] of this.namedModules()) {
      for (const [name, t] of [...m.ownParameters(), ...m.registeredBuffers]) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([path ? `${path}.${name}` : name, t]);
      }
    }
    return Object.fromEntries(out);
  }

  /**
   * Copies values into the parameters and buffers. With `strict` (default) the names must match
   * exactly; shapes and dtypes must always match.
   */
  loadStateDict(state: Record<string, Tensor>, strict = true): void {
    if (state === null || typeof state !== 'object' || Array.isArray(state) || state instanceof Tensor) {
      throw new Error(`loadStateDict: state must be an object of tensors by name (as stateDict() gives), got ${describeValue(state)}`);
    }
    const own = new Map(Object.entries(this.stateDict()));
    if (strict) {
      const missing = [...own.keys()].filter((k) => !(k in state));
      const unexpected = Object.keys(state).filter((k) => !own.has(k));
      if (missing.length > 0 || unexpected.length > 0) {
        const parts = [];
        if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
        if (unexpected.length > 0) parts.push(`unexpected ${unexpected.join(', ')}`);
        throw new Error(`loadStateDict: state does not match the model: ${parts.join('; ')}`);
      }
    }
    for (const [name, t] of Object.entries(state)) {
      const p = own.get(name);
      if (p === undefined) continue;
      if (!(t instanceof Tensor)) throw new Error(`loadStateDict: '${name}' must be a Tensor, got ${describeValue(t)}`);
      if (!shapesEqual(p.shape, t.shape)) {
        throw new Error(`loadStateDict: '${name}' has shape ${shapeStr(t.shape)} in the state but ${shapeStr(p.shape)} in the model`);
      }
      if (p.dtype !== t.dtype) throw new Error(`loadStateDict: '${name}' is ${t.dtype} in the state but ${p.dtype} in the model`);
      p.data.set(t.data);
    }
  }

  /** A one-line description, e.g. `Conv2d(1, 6, kernelSize=5, padding=2)`; `Name()` by default. */
  describe(): string {
    return `${this.constructor.name}()`;
  }

  /**
   * What rebuilds this module from a model file (see `ModuleSpec`), or null for a module that
   * only its own code can build: a custom module is saved through `registerArchitecture`.
   */
  spec(): ModuleSpec | null {
    return null;
  }

  /**
   * The module as a tree, as PyTorch prints it:
   *
   *     Sequential(
   *       (0): Conv2d(1, 6, kernelSize=5, padding=2)
   *       (1): Tanh()
   *     )
   *
   * A module without children prints its `describe()` line.
   */
  toString(): string {
    const children = this.namedChildren();
    if (children.length === 0) return this.describe();
    const lines = children.map(([name, m]) => `  (${name}): ${String(m).split('\n').join('\n  ')}`);
    return `${this.constructor.name}(\n${lines.join('\n')}\n)`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** Called with every module and its forward's result while `observeForwards` runs (null otherwise). */
let observer: ((m: AnyModule, output: unknown) => void) | null = null;

/**
 * Runs `fn`, calling `onForward(module, output)` each time a module's `forward` returns (inner
 * modules first, in the order they ran) — PyTorch's forward hooks, for summaries. While it runs,
 * `Sequential` calls its layers one by one instead of fusing them, so each is seen.
 */
export function observeForwards<T>(fn: () => T, onForward: (m: AnyModule, output: unknown) => void): T {
  const previous = observer;
  observer = onForward;
  try {
    return fn();
  } finally {
    observer = previous;
  }
}

/** Whether `observeForwards` is running (containers then run their layers one by one). */
export function observingForwards(): boolean {
  return observer !== null;
}

/** The modules whose `forward` is running, innermost last (kept only while anomaly detection is on). */
const running: AnyModule[] = [];

/**
 * Runs `fn` as module `m`'s forward: while anomaly detection is on, the ops it records are
 * attributed to `m`'s path in the model (its name in the module whose forward called it, appended
 * to that module's path). `Module` wraps every `forward` in it; a container that computes several
 * layers in one op (`Sequential`'s fused blocks) calls it for the layer it attributes them to.
 */
export function runAsLayer<T>(m: AnyModule, fn: () => T): T {
  if (observer !== null) {
    const out = fn();
    observer(m, out);
    return out;
  }
  if (!isAnomalyEnabled()) return fn();
  const parent = running.length > 0 ? running[running.length - 1] : null;
  running.push(m);
  try {
    return inLayer(() => (parent === null ? '' : (parent.namedChildren().find(([, c]) => c === m)?.[0] ?? m.constructor.name)), fn);
  } finally {
    running.pop();
  }
}

/** The fields every module has for its own bookkeeping, skipped when looking for children. */
const OWN_FIELDS = new Set(['training', 'registeredParameters', 'registeredBuffers', 'registeredChildren']);

function checkName(method: string, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new Error(`${method}: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
  }
}
