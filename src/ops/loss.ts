/** Loss functions: cross-entropy over integer labels, negative log-likelihood, mean squared error. */
import { allocate } from '../tensor/dtype.js';
import { shapeStr, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { logSoftmax } from './activation.js';
import { square, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';

/** How per-sample losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Integer class labels: an int32 (or integral float) tensor of shape (N), or an array of numbers. */
export type Labels = Tensor | ArrayLike<number>;

function checkLabels(op: string, labels: Labels, n: number, classes: number): Int32Array {
  const values: ArrayLike<number> = labels instanceof Tensor ? labels.data : labels;
  if (labels instanceof Tensor && labels.ndim !== 1) throw new Error(`${op}: labels must have shape [${n}], got ${shapeStr(labels.shape)}`);
  if (values.length !== n) throw new Error(`${op}: got ${values.length} labels for a batch of ${n}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = values[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new Error(
        `${op}: label ${y} at index ${i} is out of range for ${classes} classes (expected an integer in [0, ${classes - 1}])`,
      );
    }
    out[i] = y;
  }
  return out;
}

function reduce(op: string, losses: Tensor, reduction: Reduction): Tensor {
  switch (reduction) {
    case 'mean':
      return mean(losses);
    case 'sum':
      return sum(losses);
    case 'none':
      return losses;
    default:
      throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

/**
 * Negative log-likelihood `ℓ_i = −logProbs[i, y_i]`, reduced. logProbs `(N, C)`, labels `(N)`;
 * the gradient is `−1` at each `(i, y_i)` (scaled by the reduction), 0 elsewhere.
 */
export function nllLoss(logProbs: Tensor, labels: Labels, options: { reduction?: Reduction } = {}): Tensor {
  if (logProbs.ndim !== 2) throw new Error(`nllLoss: input must have rank 2 (N, C), got shape ${shapeStr(logProbs.shape)}`);
  const [n, c] = logProbs.shape;
  const y = checkLabels('nllLoss', labels, n, c);
  const out = allocate(logProbs.dtype, n);
  for (let i = 0; i < n; i++) out[i] = -logProbs.data[i * c + y[i]];
  const losses = record(new Tensor(out, [n]), 'nllLoss', [logProbs], (g) => {
    const d = allocate(logProbs.dtype, n * c);
    for (let i = 0; i < n; i++) d[i * c + y[i]] = -g.data[i];
    return [new Tensor(d, [n, c])];
  });
  return reduce('nllLoss', losses, options.reduction ?? 'mean');
}

/**
 * Cross-entropy of logits against integer labels: `ℓ_i = −log softmax(x_i)[y_i]`, averaged
 * over the batch by default. logits `(N, C)`, labels `(N)` → scalar. Gradient
 * `(softmax(x_i) − onehot(y_i)) / N`.
 */
export function crossEntropy(logits: Tensor, labels: Labels, options: { reduction?: Reduction } = {}): Tensor {
  if (logits.ndim !== 2) throw new Error(`crossEntropy: logits must have rank 2 (N, C), got shape ${shapeStr(logits.shape)}`);
  checkLabels('crossEntropy', labels, logits.shape[0], logits.shape[1]);
  return nllLoss(logSoftmax(logits, 1), labels, options);
}

/** Mean squared error `mean((input − target)²)`; input and target have the same shape. */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new Error(`mseLoss: input shape ${shapeStr(input.shape)} and target shape ${shapeStr(target.shape)} differ`);
  }
  return reduce('mseLoss', square(sub(input, target)), options.reduction ?? 'mean');
}
