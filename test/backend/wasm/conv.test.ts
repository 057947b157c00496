/**
 * The wasm convolution kernels against the reference (see compare.ts for the tolerances), also
 * with NaN among the operands and, backward, half the deltas exactly 0 (as after a relu or a max
 * pooling): `0·NaN` is NaN, so NaN must reach exactly the outputs that it reaches in ref.
 */
import { it } from 'vitest';
import { refBackend } from '../../../src/backend/ref/index.js';
import type { Generator } from '../../../src/tensor/random.js';
import { CONV_TOL, type KernelTests, type KernelsOf, abs, describeWasm, expectWithin, randomF32, seeded } from './compare.js';
import { CONV_CASES } from './conv-cases.js';

/** Normal samples; with `nan`, two of them NaN and about half the others exactly 0. */
function operand(n: number, g: Generator, nan: boolean, zeros = false): Float32Array {
  const a = randomF32(n, g);
  if (zeros) for (let i = 0; i < n; i++) if (g.uniform() < 0.5) a[i] = 0;
  if (nan) for (let k = 0; k < 2; k++) a[g.randint(n)] = NaN;
  return a;
}

const tests: Record<KernelsOf<'conv'>, KernelTests> = {
  conv2d(wasm) {
    for (const { label, geometry: c } of CONV_CASES) {
      it(label, () => {
        const g = seeded(`conv2d ${label}`);
        for (const nan of [false, true]) {
          const x = randomF32(c.n * c.cIn * c.h * c.w, g);
          const w = randomF32(c.cOut * (c.cIn / c.groups) * c.kh * c.kw, g);
          if (nan) x[g.randint(x.length)] = NaN;
          const outSize = c.n * c.cOut * c.hOut * c.wOut;
          for (const bias of [null, randomF32(c.cOut, g)]) {
            const actual = new Float32Array(outSize);
            const expected = new Float32Array(outSize);
            const scale = new Float32Array(outSize);
            wasm.conv2d(x, w, bias, c, actual);
            refBackend.conv2d(x, w, bias, c, expected);
            refBackend.conv2d(abs(x), abs(w), bias && abs(bias), c, scale);
            expectWithin(actual, expected, scale, CONV_TOL, `conv2d ${label} bias ${bias !== null}${nan ? ' NaN in x' : ''}`);
          }
        }
      });
    }
  },
  conv2dBackwardInput(wasm) {
    for (const { label, geometry: c } of CONV_CASES) {
      it(label, () => {
        const g = seeded(`conv2dBackwardInput ${label}`);
        for (const nan of [false, true]) {
          // with NaN: in dy (which zeros around it do not stop), and zeros in dy
          const dy = operand(c.n * c.cOut * c.hOut * c.wOut, g, nan, nan);
          const w = randomF32(c.cOut * (c.cIn / c.groups) * c.kh * c.kw, g);
          const size = c.n * c.cIn * c.h * c.w;
          // adding to a non-zero dx, and writing a dx the caller promises is zero
          for (const [dx0, zeroed] of [
            [randomF32(size, g), false],
            [new Float32Array(size), true],
          ] as const) {
            const actual = dx0.slice();
            const expected = dx0.slice();
            const scale = abs(dx0);
            wasm.conv2dBackwardInput(dy, w, c, actual, zeroed);
            refBackend.conv2dBackwardInput(dy, w, c, expected);
            refBackend.conv2dBackwardInput(abs(dy), abs(w), c, scale);
            expectWithin(
              actual,
              expected,
              scale,
              CONV_TOL,
              `conv2dBackwardInput ${label} dxZeroed ${zeroed}${nan ? ' NaN and zeros in dy' : ''}`,
            );
          }
        }
      });
    }
  },
  conv2dBackwardWeight(wasm) {
    for (const { label, geometry: c } of CONV_CASES) {
      it(label, () => {
        const g = seeded(`conv2dBackwardWeight ${label}`);
        // NaN left in the kernels' memory where this call's buffers will be: values read past a
        // row's end (the direct kernel's vector tails) must not reach the result
        wasm.unary('neg', new Float32Array(1 << 16).fill(NaN), new Float32Array(1 << 16), 0);
        for (const nan of [false, true]) {
          // with NaN: in x, times deltas of which half are 0 (0·NaN is NaN)
          const x = operand(c.n * c.cIn * c.h * c.w, g, nan);
          const dy = operand(c.n * c.cOut * c.hOut * c.wOut, g, false, nan);
          const size = c.cOut * (c.cIn / c.groups) * c.kh * c.kw;
          const actual = randomF32(size, g); // overwritten, not accumulated
          const expected = new Float32Array(size);
          const scale = new Float32Array(size);
          wasm.conv2dBackwardWeight(x, dy, c, actual);
          refBackend.conv2dBackwardWeight(x, dy, c, expected);
          refBackend.conv2dBackwardWeight(abs(x), abs(dy), c, scale);
          expectWithin(actual, expected, scale, CONV_TOL, `conv2dBackwardWeight ${label}${nan ? ' NaN in x, zeros in dy' : ''}`);
        }
      });
    }
  },
};

describeWasm('convolution', tests);
