/** Shared test utilities: the backend loop, seeded inputs, and closeness assertions. */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { Generator, Tensor, getBackend, listBackends, randn, setBackend, tensor } from '../src/index.js';
import type { DType } from '../src/index.js';

/**
 * Runs `body` once per available backend (one test body for every backend): `ref` always, and
 * every fast backend that loads on this machine (`wasm`); the previously selected backend is
 * restored afterwards.
 */
export function describeEachBackend(title: string, body: (backend: string) => void): void {
  for (const name of listBackends()) {
    describe(`${title} [${name}]`, () => {
      let previous = 'ref';
      beforeAll(() => {
        previous = getBackend();
        setBackend(name);
      });
      afterAll(() => setBackend(previous));
      body(name);
    });
  }
}

/** A float64 tensor of normal samples that requires a gradient (for gradcheck). */
export function param64(shape: number[], g: Generator, scale = 1): Tensor {
  const t = randn(shape, { dtype: 'float64', generator: g });
  for (let i = 0; i < t.size; i++) t.data[i] *= scale;
  return t.setRequiresGrad(true);
}

/** A tensor from fixture JSON `{shape, data}`. */
export function fromJson(j: { shape: number[]; data: number[] }, dtype: DType = 'float32', requiresGrad = false): Tensor {
  return tensor(j.data, { shape: j.shape, dtype, requiresGrad });
}

/**
 * Asserts `actual` has `expected`'s shape and every element within `atol + rtol·|expected|`
 * (torch.allclose), naming the first element that is not.
 */
export function expectClose(actual: Tensor | null, expected: { shape: readonly number[]; data: ArrayLike<number> }, rtol: number, atol: number, label = ''): void {
  expect(actual, `${label}: missing tensor`).not.toBeNull();
  const a = actual as Tensor;
  expect([...a.shape], `${label}: shape`).toEqual([...expected.shape]);
  for (let i = 0; i < a.size; i++) {
    const e = expected.data[i];
    const diff = Math.abs(a.data[i] - e);
    if (!(diff <= atol + rtol * Math.abs(e))) {
      expect.fail(`${label}: element ${i} is ${a.data[i]}, expected ${e} (|diff| ${diff.toExponential(3)})`);
    }
  }
}

/** A fresh seeded generator. */
export function gen(seed: number): Generator {
  return new Generator(seed);
}
