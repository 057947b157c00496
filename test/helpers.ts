/** Shared test utilities: the backend loop, seeded inputs, and closeness assertions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator, Tensor, getBackend, listBackends, randn, setBackend, tensor } from '../src/index.js';
import type { DType } from '../src/index.js';
import { wasmUnavailableReason } from '../src/backend/registry.js';

/**
 * Why tests of the wasm backend are skipped here, or null where they run. They are skipped —
 * visibly, with the backend's load error in the title — only where `CONVNET_ALLOW_NO_WASM=1`
 * says that a runtime without WebAssembly SIMD is expected. Everywhere else (Node 20+, CI) they
 * run, so a wasm backend that fails to load fails them with its reason.
 */
export function wasmSkipReason(): string | null {
  const reason = wasmUnavailableReason();
  if (reason === null || process.env.CONVNET_ALLOW_NO_WASM !== '1') return null;
  return `skipped: the wasm backend does not load here (${reason})`;
}

/** `it` for a test that needs the wasm backend: a visible skip, naming the reason, where `wasmSkipReason` gives one. */
export function itNeedsWasm(title: string, fn: () => unknown, timeout?: number): void {
  const skip = wasmSkipReason();
  if (skip !== null) it.skip(`${title} — ${skip}`, fn);
  else it(title, fn, timeout);
}

/**
 * Runs `body` once per backend (one test body for every backend): `ref`, `wasm`, and any other
 * registered one; the previously selected backend is restored afterwards. Where wasm does not
 * load, its run is a visible skip or a failure, as `wasmSkipReason` says.
 */
export function describeEachBackend(title: string, body: (backend: string) => void): void {
  for (const name of new Set(['ref', 'wasm', ...listBackends()])) {
    const skip = name === 'wasm' ? wasmSkipReason() : null;
    if (skip !== null) {
      describe.skip(`${title} [${name}] — ${skip}`, () => body(name));
      continue;
    }
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
export function expectClose(
  actual: Tensor | null,
  expected: { shape: readonly number[]; data: ArrayLike<number> },
  rtol: number,
  atol: number,
  label = '',
): void {
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
