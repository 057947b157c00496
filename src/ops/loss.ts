/**
 * Loss functions, with PyTorch's semantics (`torch.nn.functional` 1.13): cross-entropy and the
 * negative log-likelihood over class indices, cross-entropy over class probabilities, mean squared
 * error. Shapes, as PyTorch's:
 *
 *     input      (N, C)   or (N, C, d1, …, dK)     logits (crossEntropy) or log-probabilities (nllLoss)
 *     targets    (N)      or (N, d1, …, dK)        class indices in [0, C), or ignoreIndex
 *                (N, C)   or (N, C, d1, …, dK)     class probabilities (crossEntropy only): the input's shape
 *     output     ()  for 'mean' and 'sum';  (N) or (N, d1, …, dK) for 'none'
 *
 * With `logp = logSoftmax(input, 1)` (crossEntropy) or `logp = input` (nllLoss), per position
 * `i = (n, d1, …, dK)` with class index `y_i`, class weights `w` (1 when not given) and label
 * smoothing ε (0 for nllLoss):
 *
 *     ℓ_i = (1 − ε) · (−w[y_i] · logp[i, y_i]) + (ε/C) · (−Σ_c w[c] · logp[i, c]),   0 where y_i = ignoreIndex
 *     mean = Σ_i ℓ_i / Σ_{i not ignored} w[y_i]
 *
 * (a mean over no counted weight is 0/0 = NaN, as PyTorch's). With class probabilities `p`:
 *
 *     p' = (1 − ε)·p + ε/C,   ℓ_i = −Σ_c w[c] · p'[i, c] · logp[i, c],   mean = Σ_i ℓ_i / (N·d1·…·dK)
 *
 * The gradient flows to the input only: targets and weights are constants.
 */
import { type TypedArray, allocate } from '../tensor/dtype.js';
import { type Shape, shapeStr, shapesEqual, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { logSoftmax } from './activation.js';
import { square, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { checkTensor, checkOptions as checkOptionNames } from '../tensor/arguments.js';

/** How per-sample losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * Targets: class indices — an int32 (or integral float) tensor of shape (N) or (N, d1, …, dK), or an
 * array of numbers in that order — or, for `crossEntropy`, class probabilities: a float tensor of
 * the input's shape.
 */
export type Labels = Tensor | ArrayLike<number>;

/** Throws unless `labels` is a Tensor or an array of numbers (the targets of a classification loss). */
function checkLabels(op: string, labels: unknown): void {
  if (labels instanceof Tensor || Array.isArray(labels) || ArrayBuffer.isView(labels)) return;
  const got = labels === null ? 'null' : labels === undefined ? 'undefined (a missing argument?)' : `${typeof labels} ${String(labels)}`;
  throw new Error(`${op}: argument 'target' must be a Tensor or an array of class indices, got ${got}`);
}

/** Options of `nllLoss` (those of `torch.nn.functional.nll_loss`). */
export interface NllLossOptions {
  /** 'mean' (default): `Σ ℓ_i` over the sum of the counted targets' weights; 'sum'; 'none': per position. */
  reduction?: Reduction;
  /** A weight per class, shape (C), scaling each target's loss by its class's weight; a constant (no gradient). */
  weight?: Tensor | null;
  /** Targets equal to this value count for nothing: no loss, no gradient, no weight in the mean (default −100). */
  ignoreIndex?: number;
}

/** Options of `crossEntropy` (those of `torch.nn.functional.cross_entropy`). */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target is mixed with the uniform distribution, `(1 − ε)·target + ε/C` (default 0). */
  labelSmoothing?: number;
}

/** The input's split around the class axis: `n` images, `classes`, `inner = d1·…·dK` positions per image. */
interface ClassSplit {
  n: number;
  classes: number;
  inner: number;
  /** The per-position shape `(N, d1, …, dK)` of class-index targets and of the 'none' output. */
  positions: Shape;
}

function classSplit(op: string, input: Tensor, name: string): ClassSplit {
  if (input.ndim < 2) {
    throw new Error(
      `${op}: ${name} must have rank 2 (N, C), got shape ${shapeStr(input.shape)} (or rank 3 or more (N, C, d1, …) with targets (N, d1, …))`,
    );
  }
  if (input.dtype === 'int32') throw new Error(`${op}: ${name} must be a floating-point tensor, got int32`);
  const [n, classes, ...rest] = input.shape;
  return { n, classes, inner: sizeOf(rest), positions: [n, ...rest] };
}

function checkOptions(
  op: string,
  s: ClassSplit,
  o: CrossEntropyOptions,
): { weight: TypedArray | null; ignoreIndex: number; smoothing: number } {
  const reduction: unknown = o.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  const weight = o.weight ?? null;
  if (weight !== null) {
    if (!(weight instanceof Tensor) || weight.ndim !== 1 || weight.shape[0] !== s.classes) {
      const got = weight instanceof Tensor ? shapeStr(weight.shape) : typeof weight;
      throw new Error(`${op}: weight must have shape [${s.classes}] (one per class), got ${got}`);
    }
    if (weight.dtype === 'int32') throw new Error(`${op}: weight must be a floating-point tensor, got int32`);
  }
  const ignoreIndex = o.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex)) throw new Error(`${op}: ignoreIndex must be an integer, got ${ignoreIndex}`);
  const smoothing = o.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new Error(`${op}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  }
  return { weight: weight?.data ?? null, ignoreIndex, smoothing };
}

/** `[1, 2, 0]`: the multi-index of flat position `i` in `shape`. */
function indexStr(i: number, shape: Shape): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return `[${index.join(', ')}]`;
}

/**
 * Class-index targets as int32, checked: shape `s.positions` (or that many numbers), each an integer
 * in [0, C) or `ignoreIndex`.
 */
function classTargets(op: string, targets: Labels, s: ClassSplit, ignoreIndex: number, probabilitiesToo: boolean): Int32Array {
  const count = s.n * s.inner;
  const expected = probabilitiesToo
    ? `${shapeStr(s.positions)} (class indices) or the input's shape ${shapeStr([s.n, s.classes, ...s.positions.slice(1)])} (class probabilities)`
    : `${shapeStr(s.positions)} (class indices)`;
  if (targets instanceof Tensor && !shapesEqual(targets.shape, s.positions)) {
    throw new Error(`${op}: targets must have shape ${expected}, got ${shapeStr(targets.shape)}`);
  }
  const values: ArrayLike<number> = targets instanceof Tensor ? targets.data : targets;
  if (values.length !== count) {
    if (s.positions.length === 1) throw new Error(`${op}: got ${values.length} labels for a batch of ${s.n}`);
    throw new Error(`${op}: got ${values.length} labels for targets of shape ${shapeStr(s.positions)} (${count} values)`);
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const y = values[i];
    if (y !== ignoreIndex && (!Number.isInteger(y) || y < 0 || y >= s.classes)) {
      const at = s.positions.length === 1 ? `index ${i}` : `index ${indexStr(i, s.positions)}`;
      throw new Error(
        `${op}: label ${y} at ${at} is out of range for ${s.classes} classes (expected an integer in [0, ${s.classes - 1}], or the ignoreIndex ${ignoreIndex})`,
      );
    }
    out[i] = y;
  }
  return out;
}

/**
 * The loss over class-index targets `y` from log-probabilities `logp` (see the file comment), as
 * one node of the graph whose gradient with respect to logp at (n, c, k), for a counted position
 * i = (n, k) with scale `s_i` (`∂L/∂ℓ_i`: g_i, g, or g / Σ w[y]), is
 * `−s_i · ((1 − ε)·w[y_i]·[c = y_i] + (ε/C)·w[c])`, and 0 at ignored positions.
 */
function classIndexLoss(
  name: string,
  logp: Tensor,
  s: ClassSplit,
  y: Int32Array,
  weight: TypedArray | null,
  ignoreIndex: number,
  smoothing: number,
  reduction: Reduction,
): Tensor {
  const { classes, inner } = s;
  const lp = logp.data;
  const wOf = (c: number): number => (weight === null ? 1 : weight[c]);
  const at = (i: number, c: number): number => (Math.floor(i / inner) * classes + c) * inner + (i % inner);
  // the two terms apart, combined as PyTorch combines them after reducing each (so that a mean
  // over no counted weight is NaN, 0/0, in the first term even where the second is not 0)
  const nll = new Float64Array(y.length);
  const smooth = new Float64Array(smoothing > 0 ? y.length : 0);
  let total = 0; // Σ w[y_i] over the counted positions: the mean's divisor
  for (let i = 0; i < y.length; i++) {
    if (y[i] === ignoreIndex) continue;
    total += wOf(y[i]);
    nll[i] = -wOf(y[i]) * lp[at(i, y[i])];
    if (smoothing > 0) for (let c = 0; c < classes; c++) smooth[i] -= wOf(c) * lp[at(i, c)];
  }
  const divisor = reduction === 'mean' ? total : 1;
  let loss = reduced(nll, divisor, reduction);
  if (smoothing > 0) {
    const smoothLoss = reduced(smooth, divisor, reduction);
    loss = loss.map((v, i) => (1 - smoothing) * v + smoothLoss[i] * (smoothing / classes));
  }
  const out = asOutput(logp, s, loss, reduction);
  return record(out, name, [logp], (g) => {
    const d = allocate(logp.dtype, logp.size);
    for (let i = 0; i < y.length; i++) {
      if (y[i] === ignoreIndex) continue;
      const scale = reduction === 'none' ? g.data[i] : reduction === 'sum' ? g.data[0] : g.data[0] / total;
      // PyTorch's order: the weight times −scale, so that a zero weight over a zero total gives NaN as there
      d[at(i, y[i])] = wOf(y[i]) * -((1 - smoothing) * scale);
      if (smoothing === 0) continue;
      const share = (smoothing / classes) * scale;
      for (let c = 0; c < classes; c++) d[at(i, c)] -= wOf(c) * share;
    }
    return [new Tensor(d, logp.shape)];
  });
}

/**
 * The cross-entropy over class probabilities `p` (the input's shape) from `logp` (see the file
 * comment), as one node: the gradient with respect to logp at (n, c, k) is `−s_i · w[c] · p'[n, c, k]`
 * with `s_i` the scale of position i (g_i, g, or g / (N·d1·…·dK)).
 */
function probabilityLoss(
  name: string,
  logp: Tensor,
  s: ClassSplit,
  p: TypedArray,
  weight: TypedArray | null,
  smoothing: number,
  reduction: Reduction,
): Tensor {
  const { classes, inner } = s;
  const lp = logp.data;
  const target = (j: number): number => (smoothing > 0 ? p[j] * (1 - smoothing) + smoothing / classes : p[j]);
  const wOf = (c: number): number => (weight === null ? 1 : weight[c]);
  const count = s.n * inner;
  const losses = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const base = Math.floor(i / inner) * classes * inner + (i % inner);
    let l = 0;
    for (let c = 0; c < classes; c++) l -= lp[base + c * inner] * target(base + c * inner) * wOf(c);
    losses[i] = l;
  }
  const out = asOutput(logp, s, reduced(losses, reduction === 'mean' ? count : 1, reduction), reduction);
  return record(out, name, [logp], (g) => {
    const d = allocate(logp.dtype, logp.size);
    for (let i = 0; i < count; i++) {
      const scale = reduction === 'none' ? g.data[i] : reduction === 'sum' ? g.data[0] : g.data[0] / count;
      const base = Math.floor(i / inner) * classes * inner + (i % inner);
      for (let c = 0; c < classes; c++) d[base + c * inner] = -(target(base + c * inner) * wOf(c)) * scale;
    }
    return [new Tensor(d, logp.shape)];
  });
}

/** Per-position losses reduced: themselves ('none'), or their sum over `divisor` (one value). */
function reduced(losses: Float64Array, divisor: number, reduction: Reduction): Float64Array {
  if (reduction === 'none') return losses;
  let total = 0;
  for (let i = 0; i < losses.length; i++) total += losses[i];
  return Float64Array.of(total / divisor);
}

/** Losses reduced with `reduction` as the output tensor, in `like`'s dtype: shape `s.positions` for 'none', else a scalar. */
function asOutput(like: Tensor, s: ClassSplit, values: Float64Array, reduction: Reduction): Tensor {
  const out = allocate(like.dtype, values.length);
  out.set(values);
  return new Tensor(out, reduction === 'none' ? s.positions : []);
}

/**
 * Negative log-likelihood of class-index targets (PyTorch's `nll_loss`):
 * `ℓ_i = −w[y_i] · logProbs[n, y_i, d1, …]`, 0 where `y_i = ignoreIndex`, then the reduction —
 * 'mean' divides by the sum of the counted targets' weights (see the file comment).
 *
 * @param logProbs `(N, C)` or `(N, C, d1, …, dK)`, log-probabilities (e.g. `logSoftmax(x, 1)`)
 * @param labels class indices `(N)` or `(N, d1, …, dK)`
 * @returns `()`, or `(N)` / `(N, d1, …, dK)` for reduction 'none'; gradient
 *   `−w[y_i] · ∂L/∂ℓ_i` at each counted `(n, y_i, …)`, 0 elsewhere
 */
export function nllLoss(logProbs: Tensor, labels: Labels, options: NllLossOptions = {}): Tensor {
  checkOptionNames('nllLoss', options, ['reduction', 'weight', 'ignoreIndex']);
  checkTensor('nllLoss', 'input', logProbs);
  checkLabels('nllLoss', labels);
  const s = classSplit('nllLoss', logProbs, 'input');
  if (labels instanceof Tensor && shapesEqual(labels.shape, logProbs.shape)) {
    throw new Error(
      `nllLoss: targets must be class indices of shape ${shapeStr(s.positions)}, got the input's shape ${shapeStr(labels.shape)} (class probabilities are crossEntropy's)`,
    );
  }
  const { weight, ignoreIndex } = checkOptions('nllLoss', s, options);
  const y = classTargets('nllLoss', labels, s, ignoreIndex, false);
  return classIndexLoss('nllLoss', logProbs, s, y, weight, ignoreIndex, 0, options.reduction ?? 'mean');
}

/**
 * Cross-entropy of logits against class indices or class probabilities (PyTorch's
 * `cross_entropy`), with `logp = logSoftmax(logits, 1)`:
 * `ℓ_i = (1 − ε)·(−w[y_i]·logp[i, y_i]) + (ε/C)·(−Σ_c w[c]·logp[i, c])` for class indices (0 where
 * `y_i = ignoreIndex`; 'mean' divides by the counted weights), or `ℓ_i = −Σ_c w[c]·p'[i, c]·logp[i, c]`
 * with `p' = (1 − ε)·p + ε/C` for probabilities ('mean' divides by N·d1·…·dK; ignoreIndex ≥ 0 is
 * an error there, as in PyTorch). See the file comment.
 *
 * @param logits `(N, C)` or `(N, C, d1, …, dK)`
 * @param labels class indices `(N)` or `(N, d1, …, dK)`; or probabilities of the logits' shape
 * @returns `()`, or `(N)` / `(N, d1, …, dK)` for reduction 'none'; gradient, for class indices
 *   without options, `(softmax(x_i) − onehot(y_i)) / N`
 */
export function crossEntropy(logits: Tensor, labels: Labels, options: CrossEntropyOptions = {}): Tensor {
  checkOptionNames('crossEntropy', options, ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing']);
  checkTensor('crossEntropy', 'input', logits);
  checkLabels('crossEntropy', labels);
  const s = classSplit('crossEntropy', logits, 'logits');
  const { weight, ignoreIndex, smoothing } = checkOptions('crossEntropy', s, options);
  const reduction = options.reduction ?? 'mean';
  if (labels instanceof Tensor && shapesEqual(labels.shape, logits.shape)) {
    if (labels.dtype === 'int32') {
      throw new Error(
        `crossEntropy: targets of the logits' shape ${shapeStr(labels.shape)} are class probabilities and must be floating point, got int32`,
      );
    }
    if (ignoreIndex >= 0) throw new Error(`crossEntropy: ignoreIndex (${ignoreIndex}) is not supported with class-probability targets`);
    return probabilityLoss('crossEntropy', logSoftmax(logits, 1), s, labels.data, weight, smoothing, reduction);
  }
  const y = classTargets('crossEntropy', labels, s, ignoreIndex, true);
  return classIndexLoss('crossEntropy', logSoftmax(logits, 1), s, y, weight, ignoreIndex, smoothing, reduction);
}

/** Mean squared error `mean((input − target)²)`; input and target have the same shape. */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkOptionNames('mseLoss', options, ['reduction']);
  checkTensor('mseLoss', 'input', input);
  checkTensor('mseLoss', 'target', target);
  if (!shapesEqual(input.shape, target.shape)) {
    throw new Error(`mseLoss: input shape ${shapeStr(input.shape)} and target shape ${shapeStr(target.shape)} differ`);
  }
  const losses = square(sub(input, target));
  switch (options.reduction ?? 'mean') {
    case 'mean':
      return mean(losses);
    case 'sum':
      return sum(losses);
    case 'none':
      return losses;
    default:
      throw new Error(`mseLoss: reduction must be 'mean', 'sum' or 'none', got '${String(options.reduction)}'`);
  }
}
