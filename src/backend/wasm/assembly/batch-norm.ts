/**
 * Batch normalization (the reference's src/backend/ref/batch-norm.ts) as tasks whose chunks are
 * runs of channels of a tensor seen as `(N, C, L)`: each channel's statistics, its affine pass
 * and its backward pass are computed by one thread, in f64 on two f64x2 vectors (four lanes),
 * with the sums in the reference's order (value i of each L-block into lane i mod 4, then
 * `(s₀ + s₁) + (s₂ + s₃)`), so that every result is the reference's bit for bit. Descriptor:
 * `BatchNormDesc` (abi.ts).
 *
 *     stats      mean = (1/M) Σ x,   var = (1/M) Σ (x − mean)²                     (M = N·L)
 *     forward    y = (x − mean)·(σ⁻¹·γ) + β
 *     backward   ∂L/∂β = Σ dy,   ∂L/∂γ = σ⁻¹·Σ dy·(x − mean),
 *                ∂L/∂x = γσ⁻¹·(dy − Σdy/M − (x − mean)·σ⁻²·Σdy(x − mean)/M)   (batch statistics)
 *                ∂L/∂x = γσ⁻¹·dy                                              (constant ones)
 *
 * The forward's epilogue (Backend's `BatchNormEpilogue`): `y = relu(z + residual)` on the f32 z,
 * both steps optional; the backward then starts with the relu's selection `y ≤ 0 ? 0 : dy`,
 * written where ∂L/∂residual goes (or over dy), and continues from it.
 */
import { BatchNormDesc } from './abi';
import { chunkStart, field, ptr } from './desc';
import { hi, lo, narrow } from './f64x4';
import { relu4 } from './elementwise';

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

/** The f32 at `q + 4i`, widened. */
// @ts-ignore: decorator
@inline
function f(q: usize, i: i32): f64 {
  return <f64>load<f32>(q + ((<usize>i) << 2));
}

/** Lane i mod 4 of the pair (a01, a23) plus `v`: the scalar tail of a block, in the reference's lane. */
// @ts-ignore: decorator
@inline
function addLane01(a: v128, lane: i32, v: f64): v128 {
  return lane == 0 ? f64x2.replace_lane(a, 0, f64x2.extract_lane(a, 0) + v) : f64x2.replace_lane(a, 1, f64x2.extract_lane(a, 1) + v);
}

/** `(s₀ + s₁) + (s₂ + s₃)` of the lanes (a01, a23). */
// @ts-ignore: decorator
@inline
function total(a01: v128, a23: v128): f64 {
  return f64x2.extract_lane(a01, 0) + f64x2.extract_lane(a01, 1) + (f64x2.extract_lane(a23, 0) + f64x2.extract_lane(a23, 1));
}

/** Statistics: chunk `chunk` of `chunks` writes the mean and biased variance of its channels. */
export function batchNormStatsTask(desc: usize, chunk: i32, chunks: i32): void {
  const outer = field(desc, BatchNormDesc.outer);
  const size = field(desc, BatchNormDesc.size);
  const inner = field(desc, BatchNormDesc.inner);
  const x = ptr(desc, BatchNormDesc.x);
  const m = <f64>outer * <f64>inner;
  const body = inner & ~3;
  const last = chunkStart(size, chunk + 1, chunks);
  for (let c = chunkStart(size, chunk, chunks); c < last; c++) {
    let a01 = f64x2.splat(0);
    let a23 = f64x2.splat(0);
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      for (let i = 0; i < body; i += 4) {
        const v = v128.load(q + ((<usize>i) << 2));
        a01 = f64x2.add(a01, lo(v));
        a23 = f64x2.add(a23, hi(v));
      }
      for (let i = body; i < inner; i++) {
        if (i & 2) a23 = addLane01(a23, i & 1, f(q, i));
        else a01 = addLane01(a01, i & 1, f(q, i));
      }
    }
    const mu = total(a01, a23) / m;
    const muv = f64x2.splat(mu);
    a01 = f64x2.splat(0);
    a23 = f64x2.splat(0);
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      for (let i = 0; i < body; i += 4) {
        const v = v128.load(q + ((<usize>i) << 2));
        const d01 = f64x2.sub(lo(v), muv);
        const d23 = f64x2.sub(hi(v), muv);
        a01 = f64x2.add(a01, f64x2.mul(d01, d01));
        a23 = f64x2.add(a23, f64x2.mul(d23, d23));
      }
      for (let i = body; i < inner; i++) {
        const d = f(q, i) - mu;
        if (i & 2) a23 = addLane01(a23, i & 1, d * d);
        else a01 = addLane01(a01, i & 1, d * d);
      }
    }
    store<f32>(ptr(desc, BatchNormDesc.mean) + ((<usize>c) << 2), <f32>mu);
    store<f32>(ptr(desc, BatchNormDesc.invStd) + ((<usize>c) << 2), <f32>(total(a01, a23) / m));
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
  const residual = ptr(desc, BatchNormDesc.residual);
  const relu = field(desc, BatchNormDesc.relu) != 0;
  const body = inner & ~3;
  const last = chunkStart(size, chunk + 1, chunks);
  for (let c = chunkStart(size, chunk, chunks); c < last; c++) {
    const mu = at(ptr(desc, BatchNormDesc.mean), c);
    const scale = at(ptr(desc, BatchNormDesc.invStd), c) * (weight == 0 ? 1 : at(weight, c));
    const shift = bias == 0 ? 0 : at(bias, c);
    const muv = f64x2.splat(mu);
    const scalev = f64x2.splat(scale);
    const shiftv = f64x2.splat(shift);
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      const o = blockOf(out, n, c, size, inner);
      for (let i = 0; i < body; i += 4) {
        const j = (<usize>i) << 2;
        const v = v128.load(q + j);
        const y01 = f64x2.add(f64x2.mul(f64x2.sub(lo(v), muv), scalev), shiftv);
        const y23 = f64x2.add(f64x2.mul(f64x2.sub(hi(v), muv), scalev), shiftv);
        v128.store(o + j, narrow(y01, y23));
      }
      for (let i = body; i < inner; i++) store<f32>(o + ((<usize>i) << 2), <f32>((f(q, i) - mu) * scale + shift));
      if (residual == 0 && !relu) continue;
      const r = blockOf(residual, n, c, size, inner);
      let i = 0;
      for (; i < body; i += 4) {
        const j = (<usize>i) << 2;
        let a = v128.load(o + j);
        if (residual != 0) a = f32x4.add(a, v128.load(r + j));
        v128.store(o + j, relu ? relu4(a) : a);
      }
      for (; i < inner; i++) {
        const j = (<usize>i) << 2;
        let a = load<f32>(o + j);
        if (residual != 0) a += load<f32>(r + j);
        store<f32>(o + j, relu && a < 0 ? 0 : a);
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
  const y = ptr(desc, BatchNormDesc.y);
  const dresidual = ptr(desc, BatchNormDesc.dresidual);
  const m = <f64>outer * <f64>inner;
  const body = inner & ~3;
  const last = chunkStart(size, chunk + 1, chunks);
  // the relu's selection: dy where y is not ≤ 0 (NaN included), else +0 — into dresidual, or over dy
  const dz = dresidual != 0 ? dresidual : dy;
  if (y != 0 || dresidual != 0) {
    const zero = f32x4.splat(0);
    for (let c = chunkStart(size, chunk, chunks); c < last; c++) {
      for (let n = 0; n < outer; n++) {
        const g = blockOf(dy, n, c, size, inner);
        const a = blockOf(y, n, c, size, inner);
        const o = blockOf(dz, n, c, size, inner);
        let i = 0;
        for (; i < body; i += 4) {
          const j = (<usize>i) << 2;
          const d = v128.load(g + j);
          v128.store(o + j, y == 0 ? d : v128.andnot(d, f32x4.le(v128.load(a + j), zero)));
        }
        for (; i < inner; i++) {
          const j = (<usize>i) << 2;
          store<f32>(o + j, y != 0 && load<f32>(a + j) <= 0 ? 0 : load<f32>(g + j));
        }
      }
    }
  }
  for (let c = chunkStart(size, chunk, chunks); c < last; c++) {
    const mu = at(ptr(desc, BatchNormDesc.mean), c);
    const inv = at(ptr(desc, BatchNormDesc.invStd), c);
    const muv = f64x2.splat(mu);
    let g01 = f64x2.splat(0); // Σ dy
    let g23 = f64x2.splat(0);
    let p01 = f64x2.splat(0); // Σ dy·(x − μ)
    let p23 = f64x2.splat(0);
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      const g = blockOf(dz, n, c, size, inner);
      for (let i = 0; i < body; i += 4) {
        const j = (<usize>i) << 2;
        const d = v128.load(g + j);
        const v = v128.load(q + j);
        const d01 = lo(d);
        const d23 = hi(d);
        g01 = f64x2.add(g01, d01);
        g23 = f64x2.add(g23, d23);
        p01 = f64x2.add(p01, f64x2.mul(d01, f64x2.sub(lo(v), muv)));
        p23 = f64x2.add(p23, f64x2.mul(d23, f64x2.sub(hi(v), muv)));
      }
      for (let i = body; i < inner; i++) {
        const d = f(g, i);
        const p = d * (f(q, i) - mu);
        if (i & 2) {
          g23 = addLane01(g23, i & 1, d);
          p23 = addLane01(p23, i & 1, p);
        } else {
          g01 = addLane01(g01, i & 1, d);
          p01 = addLane01(p01, i & 1, p);
        }
      }
    }
    const sumDy = total(g01, g23);
    const sumDyXmu = total(p01, p23);
    if (dbias != 0) store<f32>(dbias + ((<usize>c) << 2), <f32>sumDy);
    if (dweight != 0) store<f32>(dweight + ((<usize>c) << 2), <f32>(sumDyXmu * inv));
    if (dx == 0) continue;
    const k = inv * (weight == 0 ? 1 : at(weight, c));
    const meanDy = sumDy / m;
    const proj = (inv * inv * sumDyXmu) / m;
    const kv = f64x2.splat(k);
    const meanDyv = f64x2.splat(meanDy);
    const projv = f64x2.splat(proj);
    for (let n = 0; n < outer; n++) {
      const q = blockOf(x, n, c, size, inner);
      const g = blockOf(dz, n, c, size, inner);
      const o = blockOf(dx, n, c, size, inner);
      for (let i = 0; i < body; i += 4) {
        const j = (<usize>i) << 2;
        const d = v128.load(g + j);
        if (training) {
          const v = v128.load(q + j);
          const r01 = f64x2.mul(kv, f64x2.sub(f64x2.sub(lo(d), meanDyv), f64x2.mul(f64x2.sub(lo(v), muv), projv)));
          const r23 = f64x2.mul(kv, f64x2.sub(f64x2.sub(hi(d), meanDyv), f64x2.mul(f64x2.sub(hi(v), muv), projv)));
          v128.store(o + j, narrow(r01, r23));
        } else {
          v128.store(o + j, narrow(f64x2.mul(kv, lo(d)), f64x2.mul(kv, hi(d))));
        }
      }
      for (let i = body; i < inner; i++) {
        const d = f(g, i);
        store<f32>(o + ((<usize>i) << 2), <f32>(training ? k * (d - meanDy - (f(q, i) - mu) * proj) : k * d));
      }
    }
  }
}
