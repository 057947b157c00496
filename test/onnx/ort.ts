/**
 * Running an exported model in ONNX Runtime (onnxruntime-node, a devDependency) and comparing it
 * with the library's evaluation-mode forward on the same input.
 */
import { expect } from 'vitest';
import { Generator, Tensor, noGrad } from '../../src/index.js';
import type { AnyModule, Module } from '../../src/nn/module.js';
import { rand } from '../../src/tensor/creation.js';

type Ort = typeof import('onnxruntime-node');

/** onnxruntime-node, or why it cannot load on this machine (the ORT tests then skip, saying so). */
export const { ort, ortMissing } = await import('onnxruntime-node').then(
  (m: Ort) => ({ ort: m, ortMissing: '' }),
  (e: unknown) => ({ ort: null, ortMissing: `onnxruntime-node does not load here: ${e instanceof Error ? e.message : String(e)}` }),
);

/** Runs `bytes` in ONNX Runtime on `x`; returns the output's data and dims. */
export async function runOrt(
  bytes: Uint8Array,
  x: Tensor,
  names: { input?: string; output?: string } = {},
): Promise<{ data: Float32Array; dims: number[] }> {
  if (ort === null) throw new Error(ortMissing);
  const session = await ort.InferenceSession.create(bytes);
  try {
    const input = new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]);
    const result = await session.run({ [names.input ?? 'input']: input });
    const out = result[names.output ?? 'output'];
    return { data: out.data as Float32Array, dims: [...out.dims] };
  } finally {
    await session.release();
  }
}

/** The library's evaluation-mode output for `x` (the model's modes are restored). */
export function libraryForward(model: AnyModule, x: Tensor): Tensor {
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  try {
    return noGrad(() => (model as Module).forward(x));
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}

/** Uniform random input `(batch, ...shape)` in [−1, 1) from a seeded generator. */
export function randomInput(batch: number, shape: readonly number[], seed = 1): Tensor {
  return rand([batch, ...shape], { low: -1, high: 1, generator: new Generator(seed) });
}

/**
 * Checks that ONNX Runtime and the library agree on `x`: same shape, and each value within
 * 1e-5 relative plus 1e-5·max|y| absolute. Returns the largest absolute and relative differences.
 */
export async function expectAgreement(
  bytes: Uint8Array,
  model: AnyModule,
  x: Tensor,
  names: { input?: string; output?: string } = {},
): Promise<{ abs: number; rel: number }> {
  const want = libraryForward(model, x);
  const got = await runOrt(bytes, x, names);
  expect(got.dims).toEqual(want.shape);
  let scale = 0;
  for (const v of want.data) scale = Math.max(scale, Math.abs(v));
  let abs = 0;
  let rel = 0;
  const bad: string[] = [];
  for (let i = 0; i < want.size; i++) {
    const d = Math.abs(got.data[i] - want.data[i]);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.max(Math.abs(want.data[i]), 1e-30));
    if (!(d <= 1e-5 * Math.abs(want.data[i]) + 1e-5 * scale) && bad.length < 5) bad.push(`[${i}] ort ${got.data[i]} vs ${want.data[i]}`);
  }
  expect(bad, `max |diff| ${abs} (max |y| ${scale})`).toEqual([]);
  return { abs, rel: abs / Math.max(scale, 1e-30) };
}

/**
 * Sets every parameter and buffer of rank 1 (biases, BN's γ, β and running statistics, a
 * subsampling's coefficients) to non-trivial values: γ and variances in [0.5, 1.5], the rest in
 * [−0.5, 0.5]. Convolution and linear weights keep their initialization.
 */
export function randomizeVectors(model: AnyModule, seed = 7): void {
  const g = new Generator(seed);
  for (const [name, t] of Object.entries(model.stateDict())) {
    if (t.ndim !== 1 || t.dtype === 'int32') continue;
    const positive = /running_var$/.test(name) || /(^|\.)weight$/.test(name);
    for (let i = 0; i < t.size; i++) t.data[i] = positive ? 0.5 + g.uniform() : g.uniform() - 0.5;
  }
}
