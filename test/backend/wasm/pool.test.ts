/** The wasm pooling kernels against the reference: exact agreement (see compare.ts). */
import { it } from 'vitest';
import { refBackend } from '../../../src/backend/ref/index.js';
import { type Pool2dOptions, poolGeometry } from '../../../src/geometry/pool.js';
import { type Shape, sizeOf } from '../../../src/tensor/shape.js';
import { type KernelTests, type KernelsOf, describeWasm, expectSame, optionsLabel, randomF32, seeded } from './compare.js';

const POOL_CASES: { what: string; x: Shape; options: Pool2dOptions }[] = [
  { what: '2x2', x: [2, 3, 8, 8], options: { kernelSize: 2 } },
  { what: 'rows of 14 outputs, overlapping last group', x: [2, 3, 10, 28], options: { kernelSize: 2 } },
  { what: 'rows of 5 outputs, overlapping last group', x: [2, 3, 10, 10], options: { kernelSize: 2 } },
  { what: 'odd width, rows of 6 outputs', x: [1, 2, 7, 13], options: { kernelSize: 2 } },
  { what: 'rows of 3 outputs, scalar', x: [1, 2, 6, 6], options: { kernelSize: 2 } },
  { what: 'overlapping, padded', x: [2, 3, 9, 11], options: { kernelSize: 3, stride: 2, padding: 1 } },
  { what: 'ceilMode, overlapping', x: [1, 4, 10, 7], options: { kernelSize: 3, stride: 2, ceilMode: true } },
  { what: 'non-square', x: [2, 2, 9, 12], options: { kernelSize: [2, 3], stride: [1, 2], padding: [1, 1], countIncludePad: false } },
  { what: 'ceilMode with padding', x: [1, 3, 7, 7], options: { kernelSize: 2, stride: 2, padding: 1, ceilMode: true } },
];

/** Each case with its test name: `x=[2,3,8,8] kernelSize=2 (2x2)`. */
const CASES = POOL_CASES.map((c) => ({ ...c, label: `x=${JSON.stringify(c.x)} ${optionsLabel(c.options)} (${c.what})` }));

const tests: Record<KernelsOf<'pool'>, KernelTests> = {
  maxPool2d(wasm) {
    for (const { label, x: shape, options } of CASES) {
      it(label, () => {
        const g = seeded(`maxPool2d ${label}`);
        const p = poolGeometry('maxPool2d', shape, options);
        const x = randomF32(sizeOf(shape), g, 3);
        const outSize = p.n * p.c * p.hOut * p.wOut;
        const [actual, expected] = [new Float32Array(outSize), new Float32Array(outSize)];
        const [am1, am2] = [new Int32Array(outSize), new Int32Array(outSize)];
        wasm.maxPool2d(x, p, actual, am1);
        refBackend.maxPool2d(x, p, expected, am2);
        expectSame(actual, expected, `maxPool2d ${label}`);
        expectSame(am1, am2, `maxPool2d ${label} argmax`);
      });
    }
  },
  maxPool2dBackward(wasm) {
    for (const { label, x: shape, options } of CASES) {
      it(label, () => {
        const g = seeded(`maxPool2dBackward ${label}`);
        const p = poolGeometry('maxPool2d', shape, options);
        const outSize = p.n * p.c * p.hOut * p.wOut;
        const am = new Int32Array(outSize);
        refBackend.maxPool2d(randomF32(sizeOf(shape), g), p, new Float32Array(outSize), am);
        const dy = randomF32(outSize, g);
        for (const [dx0, zeroed] of [
          [randomF32(sizeOf(shape), g), false],
          [new Float32Array(sizeOf(shape)), true],
        ] as const) {
          const [actual, expected] = [dx0.slice(), dx0.slice()];
          wasm.maxPool2dBackward(dy, am, p, actual, zeroed);
          refBackend.maxPool2dBackward(dy, am, p, expected);
          expectSame(actual, expected, `maxPool2dBackward ${label} dxZeroed ${zeroed}`);
        }
      });
    }
  },
  avgPool2d(wasm) {
    for (const { label, x: shape, options } of CASES) {
      it(label, () => {
        const g = seeded(`avgPool2d ${label}`);
        const p = poolGeometry('avgPool2d', shape, options);
        const x = randomF32(sizeOf(shape), g);
        const outSize = p.n * p.c * p.hOut * p.wOut;
        const [actual, expected] = [new Float32Array(outSize), new Float32Array(outSize)];
        wasm.avgPool2d(x, p, actual);
        refBackend.avgPool2d(x, p, expected);
        expectSame(actual, expected, `avgPool2d ${label}`);
      });
    }
  },
  avgPool2dBackward(wasm) {
    for (const { label, x: shape, options } of CASES) {
      it(label, () => {
        const g = seeded(`avgPool2dBackward ${label}`);
        const p = poolGeometry('avgPool2d', shape, options);
        const dy = randomF32(p.n * p.c * p.hOut * p.wOut, g);
        for (const [dx0, zeroed] of [
          [randomF32(sizeOf(shape), g), false],
          [new Float32Array(sizeOf(shape)), true],
        ] as const) {
          const [actual, expected] = [dx0.slice(), dx0.slice()];
          wasm.avgPool2dBackward(dy, p, actual, zeroed);
          refBackend.avgPool2dBackward(dy, p, expected);
          expectSame(actual, expected, `avgPool2dBackward ${label} dxZeroed ${zeroed}`);
        }
      });
    }
  },
};

describeWasm('pooling', tests);
