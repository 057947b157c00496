/** The wasm matrix products against the reference (see compare.ts for the tolerance). */
import { it } from 'vitest';
import { refBackend } from '../../../src/backend/ref/index.js';
import { CONV_TOL, type KernelTests, type KernelsOf, abs, describeWasm, expectWithin, randomF32, seeded } from './compare.js';

/** `[batch, m, k, n]`: tiles, partial tiles, k = 0 and 1, the LeNet layers' sizes. */
const MATMUL_CASES: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [1, 5, 7, 3],
  [2, 4, 8, 8],
  [3, 33, 17, 65],
  [1, 64, 120, 84],
  [2, 9, 1, 11],
  [1, 3, 0, 5],
  [1, 64, 400, 120],
  [1, 120, 64, 400],
  [1, 7, 3, 17],
];

const tests: Record<KernelsOf<'matmul'>, KernelTests> = {
  matmul(wasm) {
    for (const [batch, m, k, n] of MATMUL_CASES) {
      const label = `batch=${batch} m=${m} k=${k} n=${n}`;
      it(label, () => {
        const g = seeded(`matmul ${label}`);
        const a = randomF32(batch * m * k, g);
        const b = randomF32(batch * k * n, g);
        const actual = new Float32Array(batch * m * n);
        const expected = new Float32Array(batch * m * n);
        const scale = new Float32Array(batch * m * n);
        wasm.matmul(a, b, actual, batch, m, k, n);
        refBackend.matmul(a, b, expected, batch, m, k, n);
        refBackend.matmul(abs(a), abs(b), scale, batch, m, k, n);
        expectWithin(actual, expected, scale, CONV_TOL, `matmul ${label}`);
      });
    }
  },
  gemm(wasm) {
    for (const [, m, k, n] of MATMUL_CASES) {
      for (const [transA, transB] of [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ]) {
        const label = `m=${m} k=${k} n=${n} transA=${transA} transB=${transB}`;
        it(label, () => {
          const g = seeded(`gemm ${label}`);
          for (const bias of [null, randomF32(n, g)]) {
            const a = randomF32(m * k, g);
            const b = randomF32(k * n, g);
            const actual = randomF32(m * n, g); // overwritten
            const expected = new Float32Array(m * n);
            const scale = new Float32Array(m * n);
            wasm.gemm(a, b, bias, actual, m, k, n, transA, transB);
            refBackend.gemm(a, b, bias, expected, m, k, n, transA, transB);
            refBackend.gemm(abs(a), abs(b), bias && abs(bias), scale, m, k, n, transA, transB);
            expectWithin(actual, expected, scale, CONV_TOL, `gemm ${label} bias ${bias !== null}`);
          }
        });
      }
    }
  },
};

describeWasm('matrix product', tests);
