/** Reference reductions and data movement. */
import type { TypedArray } from '../../tensor/dtype.js';
import { type Shape, sizeOf, stridesOf } from '../../tensor/shape.js';
import type { AxisSplit } from '../backend.js';

/** Backend.sum (accumulated in float64). */
export function sum(x: TypedArray, xShape: Shape, axes: readonly number[], out: TypedArray): void {
  const rank = xShape.length;
  const outShape = xShape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = stridesOf(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const acc = new Float64Array(out.length);
  const index = new Array<number>(rank).fill(0);
  let o = 0;
  const size = sizeOf(xShape);
  for (let i = 0; i < size; i++) {
    acc[o] += x[i];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      o += outStrides[d];
      if (index[d] < xShape[d]) break;
      o -= outStrides[d] * xShape[d];
      index[d] = 0;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i];
}

/** Backend.argmax (NaN counts as the largest: the first NaN's index, as torch.argmax). */
export function argmax(x: TypedArray, { outer, size, inner }: AxisSplit, out: Int32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = 0;
      let bestValue = x[base];
      for (let k = 1; k < size; k++) {
        const v = x[base + k * inner];
        if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
          best = k;
          bestValue = v;
        }
      }
      out[o * inner + i] = best;
    }
  }
}

/** Backend.permute. */
export function permute(x: TypedArray, xShape: Shape, perm: readonly number[], out: TypedArray): void {
  const rank = xShape.length;
  const inStrides = stridesOf(xShape);
  const outShape = perm.map((p) => xShape[p]);
  const stepIn = perm.map((p) => inStrides[p]); // input offset step for each output axis
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x[src];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      src += stepIn[d];
      if (index[d] < outShape[d]) break;
      src -= stepIn[d] * outShape[d];
      index[d] = 0;
    }
  }
}

/** Backend.logSoftmax (max subtracted first, for stability). */
export function logSoftmax(x: TypedArray, { outer, size, inner }: AxisSplit, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let k = 0; k < size; k++) max = Math.max(max, x[base + k * inner]);
      let s = 0;
      for (let k = 0; k < size; k++) s += Math.exp(x[base + k * inner] - max);
      const logZ = max + Math.log(s);
      for (let k = 0; k < size; k++) out[base + k * inner] = x[base + k * inner] - logZ;
    }
  }
}

/** Backend.logSoftmaxBackward. */
export function logSoftmaxBackward(y: TypedArray, dy: TypedArray, { outer, size, inner }: AxisSplit, dx: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let s = 0;
      for (let k = 0; k < size; k++) s += dy[base + k * inner];
      for (let k = 0; k < size; k++) {
        const j = base + k * inner;
        dx[j] = dy[j] - Math.exp(y[j]) * s;
      }
    }
  }
}
