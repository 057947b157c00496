/**
 * Reading and writing files (Node.js only), for every reader and writer of the library — IDX and
 * PNG data, safetensors and model files: whole-file reads whose errors name the file and the
 * caller, and atomic writes. A write goes to a temporary file next to the target that is flushed
 * and then renamed over it, so a file holds either its old content or the complete new one,
 * never a partial one.
 */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The temporary name `writeFileAtomic` uses for `path`: `.NAME.PID.RANDOM.tmp` beside it. */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
}

/** Whether a process with id `pid` is running (on this machine). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, owned by someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files a killed process left beside `path` (`.NAME.PID.RANDOM.tmp` whose
 * PID is no longer running); best effort, never throws.
 */
function removeStaleTemporaries(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{16}\.tmp$/.exec(name.slice(prefix.length));
    if (m === null || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    try {
      fs.rmSync(join(dirname(path), name), { force: true });
    } catch {
      // another process may be removing it too
    }
  }
}

/**
 * Writes `bytes` to `path` atomically: into a new temporary file beside it (created exclusively,
 * under a random name, so that nothing planted there — a symlink — can redirect the write),
 * flushed to disk, then renamed over `path`. `path` holds the old content or the whole new one,
 * never part of it; the temporary file is removed on every failure, and those of killed processes
 * are removed by the next write to the same path. Errors are rethrown as one-line
 * `${what}: cannot write '…': …` messages.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, what: string): void {
  removeStaleTemporaries(path);
  const tmp = temporaryName(path);
  try {
    // 'wx': fail rather than follow or reuse anything already at the temporary name
    const fd = fs.openSync(tmp, 'wx', 0o644);
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
