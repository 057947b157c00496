/**
 * Batch normalization (the reference's src/backend/ref/batch-norm.ts) as tasks whose chunks are
 * runs of channels of a tensor seen as `(N, C, L)`: each channel's statistics, its affine pass
 * and its backward pass are computed by one thread, with the reference's f64 sums in memory
 * order, so that every result is the reference's bit for bit. Descriptor: `BatchNormDesc` (abi.ts).
 *
 *     stats      mean = (1/M) Σ x,   var = (1/M) Σ (x − mean)²                     (M = N·L)
 *     forward    y = (x − mean)·(σ⁻¹·γ) + β
 *     backward   ∂L/∂β = Σ dy,   ∂L/∂γ = σ⁻¹·Σ dy·(x − mean),
 *                ∂L/∂x = γσ⁻¹·(dy − Σdy/M − (x − mean)·σ⁻²·Σdy(x − mean)/M)   (batch statistics)
 *                ∂L/∂x = γσ⁻¹·dy                                              (constant ones)
 */
import { BatchNormDesc } from './abi';
import { chunkStart, field, ptr } from './desc';

/** The f32 at index `i` of the `[C]` array at `p`. */
// @ts-ignore: decorator
@inline
function at(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + ((<usize>i) << 2));
}

/** Where channel c's block of image n starts. */
// @ts-ignore: decorator
@inline
function blockOf(base: usize, n: i32, c: i32, size: i32, inner: i32): usize {
  return base + ((<usize>(n * size + c) * <usize>inner) << 2);
}

/** Statistics: chunk `chunk` of `chunks` writes the mean and biased variance of its channels. */
export function batchNormStatsTask(desc: usize, chunk: i32, chunks: i32): void {
  const outer = field(desc, BatchNormDesc.outer);
  const size = field(desc, BatchNormDesc.size);
  const inner = field(desc, BatchNormDesc.inner);
  const x = ptr(desc, BatchNormDesc.x);
  const m = <f64>outer * <f64>inner;
  const last = chunkStart(size, chunk + 1, chunks);
  for (let c = chunkStart(size, chunk, chunks); c < last; c++) {
    let s: f64 = 0;
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      for (let i = 0; i < inner; i++) s += <f64>load<f32>(q + ((<usize>i) << 2));
    }
    const mu = s / m;
    let ss: f64 = 0;
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      for (let i = 0; i < inner; i++) {
        const d = <f64>load<f32>(q + ((<usize>i) << 2)) - mu;
        ss += d * d;
      }
    }
    store<f32>(ptr(desc, BatchNormDesc.mean) + ((<usize>c) << 2), <f32>mu);
    store<f32>(ptr(desc, BatchNormDesc.invStd) + ((<usize>c) << 2), <f32>(ss / m));
  }
}

/** Forward: chunk `chunk` of `chunks` normalises, scales and shifts its channels. */
export function batchNormTask(desc: usize, chunk: i32, chunks: i32): void {
  const outer = field(desc, BatchNormDesc.outer);
  const size = field(desc, BatchNormDesc.size);
  const inner = field(desc, BatchNormDesc.inner);
  const x = ptr(desc, BatchNormDesc.x);
  const out = ptr(desc, BatchNormDesc.out);
  const weight = ptr(desc, BatchNormDesc.weight);
  const bias = ptr(desc, BatchNormDesc.bias);
  const last = chunkStart(size, chunk + 1, chunks);
  for (let c = chunkStart(size, chunk, chunks); c < last; c++) {
    const mu = at(ptr(desc, BatchNormDesc.mean), c);
    const scale = at(ptr(desc, BatchNormDesc.invStd), c) * (weight == 0 ? 1 : at(weight, c));
    const shift = bias == 0 ? 0 : at(bias, c);
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      const o = blockOf(out, n, c, size, inner);
      for (let i = 0; i < inner; i++) {
        const j = (<usize>i) << 2;
        store<f32>(o + j, <f32>((<f64>load<f32>(q + j) - mu) * scale + shift));
      }
    }
  }
}

/** Backward: chunk `chunk` of `chunks` writes ∂L/∂β, ∂L/∂γ and ∂L/∂x of its channels (each when wanted). */
export function batchNormBackwardTask(desc: usize, chunk: i32, chunks: i32): void {
  const outer = field(desc, BatchNormDesc.outer);
  const size = field(desc, BatchNormDesc.size);
  const inner = field(desc, BatchNormDesc.inner);
  const x = ptr(desc, BatchNormDesc.x);
  const dy = ptr(desc, BatchNormDesc.dy);
  const dx = ptr(desc, BatchNormDesc.out);
  const weight = ptr(desc, BatchNormDesc.weight);
  const dweight = ptr(desc, BatchNormDesc.dweight);
  const dbias = ptr(desc, BatchNormDesc.dbias);
  const training = field(desc, BatchNormDesc.training) != 0;
  const m = <f64>outer * <f64>inner;
  const last = chunkStart(size, chunk + 1, chunks);
  for (let c = chunkStart(size, chunk, chunks); c < last; c++) {
    const mu = at(ptr(desc, BatchNormDesc.mean), c);
    const inv = at(ptr(desc, BatchNormDesc.invStd), c);
    let sumDy: f64 = 0;
    let sumDyXmu: f64 = 0;
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      const g = blockOf(dy, n, c, size, inner);
      for (let i = 0; i < inner; i++) {
        const j = (<usize>i) << 2;
        const d = <f64>load<f32>(g + j);
        sumDy += d;
        sumDyXmu += d * (<f64>load<f32>(q + j) - mu);
      }
    }
    if (dbias != 0) store<f32>(dbias + ((<usize>c) << 2), <f32>sumDy);
    if (dweight != 0) store<f32>(dweight + ((<usize>c) << 2), <f32>(sumDyXmu * inv));
    if (dx == 0) continue;
    const k = inv * (weight == 0 ? 1 : at(weight, c));
    const meanDy = sumDy / m;
    const proj = (inv * inv * sumDyXmu) / m;
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      const g = blockOf(dy, n, c, size, inner);
      const o = blockOf(dx, n, c, size, inner);
      for (let i = 0; i < inner; i++) {
        const j = (<usize>i) << 2;
        const d = <f64>load<f32>(g + j);
        store<f32>(o + j, <f32>(training ? k * (d - meanDy - (<f64>load<f32>(q + j) - mu) * proj) : k * d));
      }
    }
  }
}
