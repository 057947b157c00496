/**
 * Parameter initialization, PyTorch's defaults. Conv and linear layers use
 * `kaiming_uniform_(w, a=√5)`, which reduces to `U(−1/√fanIn, 1/√fanIn)`, and their bias the
 * same bound (see the comments in `torch/nn/modules/conv.py` and `linear.py`, `reset_parameters`).
 * The in-place initializers (`kaimingNormal_`, `zeros_`, …) re-initialize a layer's parameters
 * afterwards, as `torch.nn.init`'s (https://pytorch.org/docs/stable/nn.init.html); `nn.init` holds them all.
 */
import type { DType } from '../tensor/dtype.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { rand } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../tensor/arguments.js';

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

/** The nonlinearities whose gains `kaimingNormal_` knows (`torch.nn.init.calculate_gain`). */
export type Nonlinearity = 'relu' | 'leakyRelu' | 'linear' | 'conv2d' | 'sigmoid' | 'tanh';

/** Options of `kaimingNormal_` (PyTorch's `a`, `mode`, `nonlinearity`). */
export interface KaimingOptions {
  /** Preserve the variance of the forward pass (`'fanIn'`, default) or of the backward pass (`'fanOut'`). */
  mode?: 'fanIn' | 'fanOut';
  /** The nonlinearity after the layer (default `'leakyRelu'`, as PyTorch). */
  nonlinearity?: Nonlinearity;
  /** The negative slope of `'leakyRelu'` (default 0). */
  a?: number;
  /** Seeded generator (default: the global one, `manualSeed`). */
  generator?: Generator;
}

/**
 * The fan-in and fan-out of a weight: `(out, in, kh, kw)` → `in·kh·kw` and `out·kh·kw`
 * (`(out, in)` for a linear layer), as `torch.nn.init._calculate_fan_in_and_fan_out`.
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error(`fans: a weight needs at least 2 dimensions, got shape [${shape.join(', ')}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/**
 * The recommended gain of a nonlinearity (`torch.nn.init.calculate_gain`): relu √2, leaky relu
 * with slope a `√(2/(1 + a²))`, tanh 5/3, linear, conv and sigmoid 1.
 */
export function calculateGain(nonlinearity: Nonlinearity, a = 0): number {
  switch (nonlinearity) {
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
      return Math.sqrt(2 / (1 + a * a));
    case 'tanh':
      return 5 / 3;
    case 'linear':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    default:
      throw new Error(
        `calculateGain: unknown nonlinearity ${JSON.stringify(nonlinearity)} (relu, leakyRelu, tanh, linear, conv2d, sigmoid)`,
      );
  }
}

/**
 * He et al.'s initialization (2015), as `torch.nn.init.kaiming_normal_`: fills `t` in place with
 * `N(0, std²)`, `std = gain/√fan` (fan by `mode`, gain by `calculateGain`), which keeps the
 * variance of the activations (fanIn) or of the gradients (fanOut) through ReLU layers. Returns `t`.
 *
 * @param t a weight `(out, in, kh, kw)` or `(out, in)`; a parameter's values are overwritten
 */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkOptions('kaimingNormal_', options, ['mode', 'nonlinearity', 'a', 'generator']);
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut')
    throw new Error(`kaimingNormal_: mode must be 'fanIn' or 'fanOut', got ${JSON.stringify(mode)}`);
  const fan = fans(t.shape)[mode];
  const std = calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0) / Math.sqrt(fan);
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < t.size; i++) t.data[i] = g.normal() * std;
  return t;
}

/** Fills `t` in place with `value` (`torch.nn.init.constant_`); returns `t`. */
export function constant_(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

/** Fills `t` with zeros (`torch.nn.init.zeros_`), e.g. the γ of a residual block's last BatchNorm; returns `t`. */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Fills `t` with ones (`torch.nn.init.ones_`); returns `t`. */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}
