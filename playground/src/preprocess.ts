/**
 * A drawing made ready for a network trained on MNIST, the way MNIST's digits were made: the
 * ink's bounding box is scaled (keeping its aspect ratio, averaging the pixels each output pixel
 * covers) so that its longer side is 20 pixels, and the result is placed in a 28×28 field so
 * that its centre of mass falls on the field's centre. No imports: the page and the tests use it.
 */

/** The side of the digits (28) and of the box the ink is scaled into (20). */
export const SIDE = 28;
export const BOX = 20;

/** Ink below this (0..1) does not count towards the bounding box. */
const INK = 0.05;

/** The bounding box `[top, left, bottom, right)` of the pixels above `INK`, or null for a blank image. */
export function inkBox(pixels: Float32Array, width: number, height: number): [number, number, number, number] | null {
  let top = height;
  let left = width;
  let bottom = -1;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] <= INK) continue;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  return bottom < 0 ? null : [top, left, bottom + 1, right + 1];
}

/**
 * Area-averaging resize of the `srcH × srcW` region at `(top, left)` of `pixels` (row stride
 * `width`) to `outH × outW`: each output pixel is the mean of the source area it covers, partial
 * pixels weighted by the part covered.
 */
export function resizeArea(
  pixels: Float32Array,
  width: number,
  top: number,
  left: number,
  srcH: number,
  srcW: number,
  outH: number,
  outW: number,
): Float32Array {
  const out = new Float32Array(outH * outW);
  const sy = srcH / outH;
  const sx = srcW / outW;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * sx;
      const x1 = x0 + sx;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += wy * wx * pixels[(top + y) * width + left + x];
        }
      }
      out[oy * outW + ox] = Math.min(1, sum / (sy * sx));
    }
  }
  return out;
}

/** The centre of mass `(row, col)` of an `h × w` image, in pixel-centre coordinates (pixel i spans [i, i + 1)). */
export function centreOfMass(img: Float32Array, h: number, w: number): [number, number] {
  let mass = 0;
  let my = 0;
  let mx = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x];
      mass += v;
      my += v * (y + 0.5);
      mx += v * (x + 0.5);
    }
  }
  return mass > 0 ? [my / mass, mx / mass] : [h / 2, w / 2];
}

/**
 * A grayscale drawing `pixels` (`height × width`, ink 1 on background 0) as a 28×28 MNIST-style
 * digit: the ink's bounding box scaled so that its longer side is 20 pixels, then placed so that
 * its centre of mass is at the centre (14, 14) of the field (shifted by whole pixels and kept
 * inside it). Null for a blank drawing.
 */
export function preprocessDrawing(pixels: Float32Array, width: number, height: number): Float32Array | null {
  const box = inkBox(pixels, width, height);
  if (box === null) return null;
  const [top, left, bottom, right] = box;
  const h = bottom - top;
  const w = right - left;
  const scale = BOX / Math.max(h, w);
  const outH = Math.max(1, Math.round(h * scale));
  const outW = Math.max(1, Math.round(w * scale));
  const small = resizeArea(pixels, width, top, left, h, w, outH, outW);
  const [cy, cx] = centreOfMass(small, outH, outW);
  const offY = Math.min(SIDE - outH, Math.max(0, Math.round(SIDE / 2 - cy)));
  const offX = Math.min(SIDE - outW, Math.max(0, Math.round(SIDE / 2 - cx)));
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < outH; y++) out.set(small.subarray(y * outW, (y + 1) * outW), (offY + y) * SIDE + offX);
  return out;
}
