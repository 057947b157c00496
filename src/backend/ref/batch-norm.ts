/**
 * The reference batch normalization kernels: a tensor seen as `(N, C, L)` (`outer × size × inner`),
 * each channel's `M = N·L` values normalised by their mean and variance, then scaled and shifted:
 *
 *     y = (x − μ_c)·σ_c⁻¹·γ_c + β_c,   σ_c⁻¹ = 1/√(var_c + ε)
 *     ∂L/∂β_c = Σ dy,   ∂L/∂γ_c = Σ dy·x̂,   ∂L/∂x = γ_c·σ_c⁻¹·(dy − Σdy/M − x̂·Σ(dy·x̂)/M)
 *
 * (the last with batch statistics; with constant ones `∂L/∂x = γ_c·σ_c⁻¹·dy`).
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { AxisSplit, BatchNormEpilogue, BatchNormEpilogueGrad } from '../backend.js';

/**
 * The channel sums of this file, in the order every backend keeps (so that they agree bit for
 * bit): within each of the channel's N blocks of L values, value i goes to partial sum i mod 4;
 * the total is `(s₀ + s₁) + (s₂ + s₃)` — four f64 lanes, as the wasm kernels add them.
 */
function lanes(s: Float64Array): number {
  return s[0] + s[1] + (s[2] + s[3]);
}

/** Backend.batchNormStats. */
export function batchNormStats(x: TypedArray, { outer, size, inner }: AxisSplit, mean: TypedArray, variance: TypedArray): void {
  const m = outer * inner;
  const s = new Float64Array(4);
  for (let c = 0; c < size; c++) {
    s.fill(0);
    for (let n = 0; n < outer; n++) {
      const base = (n * size + c) * inner;
      for (let i = 0; i < inner; i++) s[i & 3] += x[base + i];
    }
    const mu = lanes(s) / m;
    s.fill(0);
    for (let n = 0; n < outer; n++) {
      const base = (n * size + c) * inner;
      for (let i = 0; i < inner; i++) {
        const d = x[base + i] - mu;
        s[i & 3] += d * d;
      }
    }
    mean[c] = mu;
    variance[c] = lanes(s) / m;
  }
}

/** Backend.batchNorm. */
export function batchNorm(
  x: TypedArray,
  { outer, size, inner }: AxisSplit,
  mean: TypedArray,
  invStd: TypedArray,
  weight: TypedArray | null,
  bias: TypedArray | null,
  out: TypedArray,
  epilogue?: BatchNormEpilogue,
): void {
  const residual = epilogue?.residual ?? null;
  const relu = epilogue?.relu ?? false;
  const f64 = out instanceof Float64Array;
  for (let c = 0; c < size; c++) {
    const mu = mean[c];
    const scale = invStd[c] * (weight === null ? 1 : weight[c]);
    const shift = bias === null ? 0 : bias[c];
    for (let n = 0; n < outer; n++) {
      const base = (n * size + c) * inner;
      for (let i = 0; i < inner; i++) out[base + i] = (x[base + i] - mu) * scale + shift;
      if (residual === null && !relu) continue;
      for (let i = base; i < base + inner; i++) {
        // z + residual in the tensor's type (as binary 'add'), then the relu (as unary 'relu')
        const a = residual === null ? out[i] : f64 ? out[i] + residual[i] : Math.fround(out[i] + residual[i]);
        out[i] = relu && a < 0 ? 0 : a;
      }
    }
  }
}

/** Backend.batchNormBackward. */
export function batchNormBackward(
  x: TypedArray,
  dy: TypedArray,
  { outer, size, inner }: AxisSplit,
  mean: TypedArray,
  invStd: TypedArray,
  weight: TypedArray | null,
  training: boolean,
  dx: TypedArray | null,
  dweight: TypedArray | null,
  dbias: TypedArray | null,
  epilogue?: BatchNormEpilogueGrad,
): void {
  const m = outer * inner;
  if (epilogue !== undefined && (epilogue.y !== null || epilogue.dresidual !== null)) {
    // the relu's selection (unaryBackward's `a ≤ 0 ? 0 : dy` with the output), which is also ∂L/∂residual
    const { y, dresidual } = epilogue;
    const dz = dresidual ?? new (dy instanceof Float64Array ? Float64Array : Float32Array)(dy.length);
    for (let i = 0; i < dy.length; i++) dz[i] = y !== null && y[i] <= 0 ? 0 : dy[i];
    dy = dz;
  }
  const sDy = new Float64Array(4);
  const sDyXmu = new Float64Array(4); // Σ dy·(x − μ)
  for (let c = 0; c < size; c++) {
    const mu = mean[c];
    const inv = invStd[c];
    sDy.fill(0);
    sDyXmu.fill(0);
    for (let n = 0; n < outer; n++) {
      const base = (n * size + c) * inner;
      for (let i = 0; i < inner; i++) {
        sDy[i & 3] += dy[base + i];
        sDyXmu[i & 3] += dy[base + i] * (x[base + i] - mu);
      }
    }
    const sumDy = lanes(sDy);
    const sumDyXmu = lanes(sDyXmu);
    if (dbias !== null) dbias[c] = sumDy;
    if (dweight !== null) dweight[c] = sumDyXmu * inv;
    if (dx === null) continue;
    const k = inv * (weight === null ? 1 : weight[c]);
    const meanDy = sumDy / m;
    const proj = (inv * inv * sumDyXmu) / m; // σ⁻²·Σdy(x − μ)/M, so that x̂·Σ(dy·x̂)/M = (x − μ)·proj
    for (let n = 0; n < outer; n++) {
      const base = (n * size + c) * inner;
      for (let i = 0; i < inner; i++) {
        const j = base + i;
        dx[j] = training ? k * (dy[j] - meanDy - (x[j] - mu) * proj) : k * dy[j];
      }
    }
  }
}
