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

/** Options of `dropout2d`: `dropout`'s, inverted only (as PyTorch). */
export type Dropout2dOptions = Omit<DropoutOptions, 'mode'>;

/**
 * Channel dropout, as `torch.nn.functional.dropout2d`: in training each channel plane of each
 * image is zeroed as a whole with probability `p` (a fresh mask per call), the kept ones scaled by
 * `1/(1 − p)`; the identity otherwise. For feature maps whose neighbouring pixels are correlated,
 * where dropping single pixels would hardly regularise.
 *
 * @param x `(N, C, H, W)`, or `(C, H, W)` (one image)
 * @returns the same shape; the gradient is the same mask and scale
 */
export function dropout2d(x: Tensor, options: Dropout2dOptions = {}): Tensor {
  checkOptions('dropout2d', options, ['p', 'training', 'generator']);
  checkTensor('dropout2d', 'input', x);
  const p = options.p ?? 0.5;
  const training = options.training ?? true;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`dropout2d: p must be a probability in [0, 1], got ${p}`);
  if (x.dtype === 'int32') throw new Error('dropout2d: input must be a floating-point tensor, got int32');
  if (x.ndim !== 4 && x.ndim !== 3) {
    throw new Error(`dropout2d: input must have rank 4 (N, C, H, W) or 3 (C, H, W), got shape [${x.shape.join(', ')}]`);
  }
  if (!training || p === 0) return x;
  const g = options.generator ?? defaultGenerator;
  const scale = p < 1 ? 1 / (1 - p) : 0;
  const planes = x.ndim === 4 ? [x.shape[0], x.shape[1], 1, 1] : [x.shape[0], 1, 1]; // one mask value per (image, channel)
  const mask = allocate(x.dtype, planes[0] * (x.ndim === 4 ? planes[1] : 1));
  for (let i = 0; i < mask.length; i++) mask[i] = g.uniform() < 1 - p ? scale : 0;
  return mul(x, new Tensor(mask, planes));
}
