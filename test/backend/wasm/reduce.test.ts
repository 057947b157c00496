/**
 * The wasm reductions, permutation and log-softmax against the reference (see compare.ts); argmax
 * and log-softmax (whose maximum must propagate NaN) also on rows of which a fifth are NaN.
 */
import { it } from 'vitest';
import type { AxisSplit } from '../../../src/backend/backend.js';
import { refBackend } from '../../../src/backend/ref/index.js';
import { type Shape, sizeOf } from '../../../src/tensor/shape.js';
import { type KernelTests, type KernelsOf, abs, describeWasm, expectSame, expectWithin, randomF32, seeded, withNaNs } from './compare.js';

/** `[shape, axes]` summed over. */
const SUMS: [Shape, number[]][] = [
  [[37], [0]],
  [[4, 5], [0]],
  [[4, 5], [1]],
  [
    [4, 5],
    [0, 1],
  ],
  [
    [3, 6, 5, 7],
    [0, 2, 3],
  ],
  [
    [3, 6, 35],
    [0, 2],
  ],
  [
    [2, 3, 4, 5],
    [1, 3],
  ],
  [[2, 1, 4], [1]],
  [[], []],
];

const PERMUTES: [Shape, number[]][] = [
  [
    [4, 5],
    [1, 0],
  ],
  [
    [2, 3, 4],
    [0, 2, 1],
  ],
  [
    [2, 3, 4, 5],
    [3, 1, 0, 2],
  ],
  [
    [2, 3, 4, 5],
    [0, 1, 3, 2],
  ],
  [
    [7, 1, 9],
    [2, 1, 0],
  ],
  [
    [33, 65],
    [1, 0],
  ],
];

const SPLITS: AxisSplit[] = [
  { outer: 1, size: 10, inner: 1 },
  { outer: 7, size: 10, inner: 1 },
  { outer: 3, size: 5, inner: 4 },
  { outer: 2, size: 1, inner: 3 },
  { outer: 64, size: 10, inner: 1 },
];

const splitLabel = (s: AxisSplit): string => `outer=${s.outer} size=${s.size} inner=${s.inner}`;

const tests: Record<KernelsOf<'reduce'>, KernelTests> = {
  sum(wasm) {
    for (const [shape, axes] of SUMS) {
      const label = `x=${JSON.stringify(shape)} axes=${JSON.stringify(axes)}`;
      it(label, () => {
        const x = randomF32(sizeOf(shape), seeded(`sum ${label}`));
        const size = sizeOf(shape.map((d, i) => (axes.includes(i) ? 1 : d)));
        const [actual, expected] = [new Float32Array(size), new Float32Array(size)];
        wasm.sum(x, shape, axes, actual);
        refBackend.sum(x, shape, axes, expected);
        // both sum in f64; the order differs, which may move a rounding boundary by 1 f64 ulp
        expectWithin(actual, expected, abs(expected), 1e-7, `sum ${label}`);
      });
    }
  },
  argmax(wasm) {
    for (const split of SPLITS) {
      it(splitLabel(split), () => {
        const g = seeded(`argmax ${splitLabel(split)}`);
        for (const nanFraction of [0, 0.2]) {
          const x = randomF32(split.outer * split.size * split.inner, g, 2);
          for (let i = 0; i + 1 < x.length; i += 7) x[i + 1] = x[i]; // ties
          withNaNs(x, g, nanFraction);
          const [actual, expected] = [new Int32Array(split.outer * split.inner), new Int32Array(split.outer * split.inner)];
          wasm.argmax(x, split, actual);
          refBackend.argmax(x, split, expected);
          expectSame(actual, expected, `argmax ${splitLabel(split)} NaN fraction ${nanFraction}`);
        }
      });
    }
  },
  permute(wasm) {
    for (const [shape, perm] of PERMUTES) {
      const label = `x=${JSON.stringify(shape)} perm=${JSON.stringify(perm)}`;
      it(label, () => {
        const x = randomF32(sizeOf(shape), seeded(`permute ${label}`));
        const [actual, expected] = [new Float32Array(x.length), new Float32Array(x.length)];
        wasm.permute(x, shape, perm, actual);
        refBackend.permute(x, shape, perm, expected);
        expectSame(actual, expected, `permute ${label}`);
      });
    }
  },
  logSoftmax(wasm) {
    for (const split of SPLITS) {
      it(splitLabel(split), () => {
        const g = seeded(`logSoftmax ${splitLabel(split)}`);
        for (const nanFraction of [0, 0.2]) {
          const x = withNaNs(randomF32(split.outer * split.size * split.inner, g), g, nanFraction);
          const [actual, expected] = [new Float32Array(x.length), new Float32Array(x.length)];
          wasm.logSoftmax(x, split, actual);
          refBackend.logSoftmax(x, split, expected);
          expectWithin(actual, expected, abs(expected), 1e-6, `logSoftmax ${splitLabel(split)} NaN fraction ${nanFraction}`);
        }
      });
    }
  },
  logSoftmaxBackward(wasm) {
    for (const split of SPLITS) {
      it(splitLabel(split), () => {
        const g = seeded(`logSoftmaxBackward ${splitLabel(split)}`);
        const y = new Float32Array(split.outer * split.size * split.inner);
        refBackend.logSoftmax(randomF32(y.length, g), split, y);
        const dy = randomF32(y.length, g);
        const [actual, expected] = [new Float32Array(y.length), new Float32Array(y.length)];
        wasm.logSoftmaxBackward(y, dy, split, actual);
        refBackend.logSoftmaxBackward(y, dy, split, expected);
        const scale = dy.map((d, i) => Math.abs(d) + Math.exp(y[i]) * dy.reduce((s, v) => s + Math.abs(v), 0));
        expectWithin(actual, expected, scale, 1e-6, `logSoftmaxBackward ${splitLabel(split)}`);
      });
    }
  },
};

describeWasm('reduction', tests);
