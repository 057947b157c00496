/**
 * `DataLoader`: mini-batches of an in-memory `ImageDataset` as tensors, optionally shuffled and
 * transformed, reproducibly from a seeded generator. Browser-safe.
 */
import { Tensor } from '../tensor/tensor.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { type ImageDataset, checkDataset } from './dataset.js';
import type { Transform } from './transforms.js';
import { checkOptions } from '../tensor/arguments.js';

/** Options of `DataLoader` (PyTorch's names, in camelCase). */
export interface DataLoaderOptions {
  /** Images per batch (the last batch may be smaller unless `dropLast`). */
  batchSize: number;
  /** Draw a new permutation of the dataset at the start of every pass. Default false. */
  shuffle?: boolean;
  /** Source of the shuffling and of random transforms. Default: the global `defaultGenerator`. */
  generator?: Generator;
  /** Skip the last batch if it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Applied in place to the images of each batch (a copy; the dataset is never modified). */
  transform?: Transform;
}

/** One mini-batch. */
export interface Batch {
  /** Images `(B, C, H, W)`, float32. */
  x: Tensor;
  /** Labels `(B)`, int32. */
  y: Tensor;
  /** The dataset indices of the batch's images, in order. */
  indices: Int32Array;
}

/**
 * Iterates over `ds` in batches: `for (const { x, y } of loader) …`. Each pass (each
 * `for … of`) with `shuffle` draws one permutation from the generator when it starts, then the
 * batches' transforms draw from it too, so a loader built with `new Generator(seed)` gives the
 * same sequence of batches for the same seed.
 */
export class DataLoader implements Iterable<Batch> {
  readonly dataset: ImageDataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  readonly transform: Transform | undefined;

  constructor(ds: ImageDataset, options: DataLoaderOptions) {
    checkDataset(ds, 'DataLoader');
    if (options === undefined) throw new Error('DataLoader: options with at least batchSize are required, e.g. { batchSize: 64 }');
    checkOptions('DataLoader', options, ['batchSize', 'shuffle', 'generator', 'dropLast', 'transform']);
    const { batchSize, shuffle = false, dropLast = false, generator = defaultGenerator, transform } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    this.dataset = ds;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.transform = transform;
  }

  /** Number of batches in one pass. */
  get length(): number {
    const n = this.dataset.n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Batch> {
    yield* this.pass(this.order(), 0);
  }

  /** The order of one pass over the dataset: a permutation drawn from the generator when shuffling, else 0, 1, …, n − 1. */
  order(): Int32Array {
    const n = this.dataset.n;
    if (this.shuffle) return this.generator.permutation(n);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }

  /**
   * The batches of one pass in `order` (from `order()`), from batch `start` on: what iterating the
   * loader yields, split so that a pass interrupted after `start` batches can continue (`fit`'s
   * mid-epoch checkpoints keep the order and the generator's state).
   */
  *pass(order: Int32Array, start: number): IterableIterator<Batch> {
    const ds = this.dataset;
    const { channels: c, height: h, width: w } = ds;
    const per = c * h * w;
    if (order.length !== ds.n) throw new Error(`DataLoader.pass: order has ${order.length} indices for ${ds.n} samples`);
    const batches = this.length;
    if (!Number.isInteger(start) || start < 0 || start > batches)
      throw new Error(`DataLoader.pass: start must be a batch index in [0, ${batches}], got ${start}`);
    for (let k = start; k < batches; k++) {
      const indices = order.slice(k * this.batchSize, Math.min((k + 1) * this.batchSize, ds.n));
      const b = indices.length;
      const images = new Float32Array(b * per);
      const labels = new Int32Array(b);
      for (let j = 0; j < b; j++) {
        const i = indices[j];
        images.set(ds.images.subarray(i * per, (i + 1) * per), j * per);
        labels[j] = ds.labels[i];
      }
      if (this.transform !== undefined) this.transform(images, b, c, h, w, this.generator);
      yield { x: new Tensor(images, [b, c, h, w]), y: new Tensor(labels, [b]), indices };
    }
  }
}
