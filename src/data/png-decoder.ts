/**
 * A PNG decoder in plain TypeScript over fflate's streaming inflate (browser-safe), written for
 * files that may be hostile: every size the file declares is checked before anything is allocated
 * or inflated, and nothing in it can abort the process, hang or grow without bound.
 *
 * - Chunks: the signature, then chunks whose lengths must fit in the file; every CRC is checked;
 *   IHDR first (13 bytes: width and height in 1..2³¹−1, a bit depth the colour type allows,
 *   compression, filter and interlace methods 0, 0 and 0|1), PLTE and tRNS before the first IDAT,
 *   unknown critical chunks refused, ancillary ones skipped, IEND required.
 * - Limits, checked on the IHDR before anything else: width × height ≤ `maxPixels` (default
 *   `MAX_IMAGE_PIXELS`, 2²⁶) and width ≤ `MAX_IMAGE_WIDTH` (2²⁰; rows are decoded one at a time).
 * - Pixel data: the IDAT chunks are inflated a slice at a time (4 KB in, at most about 4 MB out of
 *   one), and the output must be exactly the `height · (1 + rowBytes)` bytes the header implies
 *   (summed over the 7 passes of an Adam7-interlaced image): more is an error as soon as it comes
 *   out, less is `truncated image data: expected N bytes, got M`.
 * - Every colour type and bit depth: greyscale 1/2/4/8/16, RGB 8/16, palette 1/2/4/8 (PLTE, with
 *   tRNS alpha), greyscale+alpha 8/16, RGBA 8/16, and Adam7 interlacing. Rows come out as 8-bit
 *   RGBA exactly as `pngjs` gives them: samples of other depths scaled by ⌊v·255/(2ᵈ−1) + ½⌋, a
 *   pixel equal to a greyscale or RGB tRNS colour (compared before scaling) becoming (0, 0, 0, 0).
 *
 * Memory: two raw rows and one RGBA row for a non-interlaced image (a caller consuming the rows as
 * they come keeps it there); an interlaced image is assembled whole (4 bytes a pixel) before its
 * rows are given out.
 */
import { Unzlib } from 'fflate';
import { checkOptions } from '../tensor/arguments.js';

/** The most pixels (width × height) a PNG may declare: 2²⁶ = 67,108,864 (64 Mi, 8192 × 8192). */
export const MAX_IMAGE_PIXELS = 2 ** 26;

/** The widest PNG decoded: 2²⁰ = 1,048,576 pixels (a row costs a few dozen bytes per pixel). */
export const MAX_IMAGE_WIDTH = 2 ** 20;

/** The PNG format's own limit on width and height (2³¹ − 1). */
const PNG_MAX_SIDE = 2 ** 31 - 1;

/** Limits of the PNG readers. */
export interface PngOptions {
  /** The most pixels (width × height) accepted (default `MAX_IMAGE_PIXELS`). */
  maxPixels?: number;
}

/** Where `decodePngRows` puts what it decodes. */
export interface PngRowSink {
  /** Called once the IHDR is checked, before any pixel data is inflated. */
  start?(header: PngHeader): void;
  /** Each row, top to bottom, as 8-bit RGBA (`4 · width` bytes, reused for the next row: copy what you keep). */
  row(y: number, rgba: Uint8Array): void;
}

/** What a PNG's IHDR chunk says. */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** For each colour type: its name, samples per pixel and the bit depths it allows. */
const COLOR_TYPES: ReadonlyMap<number, { name: string; channels: number; depths: readonly number[] }> = new Map([
  [0, { name: 'greyscale', channels: 1, depths: [1, 2, 4, 8, 16] }],
  [2, { name: 'RGB', channels: 3, depths: [8, 16] }],
  [3, { name: 'palette', channels: 1, depths: [1, 2, 4, 8] }],
  [4, { name: 'greyscale+alpha', channels: 2, depths: [8, 16] }],
  [6, { name: 'RGBA', channels: 4, depths: [8, 16] }],
]);

/** Adam7: the first column and row, and the column and row steps, of each of the 7 passes. */
const ADAM7 = {
  x0: [0, 4, 0, 2, 0, 1, 0],
  y0: [0, 0, 4, 0, 2, 0, 1],
  dx: [8, 8, 4, 4, 2, 2, 1],
  dy: [8, 8, 8, 4, 4, 2, 2],
};

/** How many compressed bytes are inflated at a time: at most about 1032 times as many come out. */
const INFLATE_SLICE = 4 * 1024;

/** One pass of the image: the whole image, or one Adam7 pass (a sub-image of every dx-th column of every dy-th row). */
interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
  rowBytes: number;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

let crcTable: Uint32Array | undefined;

/** The CRC-32 (ISO 3309, as PNG chunks use) of `bytes`. */
function crc32(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The passes of an image: one, or Adam7's seven (those of zero width or height left out). */
function passesOf(header: PngHeader, bitsPerPixel: number): Pass[] {
  const { width, height } = header;
  const all = header.interlaced
    ? ADAM7.x0.map((x0, p) => ({ x0, y0: ADAM7.y0[p], dx: ADAM7.dx[p], dy: ADAM7.dy[p] }))
    : [{ x0: 0, y0: 0, dx: 1, dy: 1 }];
  return all
    .map(({ x0, y0, dx, dy }) => {
      const w = width > x0 ? Math.ceil((width - x0) / dx) : 0;
      const h = height > y0 ? Math.ceil((height - y0) / dy) : 0;
      return { x0, y0, dx, dy, width: w, height: h, rowBytes: Math.ceil((w * bitsPerPixel) / 8) };
    })
    .filter((p) => p.width > 0 && p.height > 0);
}

/** Checks the 13 bytes of an IHDR chunk and the limits; nothing has been allocated yet. */
function parseHeader(d: Uint8Array, maxPixels: number): PngHeader {
  if (d.length !== 13) throw new Error(`IHDR chunk has ${d.length} bytes, not 13`);
  const width = u32(d, 0);
  const height = u32(d, 4);
  const [bitDepth, colorType, compression, filter, interlace] = d.subarray(8, 13);
  if (width < 1 || width > PNG_MAX_SIDE) throw new Error(`IHDR width ${width} is outside 1..${PNG_MAX_SIDE}`);
  if (height < 1 || height > PNG_MAX_SIDE) throw new Error(`IHDR height ${height} is outside 1..${PNG_MAX_SIDE}`);
  const type = COLOR_TYPES.get(colorType);
  if (type === undefined) throw new Error(`IHDR colour type ${colorType} is not one of 0, 2, 3, 4, 6`);
  if (!type.depths.includes(bitDepth)) {
    throw new Error(`IHDR bit depth ${bitDepth} is not allowed for colour type ${colorType} (${type.name}: ${type.depths.join(', ')})`);
  }
  if (compression !== 0) throw new Error(`IHDR compression method ${compression} is unknown (only 0, deflate)`);
  if (filter !== 0) throw new Error(`IHDR filter method ${filter} is unknown (only 0)`);
  if (interlace > 1) throw new Error(`IHDR interlace method ${interlace} is unknown (0 none, 1 Adam7)`);
  if (width * height > maxPixels) {
    throw new Error(`the image is ${width}×${height} = ${width * height} pixels, more than the limit of ${maxPixels} (maxPixels)`);
  }
  if (width > MAX_IMAGE_WIDTH) throw new Error(`the image is ${width} pixels wide, more than the limit of ${MAX_IMAGE_WIDTH}`);
  return { width, height, bitDepth, colorType, interlaced: interlace === 1 };
}

/** Reverses filter `type` of one row in place, given the previous row of the pass (zeros for its first). */
function unfilter(type: number, row: Uint8Array, prev: Uint8Array, bpp: number): void {
  const n = row.length;
  if (type === 0) return;
  if (type === 1) {
    for (let i = bpp; i < n; i++) row[i] += row[i - bpp];
  } else if (type === 2) {
    for (let i = 0; i < n; i++) row[i] += prev[i];
  } else if (type === 3) {
    for (let i = 0; i < Math.min(bpp, n); i++) row[i] += prev[i] >> 1;
    for (let i = bpp; i < n; i++) row[i] += (row[i - bpp] + prev[i]) >> 1;
  } else if (type === 4) {
    for (let i = 0; i < Math.min(bpp, n); i++) row[i] += prev[i];
    for (let i = bpp; i < n; i++) {
      const a = row[i - bpp];
      const b = prev[i];
      const c = prev[i - bpp];
      const pa = Math.abs(b - c); // |p − a| with p = a + b − c
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - 2 * c);
      row[i] += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
  } else throw new Error(`unknown filter type ${type}`);
}

/** `v` of `maxIn` scaled to 0..255 as pngjs does: ⌊v·255/maxIn + ½⌋, for every v. */
function scaleTable(maxIn: number): Uint8Array {
  const t = new Uint8Array(maxIn + 1);
  for (let v = 0; v <= maxIn; v++) t[v] = Math.floor((v * 255) / maxIn + 0.5);
  return t;
}

let scale16: Uint8Array | undefined;

/**
 * The converter of one unfiltered row of `n` pixels to 8-bit RGBA, for the image's colour type and
 * depth; `palette` holds 4 bytes (RGBA) per PLTE entry, `trans` the tRNS colour (grey or RGB, raw).
 */
function rowConverter(header: PngHeader, palette: Uint8Array, trans: number[]): (row: Uint8Array, n: number, out: Uint8Array) => void {
  const { bitDepth: d, colorType } = header;
  const t0 = trans.length > 0 ? trans[0] : -1;
  const [t1, t2] = trans.length === 3 ? [trans[1], trans[2]] : [-1, -1];
  if (d === 16) scale16 ??= scaleTable(65535);
  const s16 = scale16!;
  const mask = (1 << d) - 1;
  /** Sample `x` of a row of 1, 2, 4 or 8-bit samples. */
  const sample = (row: Uint8Array, x: number): number => (d === 8 ? row[x] : (row[(x * d) >> 3] >> (8 - d - ((x * d) & 7))) & mask);
  const put = (out: Uint8Array, at: number, r: number, g: number, b: number, a: number): void => {
    out[at] = r;
    out[at + 1] = g;
    out[at + 2] = b;
    out[at + 3] = a;
  };
  if (colorType === 3) {
    const entries = palette.length / 4;
    return (row, n, out) => {
      for (let x = 0; x < n; x++) {
        const i = sample(row, x);
        if (i >= entries) throw new Error(`palette index ${i} is out of range: PLTE has ${entries} entries`);
        put(out, 4 * x, palette[4 * i], palette[4 * i + 1], palette[4 * i + 2], palette[4 * i + 3]);
      }
    };
  }
  if (colorType === 0) {
    const scale = d === 16 ? s16 : scaleTable((1 << d) - 1);
    return (row, n, out) => {
      for (let x = 0; x < n; x++) {
        const v = d === 16 ? (row[2 * x] << 8) | row[2 * x + 1] : sample(row, x);
        const g = scale[v];
        if (v === t0) put(out, 4 * x, 0, 0, 0, 0);
        else put(out, 4 * x, g, g, g, 255);
      }
    };
  }
  if (colorType === 2) {
    return d === 8
      ? (row, n, out) => {
          for (let x = 0; x < n; x++) {
            const r = row[3 * x];
            const g = row[3 * x + 1];
            const b = row[3 * x + 2];
            if (r === t0 && g === t1 && b === t2) put(out, 4 * x, 0, 0, 0, 0);
            else put(out, 4 * x, r, g, b, 255);
          }
        }
      : (row, n, out) => {
          for (let x = 0; x < n; x++) {
            const r = (row[6 * x] << 8) | row[6 * x + 1];
            const g = (row[6 * x + 2] << 8) | row[6 * x + 3];
            const b = (row[6 * x + 4] << 8) | row[6 * x + 5];
            if (r === t0 && g === t1 && b === t2) put(out, 4 * x, 0, 0, 0, 0);
            else put(out, 4 * x, s16[r], s16[g], s16[b], 255);
          }
        };
  }
  if (colorType === 4) {
    return d === 8
      ? (row, n, out) => {
          for (let x = 0; x < n; x++) put(out, 4 * x, row[2 * x], row[2 * x], row[2 * x], row[2 * x + 1]);
        }
      : (row, n, out) => {
          for (let x = 0; x < n; x++) {
            const g = s16[(row[4 * x] << 8) | row[4 * x + 1]];
            put(out, 4 * x, g, g, g, s16[(row[4 * x + 2] << 8) | row[4 * x + 3]]);
          }
        };
  }
  // colour type 6, RGBA
  return d === 8
    ? (row, n, out) => out.set(row.subarray(0, 4 * n))
    : (row, n, out) => {
        for (let i = 0; i < 4 * n; i++) out[i] = s16[(row[2 * i] << 8) | row[2 * i + 1]];
      };
}

/**
 * Decodes a PNG and gives its header to `sink.start` and then its rows to `sink.row(y, rgba)`, top
 * to bottom, as 8-bit RGBA (`rgba` is reused: copy what you keep); returns the header. Errors are plain `Error`s saying what is wrong,
 * without a prefix (the callers add the file or the function). See the file comment for what is
 * checked and supported.
 */
export function decodePngRows(bytes: Uint8Array, sink: PngRowSink, options: PngOptions = {}): PngHeader {
  const maxPixels = options.maxPixels ?? MAX_IMAGE_PIXELS;
  if (!Number.isSafeInteger(maxPixels) || maxPixels < 1) throw new Error(`maxPixels must be a positive integer, got ${String(maxPixels)}`);
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG file (no PNG signature)');
  let header: PngHeader | undefined;
  let palette = new Uint8Array(0);
  let trans: number[] = [];
  let image: ImageAssembler | undefined;
  for (let pos = 8; ;) {
    if (pos + 12 > bytes.length) {
      throw new Error(
        pos === bytes.length ? 'truncated: the file ends before an IEND chunk' : `truncated: the chunk at byte ${pos} is cut off`,
      );
    }
    const length = u32(bytes, pos);
    const typeBytes = bytes.subarray(pos + 4, pos + 8);
    if (!typeBytes.every((c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) {
      throw new Error(
        `the chunk at byte ${pos} has an invalid type (${Array.from(typeBytes, (c) => c.toString(16).padStart(2, '0')).join(' ')})`,
      );
    }
    const type = String.fromCharCode(...typeBytes);
    if (length > PNG_MAX_SIDE || pos + 12 + length > bytes.length) {
      throw new Error(`truncated: chunk ${type} at byte ${pos} declares ${length} bytes, but ${bytes.length - pos - 12} follow its header`);
    }
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    const stored = u32(bytes, pos + 8 + length);
    const computed = crc32(bytes.subarray(pos + 4, pos + 8 + length));
    if (stored !== computed) throw new Error(`chunk ${type} at byte ${pos} has a bad CRC (stored ${stored}, computed ${computed})`);
    pos += 12 + length;
    if (header === undefined) {
      if (type !== 'IHDR') throw new Error(`the first chunk is ${type}, not IHDR`);
      header = parseHeader(data, maxPixels);
      sink.start?.(header);
      continue;
    }
    if (type === 'IHDR') throw new Error('a second IHDR chunk');
    if (type === 'IEND') break;
    if ((type === 'PLTE' || type === 'tRNS') && image !== undefined) throw new Error(`a ${type} chunk after IDAT`);
    if (type === 'PLTE') {
      if (length === 0 || length % 3 !== 0 || length > 3 * 256) throw new Error(`PLTE chunk has ${length} bytes, not 3 × 1..256`);
      palette = new Uint8Array((length / 3) * 4);
      for (let i = 0; i < length / 3; i++) palette.set([data[3 * i], data[3 * i + 1], data[3 * i + 2], 255], 4 * i);
    } else if (type === 'tRNS') {
      trans = parseTransparency(header, data, palette);
    } else if (type === 'IDAT') {
      if (header.colorType === 3 && palette.length === 0) throw new Error('a palette image without a PLTE chunk before its IDAT');
      image ??= new ImageAssembler(header, rowConverter(header, palette, trans), (y, rgba) => sink.row(y, rgba));
      image.push(data);
    } else if (typeBytes[0] < 0x61) throw new Error(`unsupported critical chunk ${type}`);
    // ancillary chunks (gAMA, tEXt, …) are skipped
  }
  if (header === undefined) throw new Error('no IHDR chunk');
  if (image === undefined) throw new Error('no IDAT chunk: the image has no pixel data');
  image.finish();
  return header;
}

/** A tRNS chunk: palette alphas (applied to `palette` in place), or the transparent grey or RGB colour. */
function parseTransparency(header: PngHeader, data: Uint8Array, palette: Uint8Array): number[] {
  const { colorType } = header;
  if (colorType === 3) {
    if (palette.length === 0) throw new Error('a tRNS chunk before PLTE');
    if (data.length > palette.length / 4) throw new Error(`tRNS chunk has ${data.length} alphas for ${palette.length / 4} PLTE entries`);
    data.forEach((a, i) => (palette[4 * i + 3] = a));
    return [];
  }
  if (colorType === 0 || colorType === 2) {
    const n = colorType === 0 ? 1 : 3;
    if (data.length !== 2 * n)
      throw new Error(`tRNS chunk of a ${COLOR_TYPES.get(colorType)!.name} image has ${data.length} bytes, not ${2 * n}`);
    return Array.from({ length: n }, (_, i) => (data[2 * i] << 8) | data[2 * i + 1]);
  }
  return []; // colour types with alpha have no tRNS; ignored, as pngjs does
}

/**
 * Takes the concatenated IDAT data a piece at a time, inflates it a slice at a time with an
 * output limit of the exact size the header implies, and unfilters, converts and gives out rows.
 */
class ImageAssembler {
  private readonly header: PngHeader;
  private readonly passes: Pass[];
  private readonly expected: number;
  private readonly bpp: number; // bytes per complete pixel, at least 1 (the filters' byte distance)
  private readonly convert: (row: Uint8Array, n: number, out: Uint8Array) => void;
  private readonly onRow: (y: number, rgba: Uint8Array) => void;
  private readonly inflater: Unzlib;
  private readonly staging = new Uint8Array(INFLATE_SLICE);
  private staged = 0;
  private received = 0;
  private pass = 0;
  private passRow = 0;
  private filled = 0;
  private line: Uint8Array;
  private prevLine: Uint8Array;
  private readonly rgba: Uint8Array;
  /** The whole image, for an interlaced one (rows are complete only after the last pass). */
  private readonly whole: Uint8Array | undefined;
  private ownError: unknown = undefined;

  constructor(header: PngHeader, convert: ImageAssembler['convert'], onRow: ImageAssembler['onRow']) {
    this.header = header;
    this.convert = convert;
    this.onRow = onRow;
    const bitsPerPixel = COLOR_TYPES.get(header.colorType)!.channels * header.bitDepth;
    this.bpp = Math.max(1, bitsPerPixel >> 3);
    this.passes = passesOf(header, bitsPerPixel);
    this.expected = this.passes.reduce((s, p) => s + p.height * (1 + p.rowBytes), 0);
    const maxRow = Math.max(...this.passes.map((p) => p.rowBytes));
    this.line = new Uint8Array(1 + maxRow);
    this.prevLine = new Uint8Array(1 + maxRow);
    this.rgba = new Uint8Array(4 * header.width);
    this.whole = header.interlaced ? new Uint8Array(4 * header.width * header.height) : undefined;
    this.inflater = new Unzlib((chunk) => {
      try {
        this.take(chunk);
      } catch (e) {
        this.ownError = e;
        throw e;
      }
    });
  }

  /** IDAT data, staged into slices of `INFLATE_SLICE` bytes (many tiny IDAT chunks cost no more than one). */
  push(data: Uint8Array): void {
    for (let at = 0; at < data.length;) {
      const n = Math.min(data.length - at, INFLATE_SLICE - this.staged);
      this.staging.set(data.subarray(at, at + n), this.staged);
      this.staged += n;
      at += n;
      if (this.staged === INFLATE_SLICE) this.inflate(false);
    }
  }

  /** The end of the IDAT data: inflates what is staged, then checks that every row came. */
  finish(): void {
    this.inflate(true);
    if (this.received < this.expected) throw new Error(`truncated image data: expected ${this.expected} bytes, got ${this.received}`);
    if (this.whole !== undefined) {
      const w4 = 4 * this.header.width;
      for (let y = 0; y < this.header.height; y++) this.onRow(y, this.whole.subarray(y * w4, (y + 1) * w4));
    }
  }

  private inflate(final: boolean): void {
    const slice = this.staging.subarray(0, this.staged);
    this.staged = 0;
    try {
      this.inflater.push(slice, final);
    } catch (e) {
      if (e === this.ownError) throw e;
      // every row has come: what is wrong lies after the image data (a cut-off checksum), as zlib readers allow
      if (this.received === this.expected) return;
      const message = e instanceof Error ? e.message : String(e);
      if (message === 'unexpected EOF' || message === 'invalid zlib data') {
        throw new Error(`truncated image data: expected ${this.expected} bytes, got ${this.received} (zlib: ${message})`);
      }
      throw new Error(`corrupt image data after ${this.received} of ${this.expected} bytes (zlib: ${message})`);
    }
  }

  /** Inflated bytes: assembled into scanlines, each unfiltered, converted and given out. */
  private take(chunk: Uint8Array): void {
    if (this.received + chunk.length > this.expected) {
      throw new Error(`too much image data: more than the ${this.expected} bytes a ${this.header.width}×${this.header.height} image has`);
    }
    this.received += chunk.length;
    for (let at = 0; at < chunk.length;) {
      const pass = this.passes[this.pass];
      const lineLength = 1 + pass.rowBytes;
      const n = Math.min(chunk.length - at, lineLength - this.filled);
      this.line.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === lineLength) this.row(pass);
    }
  }

  /** One complete scanline of `pass`. */
  private row(pass: Pass): void {
    const row = this.line.subarray(1, 1 + pass.rowBytes);
    const filter = this.line[0];
    if (filter > 4) {
      const where = this.header.interlaced ? `row ${this.passRow} of pass ${this.pass + 1}` : `row ${this.passRow}`;
      throw new Error(`unknown filter type ${filter} in ${where}`);
    }
    unfilter(filter, row, this.prevLine.subarray(1, 1 + pass.rowBytes), this.bpp);
    this.convert(row, pass.width, this.rgba);
    if (this.whole === undefined) this.onRow(this.passRow, this.rgba);
    else {
      const y = pass.y0 + this.passRow * pass.dy;
      const { whole, rgba } = this;
      for (let i = 0; i < pass.width; i++) {
        const to = 4 * (y * this.header.width + pass.x0 + i * pass.dx);
        whole[to] = rgba[4 * i];
        whole[to + 1] = rgba[4 * i + 1];
        whole[to + 2] = rgba[4 * i + 2];
        whole[to + 3] = rgba[4 * i + 3];
      }
    }
    [this.line, this.prevLine] = [this.prevLine, this.line];
    this.filled = 0;
    if (++this.passRow === pass.height) {
      this.pass++;
      this.passRow = 0;
      this.prevLine.fill(0);
    }
  }
}

/**
 * Decodes the PNG in `bytes` into 8-bit RGBA, row-major (`data.length = 4 · width · height`), with
 * the pixels pngjs would give. Every size is checked before anything is allocated (see the file
 * comment; `options.maxPixels`, default `MAX_IMAGE_PIXELS`); errors are `decodePng: …`.
 */
export function decodePng(bytes: Uint8Array, options: PngOptions = {}): { width: number; height: number; data: Uint8Array } {
  if (!(bytes instanceof Uint8Array))
    throw new Error(`decodePng: bytes must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  checkOptions('decodePng', options, ['maxPixels']);
  let data = new Uint8Array(0);
  try {
    const { width, height } = decodePngRows(
      bytes,
      {
        start: (h) => (data = new Uint8Array(4 * h.width * h.height)),
        row: (y, rgba) => data.set(rgba, y * rgba.length),
      },
      options,
    );
    return { width, height, data };
  } catch (e) {
    throw new Error(`decodePng: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
