/**
 * The wasm elementwise kernels against the reference, with NaN, ±Infinity and ±0 among the
 * inputs (and a fifth of them NaN in a second pass, so that every vector lane and the scalar
 * tail meet one): exact agreement, except the transcendental functions (rtol 1e-6, see compare.ts).
 */
import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '../../../src/backend/backend.js';
import { refBackend } from '../../../src/backend/ref/index.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import { wasmSkipReason } from '../../helpers.js';
import { type Shape, broadcastShapes, sizeOf } from '../../../src/tensor/shape.js';
import { type KernelTests, type KernelsOf, abs, describeWasm, expectSame, expectWithin, randomF32, seeded, withNaNs } from './compare.js';

const UNARY_OPS: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'abs', 'square', 'relu', 'leakyRelu', 'sigmoid', 'tanh', 'powScalar'];
/** Ops whose reference uses Math library functions that may differ in the last bit. */
const TRANSCENDENTAL: UnaryOp[] = ['exp', 'log', 'sigmoid', 'tanh', 'powScalar'];
const BINARY_OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'gt', 'lt'];

/** Operand shapes `[a, b]`: equal, scalar, trailing, middle and leading broadcasts. */
const BROADCASTS: [Shape, Shape][] = [
  [[37], [37]],
  [
    [4, 5],
    [4, 5],
  ],
  [[4, 5], []],
  [[], [6, 3]],
  [[4, 5], [5]],
  [
    [4, 1],
    [4, 7],
  ],
  [
    [2, 1, 3],
    [2, 4, 1],
  ],
  [
    [3, 6, 5, 7],
    [1, 6, 1, 1],
  ],
  [
    [1, 6, 1, 1],
    [3, 6, 5, 7],
  ],
  [[], []],
  [
    [2, 3, 1, 5],
    [3, 4, 1],
  ],
];

const tests: Record<KernelsOf<'elementwise'>, KernelTests> = {
  unary(wasm) {
    for (const op of UNARY_OPS) {
      it(op, () => {
        const g = seeded(`unary ${op}`);
        for (const alpha of op === 'powScalar' ? [2, 3, 0.5, -1.5] : [0.01, 0.2]) {
          for (const n of [1, 3, 4, 37, 1000]) {
            for (const nanFraction of [0, 0.2]) {
              const x = withNaNs(randomF32(n, g, n > 4 ? 5 : 0), g, nanFraction);
              const [actual, expected] = [new Float32Array(n), new Float32Array(n)];
              wasm.unary(op, x, actual, alpha);
              refBackend.unary(op, x, expected, alpha);
              const label = `unary ${op} alpha ${alpha} n ${n} NaN fraction ${nanFraction}`;
              if (TRANSCENDENTAL.includes(op)) expectWithin(actual, expected, abs(expected), 1e-6, label);
              else expectSame(actual, expected, label);
            }
          }
        }
      });
    }
  },
  unaryBackward(wasm) {
    for (const op of UNARY_OPS) {
      it(op, () => {
        const g = seeded(`unaryBackward ${op}`);
        for (const alpha of op === 'powScalar' ? [2, 3, 0.5] : [0.01, 0.2]) {
          for (const n of [1, 5, 37, 1000]) {
            for (const nanFraction of [0, 0.2]) {
              const x = withNaNs(randomF32(n, g, n > 4 ? 5 : 0), g, nanFraction);
              const y = new Float32Array(n);
              refBackend.unary(op, x, y, alpha);
              // NaN and ±Infinity among the incoming gradients too (relu's gradient selects, 0·NaN would not)
              const dy = withNaNs(randomF32(n, g, n > 4 ? 3 : 0), g, nanFraction / 2);
              const [actual, expected] = [new Float32Array(n), new Float32Array(n)];
              wasm.unaryBackward(op, x, y, dy, actual, alpha);
              refBackend.unaryBackward(op, x, y, dy, expected, alpha);
              const label = `unaryBackward ${op} alpha ${alpha} n ${n} NaN fraction ${nanFraction}`;
              if (op === 'powScalar') expectWithin(actual, expected, abs(expected), 1e-6, label);
              else expectSame(actual, expected, label);
            }
          }
        }
      });
    }
  },
  binary(wasm) {
    for (const op of BINARY_OPS) {
      for (const [as, bs] of BROADCASTS) {
        const label = `${op} a=${JSON.stringify(as)} b=${JSON.stringify(bs)}`;
        it(label, () => {
          const g = seeded(`binary ${label}`);
          const outShape = broadcastShapes(op, as, bs);
          for (const nanFraction of [0, 0.2]) {
            const a = withNaNs(randomF32(sizeOf(as), g, sizeOf(as) > 4 ? 3 : 0), g, nanFraction);
            const b = withNaNs(randomF32(sizeOf(bs), g, sizeOf(bs) > 4 ? 3 : 0), g, nanFraction);
            // equal pairs, so that eq, maximum and minimum see ties
            if (a.length === b.length) for (let i = 0; i < a.length; i += 3) b[i] = a[i];
            const size = sizeOf(outShape);
            const [actual, expected] = [new Float32Array(size), new Float32Array(size)];
            wasm.binary(op, a, as, b, bs, actual, outShape);
            refBackend.binary(op, a, as, b, bs, expected, outShape);
            expectSame(actual, expected, `binary ${label} NaN fraction ${nanFraction}`);
          }
        });
      }
    }
  },
  axpy(wasm) {
    for (const n of [1, 4, 37, 1000]) {
      it(`n=${n}`, () => {
        const g = seeded(`axpy ${n}`);
        for (const alpha of [-0.1, 1, 3.3e-3]) {
          const a = randomF32(n, g);
          const b = randomF32(n, g);
          const [actual, expected] = [new Float32Array(n), new Float32Array(n)];
          wasm.axpy(a, b, alpha, actual);
          refBackend.axpy(a, b, alpha, expected);
          expectSame(actual, expected, `axpy n ${n} alpha ${alpha}`);
        }
      });
    }
  },
};

describeWasm('elementwise', tests);

/** Distance in units in the last place between two float32 values (0 for equal values, ±0 equal). */
function ulps(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  // float32 bit patterns as one ordered integer line (negative values mirrored below zero)
  const ordered = (i: number): number => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(ordered(bits[0]) - ordered(bits[1]));
}

const accuracy = 'wasm tanh and sigmoid (vector forms, math.ts) against the correctly rounded value';
(wasmSkipReason() === null ? describe : describe.skip)(accuracy, () => {
  const wasm = createWasmBackend({ threads: 1 });
  // 10^6 values over [−120, 120], dense near 0, and the special values
  const n = 1_000_000;
  const x = new Float32Array(n + 7);
  for (let i = 0; i < n; i++) x[i] = (i / n - 0.5) * 240 * ((i % 1000) / 1000) ** 3;
  x.set([NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40], n);
  const exact: Record<'tanh' | 'sigmoid', (v: number) => number> = { tanh: Math.tanh, sigmoid: (v) => 1 / (1 + Math.exp(-v)) };
  for (const op of ['tanh', 'sigmoid'] as const) {
    it(`${op}: within 2 ulp everywhere, NaN, ±0, ±Infinity and subnormals as the reference`, () => {
      const out = new Float32Array(x.length);
      wasm.unary(op, x, out, 0);
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        const e = Math.fround(exact[op](x[i]));
        if (Number.isNaN(e)) expect(out[i], `${op}(${x[i]})`).toBeNaN();
        else if (e === 0 || !Number.isFinite(e)) expect(Object.is(out[i], e), `${op}(${x[i]}) is ${out[i]}, expected ${e}`).toBe(true);
        else worst = Math.max(worst, ulps(out[i], e));
      }
      expect(worst).toBeLessThanOrEqual(2);
    });
  }
});
