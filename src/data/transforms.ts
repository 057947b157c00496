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

/** Applies `transforms` in order. */
export function compose(...transforms: Transform[]): Transform {
  return (images, batchSize, c, h, w, generator) => {
    for (const t of transforms) t(images, batchSize, c, h, w, generator);
  };
}
