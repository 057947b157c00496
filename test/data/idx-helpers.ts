/** Builds IDX files in memory and on disk for the data tests. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const SIZES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

/** The bytes of an IDX file of element type `type`, dims `dims` and elements `values` (big-endian). */
export function idxBytes(type: number, dims: number[], values: ArrayLike<number>): Uint8Array {
  const size = SIZES[type];
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + size * values.length);
  const v = new DataView(bytes.buffer);
  v.setUint8(2, type);
  v.setUint8(3, dims.length);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < values.length; i++) {
    const at = header + i * size;
    const x = values[i];
    if (type === 0x08) v.setUint8(at, x);
    else if (type === 0x09) v.setInt8(at, x);
    else if (type === 0x0b) v.setInt16(at, x, false);
    else if (type === 0x0c) v.setInt32(at, x, false);
    else if (type === 0x0d) v.setFloat32(at, x, false);
    else v.setFloat64(at, x, false);
  }
  return bytes;
}

/**
 * Writes a tiny MNIST-format split into `dir`: `n` images of `h × w` (pixel `(k + i) % 256` for
 * element `i` of image `k`) and labels `k % classes`, gzipped or not.
 */
export function writeMnistSplit(dir: string, prefix: 'train' | 't10k', n: number, h: number, w: number, gz: boolean, classes = 10): void {
  const pixels = new Uint8Array(n * h * w);
  for (let k = 0; k < n; k++) for (let i = 0; i < h * w; i++) pixels[k * h * w + i] = (k + i) % 256;
  const labels = Array.from({ length: n }, (_, k) => k % classes);
  const put = (name: string, bytes: Uint8Array): void => writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  put(`${prefix}-images-idx3-ubyte`, idxBytes(0x08, [n, h, w], pixels));
  put(`${prefix}-labels-idx1-ubyte`, idxBytes(0x08, [n], labels));
}
