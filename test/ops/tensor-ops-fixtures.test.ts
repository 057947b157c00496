/**
 * The tensor ops against PyTorch: joining, indexing and masks, max/min/argmax/argmin/topk, clamp,
 * pad, repeat, expand, oneHot and logsumexp. The fixtures in `test/fixtures/tensor-ops/` are written
 * by `test/fixtures/gen_tensor_ops_fixtures.py` (float64 reference on float32-exact inputs, NaN and
 * ±∞ stored as strings). Each case runs in float32 and in float64 on every backend: float outputs
 * and input gradients must agree within rtol 1e-5 / atol 1e-6 (torch.allclose), with NaN and ±∞
 * exactly where PyTorch has them; integer outputs (indices, one-hot rows) must be equal.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  F,
  Tensor,
  argmax,
  argmin,
  cat,
  chunk,
  clamp,
  expand,
  indexSelect,
  logsumexp,
  maskedFill,
  maskedSelect,
  max,
  min,
  narrow,
  repeat,
  select,
  slice,
  split,
  stack,
  tensor,
  topk,
  where,
} from '../../src/index.js';
import type { DType, PadMode, ValuesIndices } from '../../src/index.js';
import { describeEachBackend } from '../helpers.js';

interface Json {
  shape: number[];
  data: (number | string)[];
  int?: boolean;
}
interface Case {
  name: string;
  options: Record<string, unknown>;
  inputs: Record<string, Json>;
  outputs: Json[];
  gradOutputs: (Json | null)[];
  grads: Record<string, Json>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tensor-ops');
const RTOL = 1e-5;
const ATOL = 1e-6;
const NON_FINITE = ['NaN', 'Infinity', '-Infinity'];

/** A fixture number: JSON holds NaN and ±∞ as the strings "NaN", "Infinity", "-Infinity". */
const decode = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

function toTensor(j: Json, dtype: DType, requiresGrad = false): Tensor {
  return tensor(j.data.map(decode), { shape: j.shape, dtype: j.int ? 'int32' : dtype, requiresGrad: requiresGrad && !j.int });
}

/** The options with "NaN", "Infinity" and "-Infinity" read as numbers. */
function decodeOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) out[k] = typeof v === 'string' && NON_FINITE.includes(v) ? Number(v) : v;
  return out;
}

/** The inputs x0, x1, … of cat and stack, in order. */
function listed(t: Record<string, Tensor>): Tensor[] {
  return Object.keys(t)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((k) => t[k]);
}

type Result = Tensor | Tensor[] | ValuesIndices;
/** A runner takes the fixture's options as the op's parameters, written as JSON (`never` admits every runner's type). */
type Run = (t: Record<string, Tensor>, options: never) => Result;
type Dim = { dim: number };
type Reduce = { dim?: number; keepdim?: boolean };

/** How each fixture's op is called through the public API. */
const runs: Record<string, Run> = {
  cat: (t, o: Dim) => cat(listed(t), o.dim),
  stack: (t, o: Dim) => stack(listed(t), o.dim),
  split: (t, o: Dim & { splitSizeOrSections: number | number[] }) => split(t.x, o.splitSizeOrSections, o.dim),
  chunk: (t, o: Dim & { chunks: number }) => chunk(t.x, o.chunks, o.dim),
  narrow: (t, o: Dim & { start: number; length: number }) => narrow(t.x, o.dim, o.start, o.length),
  select: (t, o: Dim & { index: number }) => select(t.x, o.dim, o.index),
  slice: (t, o: Dim & { start?: number; end?: number; step: number }) => slice(t.x, o.dim, o.start, o.end, o.step),
  indexSelect: (t, o: Dim) => indexSelect(t.x, o.dim, t.index),
  where: (t, o: { x?: number; y?: number }) => where(t.condition, t.x ?? o.x!, t.y ?? o.y!),
  maskedFill: (t, o: { value: number }) => maskedFill(t.x, t.mask, o.value),
  maskedSelect: (t) => maskedSelect(t.x, t.mask),
  max: (t, o: Reduce) => (o.dim === undefined ? max(t.x) : max(t.x, o.dim, o.keepdim)),
  min: (t, o: Reduce) => (o.dim === undefined ? min(t.x) : min(t.x, o.dim, o.keepdim)),
  argmax: (t, o: Reduce) => argmax(t.x, o.dim, o.keepdim),
  argmin: (t, o: Reduce) => argmin(t.x, o.dim, o.keepdim),
  topk: (t, o: { k: number; dim?: number; largest?: boolean; sorted?: boolean }) => topk(t.x, o.k, o.dim, o.largest, o.sorted),
  clamp: (t, o: { min?: number; max?: number }) => clamp(t.x, o.min, o.max),
  pad: (t, o: { pad: number[]; mode: PadMode; value?: number }) => F.pad(t.x, o.pad, o.mode, o.value),
  repeat: (t, o: { sizes: number[] }) => repeat(t.x, o.sizes),
  expand: (t, o: { sizes: number[] }) => expand(t.x, o.sizes),
  oneHot: (t, o: { numClasses: number }) => F.oneHot(t.labels, o.numClasses),
  logsumexp: (t, o: { dim: number | number[]; keepdim: boolean }) => logsumexp(t.x, o.dim, o.keepdim),
};

function outputsOf(r: Result): Tensor[] {
  if (r instanceof Tensor) return [r];
  return Array.isArray(r) ? r : [r.values, r.indices];
}

/**
 * Asserts `actual` matches `expected`: the shape; for an integer tensor int32 and equal elements;
 * else `dtype` and every element within `atol + rtol·|expected|`, NaN and ±∞ exactly.
 */
function expectMatch(actual: Tensor, expected: Json, dtype: DType, label: string): void {
  expect([...actual.shape], `${label}: shape`).toEqual(expected.shape);
  expect(actual.dtype, `${label}: dtype`).toBe(expected.int ? 'int32' : dtype);
  for (let i = 0; i < actual.size; i++) {
    const a = actual.data[i];
    const e = decode(expected.data[i]);
    const ok = expected.int ? a === e : Number.isFinite(e) ? Math.abs(a - e) <= ATOL + RTOL * Math.abs(e) : Object.is(a, e);
    if (!ok) expect.fail(`${label}: element ${i} is ${a}, expected ${e}`);
  }
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('tensor-ops fixtures', () => {
  it('every fixture file has a runner, and every runner a fixture file', () => {
    const ops = files.map((f) => f.replace('.json', ''));
    expect(ops.length).toBeGreaterThanOrEqual(22);
    for (const op of ops) expect(Object.keys(runs), op).toContain(op);
    for (const op of Object.keys(runs)) expect(ops, op).toContain(op);
  });
});

describeEachBackend('tensor-ops PyTorch fixtures', () => {
  for (const file of files) {
    const op = file.replace('.json', '');
    const { cases } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cases: Case[] };
    for (const dtype of ['float32', 'float64'] as const) {
      for (const c of cases) {
        it(`${op} ${c.name} (${dtype})`, () => {
          const inputs: Record<string, Tensor> = {};
          for (const [name, j] of Object.entries(c.inputs)) inputs[name] = toTensor(j, dtype, true);
          const outputs = outputsOf(runs[op](inputs, decodeOptions(c.options) as never));
          expect(outputs.length, `${op}: number of outputs`).toBe(c.outputs.length);
          outputs.forEach((out, k) => expectMatch(out, c.outputs[k], dtype, `${op} output ${k}`));
          outputs.forEach((out, k) => {
            const g = c.gradOutputs[k];
            if (g !== null && out.requiresGrad) out.backward(toTensor(g, dtype));
          });
          for (const [name, expected] of Object.entries(c.grads)) {
            const grad = inputs[name].grad ?? tensor(new Array<number>(inputs[name].size).fill(0), { shape: inputs[name].shape, dtype });
            expectMatch(grad, expected, dtype, `${op} grad ${name}`);
          }
        });
      }
    }
  }
});
