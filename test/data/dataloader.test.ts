/** DataLoader: batch shapes, dropLast, seeded shuffling, transforms. */
import { describe, expect, it } from 'vitest';
import { DataLoader, type ImageDataset, normalize } from '../../src/data/index.js';
import { Generator } from '../../src/tensor/random.js';

/** `n` 2×3×2 images whose pixels all equal the image's index; label = index % 4. */
function tiny(n: number): ImageDataset {
  const per = 12;
  const images = new Float32Array(n * per);
  for (let i = 0; i < n; i++) images.fill(i, per * i, per * (i + 1));
  return { images, labels: Int32Array.from({ length: n }, (_, i) => i % 4), n, channels: 2, height: 3, width: 2, classes: 4 };
}

function order(loader: DataLoader): number[] {
  return [...loader].flatMap((b) => [...b.indices]);
}

describe('DataLoader', () => {
  it('yields (B, C, H, W) float32 images and (B) int32 labels, in order without shuffle', () => {
    const loader = new DataLoader(tiny(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map((b) => b.x.shape)).toEqual([
      [4, 2, 3, 2],
      [4, 2, 3, 2],
      [2, 2, 3, 2],
    ]);
    expect(batches.map((b) => b.y.shape)).toEqual([[4], [4], [2]]);
    expect(batches[0].x.dtype).toBe('float32');
    expect(batches[0].y.dtype).toBe('int32');
    expect([...batches[1].indices]).toEqual([4, 5, 6, 7]);
    expect([...batches[1].y.data]).toEqual([0, 1, 2, 3]);
    expect(batches[2].x.data.slice(0, 12)).toEqual(new Float32Array(12).fill(8));
  });
  it('dropLast skips the incomplete last batch', () => {
    const loader = new DataLoader(tiny(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader].map((b) => b.x.shape[0])).toEqual([4, 4]);
    expect(new DataLoader(tiny(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(new DataLoader(tiny(3), { batchSize: 4, dropLast: true }).length).toBe(0);
  });
  it('shuffles every index once per pass; same seed same order, different seed different order', () => {
    const make = (seed: number): DataLoader => new DataLoader(tiny(40), { batchSize: 8, shuffle: true, generator: new Generator(seed) });
    const a = make(5);
    const first = order(a);
    expect([...first].sort((p, q) => p - q)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(first).not.toEqual(Array.from({ length: 40 }, (_, i) => i));
    const secondEpoch = order(a);
    expect(secondEpoch).not.toEqual(first);
    const b = make(5);
    expect(order(b)).toEqual(first);
    expect(order(b)).toEqual(secondEpoch);
    expect(order(make(6))).not.toEqual(first);
    // the images follow the indices
    const batch = [...make(5)][0];
    for (let j = 0; j < 8; j++) expect(batch.x.data[j * 12]).toBe(batch.indices[j]);
  });
  it('applies the transform to a copy of each batch, never to the dataset', () => {
    const ds = tiny(4);
    const before = ds.images.slice();
    const [batch] = [...new DataLoader(ds, { batchSize: 4, transform: normalize(1, 2) })];
    expect(batch.x.data[12]).toBe(0);
    expect(batch.x.data[36]).toBe(1);
    expect(ds.images).toEqual(before);
  });
  it('rejects a bad batch size and an inconsistent dataset', () => {
    expect(() => new DataLoader(tiny(4), { batchSize: 0 })).toThrow('DataLoader: batchSize must be a positive integer, got 0');
    const bad = { ...tiny(4), n: 5 };
    expect(() => new DataLoader(bad, { batchSize: 2 })).toThrow('DataLoader: images has 48 values, expected n·C·H·W = 5·2·3·2 = 60');
  });
});

describe('DataLoader reproducibility from its generator`s state', () => {
  it('restoring the generator`s state at an epoch boundary reproduces the next epoch`s order and augmentation', () => {
    const g = new Generator(9);
    const noisy = (images: Float32Array, _b: number, _c: number, _h: number, _w: number, gen: Generator): void => {
      for (let i = 0; i < images.length; i++) images[i] += gen.uniform();
    };
    const loader = new DataLoader(tiny(10), { batchSize: 4, shuffle: true, generator: g, transform: noisy });
    for (const _ of loader); // epoch 1
    const state = g.getState();
    const epoch2 = [...loader].map((b) => [Array.from(b.indices), Array.from(b.x.data)]);
    const h = new Generator(0).setState(state);
    const resumed = new DataLoader(tiny(10), { batchSize: 4, shuffle: true, generator: h, transform: noisy });
    expect([...resumed].map((b) => [Array.from(b.indices), Array.from(b.x.data)])).toEqual(epoch2);
  });
});
