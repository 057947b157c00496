/**
 * Reading IDX files and MNIST-format datasets from disk (Node only): plain or gzipped files,
 * the layout of the MNIST distribution, of Fashion-MNIST, and of Debian's
 * `dataset-fashion-mnist` package (`/usr/share/datasets/fashion-mnist/*-idx?-ubyte.gz`).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type ImageDataset, checkDataset } from './dataset.js';
import { type IdxArray, parseIdx } from './idx.js';
import { errorMessage, readInputFile } from './files.js';

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
 * Reads and parses the IDX file at `path`, gunzipping it first when it starts with the gzip
 * magic bytes `1f 8b` (whatever its name). Errors name the file.
 */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array = readInputFile(path, 'readIdxFile');
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${path}: gzip decompression failed: ${errorMessage(e)}`, { cause: e });
    }
  }
  return parseIdx(bytes, basename(path));
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
