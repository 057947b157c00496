/**
 * Builds the playground into static files (build/playground/ by default): the page, its worker,
 * the wasm kernels' chunk and the digits file. `convnet-ts` resolves to the library's sources, so
 * the page imports it as a user's app would, without building the package first.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';
import { encodeBundledDigits } from './digits-asset.js';
import { DIGITS_FILE } from './src/digits-format.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Emits the bundled digits as a static file beside index.html (see digits-asset.ts). */
function bundledDigits(): Plugin {
  return {
    name: 'convnet-playground-digits',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: DIGITS_FILE, source: encodeBundledDigits() });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  publicDir: resolve(here, 'public'),
  resolve: { alias: { 'convnet-ts': resolve(here, '../src/index.ts') } },
  // the worker code-splits (the kernels load by a dynamic import), which needs ES module workers;
  // class names are kept through minification: the library's layers describe themselves by them
  worker: { format: 'es', rolldownOptions: { output: { keepNames: true } } },
  build: {
    outDir: resolve(here, '../build/playground'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    rolldownOptions: { output: { keepNames: true } },
  },
  plugins: [bundledDigits()],
});
