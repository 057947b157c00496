/**
 * Dimension arguments of the indexing, joining and selection ops: checked against the tensor's
 * shape (the error names the op, the dim and the shape) and made non-negative, and the
 * `outer × size × inner` split of a shape around one axis that their loops walk.
 */
import { type Shape, shapeStr, sizeOf } from '../tensor/shape.js';
import type { AxisSplit } from '../backend/backend.js';

/**
 * `dim` as an axis of a tensor of `shape`, counting from the end when negative (−1 is the last
 * axis). A scalar accepts 0 and −1, as in PyTorch.
 */
export function axisOf(op: string, dim: number, shape: Shape): number {
  const r = Math.max(shape.length, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new Error(`${op}: dim ${dim} is out of range for shape ${shapeStr(shape)} (expected an integer in [${-r}, ${r - 1}])`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Like `axisOf`, for an op that needs at least one dimension (`narrow`, `select`, …). */
export function axisOfNonScalar(op: string, dim: number, shape: Shape): number {
  if (shape.length === 0) throw new Error(`${op}: cannot be applied to a scalar (shape [])`);
  return axisOf(op, dim, shape);
}

/** `shape` split around axis `d`: element `(o, k, i)` lies at `(o·size + k)·inner + i`. */
export function axisSplit(shape: Shape, d: number): AxisSplit {
  return { outer: sizeOf(shape.slice(0, d)), size: shape.length === 0 ? 1 : shape[d], inner: sizeOf(shape.slice(d + 1)) };
}
