/**
 * Convolution: cross-correlation (`conv1d`, `conv2d`, S1) and true convolution (`convolve1d`,
 * `convolve2d`, S2), with stride, padding, dilation and groups (S3, S19), and their gradients
 * (S5, S11). Shapes, in PyTorch's layout:
 *
 *     input  (N, Cin, H, W)        weight (Cout, Cin/groups, m, n)      bias (Cout)
 *     output (N, Cout, H_out, W_out)
 *
 * with H_out and W_out given by `convOutputSize` (src/geometry/output-size.ts, where the formula
 * is written). 1-D forms drop H (and m); an input without the batch axis is accepted too.
 */
import { allocate } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import { type Conv1dOptions, type Conv2dOptions, type ConvGeometry, checkUnbatchedChannels, convGeometry } from '../geometry/conv.js';
import { flip, reshape } from './shape.js';
import { withBatch } from './batch.js';
import { sum } from './reduce.js';
import { checkOptionalTensor, checkOptions, checkTensor } from '../tensor/arguments.js';

/** Checks that bias is `(cOut)` and all operands share one dtype. */
export function checkConvTensors(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, cOut: number): void {
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && t.dtype !== x.dtype) throw new Error(`${op}: ${name} dtype ${t.dtype} differs from input dtype ${x.dtype}`);
  }
  if (x.dtype === 'int32') throw new Error(`${op}: input must be a floating-point tensor, got int32`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cOut)) {
    throw new Error(`${op}: bias must have shape [${cOut}] (one per output channel), got ${shapeStr(bias.shape)}`);
  }
}

/** Sum of a gradient `(N, C, …)` over every axis but the channel one: the bias gradient `(C)` (S11). */
export function channelSum(g: Tensor): Tensor {
  return sum(reshape(g, [g.shape[0], g.shape[1], -1]), [0, 2]); // (N,C,…) -> (N,C,L) -> (C)
}

/**
 * The convolution `Y = W ⊗ X + b` for a computed geometry, with its backward pass (S5):
 * `∂L/∂X = rot180(W) ⊗̃ ∂L/∂Y` (backend `conv2dBackwardInput`), `∂L/∂W = ∂L/∂Y ⊗ X`
 * (`conv2dBackwardWeight`), `∂L/∂b = Σ ∂L/∂Y`. `outShape` is the output's shape.
 */
export function convWithGeometry(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, g: ConvGeometry, outShape: number[]): Tensor {
  const dtype = x.dtype;
  const out = allocate(dtype, g.n * g.cOut * g.hOut * g.wOut);
  backendFor(dtype).conv2d(x.data, weight.data, bias?.data ?? null, g, out);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(new Tensor(out, outShape), op, inputs, (dy) => {
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    if (x.requiresGrad) {
      const d = allocate(dtype, x.size);
      backendFor(dtype).conv2dBackwardInput(dy.data, weight.data, g, d, true);
      dx = new Tensor(d, x.shape);
    }
    if (weight.requiresGrad) {
      const d = allocate(dtype, weight.size);
      backendFor(dtype).conv2dBackwardWeight(x.data, dy.data, g, d);
      dw = new Tensor(d, weight.shape);
    }
    return bias ? [dx, dw, bias.requiresGrad ? channelSum(dy) : null] : [dx, dw];
  });
}

/** Cross-correlation of rank `spatial` under the name `op` (used in its error messages). */
export function convNd(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: Conv2dOptions | Conv1dOptions,
  spatial: 1 | 2,
): Tensor {
  checkOptions(op, options, ['stride', 'padding', 'dilation', 'groups']);
  checkUnbatchedChannels(op, x.shape, weight.shape, options.groups ?? 1, spatial, false);
  return withBatch(x, spatial + 1, (xb) => {
    const g = convGeometry(op, xb.shape, weight.shape, options, spatial);
    checkConvTensors(op, xb, weight, bias, g.cOut);
    const outShape = spatial === 1 ? [g.n, g.cOut, g.wOut] : [g.n, g.cOut, g.hOut, g.wOut];
    return convWithGeometry(op, xb, weight, bias ?? null, g, outShape);
  });
}

/**
 * 2-D cross-correlation, what deep-learning libraries call convolution (S1, S6):
 * `Z^p = Σ_d W^{p,d} ⊗ X^d + b^p`.
 *
 * @param x `(N, Cin, H, W)` or `(Cin, H, W)`
 * @param weight `(Cout, Cin/groups, m, n)`
 * @param bias `(Cout)` or omitted
 * @returns `(N, Cout, H_out, W_out)`, each size by `convOutputSize` (src/geometry/output-size.ts)
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  checkTensor('conv2d', 'input', x);
  checkTensor('conv2d', 'weight', weight);
  checkOptionalTensor('conv2d', 'bias', bias);
  return convNd('conv2d', x, weight, bias, options, 2);
}

/**
 * 1-D cross-correlation `y_i = Σ_u w_u · x_{i·s + u·d − p}` per output channel.
 *
 * @param x `(N, Cin, L)` or `(Cin, L)`; weight `(Cout, Cin/groups, m)`; bias `(Cout)`
 * @returns `(N, Cout, L_out)`, `L_out` by `convOutputSize` (src/geometry/output-size.ts)
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  checkTensor('conv1d', 'input', x);
  checkTensor('conv1d', 'weight', weight);
  checkOptionalTensor('conv1d', 'bias', bias);
  return convNd('conv1d', x, weight, bias, options, 1);
}

/**
 * The kernel rotated by 180°: both spatial axes (the last two; the last one for a 1-D kernel
 * given as rank ≤ 1 or 3) reversed. `rot180(W)[…, u, v] = W[…, m−1−u, n−1−v]` (S2).
 */
export function rot180(w: Tensor): Tensor {
  checkTensor('rot180', 'weight', w);
  if (w.ndim === 0) throw new Error('rot180: tensor must have rank ≥ 1, got a scalar');
  const dims = w.ndim === 1 || w.ndim === 3 ? [w.ndim - 1] : [w.ndim - 2, w.ndim - 1];
  return flip(w, dims);
}

/**
 * 2-D true convolution (S2): `y_ij = Σ_u Σ_v w_uv · x_{i−u+1, j−v+1}`, i.e. cross-correlation
 * with the kernel rotated by 180°: `convolve2d(x, w) = conv2d(x, rot180(w))`. Same shapes and
 * options as `conv2d`; `padding: 'full'` gives the wide convolution `⊗̃` of the notes.
 */
export function convolve2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  checkTensor('convolve2d', 'input', x);
  checkTensor('convolve2d', 'weight', weight);
  checkOptionalTensor('convolve2d', 'bias', bias);
  if (weight.ndim !== 4)
    throw new Error(`convolve2d: weight must have rank 4 (Cout, Cin/groups, m, n), got shape ${shapeStr(weight.shape)}`);
  return convNd('convolve2d', x, flip(weight, [2, 3]), bias, options, 2);
}

/** 1-D true convolution: `convolve1d(x, w) = conv1d(x, rot180(w))`. Same shapes and options as `conv1d`. */
export function convolve1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  checkTensor('convolve1d', 'input', x);
  checkTensor('convolve1d', 'weight', weight);
  checkOptionalTensor('convolve1d', 'bias', bias);
  if (weight.ndim !== 3) throw new Error(`convolve1d: weight must have rank 3 (Cout, Cin/groups, m), got shape ${shapeStr(weight.shape)}`);
  return convNd('convolve1d', x, flip(weight, [2]), bias, options, 1);
}
