/**
 * Training and held-out data as the CLI, the tests and the benchmarks use them: the bundled digits
 * split by a fixed seed, or the IDX files of a directory. Node-only (it reads files).
 */
import { type ImageDataset, randomSplit, subset } from './dataset.js';
import { loadBundledDigits } from './mnist.js';
import { loadIdxDataset } from './idx-files.js';

/** The fixed seed of the bundled digits' 8,000 / 2,000 split (independent of the training seed). */
export const BUNDLED_SPLIT_SEED = 20260;

/** Training and held-out data. */
export interface DataSplits {
  train: ImageDataset;
  heldOut: ImageDataset;
  /** Where the data came from, for messages. */
  source: string;
}

function firstN(ds: ImageDataset, n: number | undefined): ImageDataset {
  if (n === undefined || n >= ds.n) return ds;
  return subset(
    ds,
    Int32Array.from({ length: n }, (_, i) => i),
  );
}

/**
 * Training and held-out data: with no `dir`, the 10,000 bundled MNIST digits split 8,000 / 2,000
 * by a fixed seed; with `dir`, its IDX `train-*` and `t10k-*` files. `limit` keeps only the first
 * `limit` images of each part.
 */
export function loadSplits(dir: string | undefined, limit?: number): DataSplits {
  if (dir === undefined) {
    const [train, heldOut] = randomSplit(loadBundledDigits(), [8000, 2000], BUNDLED_SPLIT_SEED);
    return {
      train: firstN(train, limit),
      heldOut: firstN(heldOut, limit),
      source: 'the bundled MNIST digits (8,000 train / 2,000 held out)',
    };
  }
  const train = loadIdxDataset(dir, 'train');
  const heldOut = loadIdxDataset(dir, 'test');
  return { train: firstN(train, limit), heldOut: firstN(heldOut, limit), source: `${dir} (${train.n} train / ${heldOut.n} test)` };
}
