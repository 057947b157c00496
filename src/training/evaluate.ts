/** Evaluation of a classifier on a dataset: accuracy, mean loss, confusion matrix, probabilities. */
import { noGrad } from '../autograd/engine.js';
import { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { crossEntropy } from '../ops/loss.js';
import { softmax } from '../ops/activation.js';
import type { ImageDataset } from '../data/dataset.js';
import { checkNormalization, type Normalization, normalizedBatch } from '../data/normalization.js';

/** The result of `evaluate`. */
export interface Evaluation {
  /** Fraction of samples whose arg-max prediction equals the label, in [0, 1]. */
  accuracy: number;
  /** Mean cross-entropy. */
  loss: number;
  /** `confusion[label][predicted]` counts. */
  confusion: number[][];
  n: number;
}

/**
 * Runs `model` in evaluation mode over `ds` in batches, without gradients, and restores the
 * model's mode afterwards.
 */
export function evaluate(model: Module, ds: ImageDataset, norm: Normalization, batchSize = 256): Evaluation {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
  checkNormalization('evaluate', norm);
  const confusion = Array.from({ length: ds.classes }, () => new Array<number>(ds.classes).fill(0));
  let correct = 0;
  let lossSum = 0;
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let start = 0; start < ds.n; start += batchSize) {
        const end = Math.min(ds.n, start + batchSize);
        const logits = model.forward(normalizedBatch(ds, start, end, norm));
        const labels = ds.labels.subarray(start, end);
        lossSum += crossEntropy(logits, labels, { reduction: 'sum' }).item();
        const predicted = logits.argmax(1).data;
        for (let i = 0; i < end - start; i++) {
          confusion[labels[i]][predicted[i]]++;
          if (predicted[i] === labels[i]) correct++;
        }
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { accuracy: ds.n > 0 ? correct / ds.n : 0, loss: ds.n > 0 ? lossSum / ds.n : 0, confusion, n: ds.n };
}

/** Class probabilities `softmax(model(x))` for a `(N, C, H, W)` batch of raw (unnormalized) images. */
export function predictProbabilities(model: Module, images: Tensor, norm: Normalization): Tensor {
  checkNormalization('predictProbabilities', norm);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => softmax(model.forward(images.sub(norm.mean).div(norm.std)), 1));
  } finally {
    model.train(wasTraining);
  }
}
