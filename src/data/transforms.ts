/**
 * Batch transforms for `DataLoader`: functions that modify a batch of images in place.
 * Browser-safe.
 */
import type { Generator } from '../tensor/random.js';

/**
 * A transform: modifies `images`, a batch `(batchSize, c, h, w)` row-major, in place. Random
 * transforms draw from `generator` (the loader's), so a seeded loader gives the same batches.
 */
export type Transform = (images: Float32Array, batchSize: number, c: number, h: number, w: number, generator: Generator) => void;

/** The mean pixel of the MNIST training set (pixels in 0..1). */
export const MNIST_MEAN = 0.1307;
/** The standard deviation of the pixels of the MNIST training set (pixels in 0..1). */
export const MNIST_STD = 0.3081;

/** `x ← (x − mean) / std` for every value (like torchvision's `Normalize` with one channel). */
export function normalize(mean: number, std: number): Transform {
  if (!Number.isFinite(mean)) throw new Error(`normalize: mean must be a finite number, got ${mean}`);
  if (!Number.isFinite(std) || std <= 0) throw new Error(`normalize: std must be a positive finite number, got ${std}`);
  const inv = 1 / std;
  return (images) => {
    for (let i = 0; i < images.length; i++) images[i] = (images[i] - mean) * inv;
  };
}

/**
 * Translates each image (all its channels alike) by integers `dx`, `dy` drawn uniformly from
 * `[−maxShift, maxShift]`: `out[y][x] = in[y − dy][x − dx]`, zero where that falls outside.
 * Apply it before `normalize` so that the fill is the background value 0.
 */
export function randomShift(maxShift: number): Transform {
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new Error(`randomShift: maxShift must be a non-negative integer, got ${maxShift}`);
  return (images, batchSize, c, h, w, generator) => {
    const plane = h * w;
    const tmp = new Float32Array(plane);
    for (let b = 0; b < batchSize; b++) {
      const dx = generator.randint(2 * maxShift + 1) - maxShift;
      const dy = generator.randint(2 * maxShift + 1) - maxShift;
      if (dx === 0 && dy === 0) continue;
      for (let ch = 0; ch < c; ch++) {
        const off = (b * c + ch) * plane;
        tmp.set(images.subarray(off, off + plane));
        for (let y = 0; y < h; y++) {
          const sy = y - dy;
          for (let x = 0; x < w; x++) {
            const sx = x - dx;
            images[off + y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? tmp[sy * w + sx] : 0;
          }
        }
      }
    }
  };
}

/** Padding of `randomCrop`: all sides, `[left/right, top/bottom]`, or `[left, top, right, bottom]` (torchvision's order). */
export type CropPadding = number | readonly [number, number] | readonly [number, number, number, number];

/**
 * torchvision's `RandomCrop(size, padding)` with zero fill (`padding_mode='constant'`, `fill=0`),
 * for a batch whose images keep their size: each image is padded with zeros, `(h, w)` →
 * `(h + pt + pb, w + pl + pr)`, then a `size` crop is taken at a top `i` and left `j` drawn
 * uniformly from `[0, h + pt + pb − sh]` and `[0, w + pl + pr − sw]`, top first (torchvision's
 * `get_params`; nothing is drawn when the padded image is the crop's size):
 *
 *     out[y][x] = in[y + i − pt][x + j − pl],   0 outside the image
 *
 * All channels of an image move alike. The crop size must be the images' size (a transform
 * keeps the batch's shape), so `randomCrop(28, 4)` on 28×28 images shifts each image by
 * `(i − 4, j − 4)`, each in [−4, 4]. Apply it before `normalize` so that the fill is the
 * background value 0.
 */
export function randomCrop(size: number | readonly [number, number], padding: CropPadding = 0): Transform {
  const [sh, sw] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(sh) || !Number.isInteger(sw) || sh < 1 || sw < 1)
    throw new Error(`randomCrop: size must be a positive integer or [height, width], got ${JSON.stringify(size)}`);
  const pads = typeof padding === 'number' ? [padding] : [...padding];
  if (![1, 2, 4].includes(pads.length) || !pads.every((p) => Number.isInteger(p) && p >= 0))
    throw new Error(
      `randomCrop: padding must be an integer >= 0, [left/right, top/bottom] or [left, top, right, bottom], got ${JSON.stringify(padding)}`,
    );
  const [pl, pt, pr, pb] =
    pads.length === 1 ? [pads[0], pads[0], pads[0], pads[0]] : pads.length === 2 ? [pads[0], pads[1], pads[0], pads[1]] : pads;
  return (images, batchSize, c, h, w, generator) => {
    if (sh !== h || sw !== w) {
      throw new Error(`randomCrop: the crop size ${sh}×${sw} must be the images' size ${h}×${w} (a transform keeps the batch's shape)`);
    }
    const [ph, pw] = [h + pt + pb, w + pl + pr];
    const plane = h * w;
    const tmp = new Float32Array(plane);
    for (let b = 0; b < batchSize; b++) {
      const i = ph === sh ? 0 : generator.randint(ph - sh + 1);
      const j = pw === sw ? 0 : generator.randint(pw - sw + 1);
      const [dy, dx] = [i - pt, j - pl];
      if (dy === 0 && dx === 0) continue;
      for (let ch = 0; ch < c; ch++) {
        const off = (b * c + ch) * plane;
        tmp.set(images.subarray(off, off + plane));
        for (let y = 0; y < h; y++) {
          const sy = y + dy;
          for (let x = 0; x < w; x++) {
            const sx = x + dx;
            images[off + y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? tmp[sy * w + sx] : 0;
          }
        }
      }
    }
  };
}

/**
 * torchvision's `RandomHorizontalFlip(p)`: each image (all its channels) is mirrored left to
 * right, `out[y][x] = in[y][w − 1 − x]`, with probability `p` in [0, 1] (default 0.5): one
 * uniform draw per image, flipped when it is below `p`.
 */
export function randomHorizontalFlip(p = 0.5): Transform {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`randomHorizontalFlip: p must be a number in [0, 1], got ${p}`);
  return (images, batchSize, c, h, w, generator) => {
    for (let b = 0; b < batchSize; b++) {
      if (!(generator.uniform() < p)) continue;
      for (let row = 0; row < c * h; row++) images.subarray((b * c * h + row) * w, (b * c * h + row + 1) * w).reverse();
    }
  };
}

/** Applies `transforms` in order. */
export function compose(...transforms: Transform[]): Transform {
  return (images, batchSize, c, h, w, generator) => {
    for (const t of transforms) t(images, batchSize, c, h, w, generator);
  };
}
