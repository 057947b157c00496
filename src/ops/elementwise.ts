/**
 * Elementwise arithmetic with NumPy/PyTorch broadcasting, each forward beside its backward.
 * A gradient flowing into a broadcast operand is summed back over the broadcast dimensions.
 */
import { type DType, allocate, checkDType, promoteTypes } from '../tensor/dtype.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { sumTo } from './reduce.js';
import { checkTensor, checkTensorOrNumber } from '../tensor/arguments.js';

/** A number becomes a scalar tensor of the other operand's dtype (as PyTorch treats Python scalars). */
function asTensor(v: Tensor | number, like: Tensor): Tensor {
  if (v instanceof Tensor) return v;
  const dtype: DType = like.dtype === 'int32' && !Number.isInteger(v) ? 'float32' : like.dtype;
  const data = allocate(dtype, 1);
  data[0] = v;
  return new Tensor(data, []);
}

function binaryForward(name: string, op: BinaryOp, a: Tensor, b: Tensor, dtype?: DType): Tensor {
  const shape = broadcastShapes(name, a.shape, b.shape);
  const outDtype = dtype ?? promoteTypes(a.dtype, b.dtype);
  const out = allocate(outDtype, sizeOf(shape));
  // int32 operands of a float op are read as floats: the ref backend handles mixed arrays
  backendFor(outDtype).binary(op, a.data, a.shape, b.data, b.shape, out, shape);
  return new Tensor(out, shape);
}

/** `a + b` (broadcasting). ∂/∂a = 1, ∂/∂b = 1. */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = operands('add', a, b);
  const out = binaryForward('add', 'add', x, y);
  return record(out, 'add', [x, y], (g) => [sumTo(g, x.shape), sumTo(g, y.shape)]);
}

/** `a − b` (broadcasting). */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = operands('sub', a, b);
  const out = binaryForward('sub', 'sub', x, y);
  return record(out, 'sub', [x, y], (g) => [sumTo(g, x.shape), sumTo(neg(g), y.shape)]);
}

/** `a ⊙ b` (broadcasting). ∂/∂a = b, ∂/∂b = a. */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = operands('mul', a, b);
  const out = binaryForward('mul', 'mul', x, y);
  return record(out, 'mul', [x, y], (g) => [
    x.requiresGrad ? sumTo(mul(g, y), x.shape) : null,
    y.requiresGrad ? sumTo(mul(g, x), y.shape) : null,
  ]);
}

/** `a / b` (broadcasting; integer operands give a float result). ∂/∂a = 1/b, ∂/∂b = −a/b². */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = operands('div', a, b);
  const dtype = promoteTypes(promoteTypes(x.dtype, y.dtype), 'float32');
  const out = binaryForward('div', 'div', x, y, dtype);
  return record(out, 'div', [x, y], (g) => [
    x.requiresGrad ? sumTo(div(g, y), x.shape) : null,
    y.requiresGrad ? sumTo(neg(div(mul(g, out), y)), y.shape) : null,
  ]);
}

/**
 * Elementwise maximum (broadcasting), NaN where either operand is NaN (`torch.maximum`). The
 * gradient is PyTorch's: all of it to the larger operand, half to each on a tie, and all of it to
 * both where either is NaN (no comparison holds there):
 * `∂/∂a = a < b ? 0 : a = b ? g/2 : g`, `∂/∂b = a > b ? 0 : a = b ? g/2 : g`.
 */
export function maximum(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = operands('maximum', a, b);
  const out = binaryForward('maximum', 'maximum', x, y);
  return record(out, 'maximum', [x, y], (g) => {
    const [lt, eq, gt] = [compare('maximum', 'lt', x, y), compare('maximum', 'eq', x, y), compare('maximum', 'gt', x, y)];
    return [sumTo(shareOf(g, lt, eq), x.shape), sumTo(shareOf(g, gt, eq), y.shape)];
  });
}

/**
 * Elementwise minimum (broadcasting), NaN where either operand is NaN (`torch.minimum`); the
 * gradient as `maximum`'s with the comparisons swapped:
 * `∂/∂a = a > b ? 0 : a = b ? g/2 : g`, `∂/∂b = a < b ? 0 : a = b ? g/2 : g`.
 */
export function minimum(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = operands('minimum', a, b);
  const out = binaryForward('minimum', 'minimum', x, y);
  return record(out, 'minimum', [x, y], (g) => {
    const [lt, eq, gt] = [compare('minimum', 'lt', x, y), compare('minimum', 'eq', x, y), compare('minimum', 'gt', x, y)];
    return [sumTo(shareOf(g, gt, eq), x.shape), sumTo(shareOf(g, lt, eq), y.shape)];
  });
}

/**
 * An operand's share of the gradient `g` of maximum or minimum (all three in the output's shape):
 * `lost ? 0 : tie ? g/2 : g`. A selection, as PyTorch's `masked_fill`: the operand that lost gets
 * exactly 0 even where g is NaN or ±∞.
 */
function shareOf(g: Tensor, lost: Tensor, tie: Tensor): Tensor {
  const share = allocate(g.dtype, g.size);
  for (let i = 0; i < g.size; i++) share[i] = lost.data[i] === 1 ? 0 : tie.data[i] === 1 ? g.data[i] / 2 : g.data[i];
  return new Tensor(share, g.shape);
}

/** 1 where `a op b` holds, else 0; never carries a gradient. */
function compare(name: string, op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  return binaryForward(name, op, a, b);
}

/** 1 where `a = b`, else 0 (broadcasting, no gradient). */
export function eq(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = operands('eq', a, b);
  return compare('eq', 'eq', x, y);
}

/** 1 where `a > b`, else 0 (broadcasting, no gradient). */
export function gt(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = operands('gt', a, b);
  return compare('gt', 'gt', x, y);
}

/** 1 where `a < b`, else 0 (broadcasting, no gradient). */
export function lt(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = operands('lt', a, b);
  return compare('lt', 'lt', x, y);
}

function operands(op: string, a: Tensor | number, b: Tensor | number): [Tensor, Tensor] {
  checkTensorOrNumber(op, 'input', a);
  checkTensorOrNumber(op, 'other', b);
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new Error(`${op}: at least one operand must be a Tensor, got ${a} and ${b}`);
  const x = a instanceof Tensor ? a : asTensor(a, b as Tensor);
  const y = b instanceof Tensor ? b : asTensor(b, x);
  return [x, y];
}

/**
 * Applies an elementwise function through the backend and records its derivative
 * `dx = dy · f'(x)` (computed by the backend from x and y = f(x)).
 */
export function unaryOp(name: string, op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  checkTensor(name, 'input', x);
  const dtype = x.dtype === 'int32' ? 'float32' : x.dtype;
  const out = allocate(dtype, x.size);
  const backend = backendFor(dtype);
  backend.unary(op, x.data, out, alpha);
  const y = new Tensor(out, x.shape);
  return record(y, name, [x], (g) => {
    const dx = allocate(dtype, x.size);
    backendFor(dtype).unaryBackward(op, x.data, y.data, g.data, dx, alpha);
    return [new Tensor(dx, x.shape)];
  });
}

/** `−x`. */
export function neg(x: Tensor): Tensor {
  return unaryOp('neg', 'neg', x);
}
/** `eˣ`. */
export function exp(x: Tensor): Tensor {
  return unaryOp('exp', 'exp', x);
}
/** Natural logarithm. */
export function log(x: Tensor): Tensor {
  return unaryOp('log', 'log', x);
}
/** `√x`. */
export function sqrt(x: Tensor): Tensor {
  return unaryOp('sqrt', 'sqrt', x);
}
/** `|x|` (gradient 0 at 0). */
export function abs(x: Tensor): Tensor {
  return unaryOp('abs', 'abs', x);
}
/** `x²`. */
export function square(x: Tensor): Tensor {
  return unaryOp('square', 'square', x);
}
/** `x^p` for a number `p`. ∂/∂x = p·x^(p−1). */
export function pow(x: Tensor, exponent: number): Tensor {
  if (typeof exponent !== 'number' || !Number.isFinite(exponent)) throw new Error(`pow: exponent must be a finite number, got ${exponent}`);
  return unaryOp('pow', 'powScalar', x, exponent);
}

/** A copy with its own storage; the gradient passes through unchanged. */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', 'input', x);
  const out = new Tensor(x.data.slice(), x.shape);
  return record(out, 'clone', [x], (g) => [g]);
}

/** `x` converted to `dtype` (x itself when it has it already); the gradient is converted back. */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', 'input', x);
  checkDType('cast', dtype);
  if (x.dtype === dtype) return x;
  const data = allocate(dtype, x.size);
  data.set(x.data);
  const out = new Tensor(data, x.shape);
  if (dtype === 'int32') return out;
  return record(out, 'cast', [x], (g) => [cast(g, x.dtype)]);
}

/** Whether two tensors have the same shape and all elements within `atol + rtol·|b|`. */
export function allClose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
  checkTensor('allClose', 'input', a);
  checkTensor('allClose', 'other', b);
  if (!shapesEqual(a.shape, b.shape)) return false;
  for (let i = 0; i < a.size; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (!(d <= atol + rtol * Math.abs(b.data[i]))) return false;
  }
  return true;
}
