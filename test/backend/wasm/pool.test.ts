/**
 * The wasm pooling kernels against the reference: exact agreement (see compare.ts), the max
 * poolings also on inputs of which a fifth are NaN (windows with one NaN, several, or only NaN:
 * the output is NaN and the argmax the last NaN, in the SIMD 2x2 path and the scalar one).
 */
import { it } from 'vitest';
import { refBackend } from '../../../src/backend/ref/index.js';
import { type Pool2dOptions, poolGeometry } from '../../../src/geometry/pool.js';
import { type Shape, sizeOf } from '../../../src/tensor/shape.js';
import {
  type KernelTests,
  type KernelsOf,
  abs,
  describeWasm,
  expectSame,
  expectWithin,
  optionsLabel,
  randomF32,
  seeded,
  withNaNs,
} from './compare.js';
import { SPECS, checkSubsampling } from '../subsampling-check.js';

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

const tests: Record<Exclude<KernelsOf<'pool'>, 'subsampling' | 'subsamplingBackward'>, KernelTests> = {
  maxPool2d(wasm) {
    for (const { label, x: shape, options } of CASES) {
      it(label, () => {
        const g = seeded(`maxPool2d ${label}`);
        const p = poolGeometry('maxPool2d', shape, options);
        const outSize = p.n * p.c * p.hOut * p.wOut;
        for (const nanFraction of [0, 0.2]) {
          const x = withNaNs(randomF32(sizeOf(shape), g, 3), g, nanFraction);
          const [actual, expected] = [new Float32Array(outSize), new Float32Array(outSize)];
          const [am1, am2] = [new Int32Array(outSize), new Int32Array(outSize)];
          wasm.maxPool2d(x, p, actual, am1);
          refBackend.maxPool2d(x, p, expected, am2);
          expectSame(actual, expected, `maxPool2d ${label} NaN fraction ${nanFraction}`);
          expectSame(am1, am2, `maxPool2d ${label} NaN fraction ${nanFraction} argmax`);
        }
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
        // the maxima of an input with NaN among it, and NaN among the deltas routed to them
        refBackend.maxPool2d(withNaNs(randomF32(sizeOf(shape), g), g, 0.2), p, new Float32Array(outSize), am);
        const dy = withNaNs(randomF32(outSize, g, 3), g, 0.1);
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

/** LeNet-5's subsamplings, and windows that overlap or leave a remainder. */
const SUBSAMPLING_CASES: [string, Shape, number, number][] = [
  ['LeNet S2', [4, 6, 28, 28], 2, 2],
  ['LeNet S4', [4, 16, 10, 10], 2, 2],
  ['3x3 windows, stride 2, odd sizes', [2, 3, 9, 11], 3, 2],
  ['overlapping 2x2 windows, stride 1', [2, 2, 5, 6], 2, 1],
];

function subsamplingCases(): { label: string; x: Shape; kernelSize: number; stride: number; s: (typeof SPECS)[number] }[] {
  return SUBSAMPLING_CASES.flatMap(([what, x, kernelSize, stride]) =>
    SPECS.map((s) => ({
      label: `x=${JSON.stringify(x)} kernelSize=${kernelSize} stride=${stride} pool=${s.pool} activation=${s.activation} (${what})`,
      x,
      kernelSize,
      stride,
      s,
    })),
  );
}

const subsamplingGeometry = (x: Shape, kernelSize: number, stride: number, pool: 'avg' | 'max') =>
  poolGeometry(pool === 'max' ? 'maxPool2d' : 'avgPool2d', x, { kernelSize, stride });

const subsamplingTests: Record<'subsampling' | 'subsamplingBackward', KernelTests> = {
  // against ref; and, as the fused convolution block, against the wasm backend's own separate kernels, bit for bit
  subsampling(wasm) {
    for (const { label, x: shape, kernelSize, stride, s } of subsamplingCases()) {
      it(label, () => {
        const g = seeded(`subsampling ${label}`);
        const p = subsamplingGeometry(shape, kernelSize, stride, s.pool);
        const [w, b] = [randomF32(p.c, g), randomF32(p.c, g)];
        const size = p.n * p.c * p.hOut * p.wOut;
        for (const nanFraction of [0, 0.05]) {
          const x = withNaNs(randomF32(sizeOf(shape), g), g, nanFraction);
          const run = (backend: typeof wasm | typeof refBackend) => {
            const out = {
              y: new Float32Array(size),
              pooled: new Float32Array(size),
              argmax: s.pool === 'max' ? new Int32Array(size) : null,
            };
            backend.subsampling(x, w, b, p, s, out.y, out.pooled, out.argmax);
            return out;
          };
          const [actual, expected] = [run(wasm), run(refBackend)];
          const name = `subsampling ${label} NaN fraction ${nanFraction}`;
          expectSame(actual.pooled, expected.pooled, `${name} pooled`);
          if (actual.argmax !== null) expectSame(actual.argmax, expected.argmax!, `${name} argmax`);
          // tanh and the sigmoid: the vector forms are within 2 ulp (elementwise.test.ts)
          if (s.activation === 'tanh' || s.activation === 'sigmoid') expectWithin(actual.y, expected.y, abs(expected.y), 1e-6, name);
          else expectSame(actual.y, expected.y, name);
          checkSubsampling(wasm, p, s, g, `wasm ${name}`, nanFraction);
        }
      });
    }
  },
  subsamplingBackward(wasm) {
    for (const { label, x: shape, kernelSize, stride, s } of subsamplingCases()) {
      it(label, () => {
        const g = seeded(`subsamplingBackward ${label}`);
        const p = subsamplingGeometry(shape, kernelSize, stride, s.pool);
        const size = p.n * p.c * p.hOut * p.wOut;
        const [w, b] = [randomF32(p.c, g), randomF32(p.c, g)];
        for (const nanFraction of [0, 0.05]) {
          const x = withNaNs(randomF32(sizeOf(shape), g), g, nanFraction);
          const [y, pooled] = [new Float32Array(size), new Float32Array(size)];
          const argmax = s.pool === 'max' ? new Int32Array(size) : null;
          refBackend.subsampling(x, w, b, p, s, y, pooled, argmax);
          const dy = withNaNs(randomF32(size, g), g, nanFraction);
          for (const [dx0, zeroed] of [
            [randomF32(x.length, g), false],
            [new Float32Array(x.length), true],
          ] as const) {
            const grads = (backend: typeof wasm | typeof refBackend) => {
              const out = { dx: dx0.slice(), dw: randomF32(p.c, g), db: randomF32(p.c, g) };
              backend.subsamplingBackward(dy, y, pooled, argmax, w, p, s, out.dx, out.dw, out.db, zeroed);
              return out;
            };
            const [actual, expected] = [grads(wasm), grads(refBackend)];
            const name = `subsamplingBackward ${label} NaN fraction ${nanFraction}`;
            expectSame(actual.dx, expected.dx, `${name} dx (dxZeroed ${zeroed})`);
            expectSame(actual.dw, expected.dw, `${name} dw`);
            expectSame(actual.db, expected.db, `${name} db`);
          }
        }
      });
    }
  },
};

describeWasm('pooling', { ...tests, ...subsamplingTests });
