/** Batch transforms: normalize, randomShift, randomCrop, randomHorizontalFlip, compose. */
import { describe, expect, it } from 'vitest';
import { MNIST_MEAN, MNIST_STD, compose, normalize, randomCrop, randomHorizontalFlip, randomShift } from '../../src/data/index.js';
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

/**
 * torchvision's RandomCrop(size, padding) written out: pad with zeros, then take the size crop at
 * top i = randint(ph − sh + 1), left j = randint(pw − sw + 1) (top drawn first).
 */
function cropReference(
  img: Float32Array,
  c: number,
  h: number,
  w: number,
  pads: [number, number, number, number],
  g: Generator,
): Float32Array {
  const [pl, pt, pr, pb] = pads;
  const [ph, pw] = [h + pt + pb, w + pl + pr];
  const padded = new Float32Array(c * ph * pw);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) padded[(ch * ph + y + pt) * pw + x + pl] = img[(ch * h + y) * w + x];
  const i = ph === h ? 0 : g.randint(ph - h + 1);
  const j = pw === w ? 0 : g.randint(pw - w + 1);
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(ch * h + y) * w + x] = padded[(ch * ph + y + i) * pw + x + j];
  return out;
}

describe('randomCrop (torchvision RandomCrop with zero padding)', () => {
  for (const [padding, pads] of [
    [2, [2, 2, 2, 2]],
    [
      [1, 3],
      [1, 3, 1, 3],
    ],
    [
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ],
  ] as const) {
    it(`x=[6,2,5,4] size=[5,4] padding=${JSON.stringify(padding)}: pad, then crop at the seeded top/left, each image on its own`, () => {
      const [n, c, h, w] = [6, 2, 5, 4];
      const x = Float32Array.from({ length: n * c * h * w }, (_, k) => k + 1);
      const expected = new Float32Array(x.length);
      const g = new Generator(17);
      for (let b = 0; b < n; b++)
        expected.set(cropReference(x.subarray(b * c * h * w, (b + 1) * c * h * w), c, h, w, [...pads], g), b * c * h * w);
      randomCrop([h, w], padding)(x, n, c, h, w, new Generator(17));
      expect(x).toEqual(expected);
    });
  }

  it('x=[1,1,3,3] size=3 padding=1, seed 0: the exact result', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const g = new Generator(0);
    const [i, j] = [g.randint(3), g.randint(3)];
    randomCrop(3, 1)(x, 1, 1, 3, 3, new Generator(0));
    // out[y][x] = in[y + i − 1][x + j − 1], 0 outside
    const expected = [0, 1, 2].flatMap((y) =>
      [0, 1, 2].map((xx) => {
        const [sy, sx] = [y + i - 1, xx + j - 1];
        return sy >= 0 && sy < 3 && sx >= 0 && sx < 3 ? 1 + sy * 3 + sx : 0;
      }),
    );
    expect([...x]).toEqual(expected);
    expect([i, j]).toEqual([2, 0]);
    expect([...x]).toEqual([0, 4, 5, 0, 7, 8, 0, 0, 0]);
  });

  it('28×28, padding 4: every shift in [−4, 4]² turns up, about uniformly', () => {
    const [h, w, batch] = [28, 28, 4000];
    const x = new Float32Array(batch * h * w);
    for (let b = 0; b < batch; b++) x[b * h * w + 14 * w + 14] = 1;
    randomCrop(28, 4)(x, batch, 1, h, w, new Generator(5));
    const counts = new Map<string, number>();
    for (let b = 0; b < batch; b++) {
      const at = x.subarray(b * h * w, (b + 1) * h * w).indexOf(1);
      const key = `${Math.floor(at / w) - 14},${(at % w) - 14}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(81);
    for (const [key, k] of counts) {
      const [dy, dx] = key.split(',').map(Number);
      expect(Math.max(Math.abs(dy), Math.abs(dx))).toBeLessThanOrEqual(4);
      expect(k).toBeGreaterThan(batch / 81 / 2);
      expect(k).toBeLessThan((batch / 81) * 2);
    }
  });

  it('padding 0 at the image size is the identity and draws nothing; a crop size other than the image`s and bad options are errors', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    const g = new Generator(0);
    randomCrop(2)(x, 1, 1, 2, 2, g);
    expect([...x]).toEqual([1, 2, 3, 4]);
    expect(g.nextUint32()).toBe(new Generator(0).nextUint32());
    expect(() => randomCrop(3, 1)(x, 1, 1, 2, 2, g)).toThrow("randomCrop: the crop size 3×3 must be the images' size 2×2");
    expect(() => randomCrop(0)).toThrow('randomCrop: size must be a positive integer');
    expect(() => randomCrop(2, -1)).toThrow('randomCrop: padding must be an integer >= 0');
    expect(() => randomCrop(2, [1, 2, 3] as never)).toThrow('randomCrop: padding must be');
  });
});

describe('randomHorizontalFlip', () => {
  it('x=[2,2,2,3] p=1 mirrors every row of every channel; p=0 leaves the batch alone', () => {
    const x = Float32Array.from({ length: 24 }, (_, k) => k);
    randomHorizontalFlip(1)(x, 2, 2, 2, 3, new Generator(0));
    expect([...x.subarray(0, 6)]).toEqual([2, 1, 0, 5, 4, 3]);
    expect([...x.subarray(18, 24)]).toEqual([20, 19, 18, 23, 22, 21]);
    const y = Float32Array.from({ length: 24 }, (_, k) => k);
    randomHorizontalFlip(0)(y, 2, 2, 2, 3, new Generator(0));
    expect([...y]).toEqual(Array.from({ length: 24 }, (_, k) => k));
  });

  it('p=0.5, seeded: image b is flipped exactly when its uniform draw is below p; about half of 4000 are', () => {
    const [n, w] = [4000, 2];
    const x = new Float32Array(n * w);
    for (let b = 0; b < n; b++) x[b * w] = 1;
    randomHorizontalFlip(0.5)(x, n, 1, 1, w, new Generator(8));
    const g = new Generator(8);
    let flipped = 0;
    for (let b = 0; b < n; b++) {
      const flip = g.uniform() < 0.5;
      expect(x[b * w + 1]).toBe(flip ? 1 : 0);
      if (flip) flipped++;
    }
    expect(Math.abs(flipped - n / 2)).toBeLessThan(150);
    const quarter = new Float32Array(n * w);
    for (let b = 0; b < n; b++) quarter[b * w] = 1;
    randomHorizontalFlip(0.25)(quarter, n, 1, 1, w, new Generator(9));
    expect(Math.abs(quarter.filter((v, k) => k % 2 === 1 && v === 1).length - n / 4)).toBeLessThan(150);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => randomHorizontalFlip(1.5)).toThrow('randomHorizontalFlip: p must be a number in [0, 1], got 1.5');
  });
});
