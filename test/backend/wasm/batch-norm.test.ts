/**
 * The wasm batch normalization kernels against the reference (see compare.ts): both evaluate the
 * same formulas in f64 with the sums in the same order, so they must agree exactly — on 2-D, 3-D
 * and 4-D layouts, with and without weight and bias, in training and evaluation, with the fused
 * epilogue (residual added, relu) and its backward, and with NaN and ±∞ among the inputs.
 */
import { it } from 'vitest';
import type { AxisSplit } from '../../../src/backend/backend.js';
import { refBackend } from '../../../src/backend/ref/index.js';
import { type KernelTests, type KernelsOf, describeWasm, expectSame, randomF32, seeded } from './compare.js';

/** `(N, C, L)` layouts: BatchNorm1d's `(N, C)` and `(N, C, L)`, BatchNorm2d's `(N, C, H·W)`, one channel, odd sizes. */
const SPLITS: AxisSplit[] = [
  { outer: 8, size: 5, inner: 1 },
  { outer: 2, size: 3, inner: 7 },
  { outer: 4, size: 16, inner: 36 },
  { outer: 3, size: 1, inner: 33 },
  { outer: 1, size: 6, inner: 2 },
  { outer: 5, size: 9, inner: 13 },
];

const label = (s: AxisSplit): string => `x=[${s.outer},${s.size},${s.inner}]`;

/** Per-channel statistics as the op gives them: the mean and 1/√(var + ε) of `x`. */
function stats(x: Float32Array, s: AxisSplit): { mean: Float32Array; invStd: Float32Array } {
  const mean = new Float32Array(s.size);
  const variance = new Float32Array(s.size);
  refBackend.batchNormStats(x, s, mean, variance);
  return { mean, invStd: variance.map((v) => 1 / Math.sqrt(v + 1e-5)) };
}

const tests: Record<KernelsOf<'batch-norm'>, KernelTests> = {
  batchNormStats(wasm) {
    for (const s of SPLITS) {
      for (const specials of [0, 3]) {
        it(`${label(s)} specials=${specials}`, () => {
          const x = randomF32(s.outer * s.size * s.inner, seeded(`batchNormStats ${label(s)} ${specials}`), specials);
          const actual = [new Float32Array(s.size), new Float32Array(s.size)];
          const expected = [new Float32Array(s.size), new Float32Array(s.size)];
          wasm.batchNormStats(x, s, actual[0], actual[1]);
          refBackend.batchNormStats(x, s, expected[0], expected[1]);
          expectSame(actual[0], expected[0], 'mean');
          expectSame(actual[1], expected[1], 'variance');
        });
      }
    }
  },
  batchNorm(wasm) {
    for (const s of SPLITS) {
      for (const affine of [true, false]) {
        it(`${label(s)} affine=${affine}`, () => {
          const g = seeded(`batchNorm ${label(s)} ${affine}`);
          const x = randomF32(s.outer * s.size * s.inner, g, 2);
          const { mean, invStd } = stats(randomF32(x.length, g), s);
          const [weight, bias] = affine ? [randomF32(s.size, g), randomF32(s.size, g)] : [null, null];
          const [actual, expected] = [new Float32Array(x.length), new Float32Array(x.length)];
          wasm.batchNorm(x, s, mean, invStd, weight, bias, actual);
          refBackend.batchNorm(x, s, mean, invStd, weight, bias, expected);
          expectSame(actual, expected, 'y');
        });
      }
      for (const [residual, relu] of [
        [true, true],
        [true, false],
        [false, true],
      ]) {
        it(`${label(s)} epilogue residual=${residual} relu=${relu}`, () => {
          const g = seeded(`batchNorm epilogue ${label(s)} ${residual} ${relu}`);
          const x = randomF32(s.outer * s.size * s.inner, g, 2);
          const { mean, invStd } = stats(randomF32(x.length, g), s);
          const [weight, bias] = [randomF32(s.size, g), randomF32(s.size, g)];
          const epilogue = { residual: residual ? randomF32(x.length, g, 2) : null, relu };
          const [actual, expected] = [new Float32Array(x.length), new Float32Array(x.length)];
          wasm.batchNorm(x, s, mean, invStd, weight, bias, actual, epilogue);
          refBackend.batchNorm(x, s, mean, invStd, weight, bias, expected, epilogue);
          expectSame(actual, expected, 'y');
          // and the separate ops: the affine, binary add, unary relu
          const separate = new Float32Array(x.length);
          refBackend.batchNorm(x, s, mean, invStd, weight, bias, separate);
          if (epilogue.residual !== null)
            refBackend.binary('add', separate, [x.length], epilogue.residual, [x.length], separate, [x.length]);
          if (relu) refBackend.unary('relu', separate, separate, 0);
          expectSame(actual, separate, 'separate ops');
        });
      }
    }
  },
  batchNormBackward(wasm) {
    for (const s of SPLITS) {
      for (const training of [true, false]) {
        for (const affine of [true, false]) {
          it(`${label(s)} training=${training} affine=${affine}`, () => {
            const g = seeded(`batchNormBackward ${label(s)} ${training} ${affine}`);
            const x = randomF32(s.outer * s.size * s.inner, g);
            const dy = randomF32(x.length, g, 1);
            const { mean, invStd } = stats(x, s);
            const weight = affine ? randomF32(s.size, g) : null;
            const out = (): Float32Array[] => [new Float32Array(x.length).fill(7), new Float32Array(s.size), new Float32Array(s.size)];
            const [actual, expected] = [out(), out()];
            wasm.batchNormBackward(x, dy, s, mean, invStd, weight, training, actual[0], actual[1], actual[2]);
            refBackend.batchNormBackward(x, dy, s, mean, invStd, weight, training, expected[0], expected[1], expected[2]);
            expectSame(actual[0], expected[0], 'dx');
            expectSame(actual[1], expected[1], 'dweight');
            expectSame(actual[2], expected[2], 'dbias');
            // each output may be skipped
            const dxOnly = new Float32Array(x.length);
            wasm.batchNormBackward(x, dy, s, mean, invStd, weight, training, dxOnly, null, null);
            expectSame(dxOnly, expected[0], 'dx alone');
            // with the epilogue's relu selection by the output y (some y ≤ 0, some NaN), with and without ∂L/∂residual
            const y = randomF32(x.length, g, 2);
            for (const withResidual of [true, false]) {
              const [a, e] = [out(), out()];
              const [dra, dre] = withResidual ? [new Float32Array(x.length), new Float32Array(x.length)] : [null, null];
              wasm.batchNormBackward(x, dy, s, mean, invStd, weight, training, a[0], a[1], a[2], { y, dresidual: dra });
              refBackend.batchNormBackward(x, dy, s, mean, invStd, weight, training, e[0], e[1], e[2], { y, dresidual: dre });
              const selected = new Float32Array(x.length);
              refBackend.unaryBackward('relu', y, y, dy, selected, 0);
              const separate = out();
              refBackend.batchNormBackward(x, selected, s, mean, invStd, weight, training, separate[0], separate[1], separate[2]);
              for (const [k, name] of ['dx', 'dweight', 'dbias'].entries()) {
                expectSame(a[k], e[k], `${name} with the relu`);
                expectSame(a[k], separate[k], `${name} = the separate ops'`);
              }
              if (dra !== null && dre !== null) {
                expectSame(dra, dre, 'dresidual');
                expectSame(dra, selected, 'dresidual = the relu gradient');
              }
            }
          });
        }
      }
    }
  },
};

describeWasm('batch-norm', tests);
