/**
 * Joining and splitting along an axis: `cat`, `stack`, `split`, `chunk`. The gradient of a join
 * is cut back into the pieces; a split's pieces are `narrow`s, whose gradients add up in the input.
 */
import { allocate, promoteTypes } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { axisOf, axisOfNonScalar, axisSplit } from './dims.js';
import { narrow } from './indexing.js';
import { unsqueeze } from './shape.js';
import { checkTensor, checkTensorList } from '../tensor/arguments.js';

function checkList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error(`${op}: expected a non-empty array of tensors`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${op}: entry ${i} is not a Tensor`);
  });
}

/**
 * The tensors joined along `dim`, as `torch.cat`: all have the same rank and the same sizes but
 * along `dim`, `(…, n₁, …), (…, n₂, …), … → (…, n₁ + n₂ + …, …)`. The dtype is the promotion of
 * theirs (float64 > float32 > int32). As PyTorch does, a 1-D empty tensor (shape `[0]`) is
 * skipped. The gradient of each input is its part of the output's gradient.
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList('cat', 'tensors', tensors);
  checkList('cat', tensors);
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.size === 0));
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  if (parts.length === 0) return new Tensor(allocate(dtype, 0), [0]);
  const first = parts[0];
  const firstName = `tensor ${tensors.indexOf(first)}`;
  if (first.ndim === 0) throw new Error(`cat: ${firstName} is a scalar (shape []); cat needs at least one dimension (stack adds one)`);
  const d = axisOf('cat', dim, first.shape);
  for (const t of parts) {
    const which = `tensor ${tensors.indexOf(t)}`;
    if (t.ndim !== first.ndim) {
      throw new Error(
        `cat: ${which} has rank ${t.ndim} (shape ${shapeStr(t.shape)}), but ${firstName} has rank ${first.ndim} (shape ${shapeStr(first.shape)})`,
      );
    }
    if (t.shape.some((n, a) => a !== d && n !== first.shape[a])) {
      throw new Error(
        `cat: sizes must match except in dim ${dim}, but ${which} has shape ${shapeStr(t.shape)} and ${firstName} has ${shapeStr(first.shape)}`,
      );
    }
  }
  const { outer, inner } = axisSplit(first.shape, d);
  const sizes = parts.map((t) => t.shape[d]);
  const total = sizes.reduce((a, b) => a + b, 0);
  const shape = [...first.shape];
  shape[d] = total;
  const out = allocate(dtype, outer * total * inner);
  let offset = 0; // start of the current part along dim
  parts.forEach((t, p) => {
    const block = sizes[p] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * block, (o + 1) * block), (o * total + offset) * inner);
    offset += sizes[p];
  });
  return record(new Tensor(out, shape), 'cat', parts, (g) => {
    let start = 0;
    return parts.map((_, p) => {
      const piece = narrow(g, d, start, sizes[p]);
      start += sizes[p];
      return piece;
    });
  });
}

/**
 * The tensors, all of one shape, stacked along a new axis `dim` (in `[−(r+1), r]` for rank r), as
 * `torch.stack`: k tensors of shape `(…)` → `(…, k, …)`. Equal to `cat` of `unsqueeze(t, dim)`.
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList('stack', 'tensors', tensors);
  checkList('stack', tensors);
  const first = tensors[0];
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((n, a) => n !== first.shape[a])) {
      throw new Error(
        `stack: expects tensors of equal shape, but got ${shapeStr(first.shape)} at entry 0 and ${shapeStr(t.shape)} at entry ${i}`,
      );
    }
  });
  const r = first.ndim + 1;
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new Error(
      `stack: dim ${dim} is out of range for stacking tensors of shape ${shapeStr(first.shape)} (expected an integer in [${-r}, ${r - 1}])`,
    );
  }
  const d = dim < 0 ? dim + r : dim;
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

/**
 * `x` cut along `dim` into pieces, as `torch.split`: of `splitSizeOrSections` elements each (the
 * last one smaller when the size does not divide), or of the listed sizes, which must add up to
 * the size of `dim`. `(…, n, …) → [(…, n₁, …), (…, n₂, …), …]`. Each piece is a `narrow`.
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  checkTensor('split', 'input', x);
  const d = axisOfNonScalar('split', dim, x.shape);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const s = splitSizeOrSections;
    if (!Number.isInteger(s) || s < 0 || (s === 0 && n !== 0)) {
      throw new Error(`split: splitSize must be a positive integer, got ${s} (dim ${dim} of shape ${shapeStr(x.shape)})`);
    }
    sizes = [];
    for (let start = 0; start < n; start += s) sizes.push(Math.min(s, n - start));
    if (n === 0) sizes.push(0);
  } else {
    sizes = [...splitSizeOrSections];
    const bad = sizes.find((s) => !Number.isInteger(s) || s < 0);
    if (bad !== undefined) throw new Error(`split: section sizes must be non-negative integers, got ${JSON.stringify(sizes)}`);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) {
      throw new Error(
        `split: section sizes ${JSON.stringify(sizes)} add up to ${total}, but dim ${dim} of shape ${shapeStr(x.shape)} has size ${n}`,
      );
    }
  }
  let start = 0;
  return sizes.map((s) => {
    const piece = narrow(x, d, start, s);
    start += s;
    return piece;
  });
}

/**
 * `x` cut along `dim` into at most `chunks` pieces of `⌈n / chunks⌉` elements (the last one smaller),
 * as `torch.chunk`: fewer pieces when n does not need them all (n = 5, chunks = 4 gives sizes
 * 2, 2, 1), and `chunks` empty pieces when n = 0.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', 'input', x);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = axisOfNonScalar('chunk', dim, x.shape);
  const n = x.shape[d];
  if (n === 0) return Array.from({ length: chunks }, () => narrow(x, d, 0, 0));
  return split(x, Math.ceil(n / chunks), d);
}
