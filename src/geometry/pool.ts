/**
 * The geometry of max and average pooling (SPEC S8), computed once for every backend: windows
 * overlap when `stride < kernelSize` and tile the input when they are equal (the default). Output
 * sizes follow `poolOutputSize` (output-size.ts).
 */
import { type Shape, shapeStr } from '../tensor/shape.js';
import { type Size2d, checkNonNegativeInt, checkPositiveInt, pair } from './options.js';
import { poolOutputSize } from './output-size.js';

/** Options of `maxPool2d` and `avgPool2d` (PyTorch's names). */
export interface Pool2dOptions {
  /** Window size `k` (required). */
  kernelSize: Size2d;
  /** Step between windows (default: `kernelSize`, non-overlapping). */
  stride?: Size2d;
  /** Implicit padding on both sides (−∞ for max, 0 for average); at most half the window. */
  padding?: Size2d;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Average pooling only: count padded zeros in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/** Everything a backend needs for one pooling: input `[n, c, h, w]`, output `[n, c, hOut, wOut]`. */
export interface PoolGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  hOut: number;
  wOut: number;
  countIncludePad: boolean;
}

/** Validates a pooling's input and options and computes its geometry. `x` is `(N, C, H, W)`. */
export function poolGeometry(op: string, x: Shape, options: Pool2dOptions): PoolGeometry {
  if (x.length !== 4) throw new Error(`${op}: input must have rank 4 (N, C, H, W), got shape ${shapeStr(x)}`);
  if (options.kernelSize === undefined) throw new Error(`${op}: kernelSize is required`);
  const [kh, kw] = pair(op, 'kernelSize', options.kernelSize, 1, 2);
  checkPositiveInt(op, 'kernelSize', kh);
  checkPositiveInt(op, 'kernelSize', kw);
  const [sh, sw] = options.stride === undefined ? [kh, kw] : pair(op, 'stride', options.stride, 1, 2);
  checkPositiveInt(op, 'stride', sh);
  checkPositiveInt(op, 'stride', sw);
  const [ph, pw] = pair(op, 'padding', options.padding, 0, 2);
  checkNonNegativeInt(op, 'padding', ph);
  checkNonNegativeInt(op, 'padding', pw);
  if (2 * ph > kh || 2 * pw > kw) {
    throw new Error(`${op}: padding ${ph}x${pw} must be at most half of kernelSize ${kh}x${kw}`);
  }
  const [h, w] = [x[2], x[3]];
  if (kh > h + 2 * ph || kw > w + 2 * pw) {
    throw new Error(`${op}: kernel ${kh}x${kw} is larger than padded input ${h + 2 * ph}x${w + 2 * pw}`);
  }
  const ceilMode = options.ceilMode ?? false;
  return {
    n: x[0],
    c: x[1],
    h,
    w,
    kh,
    kw,
    strideH: sh,
    strideW: sw,
    padH: ph,
    padW: pw,
    hOut: poolOutputSize(h, kh, sh, ph, ceilMode),
    wOut: poolOutputSize(w, kw, sw, pw, ceilMode),
    countIncludePad: options.countIncludePad ?? true,
  };
}
