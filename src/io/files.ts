/**
 * Safetensors and model files on disk (Node.js only; in the browser use `encodeSafetensors` /
 * `decodeSafetensors` and `encodeModel` / `decodeModel` on bytes). Every write goes through
 * `writeFileAtomic` (data/files.ts): a file holds either its old content or the complete new one,
 * never a partial one.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { type ModelInfo, decodeModel, encodeModel } from './model-file.js';
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

/** Saves a model and what rebuilds it (see `encodeModel`) to `path`, atomically. */
export function saveModel(path: string, model: Module, info: ModelInfo): void {
  writeFileAtomic(path, encodeModel(model, info), 'model file');
}

/** Loads a model file written by `saveModel`: the rebuilt model with its weights, and its info. */
export function loadModel(path: string): { model: Module; info: ModelInfo } {
  return decodeFile(path, readFileBytes(path, 'model file'), decodeModel);
}
