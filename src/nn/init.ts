/**
 * Parameter initialization, PyTorch's defaults. Conv and linear layers use
 * `kaiming_uniform_(w, a=√5)`, which reduces to `U(−1/√fanIn, 1/√fanIn)`, and their bias the
 * same bound (see the comments in `torch/nn/modules/conv.py` and `linear.py`, `reset_parameters`).
 */
import type { DType } from '../tensor/dtype.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { rand } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options shared by layers with parameters. */
export interface InitOptions {
  /** Seeded generator for the initial values (default: the global one, `manualSeed`). */
  generator?: Generator;
  /** Parameter dtype (default float32). */
  dtype?: Extract<DType, 'float32' | 'float64'>;
}

/** `U(−bound, bound)` of `shape`, with `bound = 1/√fanIn`. */
export function uniformFanIn(shape: number[], fanIn: number, options: InitOptions = {}): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return rand(shape, { low: -bound, high: bound, generator: options.generator ?? defaultGenerator, dtype: options.dtype ?? 'float32' });
}
