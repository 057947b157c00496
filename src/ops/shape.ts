/**
 * Shape ops. Storage is always contiguous: `reshape`/`view` share it, `permute`, `transpose`,
 * `flip` and `expand` copy.
 */
import { allocate } from '../tensor/dtype.js';
import { type Shape, broadcastShapes, checkShape, normalizeDim, shapeStr, shapesEqual, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import { sumTo } from './reduce.js';
import { gatherAxis } from './indexing.js';
import { checkTensor } from '../tensor/arguments.js';

/**
 * The same elements with a new shape of equal size; one entry may be −1 (inferred). Shares
 * storage with `x`.
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  checkTensor('reshape', 'input', x);
  const target = [...shape];
  const infer = target.indexOf(-1);
  if (target.filter((d) => d === -1).length > 1) throw new Error(`reshape: only one dimension can be -1, got ${shapeStr(shape)}`);
  for (const d of target) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) throw new Error(`reshape: invalid shape ${shapeStr(shape)}`);
  }
  if (infer >= 0) {
    const known = target.reduce((n, d, i) => (i === infer ? n : n * d), 1);
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`reshape: shape ${shapeStr(shape)} is invalid for input of size ${x.size} (shape ${shapeStr(x.shape)})`);
    }
    target[infer] = x.size / known;
  }
  if (sizeOf(target) !== x.size) {
    throw new Error(`reshape: shape ${shapeStr(shape)} is invalid for input of size ${x.size} (shape ${shapeStr(x.shape)})`);
  }
  if (shapesEqual(target, x.shape)) return x;
  const out = new Tensor(x.data, target);
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Alias of `reshape` (storage is always contiguous, so every reshape is a view). */
export const view = reshape;

/**
 * `x` repeated along broadcast dimensions to `shape` (a copy), as `torch.Tensor.expand`: axes of
 * size 1 grow, new axes are added in front, and −1 keeps an existing axis's size. The gradient
 * is summed back.
 */
export function expand(x: Tensor, sizes: Shape): Tensor {
  checkTensor('expand', 'input', x);
  const lead = sizes.length - x.ndim;
  if (lead < 0) throw new Error(`expand: shape ${shapeStr(sizes)} has fewer dimensions than the input's ${shapeStr(x.shape)}`);
  const shape = sizes.map((n, i) => {
    if (n !== -1) return n;
    if (i < lead) throw new Error(`expand: -1 is not allowed for the new leading dimension ${i} of ${shapeStr(sizes)}`);
    return x.shape[i - lead];
  });
  checkShape('expand', shape);
  const target = broadcastShapes('expand', x.shape, shape);
  if (!shapesEqual(target, shape)) throw new Error(`expand: shape ${shapeStr(x.shape)} cannot be expanded to ${shapeStr(shape)}`);
  if (shapesEqual(x.shape, shape)) return x;
  const out = allocate(x.dtype, sizeOf(shape));
  const one = allocate(x.dtype, 1);
  one[0] = 1;
  backendFor(x.dtype).binary('mul', x.data, x.shape, one, [], out, shape);
  return record(new Tensor(out, shape), 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

/**
 * `x` tiled `sizes[i]` times along each axis, as `torch.Tensor.repeat`: `sizes` has at least
 * `x.ndim` entries, and extra leading ones add axes. `(n₁, …, n_r) → (s₁·n₁, …, s_r·n_r)` with x's
 * shape padded by leading 1s; `out[j] = x[j mod n]` on each axis. Each input element's gradient
 * is the sum over its copies.
 */
export function repeat(x: Tensor, sizes: Shape): Tensor {
  checkTensor('repeat', 'input', x);
  if (sizes.length < x.ndim) {
    throw new Error(
      `repeat: sizes ${shapeStr(sizes)} must have at least as many entries as the input has dimensions (shape ${shapeStr(x.shape)})`,
    );
  }
  checkShape('repeat', sizes);
  // (n…) -> (1…, n…): one axis per entry of sizes
  let out = reshape(x, [...sizes.slice(x.ndim).map(() => 1), ...x.shape]);
  sizes.forEach((times, d) => {
    if (times === 1) return;
    const n = out.shape[d];
    const index = new Int32Array(n * times);
    for (let j = 0; j < index.length; j++) index[j] = j % n;
    out = gatherAxis('repeat', out, d, index);
  });
  return out;
}

/** Axes reordered: `out.shape[i] = x.shape[dims[i]]`. The gradient is permuted back. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor('permute', 'input', x);
  if (dims.length !== x.ndim)
    throw new Error(`permute: dims ${JSON.stringify(dims)} must list ${x.ndim} axes for shape ${shapeStr(x.shape)}`);
  const perm = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(perm).size !== perm.length) throw new Error(`permute: dims ${JSON.stringify(dims)} repeat an axis`);
  if (perm.every((p, i) => p === i)) return x;
  const shape = perm.map((p) => x.shape[p]);
  const out = allocate(x.dtype, x.size);
  backendFor(x.dtype).permute(x.data, x.shape, perm, out);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record(new Tensor(out, shape), 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps two axes. For a matrix, `transpose(x)` is `xᵀ`. */
export function transpose(x: Tensor, dim0 = 0, dim1 = 1): Tensor {
  checkTensor('transpose', 'input', x);
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  const perm = [...Array(x.ndim).keys()];
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Merges axes `startDim..endDim` into one: `(N, C, H, W) → (N, C·H·W)` for `flatten(x, 1)`. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', 'input', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Removes axis `dim` if it has size 1 (every size-1 axis when omitted). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  checkTensor('squeeze', 'input', x);
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normalizeDim('squeeze', dim, x.ndim);
  if (x.shape[d] !== 1) return x;
  return reshape(
    x,
    x.shape.filter((_, i) => i !== d),
  );
}

/** Inserts an axis of size 1 at `dim`. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', 'input', x);
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Reverses the order of elements along each axis in `dims`. Its own adjoint. */
export function flip(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor('flip', 'input', x);
  const axes = dims.map((d) => normalizeDim('flip', d, x.ndim));
  const out = allocate(x.dtype, x.size);
  const strides = x.strides;
  for (let i = 0; i < x.size; i++) {
    let src = 0;
    let rest = i;
    for (let d = 0; d < x.ndim; d++) {
      const idx = Math.floor(rest / strides[d]);
      rest -= idx * strides[d];
      src += (axes.includes(d) ? x.shape[d] - 1 - idx : idx) * strides[d];
    }
    out[i] = x.data[src];
  }
  return record(new Tensor(out, x.shape), 'flip', [x], (g) => [flip(g, axes)]);
}
