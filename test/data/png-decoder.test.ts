/**
 * The PNG decoder (src/data/png-decoder.ts) against pngjs, the reference: every colour type and
 * bit depth, palettes with tRNS, Adam7, every row filter, IDAT split into many chunks — identical
 * RGBA. Then hostile files: truncated pixel data, too much of it, huge declared sizes (refused
 * before anything is allocated), widths of 2³¹ (an error, not an abort), broken chunks.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_WIDTH, decodePng, readImageForModel } from '../../src/data/png.js';
import { DEPTHS, chunk, concat, encodePng, fixCrcs, ihdr, randomSamples, scanlines } from '../../scripts/png-encode.mjs';

const dir = mkdtempSync(join(tmpdir(), 'convnet-png-decoder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_NAMES: Record<number, string> = { 0: 'grey', 2: 'rgb', 3: 'palette', 4: 'grey+alpha', 6: 'rgba' };

/** A deterministic PRNG in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** A PNG of the given IHDR and zlib `data`, chunks with good CRCs. */
function rawPng(width: number, height: number, bitDepth: number, colorType: number, data: Uint8Array, interlace = 0): Uint8Array {
  return concat([SIGNATURE, chunk('IHDR', ihdr(width, height, bitDepth, colorType, interlace)), chunk('IDAT', data), chunk('IEND')]);
}

function pngjs(bytes: Uint8Array): { width: number; height: number; data: Buffer } {
  return PNG.sync.read(Buffer.from(bytes));
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('decodePng gives the pixels pngjs gives', () => {
  const rand = lcg(3);
  for (const [ct, depths] of Object.entries(DEPTHS)) {
    const colorType = Number(ct);
    for (const bitDepth of depths) {
      for (const interlace of [0, 1]) {
        for (const [width, height] of [
          [1, 1],
          [3, 5],
          [17, 9],
          [33, 2],
          [9, 31],
        ]) {
          const name = `${COLOR_NAMES[colorType]} ${bitDepth}-bit ${interlace ? 'Adam7' : 'plain'} ${width}×${height}`;
          it(name, () => {
            const entries = colorType === 3 ? Math.min(2 ** bitDepth, 7) : 0;
            const palette = colorType === 3 ? Array.from({ length: entries }, (_, i) => [i * 30, 255 - i * 20, (i * 77) & 255]) : undefined;
            const samples = randomSamples(width, height, bitDepth, colorType, rand, entries || undefined);
            // a tRNS colour that some pixels have: the first pixel's
            let trns: number[] | undefined;
            if (colorType === 3) trns = [0, 128, 255].slice(0, entries);
            else if (colorType === 0) trns = [samples[0] >> 8, samples[0] & 255];
            else if (colorType === 2) trns = samples.slice(0, 3).flatMap((v) => [v >> 8, v & 255]);
            const bytes = encodePng({ width, height, bitDepth, colorType, interlace, samples, palette, trns, idatSize: 7 });
            const ref = pngjs(bytes);
            const got = decodePng(bytes);
            expect([got.width, got.height]).toEqual([width, height]);
            expect(Buffer.from(got.data).equals(ref.data)).toBe(true);
          });
        }
      }
    }
  }
  it('the PNGs pngjs writes (colour types 0, 2, 4, 6 at 8 and 16 bits)', () => {
    const rand = lcg(11);
    for (const colorType of [0, 2, 4, 6] as const) {
      for (const bitDepth of [8, 16] as const) {
        const png = new PNG({ width: 13, height: 7, colorType, bitDepth, inputHasAlpha: true });
        for (let i = 0; i < png.data.length; i++) png.data[i] = Math.floor(rand() * 256);
        const bytes = PNG.sync.write(png, { colorType, bitDepth, inputHasAlpha: true });
        expect(Buffer.from(decodePng(bytes).data).equals(pngjs(bytes).data), `colorType ${colorType} bitDepth ${bitDepth}`).toBe(true);
      }
    }
  });
  it('every filter type in every position, with 1-byte and 8-byte pixels', () => {
    for (const [colorType, bitDepth] of [
      [0, 8],
      [6, 16],
    ]) {
      const samples = randomSamples(10, 12, bitDepth, colorType, lcg(5));
      for (let f = 0; f < 5; f++) {
        const bytes = encodePng({ width: 10, height: 12, bitDepth, colorType, samples, filters: (r) => (r + f) % 5 });
        expect(Buffer.from(decodePng(bytes).data).equals(pngjs(bytes).data), `colorType ${colorType} filters from ${f}`).toBe(true);
      }
    }
  });
});

/** The whole-plane reference of readImageForModel: luminance on black, inversion on a bright border, area resize. */
function referenceModelInput(bytes: Uint8Array, height: number, width: number): Float32Array {
  const { width: w, height: h, data } = decodePng(bytes);
  const gray = new Float32Array(h * w);
  for (let i = 0; i < h * w; i++) {
    gray[i] = ((0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]) / 255) * (data[4 * i + 3] / 255);
  }
  let sum = 0;
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (y === 0 || y === h - 1 || x === 0 || x === w - 1) [sum, count] = [sum + gray[y * w + x], count + 1];
    }
  }
  if (sum / count > 0.5) for (let i = 0; i < gray.length; i++) gray[i] = 1 - gray[i];
  const box = (n: number, m: number): { start: number; weights: number[] }[] =>
    Array.from({ length: m }, (_, i) => {
      const scale = n / m;
      const [lo, hi] = [i * scale, (i + 1) * scale];
      const start = Math.floor(lo);
      const weights: number[] = [];
      for (let s = start; s < Math.min(n, Math.ceil(hi)); s++) weights.push(Math.min(hi, s + 1) - Math.max(lo, s));
      const total = weights.reduce((a, b) => a + b, 0);
      return { start, weights: weights.map((x) => x / total) };
    });
  const [rows, cols] = [box(h, height), box(w, width)];
  const mid = new Float32Array(h * width);
  for (let y = 0; y < h; y++) {
    for (let j = 0; j < width; j++) {
      let s = 0;
      cols[j].weights.forEach((wt, k) => (s += wt * gray[y * w + cols[j].start + k]));
      mid[y * width + j] = s;
    }
  }
  const out = new Float32Array(height * width);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      let s = 0;
      rows[i].weights.forEach((wt, k) => (s += wt * mid[(rows[i].start + k) * width + j]));
      out[i * width + j] = s;
    }
  }
  return out.map((v) => Math.min(1, Math.max(0, v)));
}

describe('readImageForModel decodes row by row into the same floats as the whole-plane algorithm', () => {
  const rand = lcg(9);
  for (const [w, h, height, width] of [
    [28, 28, 28, 28],
    [100, 57, 28, 28],
    [5, 300, 28, 28],
    [3, 2, 28, 28],
    [17, 9, 57, 100],
    [1, 1, 3, 3],
  ]) {
    for (const [colorType, bitDepth, interlace] of [
      [0, 8, 0],
      [6, 16, 1],
      [3, 2, 0],
    ]) {
      it(`${w}×${h} → ${height}×${width}, ${COLOR_NAMES[colorType]} ${bitDepth}-bit${interlace ? ' Adam7' : ''}, dark and bright border`, () => {
        for (const bright of [false, true]) {
          const samples = randomSamples(w, h, bitDepth, colorType, rand, colorType === 3 ? 4 : undefined);
          if (colorType === 0) for (let i = 0; i < samples.length; i++) samples[i] = bright ? 200 + (samples[i] % 56) : samples[i] % 100;
          if (colorType === 6) for (let i = 3; i < samples.length; i += 4) samples[i] = bright ? 65535 : samples[i];
          const palette = [
            [0, 0, 0],
            [255, 255, 255],
            [250, 240, 230],
            [10, 90, 30],
          ];
          const bytes = encodePng({ width: w, height: h, bitDepth, colorType, interlace, samples, palette });
          const got = readImageForModel(file('model.png', bytes), height, width);
          const want = referenceModelInput(bytes, height, width);
          expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
        }
      });
    }
  }
});

describe('hostile PNGs are clear errors', () => {
  it('truncated image data: fewer rows than the IHDR declares → expected N bytes, got M', () => {
    // 16×10 grey, 8-bit: 10 rows of 1 + 16 bytes = 170; the stream holds 9 rows = 153
    const nine = scanlines({ width: 16, height: 9, bitDepth: 8, colorType: 0, samples: new Array(144).fill(77) });
    const bytes = rawPng(16, 10, 8, 0, deflateSync(nine));
    expect(() => decodePng(bytes)).toThrow('decodePng: truncated image data: expected 170 bytes, got 153');
    const path = file('short.png', bytes);
    expect(() => readImageForModel(path)).toThrow(`${path}: cannot decode PNG: truncated image data: expected 170 bytes, got 153`);
    // the same, with the zlib stream cut short instead of ending early
    const cut = deflateSync(scanlines({ width: 16, height: 10, bitDepth: 8, colorType: 0, samples: new Array(160).fill(77) }), {
      level: 0,
    });
    expect(() => decodePng(rawPng(16, 10, 8, 0, cut.subarray(0, 100)))).toThrow(
      /^decodePng: truncated image data: expected 170 bytes, got \d+/,
    );
  });
  it('a file cut in the middle of a chunk, and one without IEND', () => {
    const good = encodePng({ width: 8, height: 8, bitDepth: 8, colorType: 0, samples: new Array(64).fill(1) });
    expect(() => decodePng(good.subarray(0, 70))).toThrow(
      /^decodePng: truncated: chunk IDAT at byte 49 declares \d+ bytes, but 9 follow its header/,
    );
    expect(() => decodePng(good.subarray(0, 52))).toThrow('decodePng: truncated: the chunk at byte 49 is cut off');
    const noEnd = rawPng(8, 8, 8, 0, deflateSync(new Uint8Array(72))).subarray(0, -12);
    expect(() => decodePng(noEnd)).toThrow('decodePng: truncated: the file ends before an IEND chunk');
  });
  it('more image data than the IHDR declares stops as soon as it comes out', () => {
    const bytes = rawPng(4, 4, 8, 0, deflateSync(new Uint8Array(64 << 20)));
    const before = process.memoryUsage().arrayBuffers;
    expect(() => decodePng(bytes)).toThrow('decodePng: too much image data: more than the 20 bytes a 4×4 image has');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 << 20);
  });
  it('huge declared sizes are refused from the IHDR, before anything is allocated or inflated', () => {
    const data = deflateSync(new Uint8Array(10));
    const cases: [number, number, string][] = [
      [30000, 30000, 'the image is 30000×30000 = 900000000 pixels, more than the limit of 67108864 (maxPixels)'],
      [1, 2147483647, 'the image is 1×2147483647 = 2147483647 pixels, more than the limit of 67108864 (maxPixels)'],
      [2147483647, 1, 'the image is 2147483647×1 = 2147483647 pixels, more than the limit of 67108864 (maxPixels)'],
      [2 ** 31, 1, 'IHDR width 2147483648 is outside 1..2147483647'],
      [2 ** 32 - 1, 2 ** 32 - 1, 'IHDR width 4294967295 is outside 1..2147483647'],
      [0, 5, 'IHDR width 0 is outside 1..2147483647'],
      [5, 0, 'IHDR height 0 is outside 1..2147483647'],
      [MAX_IMAGE_WIDTH + 1, 2, `the image is ${MAX_IMAGE_WIDTH + 1} pixels wide, more than the limit of ${MAX_IMAGE_WIDTH}`],
    ];
    for (const [w, h, message] of cases) {
      const t0 = Date.now();
      expect(() => decodePng(rawPng(w, h, 8, 6, data))).toThrow(`decodePng: ${message}`);
      expect(Date.now() - t0).toBeLessThan(500);
    }
    expect(MAX_IMAGE_PIXELS).toBe(2 ** 26);
    // the cap is an option: a smaller one refuses what the default takes
    const small = encodePng({ width: 10, height: 10, bitDepth: 8, colorType: 0, samples: new Array(100).fill(0) });
    expect(decodePng(small).width).toBe(10);
    expect(() => decodePng(small, { maxPixels: 99 })).toThrow(
      'decodePng: the image is 10×10 = 100 pixels, more than the limit of 99 (maxPixels)',
    );
    expect(() => readImageForModel(file('small.png', small), 28, 28, { maxPixels: 99 })).toThrow('more than the limit of 99 (maxPixels)');
    expect(() => decodePng(small, { maxPixel: 5 } as never)).toThrow("decodePng: unknown option 'maxPixel'");
  });
  it('broken structure: CRC, chunk type, IHDR fields, missing PLTE, palette index, filter type, critical chunks', () => {
    const zeros = (n: number): Uint8Array => deflateSync(new Uint8Array(n));
    const good = rawPng(2, 2, 8, 0, zeros(6));
    const badCrc = good.slice();
    badCrc[33 - 1] ^= 1; // the last byte of IHDR's CRC
    expect(() => decodePng(badCrc)).toThrow(/^decodePng: chunk IHDR at byte 8 has a bad CRC/);
    const badType = fixCrcs(Uint8Array.from(good));
    badType[37] = 0x31; // IDAT → I1AT
    expect(() => decodePng(badType)).toThrow(/^decodePng: the chunk at byte 33 has an invalid type/);
    expect(() => decodePng(rawPng(2, 2, 3, 0, zeros(6)))).toThrow(
      'decodePng: IHDR bit depth 3 is not allowed for colour type 0 (greyscale: 1, 2, 4, 8, 16)',
    );
    expect(() => decodePng(rawPng(2, 2, 16, 3, zeros(6)))).toThrow('IHDR bit depth 16 is not allowed for colour type 3');
    expect(() => decodePng(rawPng(2, 2, 8, 5, zeros(6)))).toThrow('IHDR colour type 5 is not one of 0, 2, 3, 4, 6');
    expect(() => decodePng(rawPng(2, 2, 8, 0, zeros(6), 2))).toThrow('IHDR interlace method 2 is unknown');
    expect(() => decodePng(rawPng(2, 2, 8, 3, zeros(6)))).toThrow('decodePng: a palette image without a PLTE chunk before its IDAT');
    const indexed = concat([
      SIGNATURE,
      chunk('IHDR', ihdr(2, 1, 8, 3)),
      chunk('PLTE', Uint8Array.from([1, 2, 3, 4, 5, 6])),
      chunk('IDAT', deflateSync(Uint8Array.from([0, 1, 2]))),
      chunk('IEND'),
    ]);
    expect(() => decodePng(indexed)).toThrow('decodePng: palette index 2 is out of range: PLTE has 2 entries');
    expect(() => decodePng(rawPng(2, 1, 8, 0, deflateSync(Uint8Array.from([7, 1, 2]))))).toThrow(
      'decodePng: unknown filter type 7 in row 0',
    );
    const critical = concat([good.subarray(0, 33), chunk('ABCD'), good.subarray(33)]);
    expect(() => decodePng(critical)).toThrow('decodePng: unsupported critical chunk ABCD');
    const ancillary = concat([good.subarray(0, 33), chunk('abCD', Uint8Array.from([1, 2, 3])), good.subarray(33)]);
    expect(decodePng(ancillary).data.length).toBe(16);
    expect(() => decodePng(concat([SIGNATURE, chunk('IEND')]))).toThrow('decodePng: the first chunk is IEND, not IHDR');
    expect(() => decodePng(concat([good.subarray(0, 33), chunk('IEND')]))).toThrow('decodePng: no IDAT chunk');
    expect(() => decodePng(null as never)).toThrow('decodePng: bytes must be a Uint8Array, got null');
  });
  it('corrupt zlib data after some rows', () => {
    const z = deflateSync(new Uint8Array(6));
    const bad = z.slice();
    bad[0] = 0x79; // not a zlib header
    expect(() => decodePng(rawPng(2, 2, 8, 0, bad))).toThrow(/^decodePng: (corrupt|truncated) image data/);
  });
});

describe('in a child process, against the built library (dist/)', () => {
  const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'node.js');
  /** Runs readImageForModel on `path` in a fresh node: its exit code, output, and peak RSS in MB. */
  function readInChild(path: string): { code: number | null; signal: string | null; out: string; rssMb: number } {
    const script =
      `const { readImageForModel } = await import(${JSON.stringify(DIST)});` +
      `let out; try { const v = readImageForModel(${JSON.stringify(path)}); out = 'ok ' + v.reduce((a, b) => a + b, 0).toFixed(3); }` +
      ` catch (e) { out = e.constructor.name + ': ' + e.message; }` +
      ` console.log(out); console.log(process.resourceUsage().maxRSS);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    const lines = r.stdout.trim().split('\n');
    return { code: r.status, signal: r.signal, out: lines[0] ?? r.stderr, rssMb: Number(lines[1]) / 1024 };
  }
  it('68-byte PNGs declaring 2³¹ × 1 and 30000 × 30000 exit cleanly with an error, in little memory', () => {
    const data = deflateSync(new Uint8Array(10));
    for (const [w, h] of [
      [2 ** 31, 1],
      [30000, 30000],
      [1, 2 ** 31 - 1],
    ]) {
      const r = readInChild(file(`hostile-${w}x${h}.png`, rawPng(w, h, 8, 6, data)));
      expect(r.signal).toBeNull();
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^Error: .*cannot decode PNG: (IHDR width|the image is)/);
      expect(r.rssMb).toBeLessThan(150);
    }
  });
  it('a valid 8192×4096 image (32 Mpixels, 33 KB) is read row by row in little memory', () => {
    // every row filter 0 and zero pixels but for a bright 3-pixel stripe every 64 rows
    const [w, h] = [8192, 4096];
    const raw = new Uint8Array((w + 1) * h);
    for (let y = 0; y < h; y += 64) raw.fill(255, y * (w + 1) + 1, y * (w + 1) + 4);
    const r = readInChild(file('large.png', rawPng(w, h, 8, 0, deflateSync(raw, { level: 9 }))));
    expect(r.out).toMatch(/^ok /);
    expect(r.rssMb).toBeLessThan(200); // the whole image as RGBA would be 128 MB, as pngjs decoded it 256 MB+
  });
});
