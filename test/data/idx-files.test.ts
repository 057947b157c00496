/** IDX files on disk: plain and gzipped, MNIST-format directories, and Fashion-MNIST if installed. */
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, loadIdxDataset, readIdxFile } from '../../src/node.js';
import { idxBytes, writeMnistSplit } from './idx-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'convnet-idx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function newDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
}

describe('readIdxFile', () => {
  it('reads a plain and a gzipped file alike (gzip detected by its magic bytes, not its name)', () => {
    const bytes = idxBytes(0x0b, [2, 2], [1, -2, 300, -400]);
    const dir = newDir('read');
    writeFileSync(join(dir, 'plain'), bytes);
    writeFileSync(join(dir, 'zipped.gz'), gzipSync(bytes));
    writeFileSync(join(dir, 'zipped-no-ext'), gzipSync(bytes));
    for (const name of ['plain', 'zipped.gz', 'zipped-no-ext']) {
      const { dims, data } = readIdxFile(join(dir, name));
      expect(dims).toEqual([2, 2]);
      expect([...data]).toEqual([1, -2, 300, -400]);
    }
  });
  it('names the file in errors: missing, corrupt gzip, truncated data', () => {
    const dir = newDir('bad');
    expect(() => readIdxFile(join(dir, 'nope'))).toThrow(`readIdxFile: no such file ${join(dir, 'nope')}`);
    writeFileSync(join(dir, 'corrupt.gz'), new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    expect(() => readIdxFile(join(dir, 'corrupt.gz'))).toThrow(`${join(dir, 'corrupt.gz')}: gzip decompression failed`);
    writeFileSync(join(dir, 'short-idx1-ubyte.gz'), gzipSync(idxBytes(0x08, [10], [1, 2, 3])));
    expect(() => readIdxFile(join(dir, 'short-idx1-ubyte.gz'))).toThrow('short-idx1-ubyte.gz: expected 10 data bytes for dims [10], got 3');
  });
});

describe('loadIdxDataset', () => {
  it('loads plain train and gzipped test splits, scaling pixels to 0..1', () => {
    const dir = newDir('mnist');
    writeMnistSplit(dir, 'train', 12, 4, 3, false);
    writeMnistSplit(dir, 't10k', 5, 4, 3, true);
    const train = loadIdxDataset(dir, 'train');
    expect([train.n, train.channels, train.height, train.width, train.classes]).toEqual([12, 1, 4, 3, 10]);
    expect(train.images.length).toBe(12 * 12);
    expect(train.images[1 * 12 + 2]).toBeCloseTo(3 / 255, 7);
    expect([...train.labels]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(train.classNames).toBeUndefined();
    const test = loadIdxDataset(dir, 'test');
    expect(test.n).toBe(5);
    expect(test.images[4 * 12 + 11]).toBeCloseTo(15 / 255, 7);
  });
  it('gives Fashion-MNIST class names to a directory named like it, or the names passed', () => {
    const dir = newDir('Fashion-MNIST');
    writeMnistSplit(dir, 'train', 3, 2, 2, true);
    expect(loadIdxDataset(dir, 'train').classNames).toEqual([...FASHION_MNIST_CLASSES]);
    const names = ['a', 'b', 'c'];
    expect(loadIdxDataset(dir, 'train', { classNames: names }).classNames).toEqual(names);
  });
  it('errors clearly: missing directory, missing files, count mismatch, labels out of range', () => {
    const dir = newDir('errors');
    expect(() => loadIdxDataset(join(dir, 'absent'), 'train')).toThrow(`loadIdxDataset: ${join(dir, 'absent')} is not a directory`);
    expect(() => loadIdxDataset(dir, 'train')).toThrow(`no MNIST-format training images in ${dir}: expected train-images-idx3-ubyte[.gz]`);
    writeMnistSplit(dir, 't10k', 4, 2, 2, false);
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    expect(() => loadIdxDataset(dir, 'test')).toThrow(`no MNIST-format test labels in ${dir}: expected t10k-labels-idx1-ubyte[.gz]`);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes(0x08, [3], [0, 1, 2]));
    expect(() => loadIdxDataset(dir, 'test')).toThrow('has 4 images but');
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes(0x08, [4], [0, 1, 10, 2]));
    expect(() => loadIdxDataset(dir, 'test')).toThrow('t10k-labels-idx1-ubyte: label 10 at index 2 is out of range [0, 10)');
    expect(loadIdxDataset(dir, 'test', { classes: 11 }).classes).toBe(11);
  });
});

const fashionMissing = !existsSync(join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz'));

describe('Fashion-MNIST (Debian package dataset-fashion-mnist)', () => {
  const title = `loads the test split from ${FASHION_MNIST_DIR}`;
  const reason = fashionMissing ? ' (skipped: not installed; apt-get install dataset-fashion-mnist)' : '';
  it.skipIf(fashionMissing)(title + reason, () => {
    const ds = loadIdxDataset(FASHION_MNIST_DIR, 'test');
    expect([ds.n, ds.channels, ds.height, ds.width, ds.classes]).toEqual([10000, 1, 28, 28, 10]);
    expect(ds.classNames).toEqual([...FASHION_MNIST_CLASSES]);
    const counts = new Array<number>(10).fill(0);
    for (const l of ds.labels) counts[l]++;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([0, 1]);
  });
});
