/**
 * Input normalization `x ← (x − mean)/std` with one mean and standard deviation for all pixels:
 * measured on the training set (`pixelStatistics`), recorded in the model file, and applied to
 * every input the model sees (`normalizedBatch`, the `normalize` transform). Browser-safe.
 */
import { Tensor } from '../tensor/tensor.js';
import type { ImageDataset } from './dataset.js';

/** Per-pixel normalization `(x − mean)/std` applied to every input. */
export interface Normalization {
  mean: number;
  std: number;
}

/** The smallest standard deviation a normalization may divide by: below it, inputs blow up. */
export const MIN_STD = 1e-8;

/** Throws unless `norm` is `{ mean, std }` with a finite mean and a finite std ≥ `MIN_STD`. */
export function checkNormalization(op: string, norm: unknown): asserts norm is Normalization {
  const n = norm as Partial<Normalization> | null;
  if (n === null || typeof n !== 'object' || typeof n.mean !== 'number' || typeof n.std !== 'number') {
    throw new Error(`${op}: normalization must be { mean, std } with numbers, got ${JSON.stringify(norm)}`);
  }
  if (!Number.isFinite(n.mean)) throw new Error(`${op}: normalization mean must be finite, got ${n.mean}`);
  if (!Number.isFinite(n.std) || n.std < MIN_STD)
    throw new Error(`${op}: normalization std must be finite and at least ${MIN_STD}, got ${n.std}`);
}

/** The identity normalization: pixels as they are (mean 0, std 1), for models saved without one. */
export const NO_NORMALIZATION: Readonly<Normalization> = Object.freeze({ mean: 0, std: 1 });

/** Mean and standard deviation of all pixels of `ds` (rounded to 6 decimals): the input normalization. */
export function pixelStatistics(ds: ImageDataset): Normalization {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < ds.images.length; i++) {
    sum += ds.images[i];
    sumSq += ds.images[i] * ds.images[i];
  }
  const n = Math.max(1, ds.images.length);
  const mean = sum / n;
  const std = Math.sqrt(Math.max(sumSq / n - mean * mean, 0)) || 1;
  return { mean: Number(mean.toFixed(6)), std: Number(std.toFixed(6)) };
}

/** Copies images `[start, end)` of `ds`, normalized, into a `(B, C, H, W)` float32 tensor. */
export function normalizedBatch(ds: ImageDataset, start: number, end: number, norm: Normalization): Tensor {
  const size = ds.channels * ds.height * ds.width;
  const data = ds.images.slice(start * size, end * size);
  for (let i = 0; i < data.length; i++) data[i] = (data[i] - norm.mean) / norm.std;
  return new Tensor(data, [end - start, ds.channels, ds.height, ds.width]);
}
