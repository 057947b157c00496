/** The datasets the CLI trains and evaluates on: the bundled digits, or IDX files in a directory. */
import type { ImageDataset } from '../data/dataset.js';
import { randomSplit, subset } from '../data/dataset.js';
import { loadBundledDigits } from '../data/mnist.js';
import { loadIdxDataset } from '../data/idx-files.js';
import type { Normalization } from '../training/evaluate.js';

/** The fixed seed of the bundled digits' 8,000 / 2,000 split (independent of the training seed). */
export const BUNDLED_SPLIT_SEED = 20260;

/** Training and held-out data for the CLI. */
export interface DataSplits {
  train: ImageDataset;
  heldOut: ImageDataset;
  /** Where the data came from, for messages. */
  source: string;
}

function firstN(ds: ImageDataset, n: number | undefined): ImageDataset {
  if (n === undefined || n >= ds.n) return ds;
  return subset(ds, Int32Array.from({ length: n }, (_, i) => i));
}

/**
 * Training and held-out data: with no `dir`, the 10,000 bundled MNIST digits split 8,000 / 2,000
 * by a fixed seed; with `dir`, its IDX `train-*` and `t10k-*` files. `limit` keeps only the first
 * `limit` images of each part.
 */
export function loadSplits(dir: string | undefined, limit?: number): DataSplits {
  if (dir === undefined) {
    const [train, heldOut] = randomSplit(loadBundledDigits(), [8000, 2000], BUNDLED_SPLIT_SEED);
    return { train: firstN(train, limit), heldOut: firstN(heldOut, limit), source: 'the bundled MNIST digits (8,000 train / 2,000 held out)' };
  }
  const train = loadIdxDataset(dir, 'train');
  const heldOut = loadIdxDataset(dir, 'test');
  return { train: firstN(train, limit), heldOut: firstN(heldOut, limit), source: `${dir} (${train.n} train / ${heldOut.n} test)` };
}

/** Mean and standard deviation of all pixels of `ds`: the input normalization. */
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
