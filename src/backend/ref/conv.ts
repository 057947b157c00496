/**
 * Reference convolution kernels (SPEC S1, S5, S6, S11): direct loops over the formula
 *
 *     Y[n,p,i,j] = b[p] + Σ_{d ∈ group(p)} Σ_u Σ_v W[p,d,u,v] · X[n, d, i·s_h − p_t + u·d_h, j·s_w − p_l + v·d_w]
 *
 * where taps falling into the zero padding contribute nothing. The two backward kernels are the
 * same sum read the other way round: each output delta is scattered back onto the inputs (∂L/∂X)
 * or onto the weights (∂L/∂W) that produced it. A zero delta adds nothing there only while the
 * operand it multiplies is finite: `0·NaN` and `0·±∞` are NaN (IEEE, and PyTorch's products), so
 * zero deltas are skipped only when every weight (∂L/∂X) or input (∂L/∂W) is finite.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { ConvGeometry } from '../../geometry/conv.js';

/** Whether every element of `a` is finite (no NaN, no ±∞). */
export function allFinite(a: TypedArray): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** Backend.conv2d: the formula in the file comment, gathered per output. */
export function conv2d(x: TypedArray, w: TypedArray, bias: TypedArray | null, g: ConvGeometry, out: TypedArray): void {
  const { n: batch, cIn, h, w: width, cOut, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups, hOut, wOut } = g;
  const cInG = cIn / groups;
  const cOutG = cOut / groups;
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < cOut; p++) {
      const firstIn = Math.floor(p / cOutG) * cInG;
      for (let i = 0; i < hOut; i++) {
        for (let j = 0; j < wOut; j++) {
          let s = bias === null ? 0 : bias[p];
          for (let d = 0; d < cInG; d++) {
            const xPlane = (n * cIn + firstIn + d) * h * width;
            const wPlane = (p * cInG + d) * kh * kw;
            for (let u = 0; u < kh; u++) {
              const y = i * strideH - padTop + u * dilationH;
              if (y < 0 || y >= h) continue;
              for (let v = 0; v < kw; v++) {
                const x0 = j * strideW - padLeft + v * dilationW;
                if (x0 < 0 || x0 >= width) continue;
                s += w[wPlane + u * kw + v] * x[xPlane + y * width + x0];
              }
            }
          }
          out[((n * cOut + p) * hOut + i) * wOut + j] = s;
        }
      }
    }
  }
}

/** Backend.conv2dBackwardInput: each output delta scattered onto the inputs it read (adds into dx). */
export function conv2dBackwardInput(dy: TypedArray, w: TypedArray, g: ConvGeometry, dx: TypedArray): void {
  const { n: batch, cIn, h, w: width, cOut, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups, hOut, wOut } = g;
  const cInG = cIn / groups;
  const cOutG = cOut / groups;
  const skipZeros = allFinite(w);
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < cOut; p++) {
      const firstIn = Math.floor(p / cOutG) * cInG;
      for (let i = 0; i < hOut; i++) {
        for (let j = 0; j < wOut; j++) {
          const delta = dy[((n * cOut + p) * hOut + i) * wOut + j];
          if (delta === 0 && skipZeros) continue;
          for (let d = 0; d < cInG; d++) {
            const xPlane = (n * cIn + firstIn + d) * h * width;
            const wPlane = (p * cInG + d) * kh * kw;
            for (let u = 0; u < kh; u++) {
              const y = i * strideH - padTop + u * dilationH;
              if (y < 0 || y >= h) continue;
              for (let v = 0; v < kw; v++) {
                const x0 = j * strideW - padLeft + v * dilationW;
                if (x0 < 0 || x0 >= width) continue;
                dx[xPlane + y * width + x0] += w[wPlane + u * kw + v] * delta;
              }
            }
          }
        }
      }
    }
  }
}

/** Backend.conv2dBackwardWeight: each output delta times the inputs it read, summed per weight. */
export function conv2dBackwardWeight(x: TypedArray, dy: TypedArray, g: ConvGeometry, dw: TypedArray): void {
  const { n: batch, cIn, h, w: width, cOut, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups, hOut, wOut } = g;
  const cInG = cIn / groups;
  const cOutG = cOut / groups;
  const acc = new Float64Array(dw.length);
  const skipZeros = allFinite(x);
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < cOut; p++) {
      const firstIn = Math.floor(p / cOutG) * cInG;
      for (let i = 0; i < hOut; i++) {
        for (let j = 0; j < wOut; j++) {
          const delta = dy[((n * cOut + p) * hOut + i) * wOut + j];
          if (delta === 0 && skipZeros) continue;
          for (let d = 0; d < cInG; d++) {
            const xPlane = (n * cIn + firstIn + d) * h * width;
            const wPlane = (p * cInG + d) * kh * kw;
            for (let u = 0; u < kh; u++) {
              const y = i * strideH - padTop + u * dilationH;
              if (y < 0 || y >= h) continue;
              for (let v = 0; v < kw; v++) {
                const x0 = j * strideW - padLeft + v * dilationW;
                if (x0 < 0 || x0 >= width) continue;
                acc[wPlane + u * kw + v] += x[xPlane + y * width + x0] * delta;
              }
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < dw.length; i++) dw[i] = acc[i];
}
