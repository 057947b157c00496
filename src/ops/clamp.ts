/** `clamp`: elementwise bounds, with PyTorch's gradient at the bounds and its NaN rules. */
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { checkTensor } from '../tensor/arguments.js';

/**
 * `min(max(x, lo), hi)` elementwise, as `torch.clamp(x, min, max)`; either bound may be omitted,
 * not both. Any shape. When `lo > hi` every element becomes `hi`. A NaN element stays NaN; a NaN
 * bound is ignored (torch 1.13 on CPU). The gradient is 1 where `lo ≤ x ≤ hi` (bounds included,
 * as PyTorch), else 0. An int32 tensor stays int32 for integer bounds and becomes float32 for a
 * fractional one.
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor('clamp', 'input', x);
  const lo = min ?? undefined;
  const hi = max ?? undefined;
  if (lo === undefined && hi === undefined) throw new Error('clamp: at least one of min and max must be given');
  for (const [name, b] of [
    ['min', lo],
    ['max', hi],
  ] as const) {
    if (b !== undefined && typeof b !== 'number') throw new Error(`clamp: ${name} must be a number, got ${String(b)}`);
  }
  const fractional = [lo, hi].some((b) => b !== undefined && !Number.isInteger(b) && !Number.isNaN(b));
  const dtype = x.dtype === 'int32' && fractional ? 'float32' : x.dtype;
  const low = lo ?? -Infinity;
  const high = hi ?? Infinity;
  const out = allocate(dtype, x.size);
  for (let k = 0; k < x.size; k++) {
    let v = x.data[k];
    if (v < low) v = low;
    if (v > high) v = high;
    out[k] = v;
  }
  return record(new Tensor(out, x.shape), 'clamp', [x], (g) => {
    const dx = allocate(g.dtype, x.size);
    for (let k = 0; k < x.size; k++) {
      const v = x.data[k];
      if (v >= low && v <= high) dx[k] = g.data[k];
    }
    return [new Tensor(dx, x.shape)];
  });
}
