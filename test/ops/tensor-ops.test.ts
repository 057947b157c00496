/**
 * What the PyTorch fixtures of the tensor ops do not show: dtypes (int32 through the indexing and
 * joining ops, promotion in cat and where), the stable order of topk's ties, empty pieces of
 * split and chunk, clamp's int32 and NaN-bound rules, and masks of any dtype.
 */
import { describe, expect, it } from 'vitest';
import {
  cat,
  chunk,
  clamp,
  indexSelect,
  logsumexp,
  maskedFill,
  narrow,
  select,
  slice,
  split,
  stack,
  tensor,
  topk,
  where,
  zeros,
  F,
} from '../../src/index.js';

const i32 = (values: number[], shape?: number[]) => tensor(values, { dtype: 'int32', shape });

describe('int32 through joining and indexing', () => {
  const a = i32([1, 2, 3, 4, 5, 6], [2, 3]);
  it('cat, stack, narrow, select, slice and indexSelect keep int32', () => {
    expect(cat([a, a], 1).dtype).toBe('int32');
    expect(stack([a, a]).toArray()).toEqual([a.toArray(), a.toArray()]);
    expect(narrow(a, 1, 1, 2).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(select(a, 1, -1).toArray()).toEqual([3, 6]);
    expect(slice(a, 1, undefined, undefined, 2).toArray()).toEqual([
      [1, 3],
      [4, 6],
    ]);
    expect(indexSelect(a, 0, i32([1, 1])).toArray()).toEqual([
      [4, 5, 6],
      [4, 5, 6],
    ]);
  });
  it('cat promotes int32 and float32 to float32, and only the float input gets a gradient', () => {
    const f = tensor([[0.5], [1.5]], { requiresGrad: true });
    const out = cat([a, f], 1);
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual([
      [1, 2, 3, 0.5],
      [4, 5, 6, 1.5],
    ]);
    out.sum().backward();
    expect(f.grad!.toArray()).toEqual([[1], [1]]);
  });
  it('where: int32 operands stay int32; two numbers give float32', () => {
    const c = i32([1, 0, 1]);
    expect(where(c, i32([1, 2, 3]), 0).dtype).toBe('int32');
    expect(where(c, i32([1, 2, 3]), 0.5).toArray()).toEqual([1, 0.5, 3]);
    const both = where(c, 1, -1);
    expect(both.dtype).toBe('float32');
    expect(both.toArray()).toEqual([1, -1, 1]);
  });
});

describe('topk order', () => {
  it('ties come in index order (PyTorch on CPU leaves it unspecified: [3, 5, 2] for this input)', () => {
    const r = topk(tensor([1, 3, 3, 3, 0, 3]), 3);
    expect(r.values.toArray()).toEqual([3, 3, 3]);
    expect(r.indices.toArray()).toEqual([1, 2, 3]);
  });
  it('a scalar gives itself, for k = 0 too (as PyTorch)', () => {
    const r = topk(tensor(3), 0);
    expect(r.values.shape).toEqual([]);
    expect(r.values.item()).toBe(3);
    expect(r.indices.item()).toBe(0);
  });
  it('sorted=false returns the sorted result', () => {
    const x = tensor([0.3, -1, 2, 0.7, 5]);
    expect(topk(x, 3, 0, true, false).indices.toArray()).toEqual(topk(x, 3).indices.toArray());
    expect(topk(x, 2, 0, false).indices.toArray()).toEqual([1, 0]);
  });
});

describe('empty pieces', () => {
  it('split of an empty axis gives one empty piece, chunk gives `chunks` of them', () => {
    expect(split(zeros([0, 2]), 2).map((t) => t.shape)).toEqual([[0, 2]]);
    expect(chunk(zeros([0, 2]), 3).map((t) => t.shape)).toEqual([
      [0, 2],
      [0, 2],
      [0, 2],
    ]);
  });
  it('chunk gives fewer pieces when the size does not need them all', () => {
    expect(chunk(zeros([5]), 4).map((t) => t.size)).toEqual([2, 2, 1]);
    expect(chunk(zeros([6]), 4).map((t) => t.size)).toEqual([2, 2, 2]);
  });
  it('cat skips a 1-D empty tensor, as PyTorch', () => {
    expect(cat([zeros([2, 3]), zeros([0]), zeros([1, 3])]).shape).toEqual([3, 3]);
  });
});

describe('clamp', () => {
  it('keeps int32 for integer bounds, gives float32 for a fractional one', () => {
    const a = i32([-3, 0, 3]);
    const c = clamp(a, -1, 2);
    expect(c.dtype).toBe('int32');
    expect(c.toArray()).toEqual([-1, 0, 2]);
    expect(clamp(a, 0.5).dtype).toBe('float32');
    expect(clamp(a, 0.5).toArray()).toEqual([0.5, 0.5, 3]);
  });
  it('ignores a NaN bound (torch 1.13) and gives max everywhere when min > max', () => {
    expect(clamp(tensor([1, 2]), NaN).toArray()).toEqual([1, 2]);
    expect(clamp(tensor([-1, 0.5, 2]), 1, 0).toArray()).toEqual([0, 0, 0]);
  });
});

describe('masks and labels', () => {
  it('a mask of any dtype: nonzero means true', () => {
    const x = tensor([1, 2, 3]);
    expect(maskedFill(x, tensor([0.5, 0, -2]), 9).toArray()).toEqual([9, 2, 9]);
    expect(maskedFill(x, i32([0, 1, 0]), 9).toArray()).toEqual([1, 9, 3]);
  });
  it('oneHot: int32 rows, numClasses inferred from the largest label', () => {
    const h = F.oneHot(i32([2, 0]));
    expect(h.dtype).toBe('int32');
    expect(h.requiresGrad).toBe(false);
    expect(h.toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });
  it('logsumexp of int32 gives float32; of ±∞ rows gives ±∞', () => {
    expect(logsumexp(i32([0, 0]), 0).dtype).toBe('float32');
    expect(logsumexp(i32([0, 0]), 0).item()).toBeCloseTo(Math.log(2), 6);
    expect(
      logsumexp(
        tensor([
          [-Infinity, -Infinity],
          [Infinity, 1],
        ]),
        1,
      ).toArray(),
    ).toEqual([-Infinity, Infinity]);
  });
});
