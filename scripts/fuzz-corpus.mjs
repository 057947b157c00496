// The fuzzer's seed corpus (scripts/fuzz.mjs), built with the library itself (dist/): model files
// (a LeNet-5 by architecture name and a tree of built-in layers, with input shape, normalization and
// class names), safetensors of every dtype, IDX files of every element type, PNGs of every colour
// type, bit depth and interlacing with palettes and tRNS, and the bombs the mutations put in them.
import { deflateSync, gzipSync } from 'node:zlib';
import { DEPTHS, concat, encodePng, randomSamples } from './png-encode.mjs';

/** A small, fast PRNG (mulberry32): `rand()` in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed files of every parser, built with the library at `dist` (`{ [parser]: Uint8Array[] }`),
 * and the bombs the mutations use (`zlibBombs`, `gzBombs`).
 */
export async function buildCorpus(dist) {
  const lib = await import(`${dist}/index.js`);
  const { Generator, buildModel, encodeModel, encodeSafetensors, nn, tensor, manualSeed } = lib;
  manualSeed(1);
  const lenet = buildModel('lenet5', { modern: true }, new Generator(1));
  const modelFiles = [
    encodeModel(lenet, {
      inputShape: [1, 28, 28],
      normalization: { mean: 0.1307, std: 0.3081 },
      classNames: Array.from({ length: 10 }, (_, i) => `digit ${i}`),
      training: { epochs: '3', accuracy: '0.99' },
    }),
    encodeModel(
      new nn.Sequential(
        new nn.Conv2d(1, 2, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(2 * 4 * 4, 3),
      ),
      { inputShape: [1, 8, 8], classNames: ['a', 'b', 'c'], normalization: { mean: 0.5, std: 0.25 } },
    ),
    // a named architecture with options and BatchNorm buffers (int32 num_batches_tracked)
    encodeModel(buildModel('resnet', { blocksPerStage: 1 }, new Generator(2)), {
      inputShape: [1, 28, 28],
      normalization: { mean: 0.286, std: 0.353 },
    }),
  ];
  const tensors = {
    w: tensor([
      [1, 2],
      [3, 4],
    ]),
    d: tensor([1.5, -2.5], { dtype: 'float64' }),
    i: tensor([7, 8, 9], { dtype: 'int32' }),
    s: tensor(3),
    e: tensor([], { dtype: 'float32' }),
  };
  const safetensors = [encodeSafetensors(tensors, { note: 'seed', format: 'pt' }), modelFiles[1]];

  const idxPlain = [
    idxBytes(0x08, [3, 4, 5], (i) => (i * 37) & 255),
    idxBytes(0x08, [10], (i) => i % 10),
    idxBytes(0x09, [2, 3], (i) => i - 3),
    idxBytes(0x0b, [2, 2], (i) => i * 300 - 500),
    idxBytes(0x0c, [4], (i) => i * 1e6),
    idxBytes(0x0d, [3], (i) => i / 3),
    idxBytes(0x0e, [2, 1, 2], (i) => i * 1.25),
  ];
  const idxGz = idxPlain.map((b) => new Uint8Array(gzipSync(b)));

  const rand = prng(12345);
  const pngs = [];
  for (const [ct, depths] of Object.entries(DEPTHS)) {
    const colorType = Number(ct);
    for (const bitDepth of depths) {
      for (const interlace of [0, 1]) {
        const [width, height] = [5 + Math.floor(rand() * 12), 3 + Math.floor(rand() * 12)];
        const entries = colorType === 3 ? Math.min(2 ** bitDepth, 6) : 0;
        const palette = colorType === 3 ? Array.from({ length: entries }, (_, i) => [i * 40, 200 - i * 30, (i * 91) & 255]) : undefined;
        const trns = colorType === 3 ? [255, 0, 128] : colorType === 0 ? [0, 1] : colorType === 2 ? [0, 7, 0, 7, 0, 7] : undefined;
        const samples = randomSamples(width, height, bitDepth, colorType, rand, entries || undefined);
        pngs.push(encodePng({ width, height, bitDepth, colorType, interlace, samples, palette, trns, idatSize: 40 }));
      }
    }
  }
  // inputs that inflate far beyond any seed (built here, once, so that the workers' memory is the parsers' alone)
  const zlibBombs = [
    deflateSync(new Uint8Array(16 << 20), { level: 9 }),
    deflateSync(Uint8Array.from({ length: 1 << 20 }, (_, i) => (i % 7 === 0 ? i % 6 : i & 0xff))),
  ];
  const gzBombs = [
    gzipSync(new Uint8Array(16 << 20), { level: 9 }),
    gzipSync(concat([Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 10]), new Uint8Array(16 << 20)]), { level: 9 }),
    gzipSync(concat([Uint8Array.from([0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0, 0, 28, 0, 0, 0, 28]), new Uint8Array(16 << 20)]), { level: 9 }),
    gzipSync(concat([Uint8Array.from([0, 0, 0x0e, 2, 0x40, 0, 0, 0, 0x40, 0, 0, 0]), new Uint8Array(1 << 20)]), { level: 9 }),
  ];
  return { safetensors, model: modelFiles, idx: idxPlain, 'idx-gz': idxGz, png: pngs, zlibBombs, gzBombs };
}

/** An IDX file of `type` and `dims`, element `i` being `value(i)`. */
export function idxBytes(type, dims, value) {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type];
  const count = dims.reduce((a, b) => a * b, 1);
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + size * count);
  const v = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  for (let i = 0; i < count; i++) {
    const at = header + i * size;
    const x = value(i);
    if (type === 0x08) v.setUint8(at, x);
    else if (type === 0x09) v.setInt8(at, x);
    else if (type === 0x0b) v.setInt16(at, x);
    else if (type === 0x0c) v.setInt32(at, x);
    else if (type === 0x0d) v.setFloat32(at, x);
    else v.setFloat64(at, x);
  }
  return out;
}
