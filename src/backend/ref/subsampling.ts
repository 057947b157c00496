/**
 * The reference subsampling kernels (SPEC S9): the separate kernels of the ops that
 * `F.subsampling` stands for, run one after another — which is what `Backend.subsampling` and
 * `subsamplingBackward` promise to equal.
 *
 *     p = pool(x),   z = p·w[c] + b[c],   y = f(z)
 *     ∂L/∂z = ∂L/∂y · f'(y),   ∂L/∂b[c] = Σ ∂L/∂z,   ∂L/∂w[c] = Σ ∂L/∂z·p,   ∂L/∂x = up(∂L/∂z·w[c])
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { PoolGeometry } from '../../geometry/pool.js';
import type { SubsamplingSpec } from '../backend.js';
import { activationGradient, unary } from './elementwise.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';

/** A zero-filled array of `like`'s element type. */
function zerosLike(like: TypedArray, length: number): TypedArray {
  return like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/** Backend.subsampling. */
export function subsampling(
  x: TypedArray,
  w: TypedArray,
  b: TypedArray,
  g: PoolGeometry,
  s: SubsamplingSpec,
  out: TypedArray,
  pooled: TypedArray,
  argmax: Int32Array | null,
): void {
  if (s.pool === 'max') {
    if (argmax === null) throw new Error('subsampling: max pooling needs an argmax array');
    maxPool2d(x, g, pooled, argmax);
  } else avgPool2d(x, g, pooled);
  const plane = g.hOut * g.wOut;
  // two roundings, as the mul and add kernels: z = f32(f32(p·w) + b)
  const product = zerosLike(out, 1);
  for (let i = 0; i < pooled.length; i++) {
    const c = Math.floor(i / plane) % g.c;
    product[0] = pooled[i] * w[c];
    out[i] = product[0] + b[c];
  }
  if (s.activation !== 'none') unary(s.activation, out, out, 0);
}

/** Backend.subsamplingBackward. */
export function subsamplingBackward(
  dy: TypedArray,
  y: TypedArray,
  pooled: TypedArray,
  argmax: Int32Array | null,
  w: TypedArray,
  g: PoolGeometry,
  s: SubsamplingSpec,
  dx: TypedArray | null,
  dw: TypedArray | null,
  db: TypedArray | null,
): void {
  const plane = g.hOut * g.wOut;
  const dz = zerosLike(dy, dy.length);
  const grad = s.activation === 'none' ? null : activationGradient(s.activation);
  for (let i = 0; i < dy.length; i++) dz[i] = grad === null ? dy[i] : grad(y[i], dy[i]);
  // the sums over (n, i, j) in float64, in memory order, as the sum kernel adds them
  const dbSum = new Float64Array(g.c);
  const dwSum = new Float64Array(g.c);
  const product = zerosLike(dy, 1);
  for (let i = 0; i < dz.length; i++) {
    const c = Math.floor(i / plane) % g.c;
    dbSum[c] += dz[i];
    product[0] = dz[i] * pooled[i];
    dwSum[c] += product[0];
  }
  if (db !== null) for (let c = 0; c < g.c; c++) db[c] = dbSum[c];
  if (dw !== null) for (let c = 0; c < g.c; c++) dw[c] = dwSum[c];
  if (dx === null) return;
  const dp = zerosLike(dy, dy.length);
  for (let i = 0; i < dz.length; i++) dp[i] = dz[i] * w[Math.floor(i / plane) % g.c];
  if (s.pool === 'max') {
    if (argmax === null) throw new Error('subsamplingBackward: max pooling needs its argmax array');
    maxPool2dBackward(dp, argmax, g, dx);
  } else avgPool2dBackward(dp, g, dx);
}
