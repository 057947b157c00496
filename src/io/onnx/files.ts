/** ONNX model files on disk (Node.js only; in the browser use `exportOnnx`, which gives the bytes). */
import type { AnyModule } from '../../nn/module.js';
import { errorMessage, writeFileAtomic } from '../../data/files.js';
import { type ExportOnnxOptions, exportOnnx } from './export.js';

/**
 * Exports `model` with `exportOnnx(model, options)` and writes the bytes to `path` atomically (the
 * file holds its old content or the whole new one). A model that does not export is an error, and
 * nothing is written.
 */
export function saveOnnx(path: string, model: AnyModule, options: ExportOnnxOptions): void {
  let bytes: Uint8Array;
  try {
    bytes = exportOnnx(model, options);
  } catch (e) {
    throw new Error(`saveOnnx: ${errorMessage(e).replace(/^exportOnnx: /, '')} ('${path}' was not written)`, { cause: e });
  }
  writeFileAtomic(path, bytes, 'ONNX model');
}
