/**
 * Data, browser-safe parts: in-memory image datasets, the IDX format, the data loader and batch
 * transforms. The Node-only loaders (files, the bundled MNIST digits and their split, PNG) are in
 * `convnet-ts/node` (src/node.ts).
 */
export { type ImageDataset, checkDataset, randomSplit, subset } from './dataset.js';
export { type IdxArray, type IdxData, type IdxOptions, MAX_IDX_BYTES, parseIdx } from './idx.js';
export { type Batch, DataLoader, type DataLoaderOptions } from './dataloader.js';
export { type Normalization, normalizedBatch, pixelStatistics } from './normalization.js';
export {
  MNIST_MEAN,
  MNIST_STD,
  type CropPadding,
  type Transform,
  compose,
  normalize,
  randomCrop,
  randomHorizontalFlip,
  randomShift,
} from './transforms.js';
