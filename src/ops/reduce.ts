/** Reductions: `sum`, `mean`, `argmax`, and `sumTo` (the adjoint of broadcasting). */
import { allocate } from '../tensor/dtype.js';
import { type Shape, normalizeDim, shapeStr, shapesEqual, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import { reshape, expand } from './shape.js';

/** Sorted, validated, distinct axes from a `dim` argument (all axes when undefined). */
function reductionAxes(op: string, dim: number | readonly number[] | undefined, rank: number): number[] {
  if (dim === undefined) return [...Array(rank).keys()];
  const dims = typeof dim === 'number' ? [dim] : [...dim];
  const axes = dims.map((d) => normalizeDim(op, d, rank));
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: dim ${JSON.stringify(dim)} repeats an axis`);
  return axes.sort((a, b) => a - b);
}

function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/**
 * Sum over `dim` (one axis, several, or all when omitted). `(…, n_dim, …) → (…, [1,] …)`.
 * The gradient is broadcast back over the summed axes.
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const axes = reductionAxes('sum', dim, x.ndim);
  const keptShape = reducedShape(x.shape, axes, true);
  const dtype = x.dtype;
  const out = allocate(dtype, sizeOf(keptShape));
  backendFor(dtype).sum(x.data, x.shape, axes, out);
  const result = new Tensor(out, reducedShape(x.shape, axes, keepdim));
  return record(result, 'sum', [x], (g) => [expand(reshape(g, keptShape), x.shape)]);
}

/** Mean over `dim` (all elements when omitted): `sum / count`. */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  if (x.dtype === 'int32') throw new Error('mean: input must be a floating-point tensor, got int32');
  const axes = reductionAxes('mean', dim, x.ndim);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  if (count === 0) throw new Error(`mean: cannot average over an empty dimension of shape ${shapeStr(x.shape)}`);
  return sum(x, axes, keepdim).mul(1 / count);
}

/**
 * Sums `g` down to `shape`, undoing a broadcast from `shape` to `g.shape`: leading axes are
 * summed away and axes where `shape` has 1 are summed with keepdim.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes, true), shape);
}

/**
 * Index of the largest element along `dim` (of the flattened tensor when omitted), as int32.
 * The first index wins ties. `(…, n_dim, …) → (…, [1,] …)`.
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) {
    const flat = reshape(x.detach(), [x.size]);
    const r = argmax(flat, 0);
    return keepdim
      ? reshape(
          r,
          x.shape.map(() => 1),
        )
      : r;
  }
  const d = normalizeDim('argmax', dim, x.ndim);
  if (x.shape[d] === 0) throw new Error(`argmax: dimension ${dim} of shape ${shapeStr(x.shape)} is empty`);
  const outer = sizeOf(x.shape.slice(0, d));
  const inner = sizeOf(x.shape.slice(d + 1));
  const out = new Int32Array(outer * inner);
  backendFor(x.dtype).argmax(x.data, { outer, size: x.shape[d], inner }, out);
  return new Tensor(out, reducedShape(x.shape, [d], keepdim));
}
