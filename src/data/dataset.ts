/**
 * In-memory image datasets: every image of a dataset in one `Float32Array` laid out
 * `(N, C, H, W)` row-major, with one int32 label per image. Browser-safe.
 */
import { Generator } from '../tensor/random.js';

/** A labelled image dataset held in memory. */
export interface ImageDataset {
  /** All images, `(n, channels, height, width)` row-major, values as stored (0..1 for MNIST). */
  images: Float32Array;
  /** One class index in `[0, classes)` per image. */
  labels: Int32Array;
  /** Number of images. */
  n: number;
  channels: number;
  height: number;
  width: number;
  /** Number of classes. */
  classes: number;
  /** Optional human-readable name of each class (`classNames[label]`). */
  classNames?: string[];
}

/**
 * Checks that the sizes of `ds` are consistent (`images.length = n·C·H·W`, `labels.length = n`,
 * positive integer sizes); throws an error naming `what` otherwise.
 */
export function checkDataset(ds: ImageDataset, what = 'dataset'): void {
  for (const key of ['n', 'channels', 'height', 'width', 'classes'] as const) {
    const v = ds[key];
    if (!Number.isInteger(v) || v < (key === 'n' ? 0 : 1))
      throw new Error(`${what}: ${key} must be a ${key === 'n' ? 'non-negative' : 'positive'} integer, got ${v}`);
  }
  const per = ds.channels * ds.height * ds.width;
  if (ds.images.length !== ds.n * per) {
    throw new Error(
      `${what}: images has ${ds.images.length} values, expected n·C·H·W = ${ds.n}·${ds.channels}·${ds.height}·${ds.width} = ${ds.n * per}`,
    );
  }
  if (ds.labels.length !== ds.n) throw new Error(`${what}: labels has ${ds.labels.length} entries, expected n = ${ds.n}`);
  if (ds.classNames !== undefined && ds.classNames.length !== ds.classes) {
    throw new Error(`${what}: classNames has ${ds.classNames.length} names, expected classes = ${ds.classes}`);
  }
}

/**
 * The images `ds[indices[0]], ds[indices[1]], …` as a new dataset (images and labels copied),
 * in the order of `indices`; repeats are allowed.
 */
export function subset(ds: ImageDataset, indices: Int32Array): ImageDataset {
  const per = ds.channels * ds.height * ds.width;
  const m = indices.length;
  const images = new Float32Array(m * per);
  const labels = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    if (i < 0 || i >= ds.n) throw new Error(`subset: index ${i} (position ${k}) is out of range for a dataset of ${ds.n} images`);
    images.set(ds.images.subarray(i * per, (i + 1) * per), k * per);
    labels[k] = ds.labels[i];
  }
  const out: ImageDataset = { images, labels, n: m, channels: ds.channels, height: ds.height, width: ds.width, classes: ds.classes };
  if (ds.classNames !== undefined) out.classNames = [...ds.classNames];
  return out;
}

/**
 * Splits `ds` into two disjoint random subsets of `counts[0]` and `counts[1]` images, from one
 * permutation drawn by `new Generator(seed)`: the same seed gives the same split. Like PyTorch's
 * `random_split`, except that `counts[0] + counts[1]` may be less than `n` (the rest is unused).
 */
export function randomSplit(ds: ImageDataset, counts: [number, number], seed: number): [ImageDataset, ImageDataset] {
  const [a, b] = counts;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) {
    throw new Error(`randomSplit: counts must be non-negative integers, got [${a}, ${b}]`);
  }
  if (a + b > ds.n) throw new Error(`randomSplit: counts [${a}, ${b}] add up to ${a + b}, more than the ${ds.n} images of the dataset`);
  const perm = new Generator(seed).permutation(ds.n);
  return [subset(ds, perm.subarray(0, a)), subset(ds, perm.subarray(a, a + b))];
}
