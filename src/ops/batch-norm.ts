/**
 * Batch normalization (Ioffe & Szegedy, 2015), as `torch.nn.functional.batch_norm`: each channel
 * c of a batch is normalised by a mean and variance over every other axis, then scaled and shifted:
 *
 *     y = (x − μ_c) / √(σ²_c + ε) · γ_c + β_c
 *
 * input `(N, C)`, `(N, C, L)` or `(N, C, H, W)` (any `(N, C, *)`) → output of the same shape;
 * running statistics, weight γ and bias β `(C)`. In training, μ_c and σ²_c are the batch's (the
 * biased variance over the `M = N·L` values of the channel) and the running statistics, when
 * given, are updated in place with the unbiased variance:
 *
 *     running_mean ← (1 − m)·running_mean + m·μ_c,   running_var ← (1 − m)·running_var + m·σ²_c·M/(M − 1)
 *
 * (m = momentum, or 1/numBatchesTracked for a cumulative average). In evaluation, μ_c and σ²_c
 * are the running statistics, constants of the graph.
 */
import { type DType, type TypedArray, allocate } from '../tensor/dtype.js';
import { shapeStr, shapesEqual, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import type { AxisSplit } from '../backend/backend.js';
import { backendFor } from '../backend/registry.js';
import { checkOptionalTensor, checkOptions, checkTensor } from '../tensor/arguments.js';

/** Options of `batchNorm` (PyTorch's `training`, `momentum`, `eps`). */
export interface BatchNormOptions {
  /** Normalise by the batch's statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the batch statistics in the running ones (default 0.1); null: a cumulative average (needs `numBatchesTracked`). */
  momentum?: number | null;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /**
   * The batches seen so far (a 1-element tensor, the `num_batches_tracked` buffer): incremented in
   * place by each training call that updates running statistics, as PyTorch's BatchNorm layers do.
   */
  numBatchesTracked?: Tensor | null;
}

/**
 * Batch normalization of `x` `(N, C, *)` (see the file comment for the formula): one backend pass
 * for the statistics (training) and one for `y = (x − μ)·(σ⁻¹·γ) + β`; gradients flow to x,
 * weight and bias:
 *
 *     ∂L/∂β = Σ dy,   ∂L/∂γ = Σ dy·x̂,   ∂L/∂x = γσ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂))   (training)
 *     ∂L/∂x = γσ⁻¹·dy                                                                   (evaluation)
 *
 * Training needs more than one value per channel (N·L > 1), as in PyTorch; evaluation needs the
 * running statistics.
 *
 * @param x `(N, C, *)`, floating point
 * @param runningMean `(C)` or null; updated in place in training
 * @param runningVar `(C)` or null (given together with runningMean)
 * @param weight γ `(C)` or null (1)
 * @param bias β `(C)` or null (0)
 * @returns `(N, C, *)`
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: BatchNormOptions = {},
): Tensor {
  return batchNormBlock(x, runningMean, runningVar, weight, bias, options, null);
}

/** What `batchNormBlock` applies after the normalization: a residual added, then the relu. */
export interface BatchNormBlockEpilogue {
  /** Added after the affine, `(N, C, *)` as the input (a residual unit's skip path), or null. */
  residual: Tensor | null;
  /** Apply the relu last. */
  relu: boolean;
}

/**
 * `relu(batchNorm(x, …) + residual)` in one op (each step optional, `epilogue` null: none), with
 * the values and gradients of `batchNorm`, `add` and `relu` run one after another, bit for bit:
 * what `nn.Sequential` runs for a `BatchNorm` followed by a `ReLU`, and for a `Residual` whose
 * body ends in a `BatchNorm` followed by a `ReLU` — without handing the intermediate tensors
 * to the backend and back between the three ops. Recorded as `batchNorm`.
 *
 * @param residual (in `epilogue`) same shape and dtype as x; receives ∂L/∂y·relu′
 * @returns `(N, C, *)`
 */
export function batchNormBlock(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  options: BatchNormOptions,
  epilogue: BatchNormBlockEpilogue | null,
): Tensor {
  const op = 'batchNorm';
  checkOptions(op, options, ['training', 'momentum', 'eps', 'numBatchesTracked']);
  checkTensor(op, 'input', x);
  checkOptionalTensor(op, 'runningMean', runningMean);
  checkOptionalTensor(op, 'runningVar', runningVar);
  checkOptionalTensor(op, 'weight', weight);
  checkOptionalTensor(op, 'bias', bias);
  checkOptionalTensor(op, 'numBatchesTracked', options.numBatchesTracked);
  const training = options.training ?? false;
  const momentum = options.momentum === undefined ? 0.1 : options.momentum;
  const eps = options.eps ?? 1e-5;
  if (typeof training !== 'boolean') throw new Error(`${op}: training must be true or false, got ${JSON.stringify(training)}`);
  if (momentum !== null && !(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) {
    throw new Error(`${op}: momentum must be a number in [0, 1] or null (a cumulative average), got ${JSON.stringify(momentum)}`);
  }
  if (!(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps)))
    throw new Error(`${op}: eps must be a non-negative number, got ${eps}`);
  if (x.ndim < 2) throw new Error(`${op}: input must have rank ≥ 2 (N, C, *), got shape ${shapeStr(x.shape)}`);
  if (x.dtype === 'int32') throw new Error(`${op}: input must be a floating-point tensor, got int32`);
  const [n, c] = x.shape;
  const split: AxisSplit = { outer: n, size: c, inner: sizeOf(x.shape.slice(2)) };
  const m = split.outer * split.inner;
  for (const [name, t] of [
    ['runningMean', runningMean],
    ['runningVar', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t === null || t === undefined) continue;
    if (t.ndim !== 1 || t.shape[0] !== c) {
      throw new Error(`${op}: ${name} must have shape [${c}] (one per channel of input ${shapeStr(x.shape)}), got ${shapeStr(t.shape)}`);
    }
    if (t.dtype !== x.dtype) throw new Error(`${op}: ${name} dtype ${t.dtype} differs from input dtype ${x.dtype}`);
  }
  if ((runningMean === null) !== (runningVar === null)) throw new Error(`${op}: give both runningMean and runningVar, or neither`);
  const running = runningMean !== null && runningVar !== null ? { mean: runningMean, variance: runningVar } : null;
  const dtype = x.dtype;
  const backend = backendFor(dtype);
  let mean: TypedArray;
  let invStd: TypedArray;
  if (training) {
    if (m <= 1) throw new Error(`${op}: Expected more than 1 value per channel when training, got input size ${shapeStr(x.shape)}`);
    mean = allocate(dtype, c);
    const variance = allocate(dtype, c);
    backend.batchNormStats(x.data, split, mean, variance);
    invStd = inverseStd(dtype, variance, eps);
    if (running !== null) updateRunning(op, running, mean, variance, m, momentum, options.numBatchesTracked ?? null);
  } else {
    if (running === null)
      throw new Error(`${op}: evaluation (training: false) needs runningMean and runningVar; pass them, or training: true`);
    mean = allocate(dtype, c);
    mean.set(running.mean.data);
    invStd = inverseStd(dtype, running.variance.data, eps);
  }
  const residual = epilogue?.residual ?? null;
  const relu = epilogue?.relu ?? false;
  if (residual !== null) {
    checkTensor(op, 'residual', residual);
    if (!shapesEqual(residual.shape, x.shape) || residual.dtype !== dtype) {
      throw new Error(`${op}: residual ${shapeStr(residual.shape)} ${residual.dtype} must match input ${shapeStr(x.shape)} ${dtype}`);
    }
  }
  const out = allocate(dtype, x.size);
  const fused = residual !== null || relu ? { residual: residual?.data ?? null, relu } : undefined;
  backend.batchNorm(x.data, split, mean, invStd, weight?.data ?? null, bias?.data ?? null, out, fused);
  const inputs = [x, weight, bias, residual].filter((t): t is Tensor => t !== null && t !== undefined);
  return record(new Tensor(out, x.shape), op, inputs, (dy) => {
    const dx = x.requiresGrad ? allocate(dtype, x.size) : null;
    const dw = weight?.requiresGrad ? allocate(dtype, c) : null;
    const db = bias?.requiresGrad ? allocate(dtype, c) : null;
    const dr = residual?.requiresGrad ? allocate(dtype, x.size) : null;
    const grad = fused === undefined ? undefined : { y: relu ? out : null, dresidual: dr };
    backendFor(dtype).batchNormBackward(x.data, dy.data, split, mean, invStd, weight?.data ?? null, training, dx, dw, db, grad);
    const grads: (Tensor | null)[] = [dx && new Tensor(dx, x.shape)];
    if (weight) grads.push(dw && new Tensor(dw, weight.shape));
    if (bias) grads.push(db && new Tensor(db, bias.shape));
    if (residual) grads.push(dr && new Tensor(dr, x.shape));
    return grads;
  });
}

/** `1/√(var + ε)` per channel, computed in float64 and stored as `dtype`. */
function inverseStd(dtype: DType, variance: ArrayLike<number>, eps: number): TypedArray {
  const out = allocate(dtype, variance.length);
  for (let c = 0; c < variance.length; c++) out[c] = 1 / Math.sqrt(variance[c] + eps);
  return out;
}

/**
 * The running statistics' update in place (PyTorch's): `running ← (1 − f)·running + f·batch`,
 * with the unbiased variance `σ²·M/(M − 1)` and `f` the momentum, or `1/numBatchesTracked` (after
 * its increment) when the momentum is null.
 */
function updateRunning(
  op: string,
  running: { mean: Tensor; variance: Tensor },
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  m: number,
  momentum: number | null,
  numBatchesTracked: Tensor | null,
): void {
  if (numBatchesTracked !== null) {
    if (numBatchesTracked.size !== 1) {
      throw new Error(`${op}: numBatchesTracked must have one element, got shape ${shapeStr(numBatchesTracked.shape)}`);
    }
    numBatchesTracked.data[0] += 1;
  }
  let f: number;
  if (momentum !== null) f = momentum;
  else if (numBatchesTracked !== null) f = 1 / numBatchesTracked.data[0];
  else throw new Error(`${op}: momentum null (a cumulative average) needs numBatchesTracked`);
  const rm = running.mean.data;
  const rv = running.variance.data;
  const unbias = m / (m - 1);
  for (let c = 0; c < rm.length; c++) {
    rm[c] = (1 - f) * rm[c] + f * mean[c];
    rv[c] = (1 - f) * rv[c] + f * variance[c] * unbias;
  }
}
