/**
 * PNG input and output for models of MNIST-like data (Node only, through `pngjs`): reading any
 * PNG as a grayscale `height × width` image in 0..1, and writing grayscale PNGs.
 */
import { errorMessage, readInputFile, writeFileAtomic } from './files.js';
import { PNG } from 'pngjs';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function checkSize(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
}

/**
 * The box-filter weights that map `n` source samples onto `m` output samples: output `i` covers
 * the source interval `[i·n/m, (i+1)·n/m)`, and each source sample is weighted by its overlap
 * with it, normalized to sum to 1 (area averaging; when enlarging, this is nearest-neighbour
 * with linear blending at the seams).
 */
function boxWeights(n: number, m: number): { start: number; weights: number[] }[] {
  const out: { start: number; weights: number[] }[] = [];
  const scale = n / m;
  for (let i = 0; i < m; i++) {
    const lo = i * scale;
    const hi = (i + 1) * scale;
    const start = Math.floor(lo);
    const end = Math.min(n, Math.ceil(hi));
    const weights: number[] = [];
    for (let s = start; s < end; s++) weights.push(Math.min(hi, s + 1) - Math.max(lo, s));
    const total = weights.reduce((a, b) => a + b, 0);
    out.push({ start, weights: weights.map((x) => x / total) });
  }
  return out;
}

/** Resizes a `h × w` plane to `height × width` by area averaging. */
function resizeArea(src: Float32Array, h: number, w: number, height: number, width: number): Float32Array {
  if (h === height && w === width) return src;
  const rows = boxWeights(h, height);
  const cols = boxWeights(w, width);
  // Columns first: (h × w) → (h × width), then rows: → (height × width).
  const mid = new Float32Array(h * width);
  for (let y = 0; y < h; y++) {
    for (let j = 0; j < width; j++) {
      const { start, weights } = cols[j];
      let s = 0;
      for (let k = 0; k < weights.length; k++) s += weights[k] * src[y * w + start + k];
      mid[y * width + j] = s;
    }
  }
  const out = new Float32Array(height * width);
  for (let i = 0; i < height; i++) {
    const { start, weights } = rows[i];
    for (let j = 0; j < width; j++) {
      let s = 0;
      for (let k = 0; k < weights.length; k++) s += weights[k] * mid[(start + k) * width + j];
      out[i * width + j] = s;
    }
  }
  return out;
}

/** The mean of the 1-pixel border of a `h × w` plane. */
function borderMean(p: Float32Array, h: number, w: number): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (y === 0 || y === h - 1 || x === 0 || x === w - 1) {
        sum += p[y * w + x];
        count++;
      }
    }
  }
  return sum / count;
}

/**
 * Reads the PNG at `path` (grayscale, RGB, with or without alpha, 8 or 16 bits, any size) as a
 * `height × width` grayscale image in 0..1, row-major, ready for an MNIST-style model:
 *
 * 1. luminance `(0.299 R + 0.587 G + 0.114 B) / 255`, composited on black by alpha (so a fully
 *    transparent pixel is 0);
 * 2. if the mean of the image's 1-pixel border is above 0.5 (a bright background), the image is
 *    inverted (`1 − v`): MNIST digits are white on black, so a black-on-white drawing is turned
 *    into white-on-black;
 * 3. resized to `height × width` by area averaging (a box filter).
 */
export function readImageForModel(path: string, height = 28, width = 28): Float32Array {
  checkSize('readImageForModel', 'height', height);
  checkSize('readImageForModel', 'width', width);
  const bytes = readInputFile(path, 'readImageForModel');
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error(`${path} is not a PNG file`);
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (e) {
    throw new Error(`${path}: cannot decode PNG: ${errorMessage(e)}`, { cause: e });
  }
  const { width: w, height: h, data } = png;
  if (w < 1 || h < 1) throw new Error(`${path}: PNG has no pixels (${w}×${h})`);
  const gray = new Float32Array(h * w);
  for (let i = 0; i < h * w; i++) {
    const r = data[4 * i];
    const g = data[4 * i + 1];
    const b = data[4 * i + 2];
    const a = data[4 * i + 3];
    gray[i] = ((0.299 * r + 0.587 * g + 0.114 * b) / 255) * (a / 255);
  }
  if (borderMean(gray, h, w) > 0.5) {
    for (let i = 0; i < gray.length; i++) gray[i] = 1 - gray[i];
  }
  const out = resizeArea(gray, h, w, height, width);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return out;
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
