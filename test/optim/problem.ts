/**
 * The small regression problem of `test/fixtures/gen_optim_fixtures.py`, built with the library's ops:
 * `loss(w, b) = mean((tanh(x @ w + b) − y)²)` with x (5, 3), y (5, 4), w (3, 4), b (4).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, Tensor, add, matmul, mean, square, sub } from '../../src/index.js';
import type { DType } from '../../src/index.js';
import type { AdamOptions, CosineAnnealingLROptions, SGDOptions, StepLROptions } from '../../src/optim/index.js';
import { fromJson } from '../helpers.js';

export interface Json {
  shape: number[];
  data: number[];
}

/** One optimizer run: its options (the API's, as JSON) and w, b after each step. */
export type OptimizerCase = { name: string; steps: { w: Json; b: Json }[] } & (
  { optimizer: 'SGD'; options: SGDOptions } | { optimizer: 'Adam' | 'AdamW'; options: AdamOptions }
);

/** One scheduler run: the base learning rate and `get_last_lr()` at epochs 0, 1, …. */
export type SchedulerCase = { name: string; baseLr: number; lrs: number[] } & (
  { scheduler: 'StepLR'; options: StepLROptions } | { scheduler: 'CosineAnnealingLR'; options: CosineAnnealingLROptions }
);

export interface OptimFixture {
  torch: string;
  problem: { x: Json; y: Json; w: Json; b: Json };
  optimizers: OptimizerCase[];
  schedulers: SchedulerCase[];
}

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'optim.json');

/** `test/fixtures/optim.json`, written by `test/fixtures/gen_optim_fixtures.py`. */
export const fixture = JSON.parse(readFileSync(file, 'utf8')) as OptimFixture;

/** The problem's data and fresh parameters (w, b requiring gradients) in `dtype`. */
export function makeProblem(dtype: DType = 'float32'): { x: Tensor; y: Tensor; w: Tensor; b: Tensor } {
  const p = fixture.problem;
  return { x: fromJson(p.x, dtype), y: fromJson(p.y, dtype), w: fromJson(p.w, dtype, true), b: fromJson(p.b, dtype, true) };
}

/** `mean((tanh(x @ w + b) − y)²)`. */
export function loss(x: Tensor, y: Tensor, w: Tensor, b: Tensor): Tensor {
  return mean(square(sub(F.tanh(add(matmul(x, w), b)), y)));
}
