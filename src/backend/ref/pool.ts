/**
 * Reference pooling kernels (SPEC S8, S10). Each output is the max or mean of its window
 * `R_{i,j}`; backward routes a delta to the window's maximum, or spreads it evenly.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { PoolGeometry } from '../../geometry/pool.js';

/**
 * Backend.maxPool2d. The first maximum wins ties; a window holding NaN gives NaN, and its argmax is
 * the last NaN in row-major order (PyTorch's `val > max || isnan(val)`), where the backward pass
 * routes the gradient.
 */
export function maxPool2d(x: TypedArray, g: PoolGeometry, out: TypedArray, argmax: Int32Array): void {
  const { n, c, h, w, kh, kw, strideH, strideW, padH, padW, hOut, wOut } = g;
  for (let plane = 0; plane < n * c; plane++) {
    const xo = plane * h * w;
    for (let i = 0; i < hOut; i++) {
      for (let j = 0; j < wOut; j++) {
        let best = -Infinity;
        let bestAt = -1;
        for (let u = 0; u < kh; u++) {
          const y = i * strideH - padH + u;
          if (y < 0 || y >= h) continue;
          for (let v = 0; v < kw; v++) {
            const x0 = j * strideW - padW + v;
            if (x0 < 0 || x0 >= w) continue;
            const value = x[xo + y * w + x0];
            if (value > best || bestAt < 0 || Number.isNaN(value)) {
              best = value;
              bestAt = y * w + x0;
            }
          }
        }
        const o = (plane * hOut + i) * wOut + j;
        out[o] = best;
        argmax[o] = bestAt;
      }
    }
  }
}

/** Backend.maxPool2dBackward (adds into dx). */
export function maxPool2dBackward(dy: TypedArray, argmax: Int32Array, g: PoolGeometry, dx: TypedArray): void {
  const { n, c, h, w, hOut, wOut } = g;
  for (let plane = 0; plane < n * c; plane++) {
    for (let o = 0; o < hOut * wOut; o++) {
      const at = argmax[plane * hOut * wOut + o];
      dx[plane * h * w + at] += dy[plane * hOut * wOut + o];
    }
  }
}

/** The window of output (i, j) clipped to the input, and its divisor. */
function window(g: PoolGeometry, i: number, j: number): [number, number, number, number, number] {
  const y0 = i * g.strideH - g.padH;
  const x0 = j * g.strideW - g.padW;
  // with padding counted, the divisor is the window clipped to the padded input (PyTorch)
  const yEndPadded = Math.min(y0 + g.kh, g.h + g.padH);
  const xEndPadded = Math.min(x0 + g.kw, g.w + g.padW);
  const yStart = Math.max(y0, 0);
  const xStart = Math.max(x0, 0);
  const yEnd = Math.min(y0 + g.kh, g.h);
  const xEnd = Math.min(x0 + g.kw, g.w);
  const divisor = g.countIncludePad ? (yEndPadded - y0) * (xEndPadded - x0) : (yEnd - yStart) * (xEnd - xStart);
  return [yStart, yEnd, xStart, xEnd, divisor];
}

/** Backend.avgPool2d. */
export function avgPool2d(x: TypedArray, g: PoolGeometry, out: TypedArray): void {
  const { n, c, h, w, hOut, wOut } = g;
  for (let plane = 0; plane < n * c; plane++) {
    const xo = plane * h * w;
    for (let i = 0; i < hOut; i++) {
      for (let j = 0; j < wOut; j++) {
        const [yStart, yEnd, xStart, xEnd, divisor] = window(g, i, j);
        let s = 0;
        for (let y = yStart; y < yEnd; y++) for (let x0 = xStart; x0 < xEnd; x0++) s += x[xo + y * w + x0];
        out[(plane * hOut + i) * wOut + j] = s / divisor;
      }
    }
  }
}

/** Backend.avgPool2dBackward (adds into dx). */
export function avgPool2dBackward(dy: TypedArray, g: PoolGeometry, dx: TypedArray): void {
  const { n, c, h, w, hOut, wOut } = g;
  for (let plane = 0; plane < n * c; plane++) {
    const xo = plane * h * w;
    for (let i = 0; i < hOut; i++) {
      for (let j = 0; j < wOut; j++) {
        const [yStart, yEnd, xStart, xEnd, divisor] = window(g, i, j);
        const share = dy[(plane * hOut + i) * wOut + j] / divisor;
        for (let y = yStart; y < yEnd; y++) for (let x0 = xStart; x0 < xEnd; x0++) dx[xo + y * w + x0] += share;
      }
    }
  }
}
