/**
 * The wasm backend against the reference kernels, kernel by kernel, on random float32 inputs: the
 * shared part of the test files in this folder (one file per kernel family).
 *
 * Tolerances: convolutions and matmul accumulate in f32 where the reference uses f64, so each
 * element must agree within 1e-5 of the sum of the absolute values of its terms (the same kernel
 * run by the reference on |inputs|). Every other kernel evaluates the reference's formula in the
 * reference's precision and must agree exactly, except the transcendental functions (exp, log,
 * tanh, pow, log-softmax), whose libraries may differ in the last bit: rtol 1e-6. The
 * accumulating kernels (conv2dBackwardInput, max/avg pooling backward) start from non-zero
 * outputs, to check that they add like the reference, and from zeros with `dxZeroed`;
 * conv2dBackwardWeight starts from garbage, to check that it overwrites.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backend/backend.js';
import { type WasmBackend, createWasmBackend } from '../../../src/backend/wasm/index.js';
import { relaxedSimdAvailable } from '../../../src/backend/wasm/module.js';
import { Generator } from '../../../src/tensor/random.js';
import { wasmSkipReason } from '../../helpers.js';

/** A kernel of the Backend contract. */
export type KernelName = Exclude<keyof Backend, 'name' | 'persistentFloat32'>;

/**
 * The test file (in this folder) that compares each kernel of the Backend contract: a kernel added
 * to the contract without a line here does not compile, and each file's `tests` object must have
 * a body for every kernel of its family.
 */
export const KERNEL_FAMILIES = {
  conv2d: 'conv',
  conv2dBackwardInput: 'conv',
  conv2dBackwardWeight: 'conv',
  fusedConv2d: 'fused',
  fusedConv2dBackward: 'fused',
  convSubsampling: 'fused',
  convSubsamplingBackward: 'fused',
  maxPool2d: 'pool',
  maxPool2dBackward: 'pool',
  avgPool2d: 'pool',
  avgPool2dBackward: 'pool',
  subsampling: 'pool',
  subsamplingBackward: 'pool',
  matmul: 'matmul',
  gemm: 'matmul',
  unary: 'elementwise',
  unaryBackward: 'elementwise',
  binary: 'elementwise',
  axpy: 'elementwise',
  sum: 'reduce',
  argmax: 'reduce',
  permute: 'reduce',
  logSoftmax: 'reduce',
  logSoftmaxBackward: 'reduce',
  batchNormStats: 'batch-norm',
  batchNorm: 'batch-norm',
  batchNormBackward: 'batch-norm',
  sgdStep: 'optim',
  adamStep: 'optim',
} as const satisfies Record<KernelName, string>;

/** The kernels compared by the test file of `family`. */
export type KernelsOf<F extends string> = { [K in KernelName]: (typeof KERNEL_FAMILIES)[K] extends F ? K : never }[KernelName];

/** Registers a kernel's tests (its `it` calls) for one wasm backend. */
export type KernelTests = (wasm: WasmBackend) => void;

/** The kernel variants the engine can load: plain SIMD, and relaxed SIMD (fused multiply-adds) where it validates. */
export const FMA_VARIANTS: boolean[] = wasmSkipReason() === null && relaxedSimdAvailable() ? [false, true] : [false];

/**
 * Runs the kernel tests of a family against a wasm backend with 1 thread and with 2 threads, each
 * in its own `describe`, for each kernel variant (`FMA_VARIANTS`). With 2 threads every kernel is
 * split into as many chunks as it has work units (`minFlopsPerThread: 0`), so the worker thread
 * runs small shapes too. Where the wasm backend does not load, a visible skip or a failure, as
 * `wasmSkipReason` (test/helpers.ts) says.
 */
export function describeWasm(family: string, tests: Record<string, KernelTests>): void {
  const skip = wasmSkipReason();
  for (const fma of FMA_VARIANTS) {
    for (const threads of [1, 2]) {
      const title = `wasm ${family} kernels${fma ? ' (relaxed SIMD: fused multiply-adds)' : ''} against ref, ${threads} thread${threads > 1 ? 's' : ''}`;
      if (skip !== null) {
        describe.skip(`${title} — ${skip}`, () => {});
        continue;
      }
      describe(title, () => {
        const wasm = createWasmBackend({ threads, minFlopsPerThread: 0, fma });
        afterAll(() => wasm.setThreads(1));
        it('starts its threads and loads its variant', () => {
          expect(wasm.threads).toBe(threads);
          expect(wasm.waitForThreads()).toBe(threads);
          expect(wasm.fma).toBe(fma);
        });
        for (const [kernel, register] of Object.entries(tests)) describe(kernel, () => register(wasm));
      });
    }
  }
}

/** A generator seeded from a test's name, so that its inputs do not depend on which tests run before it. */
export function seeded(name: string): Generator {
  let h = 2166136261; // FNV-1a
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return new Generator(h);
}

/** Normal samples, with `specials` of them replaced by NaN, ±Infinity, ±0. */
export function randomF32(n: number, g: Generator, specials = 0): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.normal();
  const values = [NaN, Infinity, -Infinity, 0, -0];
  for (let s = 0; s < specials && n > 0; s++) a[g.randint(n)] = values[s % values.length];
  return a;
}

/**
 * `a` with each element set to NaN with probability `fraction` (in place; returned for chaining):
 * windows and rows holding one NaN, several, or only NaN, for the kernels that must propagate it.
 */
export function withNaNs(a: Float32Array, g: Generator, fraction: number): Float32Array {
  if (fraction <= 0) return a; // draws nothing: inputs without NaN are those of earlier versions
  for (let i = 0; i < a.length; i++) if (g.uniform() < fraction) a[i] = NaN;
  return a;
}

/** Elementwise absolute values. */
export function abs(a: Float32Array): Float32Array {
  return a.map(Math.abs);
}

/** Exact agreement (NaN equals NaN, and the sign of zero matters). */
export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** |actual − expected| ≤ tol · scale[i] elementwise (NaN must match NaN). */
export function expectWithin(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  scale: ArrayLike<number>,
  tol: number,
  label: string,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(Math.abs(a - e) <= tol * scale[i]) && a !== e) {
      expect.fail(
        `${label}: element ${i} is ${a}, expected ${e} (|diff| ${Math.abs(a - e).toExponential(3)}, allowed ${(tol * scale[i]).toExponential(3)})`,
      );
    }
  }
}

/** The tolerance of f32-accumulated sums against the reference, relative to the sum of |terms|. */
export const CONV_TOL = 1e-5;

/** `name=value` pairs of an options object, for test names: `stride=[1,2] padding=1`. */
export function optionsLabel(options: object): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
}
