/**
 * Dropout layer (S13): active in training mode, a deterministic scaling (or none) in
 * evaluation mode. `mode: 'inverted'` (default) scales by `1/(1 − p)` in training;
 * `'classic'` multiplies by the keep probability `1 − p` at prediction, as in the notes.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/random.js';
import { dropout, dropout2d } from '../ops/dropout.js';
import { Module, type ModuleSpec } from './module.js';
import { checkOptions } from '../tensor/arguments.js';

/** Dropout with drop probability `p` (default 0.5) and a `mode` (`'inverted'` or `'classic'`). Shape: any, unchanged. */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly options: { mode?: 'inverted' | 'classic'; generator?: Generator } = {},
  ) {
    super();
    checkOptions('Dropout', options, ['mode', 'generator']);
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be a probability in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training, mode: this.options.mode, generator: this.options.generator });
  }
  override spec(): ModuleSpec {
    return { type: 'Dropout', args: this.options.mode === undefined ? [this.p] : [this.p, { mode: this.options.mode }] };
  }
  override describe(): string {
    return `Dropout(p=${this.p}, mode=${this.options.mode ?? 'inverted'})`;
  }
}

/**
 * Channel dropout, as `torch.nn.Dropout2d`: in training each channel plane of each image is zeroed
 * with probability `p` (default 0.5), the others scaled by `1/(1 − p)`; the identity in evaluation.
 *
 * Shape: input `(N, C, H, W)` or `(C, H, W)` → the same.
 */
export class Dropout2d extends Module {
  constructor(
    readonly p = 0.5,
    readonly options: { generator?: Generator } = {},
  ) {
    super();
    checkOptions('Dropout2d', options, ['generator']);
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout2d: p must be a probability in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout2d(x, { p: this.p, training: this.training, generator: this.options.generator });
  }
  override spec(): ModuleSpec {
    return { type: 'Dropout2d', args: [this.p] };
  }
  override describe(): string {
    return `Dropout2d(p=${this.p})`;
  }
}
