/**
 * The Node.js-only parts of convnet-ts (`import … from 'convnet-ts/node'`): files and the bundled
 * data. Everything else is in the main entry point, which also runs in the browser.
 */
export { saveSafetensors, loadSafetensors, saveModel, loadModel } from './io/files.js';
export { saveOnnx } from './io/onnx/files.js';
export { writeFileAtomic, MAX_INPUT_FILE_BYTES } from './data/files.js';
export { decodePng, MAX_IMAGE_PIXELS, MAX_IMAGE_WIDTH, type PngOptions } from './data/png-decoder.js';
export { loadBundledDigits } from './data/mnist.js';
export { BUNDLED_SPLIT_SEED, type DataSplits, loadSplits } from './data/splits.js';
export { readIdxFile, loadIdxDataset, FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, type LoadIdxOptions } from './data/idx-files.js';
export { readImageForModel, writeGrayPng } from './data/png.js';
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FILE } from './training/checkpoint.js';
