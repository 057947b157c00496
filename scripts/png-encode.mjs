// A PNG encoder for tests and the fuzzer's seed corpus: every colour type and bit depth, palettes
// with tRNS, Adam7 interlacing and all five row filters, with the chunks split and ordered as
// asked. pngjs (the library's encoder) writes only 8- and 16-bit non-palette, non-interlaced PNGs,
// and the decoder must be checked on all the others too.
import { deflateSync } from 'node:zlib';

/** Samples per pixel of each colour type. */
export const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The bit depths each colour type allows. */
export const DEPTHS = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

const ADAM7 = { x0: [0, 4, 0, 2, 0, 1, 0], y0: [0, 0, 4, 0, 2, 0, 1], dx: [8, 8, 4, 4, 2, 2, 1], dy: [8, 8, 8, 4, 4, 2, 2] };

let table;

/** The CRC-32 of a PNG chunk's type and data. */
export function crc32(bytes) {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC. */
export function chunk(type, data = new Uint8Array(0)) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Concatenates byte arrays. */
export function concat(parts) {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Rewrites the CRC of every complete chunk of a PNG in place (a mutated file then gets past the CRC checks). */
export function fixCrcs(png) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let pos = 8; pos + 12 <= png.length;) {
    const length = view.getUint32(pos);
    if (pos + 12 + length > png.length) break;
    view.setUint32(pos + 8 + length, crc32(png.subarray(pos + 4, pos + 8 + length)));
    pos += 12 + length;
  }
  return png;
}

/** The IHDR data of an image. */
export function ihdr(width, height, bitDepth, colorType, interlace = 0) {
  const d = new Uint8Array(13);
  const view = new DataView(d.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  d.set([bitDepth, colorType, 0, 0, interlace], 8);
  return d;
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** `raw` (one row's bytes) filtered with `type` against the previous raw row `prev`. */
function filterRow(type, raw, prev, bpp) {
  const out = new Uint8Array(1 + raw.length);
  out[0] = type;
  for (let i = 0; i < raw.length; i++) {
    const a = i >= bpp ? raw[i - bpp] : 0;
    const b = prev[i];
    const c = i >= bpp ? prev[i - bpp] : 0;
    const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type];
    out[1 + i] = (raw[i] - pred) & 0xff;
  }
  return out;
}

/**
 * The raw scanlines (filter byte + packed samples) of an image: `samples[(y·width + x)·channels + c]`
 * at `bitDepth`, in Adam7 order when `interlace` is 1, row `r` of the stream filtered with
 * `filters(r)` (default: filter r mod 5, so every filter is used).
 */
export function scanlines({ width, height, bitDepth, colorType, interlace = 0, samples, filters = (r) => r % 5 }) {
  const channels = CHANNELS[colorType];
  const bitsPerPixel = channels * bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const passes = interlace === 1 ? ADAM7.x0.map((x0, p) => [x0, ADAM7.y0[p], ADAM7.dx[p], ADAM7.dy[p]]) : [[0, 0, 1, 1]];
  const lines = [];
  let r = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = width > x0 ? Math.ceil((width - x0) / dx) : 0;
    const ph = height > y0 ? Math.ceil((height - y0) / dy) : 0;
    if (pw === 0 || ph === 0) continue;
    const rowBytes = Math.ceil((pw * bitsPerPixel) / 8);
    let prev = new Uint8Array(rowBytes);
    for (let py = 0; py < ph; py++) {
      const y = y0 + py * dy;
      const raw = new Uint8Array(rowBytes);
      let bit = 0;
      for (let px = 0; px < pw; px++) {
        const x = x0 + px * dx;
        for (let c = 0; c < channels; c++) {
          const v = samples[(y * width + x) * channels + c];
          if (bitDepth === 16) {
            raw[bit >> 3] = v >> 8;
            raw[(bit >> 3) + 1] = v & 0xff;
          } else if (bitDepth === 8) raw[bit >> 3] = v;
          else raw[bit >> 3] |= v << (8 - bitDepth - (bit & 7));
          bit += bitDepth;
        }
      }
      lines.push(filterRow(filters(r++), raw, prev, bpp));
      prev = raw;
    }
  }
  return concat(lines);
}

/**
 * A PNG file. `palette`: [[r, g, b], …] (colour type 3); `trns`: the tRNS chunk's data; `idatSize`:
 * the most bytes per IDAT chunk; `data`: the zlib stream to store instead of the one the samples give.
 */
export function encodePng(image) {
  const { width, height, bitDepth, colorType, interlace = 0, palette, trns, idatSize = 1 << 16, level = 6 } = image;
  const z = image.data ?? deflateSync(scanlines(image), { level });
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr(width, height, bitDepth, colorType, interlace)),
  ];
  parts.push(chunk('gAMA', Uint8Array.from([0, 0, 0xb1, 0x8f])));
  if (palette !== undefined) parts.push(chunk('PLTE', Uint8Array.from(palette.flat())));
  if (trns !== undefined) parts.push(chunk('tRNS', Uint8Array.from(trns)));
  for (let at = 0; at < z.length || at === 0; at += idatSize) parts.push(chunk('IDAT', z.subarray(at, at + idatSize)));
  parts.push(chunk('tEXt', Uint8Array.from(Buffer.from('Comment\0fuzz seed', 'latin1'))));
  parts.push(chunk('IEND'));
  return concat(parts);
}

/** Random samples for an image of `colorType` and `bitDepth`, from `rand()` in [0, 1); palette indices below `entries`. */
export function randomSamples(width, height, bitDepth, colorType, rand, entries = 1 << bitDepth) {
  const n = width * height * CHANNELS[colorType];
  const max = colorType === 3 ? entries : 2 ** bitDepth;
  return Array.from({ length: n }, () => Math.floor(rand() * max));
}
