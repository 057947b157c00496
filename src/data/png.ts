/**
 * PNG input and output for models of MNIST-like data (Node only): reading any PNG as a grayscale
 * `height × width` image in 0..1 through this library's own decoder (png-decoder.ts: sizes checked
 * before anything is allocated, rows resized as they are decoded), and writing grayscale PNGs
 * through `pngjs`.
 */
import { errorMessage, readInputFile, writeFileAtomic } from './files.js';
import { PNG } from 'pngjs';
import { checkOptions } from '../tensor/arguments.js';
import { PNG_SIGNATURE, type PngHeader, type PngRowSink, decodePngRows } from './png-decoder.js';

export { MAX_IMAGE_PIXELS, MAX_IMAGE_WIDTH, decodePng } from './png-decoder.js';

/** The largest `height × width` `readImageForModel` makes: 2²⁴, as a model file's largest input (4096 × 4096). */
const MAX_OUTPUT_PIXELS = 2 ** 24;

function checkSize(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
}

/**
 * The box filter that maps `n` source samples onto `m` output samples: output `i` covers the
 * source interval `[i·n/m, (i+1)·n/m)`, and each source sample `s` in it is weighted by its overlap
 * with it, normalized to sum to 1 (area averaging; when enlarging, this is nearest-neighbour with
 * linear blending at the seams). Only the `m` intervals and their totals are stored; a weight is
 * computed when it is needed, so that a tall source costs no memory.
 */
class BoxFilter {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly total: Float64Array;

  constructor(n: number, m: number) {
    [this.lo, this.hi, this.total] = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
    [this.start, this.end] = [new Int32Array(m), new Int32Array(m)];
    const scale = n / m;
    for (let i = 0; i < m; i++) {
      this.lo[i] = i * scale;
      this.hi[i] = (i + 1) * scale;
      this.start[i] = Math.floor(this.lo[i]);
      this.end[i] = Math.min(n, Math.ceil(this.hi[i]));
      let total = 0;
      for (let s = this.start[i]; s < this.end[i]; s++) total += this.raw(i, s);
      this.total[i] = total;
    }
  }

  /** The overlap of source sample `s` with output `i`'s interval. */
  private raw(i: number, s: number): number {
    return Math.min(this.hi[i], s + 1) - Math.max(this.lo[i], s);
  }

  /** The normalized weight of source sample `s` in output `i`. */
  weight(i: number, s: number): number {
    return this.raw(i, s) / this.total[i];
  }
}

/**
 * Resizes a `h × w` plane to `height × width` by area averaging, taking the source a row at a time
 * (`add`), so that only one row and the output are ever held: columns first, each source row
 * `(w) → (width)`, then that row added, weighted, into every output row whose interval covers it.
 * The sums are the same float64 sums in the same order as a whole-plane two-pass resize.
 */
class AreaResizer {
  private readonly cols: BoxFilter;
  private readonly rows: BoxFilter;
  /** The column weights, flat: output column `j`'s are `colWeights[colOffset[j] …]`, for sources `cols.start[j] …`. */
  private readonly colWeights: Float64Array;
  private readonly colOffset: Int32Array;
  private readonly mid: Float32Array;
  /** float64 sums of the output, `height × width`. */
  readonly sums: Float64Array;
  private firstRow = 0;

  constructor(
    h: number,
    w: number,
    private readonly height: number,
    private readonly width: number,
  ) {
    this.cols = new BoxFilter(w, width);
    this.rows = new BoxFilter(h, height);
    this.colOffset = new Int32Array(width + 1);
    for (let j = 0; j < width; j++) this.colOffset[j + 1] = this.colOffset[j] + this.cols.end[j] - this.cols.start[j];
    this.colWeights = new Float64Array(this.colOffset[width]);
    for (let j = 0; j < width; j++) {
      for (let s = this.cols.start[j]; s < this.cols.end[j]; s++)
        this.colWeights[this.colOffset[j] + s - this.cols.start[j]] = this.cols.weight(j, s);
    }
    this.mid = new Float32Array(width);
    this.sums = new Float64Array(height * width);
  }

  /** Source row `y` (rows must come in order, each once). */
  add(y: number, src: Float32Array): void {
    const { cols, colWeights, colOffset, mid, rows, sums, width } = this;
    for (let j = 0; j < width; j++) {
      const start = cols.start[j];
      let s = 0;
      for (let k = colOffset[j]; k < colOffset[j + 1]; k++) s += colWeights[k] * src[start + k - colOffset[j]];
      mid[j] = s;
    }
    while (this.firstRow < this.height && rows.end[this.firstRow] <= y) this.firstRow++;
    for (let i = this.firstRow; i < this.height && rows.start[i] <= y; i++) {
      const wy = rows.weight(i, y);
      for (let j = 0; j < width; j++) sums[i * width + j] += wy * mid[j];
    }
  }
}

/** Options of `readImageForModel`. */
export interface ReadImageOptions {
  /** The most pixels (width × height) the PNG may declare (default `MAX_IMAGE_PIXELS`, 2²⁶). */
  maxPixels?: number;
}

/**
 * Reads the PNG at `path` (every colour type and bit depth, palette and interlaced ones included,
 * any size up to `options.maxPixels`, default `MAX_IMAGE_PIXELS` = 2²⁶ pixels) as a
 * `height × width` grayscale image in 0..1, row-major, ready for an MNIST-style model:
 *
 * 1. luminance `(0.299 R + 0.587 G + 0.114 B) / 255`, composited on black by alpha (so a fully
 *    transparent pixel is 0);
 * 2. if the mean of the image's 1-pixel border is above 0.5 (a bright background), the image is
 *    inverted (`1 − v`): MNIST digits are white on black, so a black-on-white drawing is turned
 *    into white-on-black;
 * 3. resized to `height × width` by area averaging (a box filter).
 *
 * The file is decoded by `decodePngRows` (png-decoder.ts), which checks every size the file
 * declares before it allocates or inflates anything; rows are converted and resized as they are
 * decoded (the image and its inverse side by side, since the border is known only at the end),
 * so a non-interlaced image of any size costs a few rows and the output. Errors name the file:
 * `PATH is not a PNG file`, `PATH: cannot decode PNG: …` (`truncated image data: expected N bytes,
 * got M`, `… pixels, more than the limit of … (maxPixels)`, …).
 */
export function readImageForModel(path: string, height = 28, width = 28, options: ReadImageOptions = {}): Float32Array {
  checkSize('readImageForModel', 'height', height);
  checkSize('readImageForModel', 'width', width);
  if (height * width > MAX_OUTPUT_PIXELS) {
    throw new Error(
      `readImageForModel: height × width = ${height * width} is more than the ${MAX_OUTPUT_PIXELS} pixels of the largest model input`,
    );
  }
  checkOptions('readImageForModel', options, ['maxPixels']);
  const bytes = readInputFile(path, 'readImageForModel');
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error(`${path} is not a PNG file`);
  const sink = new ModelImage(height, width);
  try {
    decodePngRows(bytes, sink, options);
  } catch (e) {
    throw new Error(`${path}: cannot decode PNG: ${errorMessage(e)}`, { cause: e });
  }
  return sink.result();
}

/**
 * Rows of RGBA in, the `height × width` model input out (see `readImageForModel`): each row is
 * turned into luminance, its border pixels summed, and it is resized both as it is and inverted.
 */
class ModelImage implements PngRowSink {
  private h = 0;
  private gray = new Float32Array(0);
  private flipped = new Float32Array(0);
  private resized: AreaResizer | undefined;
  private inverted: AreaResizer | undefined;
  private borderSum = 0;
  private borderCount = 0;

  constructor(
    private readonly height: number,
    private readonly width: number,
  ) {}

  start({ width: w, height: h }: PngHeader): void {
    this.h = h;
    this.gray = new Float32Array(w);
    this.flipped = new Float32Array(w);
    this.resized = new AreaResizer(h, w, this.height, this.width);
    this.inverted = new AreaResizer(h, w, this.height, this.width);
  }

  row(y: number, rgba: Uint8Array): void {
    const { gray, flipped } = this;
    const w = gray.length;
    for (let x = 0; x < w; x++) {
      const r = rgba[4 * x];
      const g = rgba[4 * x + 1];
      const b = rgba[4 * x + 2];
      const a = rgba[4 * x + 3];
      gray[x] = ((0.299 * r + 0.587 * g + 0.114 * b) / 255) * (a / 255);
      flipped[x] = 1 - gray[x];
    }
    // the 1-pixel border, summed in row-major order: all of the first and last rows, the ends of the others
    if (y === 0 || y === this.h - 1) {
      for (let x = 0; x < w; x++) this.borderSum += gray[x];
      this.borderCount += w;
    } else {
      this.borderSum += gray[0];
      if (w > 1) this.borderSum += gray[w - 1];
      this.borderCount += Math.min(w, 2);
    }
    this.resized!.add(y, gray);
    this.inverted!.add(y, flipped);
  }

  /** The image, inverted if its border is bright (mean above 0.5), clamped to 0..1. */
  result(): Float32Array {
    const sums = this.borderSum / this.borderCount > 0.5 ? this.inverted!.sums : this.resized!.sums;
    const out = new Float32Array(this.height * this.width);
    for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, Math.fround(sums[i])));
    return out;
  }
}

/**
 * Writes `pixels` (`h × w`, row-major, values in 0..1; clamped, then rounded to 8 bits) as an
 * 8-bit grayscale PNG at `path`. Writes a temporary file next to it first and renames it, so
 * that `path` never holds a partial image.
 */
export function writeGrayPng(path: string, pixels: Float32Array, h: number, w: number): void {
  checkSize('writeGrayPng', 'h', h);
  checkSize('writeGrayPng', 'w', w);
  if (pixels.length !== h * w) throw new Error(`writeGrayPng: ${pixels.length} pixels given for a ${h}×${w} image (${h * w})`);
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < h * w; i++) {
    const v = pixels[i];
    if (!Number.isFinite(v)) throw new Error(`writeGrayPng: pixel ${i} of ${path} is ${v}`);
    const byte = Math.round(Math.min(1, Math.max(0, v)) * 255);
    png.data[4 * i] = byte;
    png.data[4 * i + 1] = byte;
    png.data[4 * i + 2] = byte;
    png.data[4 * i + 3] = 255;
  }
  writeFileAtomic(path, PNG.sync.write(png, { colorType: 0 }), 'writeGrayPng');
}
