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
import type { AxisSplit } from '../backend.js';

/** Backend.batchNormStats. */
export function batchNormStats(x: TypedArray, { outer, size, inner }: AxisSplit, mean: TypedArray, variance: TypedArray): void {
  const m = outer * inner;
  for (let c = 0; c < size; c++) {
    let s = 0;
    for (let n = 0; n < outer; n++) {
      const base = (n * size + c) * inner;
      for (let i = 0; i < inner; i++) s += x[base + i];
    }
    const mu = s / m;
    let ss = 0;
    for (let n = 0; n < outer; n++) {
      const base = (n * size + c) * inner;
      for (let i = 0; i < inner; i++) {
        const d = x[base + i] - mu;
        ss += d * d;
      }
    }
    mean[c] = mu;
    variance[c] = ss / m;
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
): void {
  for (let c = 0; c < size; c++) {
    const mu = mean[c];
    const scale = invStd[c] * (weight === null ? 1 : weight[c]);
    const shift = bias === null ? 0 : bias[c];
    for (let n = 0; n < outer; n++) {
      const base = (n * size + c) * inner;
      for (let i = 0; i < inner; i++) out[base + i] = (x[base + i] - mu) * scale + shift;
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
): void {
  const m = outer * inner;
  for (let c = 0; c < size; c++) {
    const mu = mean[c];
    const inv = invStd[c];
    let sumDy = 0;
    let sumDyXmu = 0; // Σ dy·(x − μ)
    for (let n = 0; n < outer; n++) {
      const base = (n * size + c) * inner;
      for (let i = 0; i < inner; i++) {
        sumDy += dy[base + i];
        sumDyXmu += dy[base + i] * (x[base + i] - mu);
      }
    }
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
