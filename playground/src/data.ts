/** The bundled digits as the page's datasets: the 8,000 training and 2,000 held-out digits of the CLI. */
import { data } from 'convnet-ts';
import { decodeDigits } from './digits-format.js';
import { BUNDLED_SPLIT_SEED, SPLIT_COUNTS } from './split.js';

/** Training and held-out digits. */
export interface DigitSplits {
  train: data.ImageDataset;
  heldOut: data.ImageDataset;
}

/** The digits file's 10,000 digits `(10000, 1, 28, 28)`, split as the CLI splits them. */
export function bundledSplits(bytes: Uint8Array): DigitSplits {
  const { n, images, labels } = decodeDigits(bytes);
  const all: data.ImageDataset = { images, labels, n, channels: 1, height: 28, width: 28, classes: 10 };
  const [train, heldOut] = data.randomSplit(all, SPLIT_COUNTS, BUNDLED_SPLIT_SEED);
  return { train, heldOut };
}
