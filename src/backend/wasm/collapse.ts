/**
 * Shape collapsing for the strided kernels (binary broadcasting, sum, permute): size-1 axes are
 * dropped and neighbouring axes merged wherever every operand steps through them as through one
 * axis, so that the kernels' innermost loop is as long as possible.
 */
import { type Shape, stridesOf } from '../../tensor/shape.js';

/** Dimensions with one stride per operand (element strides; 0 repeats an element). */
export interface Collapsed {
  dims: number[];
  strides: number[][];
}

/**
 * Collapses `dims` walked with the given per-operand `strides` (each as long as `dims`). Axis
 * `i` merges into axis `i + 1` when `strides[k][i] = strides[k][i + 1] · dims[i + 1]` for every
 * operand. The result has at least one axis.
 */
export function collapse(dims: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let i = 0; i < dims.length; i++) {
    if (dims[i] === 1) continue;
    const last = outDims.length - 1;
    const merges = last >= 0 && strides.every((s, k) => outStrides[k][last] === s[i] * dims[i]);
    if (merges) {
      outDims[last] *= dims[i];
      strides.forEach((s, k) => (outStrides[k][last] = s[i]));
    } else {
      outDims.push(dims[i]);
      strides.forEach((s, k) => outStrides[k].push(s[i]));
    }
  }
  if (outDims.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  return { dims: outDims, strides: outStrides };
}

/** Strides of `shape` aligned to `outShape`'s rank, 0 along broadcast dimensions. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => (i < offset || shape[i - offset] === 1 ? 0 : own[i - offset]));
}
