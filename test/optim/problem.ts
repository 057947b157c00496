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

/** Which of the problem's parameters a group holds, and the group's own options. */
export interface GroupCase {
  params: 'w' | 'b';
  options: Record<string, unknown>;
}

/** An optimizer over parameter groups: the constructor's options, the groups, and w, b after each step. */
export interface GroupOptimizerCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  groups: GroupCase[];
  steps: { w: Json; b: Json }[];
}

/** A scheduler's options as the fixture writes them (SequentialLR's schedulers nested). */
export interface ScheduleSpec {
  scheduler: 'OneCycleLR' | 'LinearLR' | 'CosineAnnealingLR' | 'SequentialLR';
  options: Record<string, unknown>;
}

/** A per-batch schedule: every group's lr and momentum at step 0 and after each step. */
export interface ScheduleCase extends ScheduleSpec {
  name: string;
  optimizer: 'SGD' | 'AdamW';
  optimizerOptions: Record<string, unknown>;
  groups: GroupCase[];
  lrs: number[][];
  momenta: number[][];
}

export interface OptimFixture {
  torch: string;
  problem: { x: Json; y: Json; w: Json; b: Json };
  optimizers: OptimizerCase[];
  schedulers: SchedulerCase[];
  groupOptimizers: GroupOptimizerCase[];
  schedules: ScheduleCase[];
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
