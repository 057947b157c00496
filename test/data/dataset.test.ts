/** In-memory datasets: subset and the seeded random split. */
import { describe, expect, it } from 'vitest';
import { type ImageDataset, randomSplit, subset } from '../../src/data/index.js';
import { loadBundledDigits } from '../../src/node.js';

/** `n` 1×2×2 images whose pixels all equal the image's index; label = index % 3. */
function tiny(n: number): ImageDataset {
  const images = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) images.fill(i, 4 * i, 4 * i + 4);
  return {
    images,
    labels: Int32Array.from({ length: n }, (_, i) => i % 3),
    n,
    channels: 1,
    height: 2,
    width: 2,
    classes: 3,
    classNames: ['a', 'b', 'c'],
  };
}

/** Element-wise equality of two large arrays (much faster than a deep `toEqual`). */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('subset', () => {
  it('copies the chosen images and labels in order', () => {
    const s = subset(tiny(5), Int32Array.from([4, 1, 1]));
    expect(s.n).toBe(3);
    expect([...s.images]).toEqual([4, 4, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect([...s.labels]).toEqual([1, 1, 1]);
    expect(s.classNames).toEqual(['a', 'b', 'c']);
  });
  it('rejects an index out of range', () => {
    expect(() => subset(tiny(5), Int32Array.from([0, 5]))).toThrow(
      'subset: index 5 (position 1) is out of range for a dataset of 5 images',
    );
  });
});

describe('randomSplit', () => {
  it('splits the bundled digits 8000/2000, disjoint and the same for the same seed', () => {
    const ds = loadBundledDigits();
    const [train, val] = randomSplit(ds, [8000, 2000], 1234);
    expect([train.n, val.n]).toEqual([8000, 2000]);
    const [train2, val2] = randomSplit(ds, [8000, 2000], 1234);
    expect(same(train2.labels, train.labels)).toBe(true);
    expect(same(val2.images, val.images)).toBe(true);
    const [other] = randomSplit(ds, [8000, 2000], 99);
    expect(same(other.labels, train.labels)).toBe(false);
    // every class in both parts (the source is sorted by class, so the split must shuffle)
    expect(new Set(train.labels).size).toBe(10);
    expect(new Set(val.labels).size).toBe(10);
  });
  it('draws disjoint index sets covering the dataset', () => {
    const [a, b] = randomSplit(tiny(50), [30, 20], 7);
    const seen = [...a.images.filter((_, i) => i % 4 === 0), ...b.images.filter((_, i) => i % 4 === 0)];
    expect(new Set(seen).size).toBe(50);
    expect([...a.images.filter((_, i) => i % 4 === 0)]).not.toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
  it('allows counts that leave images out, and rejects impossible counts', () => {
    expect(randomSplit(tiny(10), [3, 2], 0).map((d) => d.n)).toEqual([3, 2]);
    expect(() => randomSplit(tiny(10), [8, 3], 0)).toThrow(
      'randomSplit: counts [8, 3] add up to 11, more than the 10 images of the dataset',
    );
    expect(() => randomSplit(tiny(10), [-1, 3], 0)).toThrow('randomSplit: counts must be non-negative integers, got [-1, 3]');
    expect(() => randomSplit(tiny(10), [1.5, 3], 0)).toThrow('non-negative integers');
  });
});
