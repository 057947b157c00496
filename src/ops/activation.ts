/** Activation functions (SPEC S14) and softmax. Each derivative is computed by the backend from x and y. */
import { allocate } from '../tensor/dtype.js';
import { normalizeDim, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import type { AxisSplit } from '../backend/backend.js';
import { exp, unaryOp } from './elementwise.js';
import { checkTensor } from '../tensor/arguments.js';

/**
 * ReLU `max(0, x)` (S14), as PyTorch's: NaN stays NaN (and −0 stays −0). Its gradient is
 * `x ≤ 0 ? 0 : ∂L/∂y`, a selection: 0 for x ≤ 0 even where `∂L/∂y` is NaN, and `∂L/∂y` at a NaN
 * input. Any shape.
 */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', 'input', x);
  return unaryOp('relu', 'relu', x);
}

/**
 * Leaky ReLU `max(0, x) + negativeSlope·min(0, x)` (S14), `x > 0 ? x : slope·x`, so NaN stays
 * NaN; derivative 1 for x > 0, else the slope (at a NaN input too, as PyTorch). Any shape.
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor('leakyRelu', 'input', x);
  if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
    throw new Error(`leakyRelu: negativeSlope must be a finite number, got ${negativeSlope}`);
  }
  return unaryOp('leakyRelu', 'leakyRelu', x, negativeSlope);
}

/** Logistic sigmoid `σ(x) = 1/(1 + e^(−x))`; derivative `σ(x)(1 − σ(x))`. */
export function sigmoid(x: Tensor): Tensor {
  checkTensor('sigmoid', 'input', x);
  return unaryOp('sigmoid', 'sigmoid', x);
}

/** Hyperbolic tangent; derivative `1 − tanh²(x)`. */
export function tanh(x: Tensor): Tensor {
  checkTensor('tanh', 'input', x);
  return unaryOp('tanh', 'tanh', x);
}

function split(op: string, x: Tensor, dim: number): [AxisSplit, number] {
  const d = normalizeDim(op, dim, x.ndim);
  return [{ outer: sizeOf(x.shape.slice(0, d)), size: x.ndim === 0 ? 1 : x.shape[d], inner: sizeOf(x.shape.slice(d + 1)) }, d];
}

/**
 * `log softmax` along `dim`: `y_i = x_i − log Σ_j e^{x_j}`, computed stably. Same shape as x.
 * Gradient `∂L/∂x = ∂L/∂y − softmax(x) · Σ ∂L/∂y`.
 */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  checkTensor('logSoftmax', 'input', x);
  if (x.dtype === 'int32') throw new Error('logSoftmax: input must be a floating-point tensor, got int32');
  const [s] = split('logSoftmax', x, dim);
  const out = allocate(x.dtype, x.size);
  backendFor(x.dtype).logSoftmax(x.data, s, out);
  const y = new Tensor(out, x.shape);
  return record(y, 'logSoftmax', [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    backendFor(x.dtype).logSoftmaxBackward(y.data, g.data, s, dx);
    return [new Tensor(dx, x.shape)];
  });
}

/** `softmax` along `dim`: `y_i = e^{x_i} / Σ_j e^{x_j}` = `exp(logSoftmax(x))`. Same shape as x. */
export function softmax(x: Tensor, dim = -1): Tensor {
  checkTensor('softmax', 'input', x);
  if (x.dtype === 'int32') throw new Error('softmax: input must be a floating-point tensor, got int32');
  split('softmax', x, dim);
  return exp(logSoftmax(x, dim));
}
