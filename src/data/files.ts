/**
 * Reading and writing files (Node.js only), for every reader and writer of the library — IDX and
 * PNG data, safetensors and model files: whole-file reads of regular files of a bounded size
 * (never a device, FIFO or directory), whose errors name the file and the caller, and atomic writes. A write goes to a temporary file next to the target that is flushed
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

/**
 * The most bytes a reader of this library reads from one file: 2³¹ − 1 (just under 2 GiB, the most
 * Node.js reads into one buffer). Each format also checks the sizes its header declares against
 * its own, smaller caps before it allocates.
 */
export const MAX_INPUT_FILE_BYTES = 2 ** 31 - 1;

/** How many bytes of a file `checkHead` sees (an IDX header has at most 1024). */
const HEAD_BYTES = 4096;

/** An error of a `checkHead` callback, passed on unchanged by the readers. */
class HeadError extends Error {
  constructor(readonly error: unknown) {
    super(errorMessage(error));
  }
}

/** What a non-regular file is, for an error message. */
function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * The bytes of the regular file at `path`, at most `maxBytes` of them. The file is opened without
 * blocking (a FIFO with no writer does not hang) and checked with `fstat` before anything is read:
 * a directory, a device such as `/dev/zero`, a FIFO or a socket is refused, and so is a file
 * larger than `maxBytes`, so that reading never grows past the size the file declares.
 * `checkHead`, when given, sees the first `HEAD_BYTES` bytes (fewer in a shorter file) and the
 * file's size before the rest is read; what it throws is rethrown as a `HeadError`.
 */
function readRegularFile(path: string, maxBytes: number, checkHead?: (head: Uint8Array, size: number) => void): Buffer {
  if (typeof path !== 'string' || path === '') throw new Error(`the path must be a non-empty string, got ${JSON.stringify(path)}`);
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (it has no effect on regular files)
  const fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`it is not a regular file (${fileKind(st)})`);
    if (st.size > maxBytes) throw new Error(`it has ${st.size} bytes, more than the ${maxBytes}-byte limit`);
    if (checkHead !== undefined) {
      const head = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
      const n = fs.readSync(fd, head, 0, head.length, 0);
      try {
        checkHead(head.subarray(0, n), st.size);
      } catch (e) {
        throw new HeadError(e);
      }
    }
    const bytes = Buffer.alloc(st.size);
    let done = 0;
    while (done < bytes.length) {
      const n = fs.readSync(fd, bytes, done, bytes.length - done, done);
      if (n === 0) break; // the file shrank while being read
      done += n;
    }
    return done === bytes.length ? bytes : bytes.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The bytes of `path`, a regular file of at most `maxBytes` bytes (default `MAX_INPUT_FILE_BYTES`);
 * a missing, unreadable, non-regular (a directory, `/dev/zero`, a FIFO) or oversized file throws
 * `${what}: cannot read '…': …`.
 */
export function readFileBytes(path: string, what: string, maxBytes = MAX_INPUT_FILE_BYTES): Uint8Array {
  try {
    return readRegularFile(path, maxBytes);
  } catch (e) {
    throw new Error(`${what}: cannot read '${path}': ${errorMessage(e)}`, { cause: e });
  }
}

/**
 * The bytes of an input file for `op`, a regular file of at most `maxBytes` bytes (default
 * `MAX_INPUT_FILE_BYTES`): a missing file throws `${op}: no such file PATH`, any other read error
 * — a directory, a device such as `/dev/zero`, a FIFO, a file over the limit — `${op}: cannot read PATH: …`.
 * `checkHead(head, size)`, when given, sees the first 4096 bytes (or all, if fewer) and the file's
 * size before the rest is read or allocated, and what it throws is passed on unchanged: a reader
 * checks the sizes a header declares against the file's before reading it.
 */
export function readInputFile(
  path: string,
  op: string,
  maxBytes = MAX_INPUT_FILE_BYTES,
  checkHead?: (head: Uint8Array, size: number) => void,
): Buffer {
  try {
    return readRegularFile(path, maxBytes, checkHead);
  } catch (e) {
    if (e instanceof HeadError) throw e.error;
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') throw new Error(`${op}: no such file ${path}`);
    throw new Error(`${op}: cannot read ${path}: ${errorMessage(e)}`, { cause: e });
  }
}

/** The message of a thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
