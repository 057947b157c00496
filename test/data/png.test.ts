/** PNG input for models (grayscale, RGB, alpha, resizing, inversion) and grayscale PNG output. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { readImageForModel, writeGrayPng } from '../../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'convnet-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an RGBA PNG whose pixel (y, x) is `rgba(y, x)`. */
function writeRgba(
  name: string,
  h: number,
  w: number,
  rgba: (y: number, x: number) => [number, number, number, number],
  colorType: 2 | 6 = 6,
): string {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) png.data.set(rgba(y, x), 4 * (y * w + x));
  const path = join(dir, name);
  writeFileSync(path, PNG.sync.write(png, { colorType }));
  return path;
}

describe('writeGrayPng / readImageForModel', () => {
  it('round-trips a 28×28 digit-like image to 8 bits, leaving no temporary file', () => {
    const px = new Float32Array(28 * 28);
    for (let y = 8; y < 20; y++) for (let x = 12; x < 16; x++) px[y * 28 + x] = (y + x) / 40;
    const path = join(dir, 'round.png');
    writeGrayPng(path, px, 28, 28);
    const back = readImageForModel(path);
    expect(back.length).toBe(784);
    for (let i = 0; i < 784; i++) expect(Math.abs(back[i] - px[i])).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('reads an RGB PNG as luminance 0.299R + 0.587G + 0.114B', () => {
    const path = writeRgba(
      'rgb.png',
      2,
      2,
      (y, x) => (y === 0 && x === 0 ? [255, 0, 0, 255] : y === 0 ? [0, 255, 0, 255] : x === 0 ? [0, 0, 255, 255] : [0, 0, 0, 255]),
      2,
    );
    expect([...readImageForModel(path, 2, 2)].map((v) => +v.toFixed(5))).toEqual([0.299, 0.587, 0.114, 0]);
  });
  it('composites alpha on black', () => {
    const path = writeRgba('alpha.png', 1, 2, (_, x) => (x === 0 ? [255, 255, 255, 0] : [255, 255, 255, 51]));
    expect([...readImageForModel(path, 1, 2)].map((v) => +v.toFixed(5))).toEqual([0, 0.2]);
  });
  it('downscales a larger PNG by area averaging', () => {
    // 56×84: left half white, right half black; a 2×3 block per output pixel
    const path = writeRgba('big.png', 56, 84, (_, x) => (x < 42 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const out = readImageForModel(path);
    expect(out.length).toBe(784);
    expect(out[5 * 28 + 13]).toBe(1);
    expect(out[5 * 28 + 14]).toBe(0);
    // 3 source columns per output column: column 41 (white) and 42–43 (black) share none; 28×3 = 84
    const odd = writeRgba('odd.png', 3, 3, (y, x) => (y === 1 && x === 1 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const o = readImageForModel(odd, 2, 2);
    // each output pixel covers 1.5×1.5 source pixels, 0.5×0.5 of them the bright centre
    for (const v of o) expect(v).toBeCloseTo(0.25 / 2.25, 6);
  });
  it('inverts a black-on-white drawing (bright border) into white-on-black', () => {
    const path = writeRgba('drawing.png', 28, 28, (y, x) => (x >= 12 && x < 16 && y > 4 && y < 24 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    const out = readImageForModel(path);
    expect(out[0]).toBe(0);
    expect(out[10 * 28 + 13]).toBe(1);
  });
  it('reads a 1×1 PNG and upscales it', () => {
    const path = join(dir, 'one.png');
    writeGrayPng(path, Float32Array.from([0.4]), 1, 1);
    const out = readImageForModel(path, 3, 3);
    for (const v of out) expect(v).toBeCloseTo(102 / 255, 6);
  });
  it('rejects a missing file, a non-PNG file and a corrupt PNG', () => {
    expect(() => readImageForModel(join(dir, 'missing.png'))).toThrow(`readImageForModel: no such file ${join(dir, 'missing.png')}`);
    const text = join(dir, 'notes.png');
    writeFileSync(text, 'hello, not an image');
    expect(() => readImageForModel(text)).toThrow(`${text} is not a PNG file`);
    const corrupt = join(dir, 'corrupt.png');
    writeFileSync(corrupt, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2]));
    expect(() => readImageForModel(corrupt)).toThrow(`${corrupt}: cannot decode PNG`);
  });
  it('writeGrayPng rejects a size mismatch and non-finite pixels', () => {
    expect(() => writeGrayPng(join(dir, 'x.png'), new Float32Array(5), 2, 2)).toThrow('writeGrayPng: 5 pixels given for a 2×2 image (4)');
    expect(() => writeGrayPng(join(dir, 'x.png'), Float32Array.from([0, NaN, 0, 0]), 2, 2)).toThrow('is NaN');
  });
});
