/**
 * LeNet-5's trainable subsampling (SPEC S9): each channel's pooled map is scaled by a learnable
 * coefficient, shifted by a learnable bias and passed through an activation:
 *
 *     Y'^d = f(w^d · pool(X^d) + b^d)
 *
 * input (N, C, H, W), weight (C), bias (C) → output (N, C, H_out, W_out), the pooling's sizes
 * (`poolOutputSize`, src/geometry/output-size.ts).
 */
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from './elementwise.js';
import { avgPool2d, maxPool2d } from './pool.js';
import type { Size2d } from '../geometry/options.js';
import { reshape } from './shape.js';
import { relu, sigmoid, tanh } from './activation.js';

/** The activation `f` of a subsampling layer. */
export type SubsamplingActivation = 'sigmoid' | 'tanh' | 'relu' | 'none';

/** Options of `subsampling` (S9). */
export interface SubsamplingOptions {
  /** Pooling window (default 2, LeNet-5's 2×2). */
  kernelSize?: Size2d;
  /** Window step (default: `kernelSize`). */
  stride?: Size2d;
  /** `'avg'` (default: the mean, LeNet-5's sum up to a constant absorbed by w) or `'max'`. */
  pool?: 'avg' | 'max';
  /** `f` (default `'sigmoid'`, LeNet-5's squashing function). */
  activation?: SubsamplingActivation;
}

/**
 * `f(w^d · pool(X^d) + b^d)` per channel d (S9). Gradients flow to x, weight and bias.
 *
 * @param x `(N, C, H, W)`; weight `(C)`; bias `(C)`
 */
export function subsampling(x: Tensor, weight: Tensor, bias: Tensor, options: SubsamplingOptions = {}): Tensor {
  if (x.ndim !== 4) throw new Error(`subsampling: input must have rank 4 (N, C, H, W), got shape ${shapeStr(x.shape)}`);
  const c = x.shape[1];
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t.ndim !== 1 || t.shape[0] !== c) {
      throw new Error(
        `subsampling: ${name} must have shape [${c}] (one per channel of input ${shapeStr(x.shape)}), got ${shapeStr(t.shape)}`,
      );
    }
  }
  const poolOptions = { kernelSize: options.kernelSize ?? 2, stride: options.stride };
  const pooled = (options.pool ?? 'avg') === 'max' ? maxPool2d(x, poolOptions) : avgPool2d(x, poolOptions);
  const z = add(mul(pooled, reshape(weight, [1, c, 1, 1])), reshape(bias, [1, c, 1, 1])); // (C) -> (1,C,1,1)
  const activation = options.activation ?? 'sigmoid';
  switch (activation) {
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return tanh(z);
    case 'relu':
      return relu(z);
    case 'none':
      return z;
    default:
      throw new Error(`subsampling: unknown activation '${String(activation)}' (expected sigmoid, tanh, relu or none)`);
  }
}
