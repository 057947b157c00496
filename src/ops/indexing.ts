/**
 * Indexing and slicing: `narrow`, `select`, `slice` (PyTorch's `x[a:b:c]` on one axis),
 * `indexSelect`, and the masks `where`, `maskedFill`, `maskedSelect`. Every result is a copy
 * (storage is always contiguous); each gradient is added back to the positions that were read,
 * so an index that repeats accumulates.
 *
 * A condition or mask is a tensor of any dtype whose nonzero elements mean true (there is no
 * bool dtype; `gt`, `lt` and `eq` give 1 and 0).
 */
import { type DType, allocate, promoteTypes } from '../tensor/dtype.js';
import { type Shape, broadcastShapes, shapeStr, shapesEqual, sizeOf, stridesOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { axisOfNonScalar, axisSplit } from './dims.js';
import { reshape } from './shape.js';
import { sumTo } from './reduce.js';
import { checkTensor, checkTensorOrNumber } from '../tensor/arguments.js';

/**
 * The slices of `x` at `index` along axis `d`: `out[…, j, …] = x[…, index[j], …]`, or `fill`
 * where `index[j]` is −1. `(…, n, …) → (…, index.length, …)`. The gradient of each slice is added
 * back where it was read. The building block of narrow, select, slice, indexSelect, pad and repeat;
 * `index` must already be checked against `x.shape[d]`.
 */
export function gatherAxis(op: string, x: Tensor, d: number, index: Int32Array, fill = 0): Tensor {
  const { outer, size, inner } = axisSplit(x.shape, d);
  const m = index.length;
  const shape = [...x.shape];
  shape[d] = m;
  const out = allocate(x.dtype, outer * m * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const at = (o * m + j) * inner;
      const k = index[j];
      if (k < 0) out.fill(fill, at, at + inner);
      else out.set(x.data.subarray((o * size + k) * inner, (o * size + k + 1) * inner), at);
    }
  }
  return record(new Tensor(out, shape), op, [x], (g) => {
    // dx[o, index[j], i] += g[o, j, i]
    const dx = allocate(g.dtype, x.size);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const k = index[j];
        if (k < 0) continue;
        const from = (o * m + j) * inner;
        const to = (o * size + k) * inner;
        for (let i = 0; i < inner; i++) dx[to + i] += g.data[from + i];
      }
    }
    return [new Tensor(dx, x.shape)];
  });
}

/** `[start, start + 1, …, start + length − 1]` as an index. */
function range(start: number, length: number, step = 1): Int32Array {
  const index = new Int32Array(length);
  for (let j = 0; j < length; j++) index[j] = start + j * step;
  return index;
}

function checkInteger(op: string, name: string, value: number): void {
  if (!Number.isInteger(value)) throw new Error(`${op}: ${name} must be an integer, got ${value}`);
}

/**
 * `length` consecutive slices of `x` along `dim` from `start` (negative counts from the end), as
 * `torch.narrow`: `(…, n, …) → (…, length, …)`, `out[…, j, …] = x[…, start + j, …]`.
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', 'input', x);
  const d = axisOfNonScalar('narrow', dim, x.shape);
  const n = x.shape[d];
  checkInteger('narrow', 'start', start);
  checkInteger('narrow', 'length', length);
  if (start < -n || start > n) {
    throw new Error(`narrow: start ${start} is out of range for size ${n} of dim ${dim} (shape ${shapeStr(x.shape)})`);
  }
  const s = start < 0 ? start + n : start;
  if (length < 0 || s + length > n) {
    throw new Error(`narrow: start ${start} + length ${length} exceeds size ${n} of dim ${dim} (shape ${shapeStr(x.shape)})`);
  }
  if (s === 0 && length === n) return x;
  return gatherAxis('narrow', x, d, range(s, length));
}

/**
 * The slice of `x` at `index` along `dim`, which is removed: `x.select(1, i)` is `x[:, i]`.
 * `(…, n, …) → (…, …)`; a negative index counts from the end.
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor('select', 'input', x);
  const d = axisOfNonScalar('select', dim, x.shape);
  const n = x.shape[d];
  checkInteger('select', 'index', index);
  if (index < -n || index >= n) {
    throw new Error(`select: index ${index} is out of range for size ${n} of dim ${dim} (shape ${shapeStr(x.shape)})`);
  }
  const picked = gatherAxis('select', x, d, range(index < 0 ? index + n : index, 1));
  return reshape(
    picked,
    x.shape.filter((_, i) => i !== d),
  );
}

/**
 * PyTorch's `x[start:end:step]` on axis `dim` (the other axes whole): `(…, n, …) → (…, m, …)`
 * with `m = max(0, ⌈(end − start)/step⌉)` after Python's rules: a negative start or end counts
 * from the end, and both are then clamped to `[0, n]`. `start` defaults to 0, `end` to `n`;
 * `step` must be positive (as in PyTorch).
 */
export function slice(x: Tensor, dim: number, start?: number, end?: number, step = 1): Tensor {
  checkTensor('slice', 'input', x);
  const d = axisOfNonScalar('slice', dim, x.shape);
  const n = x.shape[d];
  if (!Number.isInteger(step) || step <= 0) throw new Error(`slice: step must be a positive integer, got ${step}`);
  const bound = (v: number | undefined, name: string, byDefault: number): number => {
    if (v === undefined) return byDefault;
    checkInteger('slice', name, v);
    return Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  };
  const s = bound(start, 'start', 0);
  const e = bound(end, 'end', n);
  const m = Math.max(0, Math.ceil((e - s) / step));
  if (step === 1 && s === 0 && e === n) return x;
  return gatherAxis('slice', x, d, range(s, m, step));
}

/**
 * The slices of `x` along `dim` at the positions in `index` (an int32 vector, or a scalar, as
 * `torch.index_select`): `(…, n, …) → (…, k, …)` for k indices, `out[…, j, …] = x[…, index[j], …]`.
 * Indices may repeat; their gradients then add up. Each must lie in `[0, n)`.
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('indexSelect', 'input', x);
  checkTensor('indexSelect', 'index', index);
  if (index.dtype !== 'int32') throw new Error(`indexSelect: index must be an int32 tensor, got ${index.dtype}`);
  if (index.ndim > 1) throw new Error(`indexSelect: index must be a vector (rank 0 or 1), got shape ${shapeStr(index.shape)}`);
  const d = axisOfNonScalar('indexSelect', dim, x.shape);
  const n = x.shape[d];
  for (let j = 0; j < index.size; j++) {
    const k = index.data[j];
    if (k < 0 || k >= n) {
      throw new Error(
        `indexSelect: index ${k} at position ${j} is out of range for size ${n} of dim ${dim} (shape ${shapeStr(x.shape)}); expected [0, ${n - 1}]`,
      );
    }
  }
  return gatherAxis('indexSelect', x, d, Int32Array.from(index.data));
}

/**
 * For each element of `to`, the offset of the element of a tensor of shape `from` that
 * broadcasting reads there (`from` must broadcast to `to`).
 */
function broadcastOffsets(from: Shape, to: Shape): Int32Array {
  const rank = to.length;
  const lead = rank - from.length;
  const fromStrides = stridesOf(from);
  const step = to.map((_, a) => (a < lead || from[a - lead] === 1 ? 0 : fromStrides[a - lead]));
  const offsets = new Int32Array(sizeOf(to));
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let k = 0; k < offsets.length; k++) {
    offsets[k] = offset;
    for (let a = rank - 1; a >= 0; a--) {
      index[a]++;
      offset += step[a];
      if (index[a] < to[a]) break;
      offset -= step[a] * to[a];
      index[a] = 0;
    }
  }
  return offsets;
}

/** The mask's truth values broadcast to `shape`: 1 where the element read there is nonzero. */
function truthAt(mask: Tensor, shape: Shape): Uint8Array {
  const offsets = broadcastOffsets(mask.shape, shape);
  const truth = new Uint8Array(offsets.length);
  for (let k = 0; k < truth.length; k++) truth[k] = mask.data[offsets[k]] !== 0 ? 1 : 0;
  return truth;
}

/** A number as a scalar tensor of `dtype` (int32 becomes float32 for a fractional number). */
function scalarLike(v: number, dtype: DType): Tensor {
  const data = allocate(dtype === 'int32' && !Number.isInteger(v) ? 'float32' : dtype, 1);
  data[0] = v;
  return new Tensor(data, []);
}

/**
 * `x` where `condition` is nonzero, else `y`, elementwise with broadcasting, as `torch.where`:
 * the output's shape is the broadcast of all three; its dtype the promotion of `x` and `y` (a
 * number takes the other operand's dtype, float32 if both are numbers or it is fractional
 * and the other int32). ∂/∂x = [condition], ∂/∂y = 1 − [condition], summed over broadcast axes.
 */
export function where(condition: Tensor, x: Tensor | number, y: Tensor | number): Tensor {
  checkTensor('where', 'condition', condition);
  checkTensorOrNumber('where', 'input', x);
  checkTensorOrNumber('where', 'other', y);
  const xt = x instanceof Tensor ? x : scalarLike(x, y instanceof Tensor ? y.dtype : 'float32');
  const yt = y instanceof Tensor ? y : scalarLike(y, xt.dtype);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, xt.shape), yt.shape);
  const dtype = promoteTypes(xt.dtype, yt.dtype);
  const truth = truthAt(condition, shape);
  const xAt = broadcastOffsets(xt.shape, shape);
  const yAt = broadcastOffsets(yt.shape, shape);
  const out = allocate(dtype, truth.length);
  for (let k = 0; k < out.length; k++) out[k] = truth[k] ? xt.data[xAt[k]] : yt.data[yAt[k]];
  return record(new Tensor(out, shape), 'where', [xt, yt], (g) => {
    const gx = allocate(g.dtype, g.size);
    const gy = allocate(g.dtype, g.size);
    for (let k = 0; k < g.size; k++) {
      if (truth[k]) gx[k] = g.data[k];
      else gy[k] = g.data[k];
    }
    return [sumTo(new Tensor(gx, shape), xt.shape), sumTo(new Tensor(gy, shape), yt.shape)];
  });
}

/**
 * `x` with `value` wherever `mask` is nonzero, as `torch.Tensor.masked_fill`; the mask broadcasts
 * to `x`'s shape, which the output keeps. The gradient passes where the mask is zero.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkTensor('maskedFill', 'input', x);
  checkTensor('maskedFill', 'mask', mask);
  if (typeof value !== 'number') throw new Error(`maskedFill: value must be a number, got ${String(value)}`);
  if (x.dtype === 'int32' && !Number.isInteger(value)) throw new Error(`maskedFill: value ${value} cannot be stored in an int32 tensor`);
  const shape = broadcastShapes('maskedFill', x.shape, mask.shape);
  if (!shapesEqual(shape, x.shape)) {
    throw new Error(`maskedFill: mask of shape ${shapeStr(mask.shape)} cannot be broadcast to the input's shape ${shapeStr(x.shape)}`);
  }
  const truth = truthAt(mask, x.shape);
  const out = x.data.slice();
  for (let k = 0; k < out.length; k++) if (truth[k]) out[k] = value;
  return record(new Tensor(out, x.shape), 'maskedFill', [x], (g) => {
    const dx = g.data.slice();
    for (let k = 0; k < dx.length; k++) if (truth[k]) dx[k] = 0;
    return [new Tensor(dx, x.shape)];
  });
}

/**
 * The elements of `x` where `mask` is nonzero, in row-major order, as a vector
 * (`torch.masked_select`): `x` and `mask` broadcast together; `(…) → (count)`. The gradient is
 * scattered back (and summed over the axes along which `x` was broadcast).
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkTensor('maskedSelect', 'input', x);
  checkTensor('maskedSelect', 'mask', mask);
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape);
  const truth = truthAt(mask, shape);
  const xAt = broadcastOffsets(x.shape, shape);
  let count = 0;
  for (let k = 0; k < truth.length; k++) count += truth[k];
  const out = allocate(x.dtype, count);
  for (let k = 0, j = 0; k < truth.length; k++) if (truth[k]) out[j++] = x.data[xAt[k]];
  return record(new Tensor(out, [count]), 'maskedSelect', [x], (g) => {
    const full = allocate(g.dtype, truth.length);
    for (let k = 0, j = 0; k < truth.length; k++) if (truth[k]) full[k] = g.data[j++];
    return [sumTo(new Tensor(full, shape), x.shape)];
  });
}
