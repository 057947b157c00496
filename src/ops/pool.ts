/**
 * Pooling (SPEC S8) and its backward pass (S10), per channel. Shapes:
 *
 *     input (N, C, H, W) or (C, H, W)  →  output (N, C, H_out, W_out)
 *
 * with H_out and W_out given by `poolOutputSize` (src/geometry/output-size.ts).
 *
 * The backward pass is `up(δ)`: max pooling routes each delta to its window's maximum, average
 * pooling spreads it evenly over the window.
 */
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import { type Pool2dOptions, poolGeometry } from '../geometry/pool.js';
import { withBatch } from './batch.js';
import { mean } from './reduce.js';
import { matmul } from './matmul.js';
import { reshape, transpose } from './shape.js';
import { checkOptions, checkTensor } from '../tensor/arguments.js';
import { type DType, allocate } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { adaptivePoolBin } from '../geometry/output-size.js';

function checkFloat(op: string, x: Tensor): void {
  if (x.dtype === 'int32') throw new Error(`${op}: input must be a floating-point tensor, got int32`);
}

/**
 * Max pooling: `y_{ij} = max_{(u,v) ∈ R_{ij}} x_{uv}` over windows `R_{ij}` of `kernelSize`,
 * moved by `stride` (default `kernelSize`; smaller strides overlap), with −∞ padding. As in
 * PyTorch, a window holding NaN gives NaN, and the gradient goes to its last NaN in row-major
 * order; among equal maxima, to the first.
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  checkOptions('maxPool2d', options, ['kernelSize', 'stride', 'padding', 'ceilMode']);
  checkTensor('maxPool2d', 'input', x);
  checkFloat('maxPool2d', x);
  return withBatch(x, 3, (xb) => {
    const g = poolGeometry('maxPool2d', xb.shape, options);
    const dtype = xb.dtype;
    const out = allocate(dtype, g.n * g.c * g.hOut * g.wOut);
    const argmax = new Int32Array(out.length);
    backendFor(dtype).maxPool2d(xb.data, g, out, argmax);
    return record(new Tensor(out, [g.n, g.c, g.hOut, g.wOut]), 'maxPool2d', [xb], (dy) => {
      const dx = allocate(dtype, xb.size);
      backendFor(dtype).maxPool2dBackward(dy.data, argmax, g, dx, true);
      return [new Tensor(dx, xb.shape)];
    });
  });
}

/**
 * Average pooling: `y_{ij} = (1/|R_{ij}|) Σ_{(u,v) ∈ R_{ij}} x_{uv}`, zero padding; the divisor
 * counts padded positions when `countIncludePad` (default true, as PyTorch).
 */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  checkOptions('avgPool2d', options, ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad']);
  checkTensor('avgPool2d', 'input', x);
  checkFloat('avgPool2d', x);
  return withBatch(x, 3, (xb) => {
    const g = poolGeometry('avgPool2d', xb.shape, options);
    const dtype = xb.dtype;
    const out = allocate(dtype, g.n * g.c * g.hOut * g.wOut);
    backendFor(dtype).avgPool2d(xb.data, g, out);
    return record(new Tensor(out, [g.n, g.c, g.hOut, g.wOut]), 'avgPool2d', [xb], (dy) => {
      const dx = allocate(dtype, xb.size);
      backendFor(dtype).avgPool2dBackward(dy.data, g, dx, true);
      return [new Tensor(dx, xb.shape)];
    });
  });
}

/** Global average pooling: the mean of each channel plane. `(N, C, H, W) → (N, C, 1, 1)`. */
export function globalAvgPool2d(x: Tensor): Tensor {
  checkTensor('globalAvgPool2d', 'input', x);
  checkFloat('globalAvgPool2d', x);
  if (x.ndim !== 4 && x.ndim !== 3)
    throw new Error(`globalAvgPool2d: input must have rank 4 (N, C, H, W) or 3, got shape [${x.shape.join(', ')}]`);
  return mean(x, [-2, -1], true);
}

/** An output size of adaptive pooling: `out` for both, or `[outH, outW]` (null keeps the input's size). */
export type AdaptiveSize2d = number | readonly [number | null, number | null];

/**
 * Adaptive average pooling to a fixed output size, as `torch.nn.functional.adaptive_avg_pool2d`:
 * output bin `(i, j)` is the mean of the input rows `[⌊i·H/outH⌋, ⌈(i+1)·H/outH⌉)` and columns
 * likewise (`adaptivePoolBin`, src/geometry/output-size.ts), so bins overlap where the sizes do not
 * divide. Where they do, it is `avgPool2d` with kernel and stride `H/outH × W/outW`; otherwise, as
 * the bins are separable, `P_h · X · P_wᵀ` with `P[i][u] = 1/|bin i|` on each bin (two matmuls).
 *
 * @param x `(N, C, H, W)` or `(C, H, W)`
 * @returns `(N, C, outH, outW)` or `(C, outH, outW)`
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize2d): Tensor {
  const op = 'adaptiveAvgPool2d';
  checkTensor(op, 'input', x);
  checkFloat(op, x);
  if (x.ndim !== 4 && x.ndim !== 3) throw new Error(`${op}: input must have rank 4 (N, C, H, W) or 3, got shape ${shapeStr(x.shape)}`);
  const sizes = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(sizes) || sizes.length !== 2) {
    throw new Error(`${op}: outputSize must be a number or a pair [outH, outW], got ${JSON.stringify(outputSize)}`);
  }
  return withBatch(x, 3, (xb) => {
    const [n, c, h, w] = xb.shape;
    const [oh, ow] = [sizes[0] ?? h, sizes[1] ?? w];
    for (const size of [oh, ow]) {
      if (!Number.isInteger(size) || size < 1)
        throw new Error(`${op}: outputSize must hold positive integers, got ${JSON.stringify(outputSize)}`);
    }
    if (h % oh === 0 && w % ow === 0) return avgPool2d(xb, { kernelSize: [h / oh, w / ow] });
    const rows = binMatrix(xb.dtype, h, oh); // (outH, H)
    const cols = binMatrix(xb.dtype, w, ow); // (outW, W)
    const planes = reshape(xb, [n * c, h, w]); // (N,C,H,W) -> (N·C,H,W)
    const y = matmul(matmul(rows, planes), transpose(cols, 0, 1)); // (N·C,outH,W) -> (N·C,outH,outW)
    return reshape(y, [n, c, oh, ow]); // (N·C,outH,outW) -> (N,C,outH,outW)
  });
}

/** The `(out, n)` matrix averaging each adaptive bin: `P[i][u] = 1/|bin i|` for u in bin i. */
function binMatrix(dtype: DType, n: number, out: number): Tensor {
  const p = allocate(dtype, out * n);
  for (let i = 0; i < out; i++) {
    const [start, end] = adaptivePoolBin(i, n, out);
    for (let u = start; u < end; u++) p[i * n + u] = 1 / (end - start);
  }
  return new Tensor(p, [out, n]);
}
