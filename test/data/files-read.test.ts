/**
 * Reading input files: only regular files, of a bounded size. `/dev/zero`, a FIFO with no writer
 * and a directory are clear errors from every reader (model files, safetensors, IDX, PNG) instead of
 * growing without end or hanging; a file over the size limit is refused before it is read.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, loadSafetensors, readIdxFile, readImageForModel } from '../../src/node.js';
import { MAX_INPUT_FILE_BYTES, readFileBytes, readInputFile } from '../../src/data/files.js';

const dir = mkdtempSync(join(tmpdir(), 'convnet-files-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every reader, with the start of its error message for `path`. */
const READERS: [string, (path: string) => unknown, (path: string) => string][] = [
  ['loadModel', (p) => loadModel(p), (p) => `model file: cannot read '${p}': `],
  ['loadSafetensors', (p) => loadSafetensors(p), (p) => `safetensors: cannot read '${p}': `],
  ['readIdxFile', (p) => readIdxFile(p), (p) => `readIdxFile: cannot read ${p}: `],
  ['readImageForModel', (p) => readImageForModel(p), (p) => `readImageForModel: cannot read ${p}: `],
];

describe('non-regular files are refused by every reader', () => {
  const devZero = '/dev/zero';
  for (const [name, read, prefix] of READERS) {
    it.skipIf(!existsSync(devZero))(`${name}('/dev/zero'): a character device, refused at once (it grew past 3 GB)`, () => {
      const t0 = Date.now();
      expect(() => read(devZero)).toThrow(`${prefix(devZero)}it is not a regular file (a character device)`);
      expect(Date.now() - t0).toBeLessThan(1000);
    });
    it(`${name}(a directory)`, () => {
      const sub = join(dir, `dir-${name}`);
      mkdirSync(sub);
      expect(() => read(sub)).toThrow(prefix(sub));
      expect(() => read(sub)).toThrow(/it is not a regular file \(a directory\)|EISDIR/);
    });
    // mkfifo is POSIX; Windows has no FIFOs in the file system
    it.skipIf(process.platform === 'win32')(`${name}(a FIFO with no writer): refused without waiting for one`, () => {
      const fifo = join(dir, `fifo-${name}`);
      execFileSync('mkfifo', [fifo]);
      const t0 = Date.now();
      expect(() => read(fifo)).toThrow(`${prefix(fifo)}it is not a regular file (a FIFO)`);
      expect(Date.now() - t0).toBeLessThan(1000);
    });
  }
});

describe('readInputFile / readFileBytes', () => {
  it('read a regular file whole; a missing one is named', () => {
    const path = join(dir, 'bytes.bin');
    writeFileSync(path, Uint8Array.from([1, 2, 3]));
    expect([...readInputFile(path, 'op')]).toEqual([1, 2, 3]);
    expect([...readFileBytes(path, 'what')]).toEqual([1, 2, 3]);
    expect(() => readInputFile(join(dir, 'nope'), 'op')).toThrow(`op: no such file ${join(dir, 'nope')}`);
    expect(() => readFileBytes(join(dir, 'nope'), 'what')).toThrow(`what: cannot read '${join(dir, 'nope')}': ENOENT`);
    expect(() => readInputFile('' as never, 'op')).toThrow('op: cannot read : the path must be a non-empty string, got ""');
  });
  it('refuse a file larger than the limit before reading it (default MAX_INPUT_FILE_BYTES, 2³¹ − 1)', () => {
    expect(MAX_INPUT_FILE_BYTES).toBe(2 ** 31 - 1);
    const path = join(dir, 'ten.bin');
    writeFileSync(path, new Uint8Array(10));
    expect(() => readInputFile(path, 'op', 9)).toThrow(`op: cannot read ${path}: it has 10 bytes, more than the 9-byte limit`);
    expect(() => readFileBytes(path, 'what', 9)).toThrow(`what: cannot read '${path}': it has 10 bytes, more than the 9-byte limit`);
  });
  it('let a reader check the head of a file before the rest is read, passing its error on unchanged', () => {
    const path = join(dir, 'head.bin');
    writeFileSync(path, new Uint8Array(10_000).fill(7));
    let seen: [number, number] = [0, 0];
    readInputFile(path, 'op', undefined, (head, size) => (seen = [head.length, size]));
    expect(seen).toEqual([4096, 10_000]);
    expect(() =>
      readInputFile(path, 'op', undefined, () => {
        throw new Error('bad head');
      }),
    ).toThrow(/^bad head$/);
  });
});
