/**
 * Float64 central-difference checks of the tensor ops' backward passes (joining, indexing, masks,
 * max/min/topk, clamp, pad, repeat, expand, logsumexp) over several option combinations. Inputs
 * come from a seeded generator (normal samples: no ties, nothing within ε of a clamp bound), so
 * the cases are the same on every run; each test name carries its shapes and options. An op that
 * returns several tensors is checked through one expression that weighs each piece differently.
 */
import { describe, expect, it } from 'vitest';
import {
  F,
  Generator,
  cat,
  chunk,
  clamp,
  expand,
  gradcheck,
  indexSelect,
  logsumexp,
  maskedFill,
  maskedSelect,
  max,
  min,
  narrow,
  repeat,
  select,
  slice,
  split,
  stack,
  tensor,
  topk,
  where,
  type PadMode,
  type Tensor,
} from '../../src/index.js';
import { param64 } from '../helpers.js';

const g = new Generator(20260611);

function check(fn: (...t: Tensor[]) => Tensor, inputs: Tensor[]): void {
  expect(gradcheck(fn, inputs)).toBe(true);
}

/** The pieces scaled by 1, 2, 3, … and joined again, so each piece's gradient is told apart. */
const weighted = (pieces: Tensor[], dim: number): Tensor =>
  cat(
    pieces.map((p, i) => p.mul(i + 1)),
    dim,
  );

/** A 0/1 mask of `shape` from the generator. */
const mask = (shape: number[]): Tensor =>
  tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.randint(2)),
    { shape },
  );

describe('gradcheck: cat, stack, split, chunk', () => {
  const cats: [number[][], number][] = [
    [
      [
        [2, 3],
        [4, 3],
        [1, 3],
      ],
      0,
    ],
    [
      [
        [2, 3, 4],
        [2, 1, 4],
      ],
      1,
    ],
    [
      [
        [2, 3],
        [2, 2],
        [2, 1],
      ],
      -1,
    ],
  ];
  for (const [shapes, dim] of cats) {
    it(`cat ${shapes.map((s) => `[${s}]`).join(' ')} dim=${dim}`, () =>
      check(
        (...xs) => cat(xs, dim),
        shapes.map((s) => param64(s, g)),
      ));
  }
  it('cat [2,3] [2,3] dim=0, the second input without a gradient', () =>
    check((a, b) => cat([a, b]), [param64([2, 3], g), param64([2, 3], g).detach()]));
  for (const dim of [0, 1, -1]) {
    it(`stack [2,3] x3 dim=${dim}`, () =>
      check((a, b, c) => stack([a, b, c], dim), [param64([2, 3], g), param64([2, 3], g), param64([2, 3], g)]));
  }
  const splits: [number[], number | number[], number][] = [
    [[5, 4], 2, 0],
    [[3, 7], [2, 4, 1], -1],
    [[4, 6], 4, 1],
  ];
  for (const [shape, s, dim] of splits) {
    it(`split x=[${shape}] splitSizeOrSections=${JSON.stringify(s)} dim=${dim}`, () =>
      check((x) => weighted(split(x, s, dim), dim), [param64(shape, g)]));
  }
  it('chunk x=[5,3] chunks=4 dim=0', () => check((x) => weighted(chunk(x, 4, 0), 0), [param64([5, 3], g)]));
  it('chunk x=[2,7] chunks=3 dim=-1', () => check((x) => weighted(chunk(x, 3, -1), -1), [param64([2, 7], g)]));
});

describe('gradcheck: narrow, select, slice, indexSelect', () => {
  it('narrow x=[4,5] dim=0 start=1 length=2', () => check((x) => narrow(x, 0, 1, 2), [param64([4, 5], g)]));
  it('narrow x=[2,3,4] dim=-1 start=-3 length=2', () => check((x) => narrow(x, -1, -3, 2), [param64([2, 3, 4], g)]));
  it('select x=[4,5] dim=1 index=-1', () => check((x) => select(x, 1, -1), [param64([4, 5], g)]));
  it('select x=[2,3,4] dim=0 index=1', () => check((x) => select(x, 0, 1), [param64([2, 3, 4], g)]));
  const slices: [number[], number, number | undefined, number | undefined, number][] = [
    [[10], 0, 1, 8, 3],
    [[4, 9], 1, -7, undefined, 2],
    [[2, 3, 8], 2, undefined, undefined, 3],
    [[5, 4], 0, undefined, -1, 1],
  ];
  for (const [shape, dim, start, end, step] of slices) {
    it(`slice x=[${shape}] dim=${dim} start=${start} end=${end} step=${step}`, () =>
      check((x) => slice(x, dim, start, end, step), [param64(shape, g)]));
  }
  const picks: [number[], number, number[]][] = [
    [[5, 3], 0, [4, 0, 4, 2]],
    [[3, 6], 1, [5, 5, 5]],
    [[2, 3, 4], -1, [3, 0]],
  ];
  for (const [shape, dim, index] of picks) {
    it(`indexSelect x=[${shape}] dim=${dim} index=${JSON.stringify(index)} (repeats accumulate)`, () =>
      check((x) => indexSelect(x, dim, tensor(index, { dtype: 'int32' })), [param64(shape, g)]));
  }
});

describe('gradcheck: where, maskedFill, maskedSelect', () => {
  it('where condition=[3,4] x=[3,4] y=[3,4]', () => {
    const c = mask([3, 4]);
    check((x, y) => where(c, x, y), [param64([3, 4], g), param64([3, 4], g)]);
  });
  it('where condition=[3,4] x=[1,4] y=[3,1] (broadcast)', () => {
    const c = mask([3, 4]);
    check((x, y) => where(c, x, y), [param64([1, 4], g), param64([3, 1], g)]);
  });
  it('where condition=[2,3] x=[3] y=0.5', () => {
    const c = mask([2, 3]);
    check((x) => where(c, x, 0.5), [param64([3], g)]);
  });
  it('maskedFill x=[3,4] mask=[4] value=-2', () => {
    const m = mask([4]);
    check((x) => maskedFill(x, m, -2), [param64([3, 4], g)]);
  });
  it('maskedSelect x=[3,4] mask=[3,4]', () => {
    const m = mask([3, 4]);
    check((x) => maskedSelect(x, m), [param64([3, 4], g)]);
  });
  it('maskedSelect x=[4] mask=[3,4] (x broadcast)', () => {
    const m = mask([3, 4]);
    check((x) => maskedSelect(x, m), [param64([4], g)]);
  });
});

describe('gradcheck: max, min, topk, logsumexp, clamp', () => {
  it('max x=[3,4] (all elements)', () => check((x) => max(x), [param64([3, 4], g)]));
  it('min x=[3,4] (all elements)', () => check((x) => min(x), [param64([3, 4], g)]));
  for (const [shape, dim, keepdim] of [
    [[3, 5], 1, false],
    [[2, 3, 4], 0, true],
    [[2, 3, 4], -1, false],
  ] as [number[], number, boolean][]) {
    it(`max x=[${shape}] dim=${dim} keepdim=${keepdim}`, () => check((x) => max(x, dim, keepdim).values, [param64(shape, g)]));
    it(`min x=[${shape}] dim=${dim} keepdim=${keepdim}`, () => check((x) => min(x, dim, keepdim).values, [param64(shape, g)]));
  }
  for (const [shape, k, dim, largest] of [
    [[3, 6], 2, -1, true],
    [[4, 5], 3, 0, true],
    [[2, 3, 5], 2, 1, false],
    [[3, 4], 4, -1, false],
  ] as [number[], number, number, boolean][]) {
    it(`topk x=[${shape}] k=${k} dim=${dim} largest=${largest}`, () => check((x) => topk(x, k, dim, largest).values, [param64(shape, g)]));
  }
  for (const [shape, dim, keepdim] of [
    [[3, 4], 1, false],
    [[2, 3, 4], [0, 2], false],
    [[2, 3, 4], -1, true],
    [[2, 3, 4], [2, 0, 1], true],
  ] as [number[], number | number[], boolean][]) {
    it(`logsumexp x=[${shape}] dim=${JSON.stringify(dim)} keepdim=${keepdim}`, () =>
      check((x) => logsumexp(x, dim, keepdim), [param64(shape, g, 3)]));
  }
  for (const [lo, hi] of [
    [-0.3, 0.4],
    [0.2, undefined],
    [undefined, -0.1],
  ]) {
    it(`clamp x=[3,5] min=${lo} max=${hi}`, () => check((x) => clamp(x, lo, hi), [param64([3, 5], g)]));
  }
});

describe('gradcheck: pad, repeat, expand', () => {
  const pads: [number[], number[], PadMode][] = [
    [[2, 4], [1, 2], 'constant'],
    [[1, 1, 5], [-1, 2], 'constant'],
    [[2, 3, 4], [1, 1, 0, 2, 1, 0], 'constant'],
    [[1, 2, 5], [2, 1], 'reflect'],
    [[1, 2, 4, 5], [1, 2, 3, 1], 'reflect'],
    [[2, 2, 4], [2, 3], 'replicate'],
    [[1, 2, 3, 4], [1, 2, 3, 0], 'replicate'],
    [[1, 1, 3, 4], [2, 1, 1, 3], 'circular'],
  ];
  for (const [shape, p, mode] of pads) {
    it(`pad x=[${shape}] pad=${JSON.stringify(p)} mode=${mode}`, () => check((x) => F.pad(x, p, mode, 0.5), [param64(shape, g)]));
  }
  for (const [shape, sizes] of [
    [
      [2, 3],
      [2, 1],
    ],
    [[3], [2, 2]],
    [
      [2, 1, 2],
      [1, 2, 3],
    ],
  ]) {
    it(`repeat x=[${shape}] sizes=[${sizes}]`, () => check((x) => repeat(x, sizes), [param64(shape, g)]));
  }
  it('expand x=[3,1] sizes=[2,-1,4]', () => check((x) => expand(x, [2, -1, 4]), [param64([3, 1], g)]));
});
