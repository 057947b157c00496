/**
 * LeNet-5's trainable subsampling (SPEC S9): each channel's pooled map is scaled by a learnable
 * coefficient, shifted by a learnable bias and passed through an activation:
 *
 *     Y'^d = f(w^d · pool(X^d) + b^d)
 *
 * input (N, C, H, W), weight (C), bias (C) → output (N, C, H_out, W_out), the pooling's sizes
 * (`poolOutputSize`, src/geometry/output-size.ts).
 */
import { type DType, allocate } from '../tensor/dtype.js';
import { type Shape, shapeStr, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import type { SubsamplingSpec } from '../backend/backend.js';
import { backendFor } from '../backend/registry.js';
import type { Size2d } from '../geometry/options.js';
import { type PoolGeometry, poolGeometry } from '../geometry/pool.js';
import { checkOptions, checkTensor } from '../tensor/arguments.js';

/** The activation `f` of a subsampling layer. */
export type SubsamplingActivation = 'sigmoid' | 'tanh' | 'relu' | 'none';

const ACTIVATIONS: readonly string[] = ['sigmoid', 'tanh', 'relu', 'none'];

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
 * `f(w^d · pool(X^d) + b^d)` per channel d (S9), in one backend call forward and one backward
 * (its values and gradients are those of `avgPool2d` or `maxPool2d`, `mul`, `add` and the
 * activation run one by one, bit for bit). Gradients flow to x, weight and bias.
 *
 * @param x `(N, C, H, W)`; weight `(C)`; bias `(C)`
 * @returns `(N, C, H_out, W_out)`, each size by `poolOutputSize` (src/geometry/output-size.ts)
 */
export function subsampling(x: Tensor, weight: Tensor, bias: Tensor, options: SubsamplingOptions = {}): Tensor {
  checkOptions('subsampling', options, ['kernelSize', 'stride', 'pool', 'activation']);
  checkTensor('subsampling', 'input', x);
  checkTensor('subsampling', 'weight', weight);
  checkTensor('subsampling', 'bias', bias);
  if (x.ndim !== 4) throw new Error(`subsampling: input must have rank 4 (N, C, H, W), got shape ${shapeStr(x.shape)}`);
  if (x.dtype === 'int32') throw new Error('subsampling: input must be a floating-point tensor, got int32');
  const { g, spec } = subsamplingStage(x.shape, x.dtype, weight, bias, options);
  const c = x.shape[1];
  const dtype = x.dtype;
  const outShape = [g.n, g.c, g.hOut, g.wOut];
  const out = allocate(dtype, sizeOf(outShape));
  const pooled = allocate(dtype, out.length);
  const argmax = spec.pool === 'max' ? new Int32Array(out.length) : null;
  backendFor(dtype).subsampling(x.data, weight.data, bias.data, g, spec, out, pooled, argmax);
  return record(new Tensor(out, outShape), 'subsampling', [x, weight, bias], (dy) => {
    const dx = x.requiresGrad ? allocate(dtype, x.size) : null;
    const dw = weight.requiresGrad ? allocate(dtype, c) : null;
    const db = bias.requiresGrad ? allocate(dtype, c) : null;
    backendFor(dtype).subsamplingBackward(dy.data, out, pooled, argmax, weight.data, g, spec, dx, dw, db, true);
    return [dx && new Tensor(dx, x.shape), dw && new Tensor(dw, weight.shape), db && new Tensor(db, bias.shape)];
  });
}

/**
 * A subsampling's pooling geometry and spec for an input of shape `(N, C, H, W)` and dtype
 * `dtype`, after checking its weight and bias (`(C)` each, of that dtype) and options; the errors
 * name `subsampling` (a convolution block that ends in one reports them as the layer would).
 */
export function subsamplingStage(
  shape: Shape,
  dtype: DType,
  weight: Tensor,
  bias: Tensor,
  options: SubsamplingOptions,
): { g: PoolGeometry; spec: SubsamplingSpec } {
  const c = shape[1];
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t.ndim !== 1 || t.shape[0] !== c) {
      throw new Error(
        `subsampling: ${name} must have shape [${c}] (one per channel of input ${shapeStr(shape)}), got ${shapeStr(t.shape)}`,
      );
    }
    if (t.dtype !== dtype) throw new Error(`subsampling: ${name} dtype ${t.dtype} differs from input dtype ${dtype}`);
  }
  const pool = options.pool ?? 'avg';
  if (pool !== 'avg' && pool !== 'max') throw new Error(`subsampling: pool must be 'avg' or 'max', got ${JSON.stringify(pool)}`);
  const activation = options.activation ?? 'sigmoid';
  if (!ACTIVATIONS.includes(activation)) {
    throw new Error(`subsampling: unknown activation '${String(activation)}' (expected sigmoid, tanh, relu or none)`);
  }
  const g = poolGeometry(pool === 'max' ? 'maxPool2d' : 'avgPool2d', shape, {
    kernelSize: options.kernelSize ?? 2,
    stride: options.stride,
  });
  return { g, spec: { pool, activation } };
}
