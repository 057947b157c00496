/**
 * The reference fused convolution block: the separate kernels run one after another, which is
 * what `Backend.fusedConv2d` and `fusedConv2dBackward` promise to equal.
 *
 *     z = W ⊗ X + b,   a = f(z) (or z),   y = maxPool(a) (or a)
 *     ∂L/∂a = up(∂L/∂y),   ∂L/∂z = ∂L/∂a · f'(a),   then ∂L/∂X, ∂L/∂W, ∂L/∂b from ∂L/∂z
 *
 * The backward pass writes `f'` with y (a at each window's maximum), and recomputes z only where
 * a NaN of a elsewhere could show (`mustFindNaNs`).
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { ConvGeometry } from '../../geometry/conv.js';
import type { Activation, ConvEpilogue, ConvSubsamplingGrads, SubsamplingStage } from '../backend.js';
import { allFinite, conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { activationGradient, unary } from './elementwise.js';
import { maxPool2d, maxPool2dBackward } from './pool.js';
import { sum } from './reduce.js';
import { subsampling, subsamplingBackward } from './subsampling.js';

/** A zero-filled array of `x`'s element type. */
function zerosLike(x: TypedArray, length: number): TypedArray {
  return x instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/** Backend.fusedConv2d. */
export function fusedConv2d(
  x: TypedArray,
  w: TypedArray,
  bias: TypedArray | null,
  g: ConvGeometry,
  e: ConvEpilogue,
  out: TypedArray,
  argmax: Int32Array | null,
): void {
  const z = e.pool ? zerosLike(out, g.n * g.cOut * g.hOut * g.wOut) : out;
  conv2d(x, w, bias, g, z);
  if (e.activation !== 'none') unary(e.activation, z, z, 0);
  if (e.pool) {
    if (argmax === null) throw new Error('fusedConv2d: a pooled block needs an argmax array');
    maxPool2d(z, e.pool, out, argmax);
  }
}

/**
 * `∂L/∂z` from `∂L/∂y`: routed to the maxima, then through `f'`, in the order of
 * `maxPool2dBackward` then `unaryBackward(f)` (so the result is theirs, bit for bit). The
 * gradient is written with `a = f(z)`, which at a window's maximum is the window's output:
 * `a_{argmax_o} = y_o`. Positions that are no window's maximum get `grad(a, 0) = 0`.
 */
function blockDeltas(y: TypedArray, argmax: Int32Array | null, dy: TypedArray, g: ConvGeometry, e: ConvEpilogue): TypedArray {
  const { pool } = e;
  const grad = e.activation === 'none' ? null : activationGradient(e.activation);
  if (pool === null) {
    if (grad === null) return dy;
    const dz = zerosLike(dy, dy.length);
    for (let i = 0; i < dy.length; i++) dz[i] = grad(y[i], dy[i]);
    return dz;
  }
  if (argmax === null) throw new Error('fusedConv2dBackward: a pooled block needs its argmax array');
  const da = zerosLike(dy, g.n * g.cOut * g.hOut * g.wOut);
  maxPool2dBackward(dy, argmax, pool, da);
  if (grad === null) return da;
  // a position that is the maximum of several (overlapping) windows goes through f' once
  const dz = zerosLike(dy, da.length);
  const per = pool.hOut * pool.wOut;
  const plane = pool.h * pool.w;
  for (let o = 0; o < dy.length; o++) {
    const at = Math.floor(o / per) * plane + argmax[o];
    dz[at] = grad(y[o], da[at]);
  }
  return dz;
}

/**
 * Whether a pooled tanh or sigmoid block's backward pass must look for NaN in a away from the
 * windows' maxima: possible only where x, w or the bias (when given; taken as finite when not)
 * hold a NaN or ±∞. There the separate kernels give `0·f'(NaN) = NaN`, which y and argmax do not
 * show (the relu's gradient selects 0 there, and without pooling every position's a is y).
 */
export function mustFindNaNs(x: TypedArray, w: TypedArray, bias: TypedArray | null | undefined, e: ConvEpilogue): boolean {
  if (e.pool === null || (e.activation !== 'tanh' && e.activation !== 'sigmoid')) return false;
  return !allFinite(x) || !allFinite(w) || (bias !== undefined && bias !== null && !allFinite(bias));
}

/** Backend.fusedConv2dBackward. */
export function fusedConv2dBackward(
  x: TypedArray,
  w: TypedArray,
  y: TypedArray,
  argmax: Int32Array | null,
  dy: TypedArray,
  g: ConvGeometry,
  e: ConvEpilogue,
  dx: TypedArray | null,
  dw: TypedArray | null,
  db: TypedArray | null,
  _dxZeroed?: boolean,
  bias?: TypedArray | null,
): void {
  const dz = blockDeltas(y, argmax, dy, g, e);
  if (mustFindNaNs(x, w, bias, e)) {
    // z again (its NaN are a's): 0·f'(NaN) = NaN where a is NaN, as unaryBackward over the whole map
    const z = zerosLike(dy, dz.length);
    conv2d(x, w, bias ?? null, g, z);
    for (let i = 0; i < z.length; i++) if (Number.isNaN(z[i])) dz[i] = NaN;
  }
  if (db !== null) sum(dz, [g.n, g.cOut, g.hOut * g.wOut], [0, 2], db);
  if (dw !== null) conv2dBackwardWeight(x, dz, g, dw);
  if (dx !== null) conv2dBackwardInput(dz, w, g, dx);
}

/** Backend.convSubsampling: the convolution, the activation and the subsampling, one after another. */
export function convSubsampling(
  x: TypedArray,
  w: TypedArray,
  bias: TypedArray | null,
  g: ConvGeometry,
  activation: Activation,
  s: SubsamplingStage,
  out: TypedArray,
  a: TypedArray,
  pooled: TypedArray,
  argmax: Int32Array | null,
): void {
  conv2d(x, w, bias, g, a);
  if (activation !== 'none') unary(activation, a, a, 0);
  subsampling(a, s.weight, s.bias, s.g, s.spec, out, pooled, argmax);
}

/** Backend.convSubsamplingBackward: the subsampling's backward, the activation's, the convolution's. */
export function convSubsamplingBackward(
  x: TypedArray,
  w: TypedArray,
  y: TypedArray,
  a: TypedArray,
  pooled: TypedArray,
  argmax: Int32Array | null,
  dy: TypedArray,
  g: ConvGeometry,
  activation: Activation,
  s: SubsamplingStage,
  grads: ConvSubsamplingGrads,
): void {
  const da = zerosLike(a, a.length);
  subsamplingBackward(dy, y, pooled, argmax, s.weight, s.g, s.spec, da, grads.dStageWeight, grads.dStageBias);
  const e: ConvEpilogue = { activation, pool: null };
  fusedConv2dBackward(x, w, a, null, da, g, e, grads.dx, grads.dw, grads.db);
}
