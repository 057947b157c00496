/**
 * Safetensors and model files on disk (Node.js only; in the browser use `encodeSafetensors` /
 * `decodeSafetensors` and `encodeModel` / `decodeModel` on bytes). Every write goes through
 * `writeFileAtomic` (data/files.ts): a file holds either its old content or the complete new one,
 * never a partial one.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { AnyModule } from '../nn/module.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { type ModelFileOptions, type ModelInfo, decodeModel, encodeModel } from './model-file.js';
import { errorMessage, readFileBytes, writeFileAtomic } from '../data/files.js';

/** Decodes with `decode`, appending the path to its error message. */
function decodeFile<T>(path: string, bytes: Uint8Array, decode: (b: Uint8Array) => T): T {
  try {
    return decode(bytes);
  } catch (e) {
    throw new Error(`${errorMessage(e)} (in '${path}')`, { cause: e });
  }
}

/** Writes `tensors` (and optional string `metadata`) to `path` in the safetensors format, atomically. */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata), 'safetensors');
}

/**
 * Reads the safetensors file at `path`: its tensors and its `__metadata__` map (`{}` if it has
 * none). A file that cannot be read throws `safetensors: cannot read '…': ENOENT: …`; a malformed
 * one throws the error of `decodeSafetensors`, with the path appended.
 */
export function loadSafetensors(path: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  return decodeFile(path, readFileBytes(path, 'safetensors'), decodeSafetensors);
}

/**
 * Saves a model and what rebuilds it (see `encodeModel`) to `path`, atomically: any tree of
 * built-in layers, or a model of an architecture given to `registerArchitecture`. A model the file
 * could not rebuild is an error, and nothing is written.
 *
 * @param options the architecture and its options (for a registered custom model), and optionally
 *   the input shape `[C, H, W]`, the input normalization, class names and training facts
 */
export function saveModel(path: string, model: AnyModule, options: ModelFileOptions = {}): void {
  let bytes: Uint8Array;
  try {
    bytes = encodeModel(model, options);
  } catch (e) {
    throw new Error(`saveModel: ${errorMessage(e)} ('${path}' was not written)`, { cause: e });
  }
  writeFileAtomic(path, bytes, 'model file');
}

/** Loads a model file written by `saveModel`: the rebuilt model with its weights, and its info. */
export function loadModel(path: string): { model: AnyModule; info: ModelInfo } {
  return decodeFile(path, readFileBytes(path, 'model file'), decodeModel);
}
