/**
 * Dropout (SPEC S13): during training each unit is kept with probability `1 − p` (a fresh
 * Bernoulli mask per call, i.e. per mini-batch) and dropped otherwise. Two conventions give
 * the same expected activation `E[y] = (1 − p)·x` at training time vs. prediction time:
 *
 * - `'inverted'` (default, as PyTorch): train `y = x ⊙ mask / (1 − p)`, predict `y = x`.
 * - `'classic'` (the notes'): train `y = x ⊙ mask`, predict `y = (1 − p)·x` ("multiply by the
 *   keep probability").
 */
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { mul } from './elementwise.js';
import { checkOptions, checkTensor } from '../tensor/arguments.js';

/** Options of `dropout` (S13). */
export interface DropoutOptions {
  /** Probability of dropping a unit, in [0, 1] (default 0.5). */
  p?: number;
  /** Training (random mask) or prediction (deterministic scaling); default true, as `F.dropout`. */
  training?: boolean;
  /** Where the keep-probability scaling happens (default `'inverted'`). */
  mode?: 'inverted' | 'classic';
  /** Seeded generator for the mask (default: the global one, see `manualSeed`). */
  generator?: Generator;
}

/**
 * Dropout of any-shaped `x` (same shape out). The gradient is `mask · scale`, the same factor
 * the forward pass applied.
 */
export function dropout(x: Tensor, options: DropoutOptions = {}): Tensor {
  checkOptions('dropout', options, ['p', 'training', 'mode', 'generator']);
  checkTensor('dropout', 'input', x);
  const p = options.p ?? 0.5;
  const mode = options.mode ?? 'inverted';
  const training = options.training ?? true;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`dropout: p must be a probability in [0, 1], got ${p}`);
  if (mode !== 'inverted' && mode !== 'classic') throw new Error(`dropout: mode must be 'inverted' or 'classic', got '${String(mode)}'`);
  if (x.dtype === 'int32') throw new Error('dropout: input must be a floating-point tensor, got int32');
  const keep = 1 - p;
  if (!training) return mode === 'inverted' || p === 0 ? x : mul(x, keep);
  if (p === 0) return x;
  const g = options.generator ?? defaultGenerator;
  const scale = mode === 'inverted' && keep > 0 ? 1 / keep : 1;
  const mask = allocate(x.dtype, x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = g.uniform() < keep ? scale : 0;
  return mul(x, new Tensor(mask, x.shape));
}
