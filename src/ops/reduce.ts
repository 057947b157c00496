/**
 * Reductions: `sum`, `mean`, `max`, `min`, `argmax`, `argmin`, `logsumexp`, and `sumTo` (the
 * adjoint of broadcasting).
 */
import { type TypedArray, allocate } from '../tensor/dtype.js';
import { type Shape, normalizeDim, shapeStr, shapesEqual, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import { reshape, expand } from './shape.js';
import { cast, exp, maximum, minimum, mul, sub } from './elementwise.js';
import { axisOf, axisSplit } from './dims.js';
import { checkTensor } from '../tensor/arguments.js';

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
  checkTensor('sum', 'input', x);
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
  checkTensor('mean', 'input', x);
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
  checkTensor('argmax', 'input', x);
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

/**
 * Index of the smallest element along `dim` (of the flattened tensor when omitted), as int32:
 * `torch.argmin`. The first index wins ties; a NaN counts as smaller than every number (its
 * index is returned, as PyTorch does). `(…, n_dim, …) → (…, [1,] …)`.
 */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor('argmin', 'input', x);
  if (dim === undefined) {
    if (x.size === 0) throw new Error(`argmin: cannot reduce an empty tensor of shape ${shapeStr(x.shape)} without a dim`);
    const r = argmin(reshape(x.detach(), [x.size]), 0);
    return keepdim
      ? reshape(
          r,
          x.shape.map(() => 1),
        )
      : r;
  }
  const d = axisOf('argmin', dim, x.shape);
  return extremaAlong('argmin', 'min', x, d, keepdim).indices;
}

/** Values and their int32 indices along a dim, as PyTorch's named tuples (`torch.return_types.max`, …). */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

type Extremum = 'max' | 'min';

/** Whether `v` replaces `best` as the extremum: strictly larger (smaller), or a NaN over a number; a tie keeps the earlier. */
function beats(kind: Extremum, v: number, best: number): boolean {
  if (Number.isNaN(v)) return !Number.isNaN(best);
  return kind === 'max' ? v > best : v < best;
}

/** The extremum along axis `d` and its first index: `(…, n, …) → (…, [1,] …)`. */
function extremaAlong(op: string, kind: Extremum, x: Tensor, d: number, keepdim: boolean): { values: TypedArray; indices: Tensor } {
  const { outer, size, inner } = axisSplit(x.shape, d);
  if (size === 0) throw new Error(`${op}: dimension ${d} of shape ${shapeStr(x.shape)} is empty`);
  const values = allocate(x.dtype, outer * inner);
  const indices = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = 0;
      let bestValue = x.data[base];
      for (let k = 1; k < size; k++) {
        const v = x.data[base + k * inner];
        if (beats(kind, v, bestValue)) {
          best = k;
          bestValue = v;
        }
      }
      values[o * inner + i] = bestValue;
      indices[o * inner + i] = best;
    }
  }
  return { values, indices: new Tensor(indices, reducedShape(x.shape, [d], keepdim)) };
}

/**
 * `g` added into zeros of `shape` along axis `d` at the positions `indices` name:
 * `dx[…, indices[…, j, …], …] += g[…, j, …]`, where g and indices are laid out as `(…, k, …)`
 * around `d` (without that axis when k = 1 and it was not kept). The backward of max, min and topk.
 */
export function scatterAlong(g: Tensor, indices: Int32Array, d: number, shape: Shape): Tensor {
  const { outer, size, inner } = axisSplit(shape, d);
  const k = indices.length / (outer * inner);
  const dx = allocate(g.dtype, sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < inner; i++) {
        const at = (o * k + j) * inner + i;
        dx[(o * size + indices[at]) * inner + i] += g.data[at];
      }
    }
  }
  return new Tensor(dx, shape);
}

function extremum(op: Extremum, x: Tensor, dimOrOther: number | Tensor | undefined, keepdim: boolean): Tensor | ValuesIndices {
  if (dimOrOther instanceof Tensor) return op === 'max' ? maximum(x, dimOrOther) : minimum(x, dimOrOther);
  if (dimOrOther === undefined) {
    if (x.size === 0) throw new Error(`${op}: cannot reduce an empty tensor of shape ${shapeStr(x.shape)} without a dim`);
    let best = x.data[0];
    for (let k = 1; k < x.size; k++) if (beats(op, x.data[k], best)) best = x.data[k];
    const value = allocate(x.dtype, 1);
    value[0] = best;
    return record(new Tensor(value, []), op, [x], (g) => {
      // evenly shared by the elements equal to the result (the NaNs when it is NaN)
      const isBest = (v: number) => v === best || (Number.isNaN(v) && Number.isNaN(best));
      let count = 0;
      for (let k = 0; k < x.size; k++) if (isBest(x.data[k])) count++;
      const dx = allocate(g.dtype, x.size);
      for (let k = 0; k < x.size; k++) if (isBest(x.data[k])) dx[k] = g.data[0] / count;
      return [new Tensor(dx, x.shape)];
    });
  }
  const d = axisOf(op, dimOrOther, x.shape);
  const { values, indices } = extremaAlong(op, op, x, d, keepdim);
  const out = record(new Tensor(values, indices.shape), op, [x], (g) => [scatterAlong(g, indices.data as Int32Array, d, x.shape)]);
  return { values: out, indices };
}

/**
 * `torch.max`, in its three forms:
 * - `max(x)`: the largest element, a scalar; its gradient is shared evenly by the elements equal
 *   to it (as PyTorch).
 * - `max(x, dim, keepdim = false)`: `{ values, indices }` along `dim`, `(…, n, …) → (…, [1,] …)`;
 *   indices are int32 and the gradient flows to the selected element. Ties give the first index,
 *   as torch 1.13 on CPU does.
 * - `max(x, other)`: the elementwise `maximum`.
 *
 * NaN propagates: a slice holding a NaN has maximum NaN, at the index of its first NaN.
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  checkTensor('max', 'input', x);
  return extremum('max', x, dimOrOther, keepdim);
}

/**
 * `torch.min`, in the three forms of `max`: `min(x)` (a scalar), `min(x, dim, keepdim = false)`
 * (`{ values, indices }`, the first index on ties as torch 1.13 on CPU) and `min(x, other)` (the
 * elementwise `minimum`). NaN propagates as in `max`.
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  checkTensor('min', 'input', x);
  return extremum('min', x, dimOrOther, keepdim);
}

/**
 * `log Σ exp(x)` over `dim` (one axis or several), computed stably as PyTorch does:
 * `m + log Σ exp(x − m)` with m the maximum of each slice (0 where it is infinite).
 * `(…, n_dim, …) → (…, [1,] …)`; int32 input gives float32. ∂/∂x = exp(x − logsumexp(x)), the softmax.
 */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  checkTensor('logsumexp', 'input', x);
  if (dim === undefined) throw new Error(`logsumexp: dim is required (got undefined for shape ${shapeStr(x.shape)})`);
  const xf = x.dtype === 'int32' ? cast(x, 'float32') : x;
  for (const d of typeof dim === 'number' ? [dim] : dim) axisOf('logsumexp', d, x.shape);
  const axes = reductionAxes('logsumexp', dim, x.ndim);
  const kept = [...Array(x.ndim).keys()].filter((a) => !axes.includes(a));
  const perm = [...kept, ...axes];
  // (…) -> (kept axes…, reduced axes…): each output element reduces one contiguous group
  let data = xf.data;
  if (perm.some((p, i) => p !== i)) {
    data = allocate(xf.dtype, xf.size);
    backendFor(xf.dtype).permute(xf.data, xf.shape, perm, data);
  }
  const groupSize = sizeOf(axes.map((a) => x.shape[a]));
  const groups = sizeOf(kept.map((a) => x.shape[a]));
  const out = allocate(xf.dtype, groups);
  for (let o = 0; o < groups; o++) {
    let m = -Infinity;
    for (let k = 0; k < groupSize; k++) if (data[o * groupSize + k] > m) m = data[o * groupSize + k];
    if (!Number.isFinite(m)) m = 0;
    let s = 0;
    for (let k = 0; k < groupSize; k++) s += Math.exp(data[o * groupSize + k] - m);
    out[o] = Math.log(s) + m;
  }
  const keptShape = reducedShape(x.shape, axes, true);
  const result = new Tensor(out, reducedShape(x.shape, axes, keepdim));
  return record(result, 'logsumexp', [xf], (g) => [mul(expand(reshape(g, keptShape), x.shape), exp(sub(xf, reshape(result, keptShape))))]);
}
