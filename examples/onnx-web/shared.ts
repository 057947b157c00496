/** What the build (vite.config.ts, which exports the ONNX file) and the page (main.ts, which rebuilds the model) agree on. */

/** The seed of the model's weights: `buildModel('lenet5', { modern: true }, new Generator(SEED))`. */
export const SEED = 14;
/** The exported model's file name, beside index.html. */
export const ONNX_FILE = 'lenet5-modern.onnx';
/** The digits file's name, beside index.html. */
export const DIGITS_FILE = 'digits.bin';
