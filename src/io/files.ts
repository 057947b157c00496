/**
 * Files (Node.js only; in the browser use `encodeSafetensors` / `decodeSafetensors` and
 * `encodeModel` / `decodeModel` on bytes). Every write goes to a temporary file next to the
 * target that is flushed and then renamed over it, so a file holds either its old content or the
 * complete new one, never a partial one.
 */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { type ModelInfo, decodeModel, encodeModel } from './model-file.js';

/**
 * Writes `bytes` to `path` atomically (temporary file, fsync, rename). Errors are rethrown as
 * one-line `${what}: cannot write '…': …` messages.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, what: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // Nothing more can be done; the write error below is the one that matters.
    }
    throw new Error(`${what}: cannot write '${path}': ${errorMessage(e)}`, { cause: e });
  }
}

/** The bytes of `path`; a missing or unreadable file throws `${what}: cannot read '…': …`. */
export function readFileBytes(path: string, what: string): Uint8Array {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw new Error(`${what}: cannot read '${path}': ${errorMessage(e)}`, { cause: e });
  }
}

/**
 * The bytes of an input file for `op`: a missing file throws `${op}: no such file PATH`, any other
 * read error `${op}: cannot read PATH: …`.
 */
export function readInputFile(path: string, op: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') throw new Error(`${op}: no such file ${path}`);
    throw new Error(`${op}: cannot read ${path}: ${errorMessage(e)}`, { cause: e });
  }
}

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

/** The message of a thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
