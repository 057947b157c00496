/**
 * Porting tensor code: slicing, cat and stack, reductions along a dim, masks, one-hot targets and
 * printing, written as in PyTorch. It must run unchanged.
 *
 *     x = torch.arange(24.).reshape(2, 3, 4)
 *     first = x[:, 0]                  # select
 *     evens = x[..., ::2]              # slice with a step
 *     both = torch.cat([x, x], dim=1)
 *     stacked = torch.stack([x, x])
 *     values, indices = x.max(dim=2)
 *     x.masked_fill(x > 20, 0)
 */
import { expect, it } from 'vitest';
import { F, arange, cat, gt, oneHot, stack, tensor } from '../../src/index.js';

it('slicing, joining, reducing along a dim, masking and printing', () => {
  const x = arange(24).reshape(2, 3, 4);
  expect(x.select(1, 0).toArray()).toEqual([
    [0, 1, 2, 3],
    [12, 13, 14, 15],
  ]);
  expect(x.slice(2, 0, undefined, 2).shape).toEqual([2, 3, 2]);
  expect(x.slice(2, 0, undefined, 2).select(0, 1).toArray()).toEqual([
    [12, 14],
    [16, 18],
    [20, 22],
  ]);
  expect(cat([x, x], 1).shape).toEqual([2, 6, 4]);
  expect(stack([x, x]).shape).toEqual([2, 2, 3, 4]);
  const { values, indices } = x.max(2);
  expect(values.toArray()).toEqual([
    [3, 7, 11],
    [15, 19, 23],
  ]);
  expect(indices.dtype).toBe('int32');
  expect(x.maskedFill(gt(x, 20), 0).sum().item()).toBe(276 - 21 - 22 - 23);
  expect(x.reshape([6, 4]).shape).toEqual([6, 4]);
  expect(x.reshape(6, 4).shape).toEqual([6, 4]);
  const labels = tensor([2, 0, 1], { dtype: 'int32' });
  expect(oneHot(labels, 3).toArray()).toEqual([
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
  ]);
  expect(F.pad(tensor([[1, 2]]), [1, 1], 'replicate').toArray()).toEqual([[1, 1, 2, 2]]);
  expect(String(x.select(0, 0))).toBe('tensor([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.]])');
  const w = tensor([0.5, -1.25], { requiresGrad: true });
  expect(String(w.mul(2))).toBe('tensor([ 1.0000, -2.5000], gradFn=<mul>)');
});
