/** Batch transforms: normalize, randomShift, compose. */
import { describe, expect, it } from 'vitest';
import { MNIST_MEAN, MNIST_STD, compose, normalize, randomShift } from '../../src/data/index.js';
import { Generator } from '../../src/tensor/random.js';

describe('normalize', () => {
  it('maps x to (x − mean)/std in place', () => {
    const x = Float32Array.from([0, 0.5, 1]);
    normalize(0.5, 0.25)(x, 1, 1, 1, 3, new Generator(0));
    expect([...x]).toEqual([-2, 0, 2]);
    const y = Float32Array.from([MNIST_MEAN]);
    normalize(MNIST_MEAN, MNIST_STD)(y, 1, 1, 1, 1, new Generator(0));
    expect(y[0]).toBeCloseTo(0, 6);
  });
  it('rejects a non-positive std', () => {
    expect(() => normalize(0, 0)).toThrow('normalize: std must be a positive finite number, got 0');
  });
});

describe('randomShift', () => {
  it('moves a single bright pixel by at most maxShift in each direction, keeping the sum', () => {
    const [h, w, m, batch] = [9, 9, 2, 200];
    const x = new Float32Array(batch * h * w);
    for (let b = 0; b < batch; b++) x[b * h * w + 4 * w + 4] = 1;
    randomShift(m)(x, batch, 1, h, w, new Generator(3));
    const seen = new Set<string>();
    for (let b = 0; b < batch; b++) {
      const img = x.subarray(b * h * w, (b + 1) * h * w);
      expect(img.reduce((s, v) => s + v, 0)).toBe(1);
      const at = img.indexOf(1);
      const [dy, dx] = [Math.floor(at / w) - 4, (at % w) - 4];
      expect(Math.abs(dy)).toBeLessThanOrEqual(m);
      expect(Math.abs(dx)).toBeLessThanOrEqual(m);
      seen.add(`${dy},${dx}`);
    }
    expect(seen.size).toBe(25);
  });
  it('shifts every channel of an image alike, fills with zeros, and is reproducible', () => {
    const [c, h, w] = [2, 4, 4];
    const img = Float32Array.from({ length: c * h * w }, (_, i) => 1 + (i % (h * w)));
    const a = img.slice();
    randomShift(3)(a, 1, c, h, w, new Generator(11));
    expect(a.subarray(0, 16)).toEqual(a.subarray(16, 32));
    const b = img.slice();
    randomShift(3)(b, 1, c, h, w, new Generator(11));
    expect(b).toEqual(a);
    const full = new Float32Array(16).fill(1);
    randomShift(1)(full, 1, 1, 4, 4, new Generator(2));
    const zeros = full.filter((v) => v === 0).length;
    expect([0, 4, 7]).toContain(zeros);
  });
  it('is the identity for maxShift 0, and rejects a negative or fractional one', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    randomShift(0)(x, 1, 1, 2, 2, new Generator(0));
    expect([...x]).toEqual([1, 2, 3, 4]);
    expect(() => randomShift(-1)).toThrow('randomShift: maxShift must be a non-negative integer, got -1');
    expect(() => randomShift(0.5)).toThrow('non-negative integer');
  });
});

describe('compose', () => {
  it('applies the transforms in order', () => {
    const x = Float32Array.from([1, 3]);
    compose(normalize(1, 1), normalize(0, 2))(x, 1, 1, 1, 2, new Generator(0));
    expect([...x]).toEqual([0, 1]);
  });
});
