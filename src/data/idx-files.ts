/**
 * Reading IDX files and MNIST-format datasets from disk (Node only): plain or gzipped files,
 * the layout of the MNIST distribution, of Fashion-MNIST, and of Debian's
 * `dataset-fashion-mnist` package (`/usr/share/datasets/fashion-mnist/*-idx?-ubyte.gz`).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Gunzip } from 'fflate';
import { type ImageDataset, checkDataset } from './dataset.js';
import { type IdxArray, type IdxOptions, idxHeaderBytes, idxMaxBytes, parseIdx, parseIdxHeader } from './idx.js';
import { MAX_INPUT_FILE_BYTES, errorMessage, readInputFile } from './files.js';

/** Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The ten classes of Fashion-MNIST, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/**
 * How many compressed bytes are inflated at a time (at most about 1000 times as many come out): a
 * small first slice, enough for the header of any real file, then 4 KB slices.
 */
const GZIP_FIRST_SLICE = 256;
const GZIP_SLICE = 4 * 1024;

/**
 * Gunzips `gz`, an IDX file, streaming: the header is checked (see `parseIdxHeader`) as soon as
 * its bytes come out, and decompression stops with an error as soon as the output passes the
 * size the header declares, so that a small file that inflates to gigabytes never does.
 */
function gunzipIdx(gz: Uint8Array, path: string, maxBytes: number): Uint8Array {
  const name = basename(path);
  const chunks: Uint8Array[] = [];
  let idxError: unknown = undefined; // an error of the IDX data rather than of the compression
  let total = 0;
  let expected = -1; // header + data bytes, once the header is known
  let head = new Uint8Array(0);
  const onData = (chunk: Uint8Array): void => {
    if (chunk.length === 0) return;
    total += chunk.length;
    if (expected < 0) {
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      head = joined;
      if (head.length >= 4 && (head[0] !== 0 || head[1] !== 0 || head.length >= idxHeaderBytes(head))) {
        const header = parseIdxHeader(head, name, maxBytes);
        expected = header.headerBytes + header.dataBytes;
        chunks.push(head);
      } else return;
    } else chunks.push(chunk);
    if (total > expected) {
      const header = parseIdxHeader(head, name, maxBytes);
      throw new Error(
        `${name}: expected ${header.dataBytes} data bytes for dims [${header.dims.join(', ')}], ` +
          `got more (decompression stopped after ${total - header.headerBytes})`,
      );
    }
  };
  const gunzip = new Gunzip((chunk) => {
    try {
      onData(chunk);
    } catch (e) {
      idxError = e;
      throw e;
    }
  });
  try {
    for (let at = 0; at < gz.length;) {
      const end = Math.min(gz.length, at + (at === 0 ? GZIP_FIRST_SLICE : GZIP_SLICE));
      gunzip.push(gz.subarray(at, end), end === gz.length);
      at = end;
    }
  } catch (e) {
    if (e === idxError) throw e;
    const where = expected < 0 ? '' : ` after ${total} of the ${expected} bytes the IDX header declares`;
    throw new Error(`${path}: gzip decompression failed${where}: ${errorMessage(e)}`, { cause: e });
  }
  if (expected < 0) parseIdxHeader(head, name, maxBytes); // throws: the header is incomplete
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Reads and parses the IDX file at `path`, gunzipping it first when it starts with the gzip
 * magic bytes `1f 8b` (whatever its name). Errors name the file. The header is checked before the
 * data are read or decompressed: the dims may declare at most `options.maxBytes` bytes of data
 * (default `MAX_IDX_BYTES`, 1 GiB), a plain file's size must be exactly what the header declares,
 * and decompression stops as soon as it passes that size (a `.gz` bomb costs nothing).
 */
export function readIdxFile(path: string, options: IdxOptions = {}): IdxArray {
  const maxBytes = idxMaxBytes('readIdxFile', options);
  const name = basename(path);
  const checkHead = (head: Uint8Array, size: number): void => {
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return; // gzip: checked while inflating
    const header = parseIdxHeader(head, name, maxBytes);
    if (size !== header.headerBytes + header.dataBytes) {
      throw new Error(
        `${name}: expected ${header.dataBytes} data bytes for dims [${header.dims.join(', ')}], got ${size - header.headerBytes}`,
      );
    }
  };
  let bytes: Uint8Array = readInputFile(path, 'readIdxFile', MAX_INPUT_FILE_BYTES, checkHead);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipIdx(bytes, path, maxBytes);
  return parseIdx(bytes, name, { maxBytes });
}

/** Options of `loadIdxDataset`. */
export interface LoadIdxOptions {
  /**
   * Class names by label. Default: Fashion-MNIST's when the directory's path contains
   * "fashion" (any case), none otherwise.
   */
  classNames?: readonly string[];
  /** Number of classes; labels must lie in `[0, classes)`. Default: `classNames.length`, else 10. */
  classes?: number;
}

const PREFIX = { train: 'train', test: 't10k' } as const;

/** The four files of an MNIST-format directory, as the original distribution names them. */
const EXPECTED_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/** The candidate file names, in order of preference, for one kind of file of one split. */
function candidates(split: 'train' | 'test', kind: 'images' | 'labels'): string[] {
  const idx = kind === 'images' ? 'idx3-ubyte' : 'idx1-ubyte';
  const names: string[] = [];
  // "train-images-idx3-ubyte" is the original name; "train-images.idx3-ubyte" is a common variant.
  for (const sep of ['-', '.']) {
    const base = `${PREFIX[split]}-${kind}${sep}${idx}`;
    names.push(base, `${base}.gz`);
  }
  return names;
}

function findFile(dir: string, split: 'train' | 'test', kind: 'images' | 'labels'): string {
  for (const name of candidates(split, kind)) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  const what = `${split === 'train' ? 'training' : 'test'} ${kind}`;
  throw new Error(`no MNIST-format ${what} in ${dir}: expected ${PREFIX[split]}-${kind}-${kind === 'images' ? 'idx3' : 'idx1'}-ubyte[.gz]`);
}

/**
 * Loads the `split` ('train' or 'test', the latter from the `t10k-…` files) of an MNIST-format
 * dataset in `dir`: `<prefix>-images-idx3-ubyte` (N×H×W unsigned bytes) and
 * `<prefix>-labels-idx1-ubyte` (N labels), each plain or gzipped (`.gz`), also accepting the
 * `<prefix>-images.idx3-ubyte` spelling. Pixels are scaled to 0..1 (byte / 255); the result has
 * one channel, `images` of shape `(N, 1, H, W)`. Checks that the image and label counts agree
 * and that every label is in `[0, classes)`.
 */
export function loadIdxDataset(dir: string, split: 'train' | 'test', options: LoadIdxOptions = {}): ImageDataset {
  if (split !== 'train' && split !== 'test') throw new Error(`loadIdxDataset: split must be 'train' or 'test', got ${String(split)}`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const what = existsSync(dir) ? 'it is a file' : 'nothing is there';
    const fashionHint = /fashion/i.test(dir)
      ? `; Debian's dataset-fashion-mnist package installs Fashion-MNIST in ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist)`
      : '';
    throw new Error(
      `loadIdxDataset: ${dir} is not a directory (${what}): expected a directory with the MNIST-format IDX files ` +
        `${EXPECTED_FILES.join(', ')} (each plain or .gz)${fashionHint}`,
    );
  }
  const fashion = /fashion/i.test(resolve(dir));
  const classNames = options.classNames ?? (fashion ? FASHION_MNIST_CLASSES : undefined);
  const classes = options.classes ?? classNames?.length ?? 10;
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`loadIdxDataset: classes must be a positive integer, got ${classes}`);
  if (classNames !== undefined && classNames.length !== classes) {
    throw new Error(`loadIdxDataset: ${classNames.length} class names given for ${classes} classes`);
  }

  const imagesPath = findFile(dir, split, 'images');
  const labelsPath = findFile(dir, split, 'labels');
  const img = readIdxFile(imagesPath);
  if (!(img.data instanceof Uint8Array) || img.dims.length !== 3) {
    throw new Error(
      `${imagesPath}: expected unsigned-byte images with 3 dims [N, H, W], got ${img.data.constructor.name} with dims [${img.dims.join(', ')}]`,
    );
  }
  const lab = readIdxFile(labelsPath);
  if (lab.data instanceof Float32Array || lab.data instanceof Float64Array || lab.dims.length !== 1) {
    throw new Error(
      `${labelsPath}: expected integer labels with 1 dim [N], got ${lab.data.constructor.name} with dims [${lab.dims.join(', ')}]`,
    );
  }
  const [n, height, width] = img.dims;
  if (lab.dims[0] !== n) {
    const count = (k: number, noun: string): string => `${k} ${noun}${k === 1 ? '' : 's'}`;
    throw new Error(`loadIdxDataset: ${imagesPath} has ${count(n, 'image')} but ${labelsPath} has ${count(lab.dims[0], 'label')}`);
  }

  const images = new Float32Array(img.data.length);
  const pixels = img.data;
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i] / 255;
  const labels = Int32Array.from(lab.data);
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0 || labels[i] >= classes) {
      throw new Error(`${labelsPath}: label ${labels[i]} at index ${i} is out of range [0, ${classes})`);
    }
  }
  const ds: ImageDataset = { images, labels, n, channels: 1, height, width, classes };
  if (classNames !== undefined) ds.classNames = [...classNames];
  checkDataset(ds, `loadIdxDataset(${dir})`);
  return ds;
}
