/** `topk`: the k largest (or smallest) elements along an axis and where they are. */
import { allocate } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { axisOf, axisSplit } from './dims.js';
import { type ValuesIndices, scatterAlong } from './reduce.js';
import { checkTensor } from '../tensor/arguments.js';

/**
 * The `k` largest elements of `x` along `dim` (the smallest when `largest` is false) and their
 * int32 indices, as `torch.topk`: `(…, n, …) → (…, k, …)`, `values = x` at `indices`. NaN counts
 * as larger than every number, as in PyTorch (first among the largest, never among the smallest
 * but when there are too few numbers). The gradient flows to the selected elements.
 *
 * Order: values in descending (ascending) order, and among equal values the lower index first.
 * PyTorch leaves the order of ties unspecified (on CPU it is whatever its partial sort leaves),
 * and the order of the whole result when `sorted` is false; here both are always this stable
 * order, that of `torch.sort(x, dim, descending=largest, stable=True)` cut to k.
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  checkTensor('topk', 'input', x);
  if (typeof largest !== 'boolean' || typeof sorted !== 'boolean') {
    throw new Error(`topk: largest and sorted must be booleans, got ${String(largest)} and ${String(sorted)}`);
  }
  const d = axisOf('topk', dim, x.shape);
  const { outer, size, inner } = axisSplit(x.shape, d);
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new Error(`topk: k ${k} is out of range for size ${size} of dim ${dim} (shape ${shapeStr(x.shape)}); expected [0, ${size}]`);
  }
  const count = x.ndim === 0 ? 1 : k; // a scalar gives itself for k = 0 too, as PyTorch
  const sign = largest ? 1 : -1;
  // a before b when it is larger (smaller), NaN being the largest; ties keep index order (stable sort)
  const before = (a: number, b: number): number => {
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    if (an || bn) return an === bn ? 0 : (an ? -1 : 1) * sign;
    return a === b ? 0 : (a > b ? -1 : 1) * sign;
  };
  const values = allocate(x.dtype, outer * count * inner);
  const indices = new Int32Array(outer * count * inner);
  const order = new Array<number>(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      for (let j = 0; j < size; j++) order[j] = j;
      order.sort((a, b) => before(x.data[base + a * inner], x.data[base + b * inner]));
      for (let j = 0; j < count; j++) {
        const at = (o * count + j) * inner + i;
        indices[at] = order[j];
        values[at] = x.data[base + order[j] * inner];
      }
    }
  }
  const shape = [...x.shape];
  if (shape.length > 0) shape[d] = k;
  const out = record(new Tensor(values, shape), 'topk', [x], (g) => [scatterAlong(g, indices, d, x.shape)]);
  return { values: out, indices: new Tensor(indices, shape) };
}
