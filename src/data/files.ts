/**
 * Reading and writing files (Node.js only), for every reader and writer of the library — IDX and
 * PNG data, safetensors and model files: whole-file reads whose errors name the file and the
 * caller, and atomic writes. A write goes to a temporary file next to the target that is flushed
 * and then renamed over it, so a file holds either its old content or the complete new one,
 * never a partial one.
 */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` to `path` atomically (temporary file, fsync, rename). Errors are rethrown as
 * one-line `${what}: cannot write '…': …` messages.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, what: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done);
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

/** The message of a thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
