/** Functions that create tensors. Shapes are arrays; float32 is the default dtype. */
import { type DType, type TypedArray, allocate, checkDType, dtypeOf } from './dtype.js';
import { type Shape, checkShape, shapeStr, sizeOf } from './shape.js';
import { Generator, defaultGenerator } from './random.js';
import { type NestedArray, Tensor } from './tensor.js';

/** Options of the creation functions. */
export interface TensorOptions {
  /** Element type (default float32, or the typed array's own type). */
  dtype?: DType;
  /** Whether the new leaf tensor requires gradients (default false). */
  requiresGrad?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends TensorOptions {
  /** The seeded generator to draw from (default: the global one, see `manualSeed`). */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`: the same seed gives the same numbers. */
  seed?: number;
}

/** The generator named by `options`: its `generator`, a fresh one for its `seed`, or the global one. */
function generatorOf(options: RandomOptions): Generator {
  if (options.generator !== undefined) return options.generator;
  return options.seed !== undefined ? new Generator(options.seed) : defaultGenerator;
}

function leaf(data: TypedArray, shape: Shape, options: TensorOptions): Tensor {
  return new Tensor(data, shape, options.requiresGrad ?? false);
}

/** Shape of a nested array, checking that it is rectangular. */
function inferShape(value: NestedArray | readonly NestedArray[]): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function flattenInto(value: unknown, shape: number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (typeof value !== 'number') throw new Error(`tensor: expected a number at depth ${dim}, got ${JSON.stringify(value)}`);
    out.push(value);
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[dim]) {
    throw new Error(`tensor: ragged nested array: expected ${shape[dim]} elements at depth ${dim}, shape ${shapeStr(shape)}`);
  }
  for (const item of value) flattenInto(item, shape, dim + 1, out);
}

/** The `dtype` option of a creation function, float32 by default; an unknown one is an error naming `op`. */
function dtypeOption(op: string, options: { dtype?: DType }): DType {
  return options.dtype === undefined ? 'float32' : checkDType(op, options.dtype);
}

/**
 * A tensor from a number, a nested array, or a flat typed array / array with an explicit `shape`.
 * `tensor([[1, 2], [3, 4]])` has shape `[2, 2]`.
 */
export function tensor(
  value: number | NestedArray[] | TypedArray | readonly number[],
  options: TensorOptions & { shape?: Shape } = {},
): Tensor {
  const isTyped = ArrayBuffer.isView(value);
  const dtype = options.dtype === undefined ? (isTyped ? dtypeOf(value as TypedArray) : 'float32') : checkDType('tensor', options.dtype);
  let flat: ArrayLike<number>;
  let shape: Shape;
  if (typeof value === 'number') {
    flat = [value];
    shape = [];
  } else if (isTyped) {
    flat = value as TypedArray;
    shape = [flat.length];
  } else {
    shape = inferShape(value as NestedArray[]);
    const out: number[] = [];
    flattenInto(value, shape as number[], 0, out);
    flat = out;
  }
  if (options.shape !== undefined) {
    checkShape('tensor', options.shape);
    if (sizeOf(options.shape) !== flat.length) {
      throw new Error(`tensor: shape ${shapeStr(options.shape)} needs ${sizeOf(options.shape)} elements, got ${flat.length}`);
    }
    shape = options.shape;
  }
  const data = allocate(dtype, flat.length);
  data.set(flat);
  return leaf(data, shape, options);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  checkShape('full', shape);
  const data = allocate(dtypeOption('full', options), sizeOf(shape));
  data.fill(value);
  return leaf(data, shape, options);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  checkShape('zeros', shape);
  return leaf(allocate(dtypeOption('zeros', options), sizeOf(shape)), shape, options);
}

/** A tensor of ones. */
export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Zeros with the shape (and by default dtype) of `t`. */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}

/** Ones with the shape (and by default dtype) of `t`. */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...options });
}

/** Samples of the standard normal distribution N(0, 1), from a seeded generator. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  checkShape('randn', shape);
  const g = generatorOf(options);
  const data = allocate(dtypeOption('randn', options), sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return leaf(data, shape, options);
}

/** Samples of the uniform distribution on [low, high) (default [0, 1)), from a seeded generator. */
export function rand(shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  checkShape('rand', shape);
  const g = generatorOf(options);
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  const data = allocate(dtypeOption('rand', options), sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * g.uniform();
  return leaf(data, shape, options);
}

/**
 * `[start, start + step, …]` up to but excluding `end`; `arange(n)` is `[0, 1, …, n − 1]`.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const data = allocate(dtypeOption('arange', options), n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return leaf(data, [n], options);
}
