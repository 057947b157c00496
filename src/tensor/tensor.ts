/**
 * `Tensor`: an n-dimensional array with contiguous row-major storage, and a node of the autograd
 * graph. Methods are thin aliases of the functional ops in `src/ops` (`x.add(y)` is `add(x, y)`)
 * and of the autograd engine (`x.backward()`).
 *
 * Layering: `tensor` is the ground floor, and every other import in `src/` points down the layers
 * (cli → training → data/io → models → nn → optim/ops → autograd → backend → geometry/tensor).
 * These method aliases are the one documented exception: as in PyTorch, where `Tensor.add` is
 * `torch.add`, this file imports the ops and the engine above it, which import `Tensor` back.
 * ES modules allow the cycle because neither side touches the other while it is being
 * evaluated: the ops and the engine use `Tensor` only inside functions.
 */
import { type DType, type TypedArray, allocate, dtypeOf, isFloating } from './dtype.js';
import { type Shape, shapeStr, sizeOf, stridesOf } from './shape.js';
import { type GradFn, runBackward } from '../autograd/engine.js';
import { formatTensor } from './format.js';
import * as ew from '../ops/elementwise.js';
import * as red from '../ops/reduce.js';
import * as sh from '../ops/shape.js';
import { matmul } from '../ops/matmul.js';
import * as act from '../ops/activation.js';
import * as idx from '../ops/indexing.js';
import * as join from '../ops/join.js';
import { clamp } from '../ops/clamp.js';
import { topk } from '../ops/topk.js';

/**
 * The sizes given to a method as varargs or as one array: `x.reshape(2, 3)` and
 * `x.reshape([2, 3])` are the same call, as in PyTorch.
 */
function sizesArg(op: string, args: readonly (number | Shape)[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...args[0]];
  const sizes = args.filter((a): a is number => typeof a === 'number');
  if (sizes.length !== args.length) throw new Error(`${op}: expected sizes as numbers or as one array, got ${JSON.stringify(args)}`);
  return sizes;
}

/** A nested array of numbers, as returned by `toArray()` (a plain number for a scalar). */
export type NestedArray = number | NestedArray[];

/** Options of `backward()`. */
export interface BackwardOptions {
  /** Keep the graph for another backward pass through it (default false: the pass frees it). */
  retainGraph?: boolean;
}

/** An n-dimensional array of float32, float64 or int32 that records how it was computed. */
export class Tensor {
  /**
   * The elements, row-major. Writing to it changes the tensor (and every view of it). A backend
   * may keep a parameter's elements in its own memory (`moveStorage`): then this is a view of it.
   */
  get data(): TypedArray {
    return this.storage;
  }
  private storage: TypedArray;
  readonly shape: readonly number[];
  /** Whether gradients flow to this tensor; set on leaves by the user, on results by ops. */
  requiresGrad: boolean;
  /** `∂L/∂this` accumulated by `backward()`; null until then (and after `zeroGrad()`). */
  grad: Tensor | null = null;
  /** How this tensor was computed; null for a leaf. */
  gradFn: GradFn | null = null;
  /** A non-leaf tensor keeps its gradient too when this is set (`retainGrad()`). */
  retainsGrad = false;

  /**
   * Wraps `data` (not copied) with `shape`. Prefer the creation functions (`tensor`, `zeros`, …).
   */
  constructor(data: TypedArray, shape: Shape, requiresGrad = false) {
    if (sizeOf(shape) !== data.length) {
      throw new Error(`Tensor: shape ${shapeStr(shape)} needs ${sizeOf(shape)} elements, got ${data.length}`);
    }
    this.storage = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = false;
    if (requiresGrad) this.setRequiresGrad(true);
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of elements (PyTorch's name). */
  numel(): number {
    return this.data.length;
  }

  /** Row-major strides of the storage. */
  get strides(): number[] {
    return stridesOf(this.shape);
  }

  /** Whether this tensor was created by the user rather than by an op that records a gradient. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Sets `requiresGrad` (only floating-point leaves can require gradients); returns `this`. */
  setRequiresGrad(flag = true): this {
    if (flag && !isFloating(this.dtype))
      throw new Error(`requiresGrad: only floating-point tensors can require gradients, got ${this.dtype}`);
    if (!flag && this.gradFn !== null) throw new Error('requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps `.grad` on this non-leaf tensor after `backward()`; returns `this`. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /**
   * Computes gradients of this tensor with respect to every leaf that requires one, adding them
   * into the leaves' `.grad`. A scalar needs no `gradient`; otherwise pass `∂L/∂this` (same shape).
   * The pass frees the graph, as PyTorch's does: a second `backward()` through it throws, unless
   * the first was given `{ retainGraph: true }`. `t.backward({ retainGraph: true })` is short for
   * `t.backward(undefined, { retainGraph: true })`.
   */
  backward(gradient?: Tensor | null | BackwardOptions, options: BackwardOptions = {}): void {
    if (gradient !== undefined && gradient !== null && !(gradient instanceof Tensor)) {
      if (typeof gradient !== 'object') throw new Error(`backward: gradient must be a Tensor or omitted, got ${typeof gradient}`);
      return this.backward(undefined, gradient);
    }
    if (!this.requiresGrad) throw new Error('backward: tensor does not require grad and has no grad function');
    let g: Tensor;
    if (gradient === undefined || gradient === null) {
      if (this.size !== 1) {
        throw new Error(`backward: gradient can be implicit only for a scalar output, got shape ${shapeStr(this.shape)}`);
      }
      const one = allocate(this.dtype, 1);
      one[0] = 1;
      g = new Tensor(one, this.shape);
    } else {
      if (gradient.shape.length !== this.shape.length || gradient.shape.some((d, i) => d !== this.shape[i])) {
        throw new Error(`backward: gradient shape ${shapeStr(gradient.shape)} does not match tensor shape ${shapeStr(this.shape)}`);
      }
      g = gradient.to(this.dtype);
    }
    runBackward(this, g, ew.add, options.retainGraph === true);
  }

  /**
   * Moves the elements into `storage` (same dtype and length, e.g. a backend's persistent memory
   * for parameters): copies them there and uses it from now on; returns `this`. Views that shared
   * the old storage (from `detach`, `reshape`) keep the old elements.
   */
  moveStorage(storage: TypedArray): this {
    if (dtypeOf(storage) !== this.dtype || storage.length !== this.storage.length) {
      throw new Error(
        `moveStorage: storage must be ${this.dtype} of ${this.storage.length} elements, got ${dtypeOf(storage)} of ${storage.length}`,
      );
    }
    if (storage !== this.storage) {
      storage.set(this.storage);
      this.storage = storage;
    }
    return this;
  }

  /** Clears `.grad` (sets it to null, as PyTorch's `set_to_none`). */
  zeroGrad(): void {
    this.grad = null;
  }

  /** A tensor sharing this one's storage, cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** A copy with its own storage (gradients flow through it). */
  clone(): Tensor {
    return ew.clone(this);
  }

  /** This tensor converted to `dtype` (itself if it already has it). Differentiable. */
  to(dtype: DType): Tensor {
    return ew.cast(this, dtype);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor of shape ${shapeStr(this.shape)} has ${this.size} elements, not 1`);
    return this.data[0];
  }

  /** The elements as nested arrays following the shape (a number for a scalar). */
  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** The values as PyTorch prints them (`formatTensor`): `tensor([[1.0000, 2.0000], …], requiresGrad=true)`. */
  toString(): string {
    return formatTensor(this);
  }

  /** Node's `util.inspect` (and `console.log`) print the values too. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  // Arithmetic (broadcasting), see ops/elementwise.ts
  add(other: Tensor | number): Tensor {
    return ew.add(this, other);
  }
  sub(other: Tensor | number): Tensor {
    return ew.sub(this, other);
  }
  mul(other: Tensor | number): Tensor {
    return ew.mul(this, other);
  }
  div(other: Tensor | number): Tensor {
    return ew.div(this, other);
  }
  neg(): Tensor {
    return ew.neg(this);
  }
  exp(): Tensor {
    return ew.exp(this);
  }
  log(): Tensor {
    return ew.log(this);
  }
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  abs(): Tensor {
    return ew.abs(this);
  }
  square(): Tensor {
    return ew.square(this);
  }
  pow(exponent: number): Tensor {
    return ew.pow(this, exponent);
  }
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }

  // Reductions, see ops/reduce.ts
  sum(dim?: number | readonly number[], keepdim = false): Tensor {
    return red.sum(this, dim, keepdim);
  }
  mean(dim?: number | readonly number[], keepdim = false): Tensor {
    return red.mean(this, dim, keepdim);
  }
  /** `x.max()`: the largest element; `x.max(dim, keepdim)`: `{ values, indices }`; `x.max(other)`: elementwise. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): red.ValuesIndices;
  max(other: Tensor): Tensor;
  max(dimOrOther?: number | Tensor, keepdim = false): Tensor | red.ValuesIndices {
    if (dimOrOther === undefined) return red.max(this);
    return dimOrOther instanceof Tensor ? red.max(this, dimOrOther) : red.max(this, dimOrOther, keepdim);
  }
  /** `x.min()`: the smallest element; `x.min(dim, keepdim)`: `{ values, indices }`; `x.min(other)`: elementwise. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): red.ValuesIndices;
  min(other: Tensor): Tensor;
  min(dimOrOther?: number | Tensor, keepdim = false): Tensor | red.ValuesIndices {
    if (dimOrOther === undefined) return red.min(this);
    return dimOrOther instanceof Tensor ? red.min(this, dimOrOther) : red.min(this, dimOrOther, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return red.argmax(this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return red.argmin(this, dim, keepdim);
  }
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return red.logsumexp(this, dim, keepdim);
  }
  topk(k: number, dim = -1, largest = true, sorted = true): red.ValuesIndices {
    return topk(this, k, dim, largest, sorted);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return clamp(this, min, max);
  }

  // Shape, see ops/shape.ts; sizes as varargs or one array
  reshape(shape: Shape): Tensor;
  reshape(...shape: number[]): Tensor;
  reshape(...shape: [Shape] | number[]): Tensor {
    return sh.reshape(this, sizesArg('reshape', shape));
  }
  view(shape: Shape): Tensor;
  view(...shape: number[]): Tensor;
  view(...shape: [Shape] | number[]): Tensor {
    return sh.reshape(this, sizesArg('view', shape));
  }
  permute(dims: readonly number[]): Tensor;
  permute(...dims: number[]): Tensor;
  permute(...dims: [readonly number[]] | number[]): Tensor {
    return sh.permute(this, sizesArg('permute', dims));
  }
  expand(sizes: Shape): Tensor;
  expand(...sizes: number[]): Tensor;
  expand(...sizes: [Shape] | number[]): Tensor {
    return sh.expand(this, sizesArg('expand', sizes));
  }
  repeat(sizes: Shape): Tensor;
  repeat(...sizes: number[]): Tensor;
  repeat(...sizes: [Shape] | number[]): Tensor {
    return sh.repeat(this, sizesArg('repeat', sizes));
  }
  transpose(dim0 = 0, dim1 = 1): Tensor {
    return sh.transpose(this, dim0, dim1);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return sh.flatten(this, startDim, endDim);
  }
  squeeze(dim?: number): Tensor {
    return sh.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return sh.unsqueeze(this, dim);
  }

  // Indexing and joining, see ops/indexing.ts and ops/join.ts
  narrow(dim: number, start: number, length: number): Tensor {
    return idx.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return idx.select(this, dim, index);
  }
  /** `x.slice(dim, start, end, step)` is PyTorch's `x[…, start:end:step, …]` on axis `dim`. */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return idx.slice(this, dim, start, end, step);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return idx.indexSelect(this, dim, index);
  }
  maskedFill(mask: Tensor, value: number): Tensor {
    return idx.maskedFill(this, mask, value);
  }
  maskedSelect(mask: Tensor): Tensor {
    return idx.maskedSelect(this, mask);
  }
  /** `x.where(condition, other)` is `where(condition, x, other)`, as PyTorch's `Tensor.where`. */
  where(condition: Tensor, other: Tensor | number): Tensor {
    return idx.where(condition, this, other);
  }
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return join.split(this, splitSizeOrSections, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return join.chunk(this, chunks, dim);
  }

  // Activations, see ops/activation.ts
  relu(): Tensor {
    return act.relu(this);
  }
  sigmoid(): Tensor {
    return act.sigmoid(this);
  }
  tanh(): Tensor {
    return act.tanh(this);
  }
  softmax(dim = -1): Tensor {
    return act.softmax(this, dim);
  }
  logSoftmax(dim = -1): Tensor {
    return act.logSoftmax(this, dim);
  }
}
