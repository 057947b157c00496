/**
 * Tensor methods: both of PyTorch's calling styles for sizes (`x.reshape(3, 4)` and
 * `x.reshape([3, 4])`) give the same result, and each method equals its functional op, values
 * and gradients.
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor,
  arange,
  argmin,
  chunk,
  clamp,
  expand,
  indexSelect,
  logsumexp,
  lt,
  maskedFill,
  maskedSelect,
  max,
  maximum,
  min,
  narrow,
  permute,
  randn,
  repeat,
  reshape,
  select,
  slice,
  split,
  tensor,
  topk,
  where,
} from '../../src/index.js';
import { gen } from '../helpers.js';

const g = gen(7);
const x234 = () => randn([2, 3, 4], { generator: g, requiresGrad: true });

/** Same shape, dtype and elements. */
function expectSame(a: Tensor, b: Tensor): void {
  expect([...a.shape]).toEqual([...b.shape]);
  expect(a.dtype).toBe(b.dtype);
  expect(Array.from(a.data)).toEqual(Array.from(b.data));
}

describe('sizes as varargs or as one array', () => {
  it('reshape: the array form works (it used to fail as an invalid shape [3,400])', () => {
    const t = arange(1200);
    expect(t.reshape([3, 400]).shape).toEqual([3, 400]);
    expectSame(t.reshape([3, 400]), t.reshape(3, 400));
    expectSame(t.reshape([-1, 400]), t.reshape(3, -1));
    expectSame(t.reshape(t.shape), t);
  });
  it('view, permute, expand, repeat', () => {
    const x = x234();
    expectSame(x.view([4, 6]), x.view(4, 6));
    expectSame(x.permute([2, 0, 1]), x.permute(2, 0, 1));
    expectSame(x.permute([2, 0, 1]), permute(x, [2, 0, 1]));
    const c = randn([3, 1], { generator: g });
    expectSame(c.expand([2, 3, 4]), c.expand(2, 3, 4));
    expectSame(c.expand(2, -1, 4), expand(c, [2, 3, 4]));
    expectSame(c.repeat([2, 1, 3]), c.repeat(2, 1, 3));
    expectSame(c.repeat(2, 1, 3), repeat(c, [2, 1, 3]));
  });
  it('sum and mean: one dim as a number or in an array, several in an array', () => {
    const x = x234();
    expectSame(x.sum(1), x.sum([1]));
    expectSame(x.mean(-1, true), x.mean([-1], true));
    expect(x.sum([0, 2]).shape).toEqual([3]);
    expect(x.mean([0, 2], true).shape).toEqual([1, 3, 1]);
  });
  it('gradients flow through the array forms', () => {
    const x = x234();
    x.reshape([6, 4]).permute([1, 0]).expand([2, 4, 6]).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual(new Array(24).fill(2));
  });
});

describe('methods equal their ops', () => {
  const x = x234();
  it('max and min: all elements, along a dim, elementwise', () => {
    expectSame(x.max(), max(x));
    expectSame(x.min(), min(x));
    const m = x.max(1, true);
    expectSame(m.values, max(x, 1, true).values);
    expectSame(m.indices, max(x, 1, true).indices);
    expect(m.indices.dtype).toBe('int32');
    expectSame(x.min(-1).indices, min(x, -1).indices);
    const y = randn([4], { generator: g });
    expectSame(x.max(y), maximum(x, y));
  });
  it('argmin, topk, logsumexp, clamp', () => {
    expectSame(x.argmin(2), argmin(x, 2));
    expectSame(x.argmin(), argmin(x));
    expectSame(x.topk(2, 1, false).values, topk(x, 2, 1, false).values);
    expectSame(x.topk(2).indices, topk(x, 2).indices);
    expectSame(x.logsumexp([0, 2], true), logsumexp(x, [0, 2], true));
    expectSame(x.clamp(-0.5, 0.5), clamp(x, -0.5, 0.5));
    expectSame(x.clamp(null, 0.1), clamp(x, undefined, 0.1));
  });
  it('narrow, select, slice, indexSelect', () => {
    expectSame(x.narrow(2, 1, 2), narrow(x, 2, 1, 2));
    expectSame(x.select(1, -1), select(x, 1, -1));
    expectSame(x.slice(2, 0, undefined, 2), slice(x, 2, 0, undefined, 2));
    const index = tensor([2, 0, 2], { dtype: 'int32' });
    expectSame(x.indexSelect(1, index), indexSelect(x, 1, index));
  });
  it('maskedFill, maskedSelect, where (x.where(c, y) is where(c, x, y))', () => {
    const c = lt(x.detach(), 0);
    expectSame(x.maskedFill(c, 9), maskedFill(x, c, 9));
    expectSame(x.maskedSelect(c), maskedSelect(x, c));
    expectSame(x.where(c, -1), where(c, x, -1));
  });
  it('split and chunk', () => {
    const pieces = x.split([1, 2], 1);
    const expected = split(x, [1, 2], 1);
    expect(pieces.length).toBe(2);
    pieces.forEach((p, i) => expectSame(p, expected[i]));
    const chunks = x.chunk(3, -1);
    expect(chunks.map((t) => t.shape[2])).toEqual([2, 2]);
    chunks.forEach((t, i) => expectSame(t, chunk(x, 3, -1)[i]));
  });
  it('reshape keeps sharing storage, as the functional form', () => {
    const t = arange(6);
    expect(t.reshape([2, 3]).data).toBe(reshape(t, [2, 3]).data);
  });
});
