/**
 * Reference elementwise kernels: one plain loop per formula.
 *
 * NaN as PyTorch (on CPU): relu, leakyRelu, maximum and minimum propagate it (`relu(NaN) = NaN`,
 * `maximum(NaN, 1) = maximum(1, NaN) = NaN`); the relu's gradient at a NaN input passes `dy`
 * through (`x ≤ 0 ? 0 : dy` is false there), the leaky relu's is `slope·dy`.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { type Shape, sizeOf, stridesOf } from '../../tensor/shape.js';
import type { BinaryOp, UnaryOp } from '../backend.js';

function unaryFn(op: UnaryOp, alpha: number): (v: number) => number {
  switch (op) {
    case 'neg':
      return (v) => -v;
    case 'exp':
      return Math.exp;
    case 'log':
      return Math.log;
    case 'sqrt':
      return Math.sqrt;
    case 'abs':
      return Math.abs;
    case 'square':
      return (v) => v * v;
    case 'relu': // S14: max(0, x); NaN stays NaN and −0 stays −0 (PyTorch's clamp_min(x, 0))
      return (v) => (v < 0 ? 0 : v);
    case 'leakyRelu': // S14: max(0, x) + slope·min(0, x)
      return (v) => (v > 0 ? v : alpha * v);
    case 'sigmoid':
      return (v) => 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh;
    case 'powScalar':
      return (v) => Math.pow(v, alpha);
  }
}

/**
 * `dx = dy · f'(x)` written with `x`, `y = f(x)` and `dy`. The relu's is a selection, as PyTorch's
 * `threshold_backward`: `x ≤ 0 ? 0 : dy` (0 even where dy is NaN or ±∞, dy where x is NaN).
 */
function gradientFn(op: UnaryOp, alpha: number): (x: number, y: number, dy: number) => number {
  switch (op) {
    case 'neg':
      return (_x, _y, dy) => dy * -1;
    case 'exp':
      return (_x, y, dy) => dy * y;
    case 'log':
      return (x, _y, dy) => dy * (1 / x);
    case 'sqrt':
      return (_x, y, dy) => dy * (0.5 / y);
    case 'abs':
      return (x, _y, dy) => dy * (x > 0 ? 1 : x < 0 ? -1 : 0);
    case 'square':
      return (x, _y, dy) => dy * (2 * x);
    case 'relu':
      return (x, _y, dy) => (x <= 0 ? 0 : dy);
    case 'leakyRelu': // x > 0 ? dy : slope·dy (a NaN x takes the slope, as PyTorch)
      return (x, _y, dy) => dy * (x > 0 ? 1 : alpha);
    case 'sigmoid':
      return (_x, y, dy) => dy * (y * (1 - y));
    case 'tanh':
      return (_x, y, dy) => dy * (1 - y * y);
    case 'powScalar':
      return (x, _y, dy) => dy * (alpha * Math.pow(x, alpha - 1));
  }
}

/**
 * The gradient of an activation written with its output `a = f(z)`, as `unaryBackward` computes
 * it: `a ≤ 0 ? 0 : dy` (relu: a ≤ 0 exactly where z ≤ 0, and a is NaN where z is),
 * `dy·(1 − a²)` (tanh), `dy·a·(1 − a)` (sigmoid).
 */
export function activationGradient(activation: 'relu' | 'tanh' | 'sigmoid'): (a: number, dy: number) => number {
  const grad = gradientFn(activation, 0);
  return (a, dy) => grad(a, a, dy);
}

/** Backend.unary. */
export function unary(op: UnaryOp, x: TypedArray, out: TypedArray, alpha: number): void {
  const f = unaryFn(op, alpha);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
}

/** Backend.unaryBackward. */
export function unaryBackward(op: UnaryOp, x: TypedArray, y: TypedArray, dy: TypedArray, dx: TypedArray, alpha: number): void {
  const grad = gradientFn(op, alpha);
  for (let i = 0; i < x.length; i++) dx[i] = grad(x[i], y[i], dy[i]);
}

function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add':
      return (a, b) => a + b;
    case 'sub':
      return (a, b) => a - b;
    case 'mul':
      return (a, b) => a * b;
    case 'div':
      return (a, b) => a / b;
    case 'maximum': // NaN if either is NaN (torch.maximum); a on ties
      return (a, b) => (a >= b || Number.isNaN(a) ? a : b);
    case 'minimum':
      return (a, b) => (a <= b || Number.isNaN(a) ? a : b);
    case 'eq':
      return (a, b) => (a === b ? 1 : 0);
    case 'gt':
      return (a, b) => (a > b ? 1 : 0);
    case 'lt':
      return (a, b) => (a < b ? 1 : 0);
  }
}

/** Strides of `shape` aligned to `outShape`'s rank, 0 along broadcast dimensions. */
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => (i < offset || shape[i - offset] === 1 ? 0 : own[i - offset]));
}

/** Backend.binary: broadcasting by walking both operands' strides. */
export function binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  const f = binaryFn(op);
  const size = sizeOf(outShape);
  if (a.length === size && b.length === size) {
    for (let i = 0; i < size; i++) out[i] = f(a[i], b[i]);
    return;
  }
  if (b.length === 1 && a.length === size) {
    const bv = b[0];
    for (let i = 0; i < size; i++) out[i] = f(a[i], bv);
    return;
  }
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const index = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < size; i++) {
    out[i] = f(a[ia], b[ib]);
    // advance the multi-index like an odometer, keeping both flat offsets in step
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      ia += sa[d];
      ib += sb[d];
      if (index[d] < outShape[d]) break;
      ia -= sa[d] * outShape[d];
      ib -= sb[d] * outShape[d];
      index[d] = 0;
    }
  }
}

/** Backend.axpy. */
export function axpy(a: TypedArray, b: TypedArray, alpha: number, out: TypedArray): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] + alpha * b[i];
}
