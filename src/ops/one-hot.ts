/** `oneHot`: class labels as indicator vectors, `torch.nn.functional.one_hot`. */
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from '../tensor/arguments.js';

/**
 * Each label as a row of `numClasses` entries, 1 at the label and 0 elsewhere, as `F.one_hot`:
 * int32 labels of shape `(…)` → int32 `(…, numClasses)` (PyTorch gives int64). With
 * `numClasses = −1` (the default) it is the largest label + 1. Labels must lie in
 * `[0, numClasses)`. No gradient (the result is an integer tensor).
 */
export function oneHot(labels: Tensor, numClasses = -1): Tensor {
  checkTensor('oneHot', 'labels', labels);
  if (labels.dtype !== 'int32')
    throw new Error(`oneHot: labels must be an int32 tensor, got ${labels.dtype} of shape ${shapeStr(labels.shape)}`);
  if (!Number.isInteger(numClasses) || numClasses < -1)
    throw new Error(`oneHot: numClasses must be -1 or a non-negative integer, got ${numClasses}`);
  let classes = numClasses;
  if (classes === -1) {
    if (labels.size === 0)
      throw new Error(`oneHot: cannot infer the number of classes from empty labels of shape ${shapeStr(labels.shape)}`);
    classes = 0;
    for (const c of labels.data) classes = Math.max(classes, c + 1);
  }
  const out = new Int32Array(labels.size * classes);
  for (let k = 0; k < labels.size; k++) {
    const c = labels.data[k];
    if (c < 0 || c >= classes) {
      throw new Error(
        `oneHot: label ${c} at index ${k} is out of range for ${classes} classes (labels of shape ${shapeStr(labels.shape)})`,
      );
    }
    out[k * classes + c] = 1;
  }
  return new Tensor(out, [...labels.shape, classes]);
}
