/**
 * IDX files that declare or inflate to more than they should: the header is checked (magic, type,
 * dims against `MAX_IDX_BYTES`) before anything is read whole or decompressed, a plain file's size
 * must be what its dims declare, and a gzipped one is inflated streaming, stopping as soon as the
 * output passes the declared size.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readIdxFile } from '../../src/node.js';
import { MAX_IDX_BYTES, parseIdx } from '../../src/data/idx.js';
import { idxBytes } from './idx-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'convnet-idx-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** An IDX header of `type` and `dims`, with no data. */
function header(type: number, dims: number[]): Uint8Array {
  return idxBytes(type, dims, []);
}

/** Runs `fn` and returns how much the process's ArrayBuffer memory grew meanwhile, in MB. */
function growthMb(fn: () => void): number {
  const before = process.memoryUsage().arrayBuffers;
  fn();
  return (process.memoryUsage().arrayBuffers - before) / 2 ** 20;
}

describe('IDX limits', () => {
  it('MAX_IDX_BYTES is 1 GiB: dims declaring more are refused from the header', () => {
    expect(MAX_IDX_BYTES).toBe(2 ** 30);
    const big = header(0x0e, [2 ** 16, 2 ** 15]); // 2^31 doubles' bytes
    expect(() => parseIdx(big, 'big')).toThrow(
      'big: IDX dims [65536, 32768] of doubles declare 17179869184 data bytes, more than the limit of 1073741824 (maxBytes)',
    );
    const huge = header(0x08, [2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1]);
    expect(() => parseIdx(huge, 'huge')).toThrow(
      /^huge: IDX dims \[4294967295, 4294967295, 4294967295\] of unsigned bytes declare about 7\.92e\+28 data bytes/,
    );
    // the cap is an option
    const small = idxBytes(
      0x08,
      [10],
      Array.from({ length: 10 }, (_, i) => i),
    );
    expect(() => parseIdx(small, 'small', { maxBytes: 9 })).toThrow(
      'small: IDX dims [10] of unsigned bytes declare 10 data bytes, more than the limit of 9',
    );
    expect(() => readIdxFile(file('small', small), { maxBytes: 9 })).toThrow('more than the limit of 9 (maxBytes)');
    expect(() => readIdxFile(file('small2', small), { maxByte: 9 } as never)).toThrow("readIdxFile: unknown option 'maxByte'");
    expect(() => parseIdx(null as never)).toThrow('parseIdx: bytes must be a Uint8Array, got null');
  });

  it('a plain file whose size is not what its dims declare is refused before it is read whole', () => {
    const path = file('lying-idx3-ubyte', concat(header(0x08, [60000, 28, 28]), new Uint8Array(100)));
    expect(() => readIdxFile(path)).toThrow('lying-idx3-ubyte: expected 47040000 data bytes for dims [60000, 28, 28], got 100');
    const tooShort = file('three-bytes', Uint8Array.from([0, 0, 8]));
    expect(() => readIdxFile(tooShort)).toThrow('three-bytes: too short for an IDX header (3 bytes, need at least 4)');
  });

  it('a 16 KB .gz bomb (16 MB of zeros) without an IDX header: refused at its first bytes, without inflating it', () => {
    const bomb = file('bomb.gz', gzipSync(new Uint8Array(16 << 20), { level: 9 }));
    let grew = 0;
    const t0 = Date.now();
    grew = growthMb(() => expect(() => readIdxFile(bomb)).toThrow('bomb.gz: unknown IDX type code 0x00'));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(grew).toBeLessThan(8);
  });

  it('a .gz that inflates past what its header declares stops there', () => {
    // [10] unsigned bytes declared, 16 MB of data
    const bytes = concat(header(0x08, [10]), new Uint8Array(16 << 20));
    const path = file('overflow-idx1-ubyte.gz', gzipSync(bytes, { level: 9 }));
    let message = '';
    const grew = growthMb(() => {
      try {
        readIdxFile(path);
      } catch (e) {
        message = (e as Error).message;
      }
    });
    const m = /^overflow-idx1-ubyte\.gz: expected 10 data bytes for dims \[10\], got more \(decompression stopped after (\d+)\)$/.exec(
      message,
    );
    expect(m, message).not.toBeNull();
    // one slice of 4 KB of compressed input inflates to at most ~4 MB: decompression stops within it
    expect(Number(m![1])).toBeLessThan(5 << 20);
    expect(grew).toBeLessThan(32); // that slice's buffers, not yet collected
  });

  it('a .gz whose header declares more than the cap is refused before the rest is inflated', () => {
    const bytes = concat(header(0x0e, [2 ** 16, 2 ** 15]), new Uint8Array(1 << 20));
    expect(() => readIdxFile(file('doubles.gz', gzipSync(bytes)))).toThrow(/^doubles\.gz: IDX dims \[65536, 32768\] of doubles declare/);
  });

  it('a .gz cut short, and one holding less than its header declares', () => {
    const good = gzipSync(
      idxBytes(
        0x08,
        [100],
        Array.from({ length: 100 }, (_, i) => i),
      ),
    );
    const cut = file('cut.gz', good.subarray(0, good.length - 30));
    expect(() => readIdxFile(cut)).toThrow(`${cut}: gzip decompression failed`);
    const short = file('short.gz', gzipSync(concat(header(0x08, [100]), new Uint8Array(40))));
    expect(() => readIdxFile(short)).toThrow('short.gz: expected 100 data bytes for dims [100], got 40');
    // a gzip member followed by a second one: both are read (as gunzip does)
    const half = idxBytes(0x08, [4], [1, 2, 3, 4]);
    const twoMembers = file('two.gz', concat(gzipSync(half.subarray(0, 6)), gzipSync(half.subarray(6))));
    expect([...readIdxFile(twoMembers).data]).toEqual([1, 2, 3, 4]);
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
