/**
 * Direct convolution for one input channel per group (`Cin/groups = 1`: the first layer of a
 * grayscale network, depthwise convolutions), stride 1, dilation 1. With a single input channel
 * the GEMM of conv.ts has K = kh·kw (25 for LeNet's C1) and few output channels, so packing its
 * panels costs as much as multiplying them; here the taps are applied straight to shifted rows
 * of the (padded) input plane instead:
 *
 *     forward          Y[c, i, j0 + l] = b[c] + Σ_{u,v} W[c, u, v] · X[i + u, j0 + l + v]
 *                      two output channels × 16 columns per register tile (8 accumulators)
 *     backward-weight  ∂L/∂W[c, u, v] = Σ_n Σ_{i,j} ∂L/∂Y[n, c, i, j] · X[n, i + u, j + v]
 *                      one 4-lane accumulator per tap, summed across lanes at the end
 *
 * The forward sums every output in the order of the GEMM (bias, then taps u-major), in f32,
 * so its values equal conv.ts's bit for bit. Loads may run up to 16 values past the end of a
 * row; the arena leaves that much readable slack after every allocation, and values that do not
 * belong to the row are never stored (forward) or are multiplied by zero (backward).
 *
 * Descriptor: the convolution descriptor (desc.ts C_*), with C_PACKED holding the raw weights
 * `[cOut, 1, kh, kw]` rather than packed panels.
 */
import {
  C_BIAS_OR_DY, C_CIN, C_COUT, C_GROUPS, C_H, C_HOUT, C_KH, C_KW, C_MODE, C_N, C_OUT, C_PACKED, C_PADDED, C_PARTIALS, C_PB, C_PL, C_PR, C_PT,
  C_SCRATCH, C_SCRATCH_STRIDE, C_W, C_WOUT, C_X, field, ptr, shareStart,
} from './desc';

/** Output columns of one register tile. */
const COLS: i32 = 16;

/** Stores (or adds) the first `n` (< 4) lanes of `v` at `p`. */
function storeLanes(p: usize, v: v128, n: i32, accumulate: bool): void {
  for (let l = 0; l < n; l++) {
    let s: f32;
    if (l == 0) s = f32x4.extract_lane(v, 0);
    else if (l == 1) s = f32x4.extract_lane(v, 1);
    else s = f32x4.extract_lane(v, 2);
    const q = p + (<usize>l << 2);
    if (accumulate) s += load<f32>(q);
    store<f32>(q, s);
  }
}

/** Stores (or adds) the first `cols` of the 16 values `v0|v1|v2|v3` at `p`. */
function storeColumns(p: usize, v0: v128, v1: v128, v2: v128, v3: v128, cols: i32, accumulate: bool): void {
  for (let q = 0; q < 4; q++) {
    const n = cols - 4 * q;
    if (n <= 0) return;
    let v = q == 0 ? v0 : q == 1 ? v1 : q == 2 ? v2 : v3;
    const at = p + (<usize>(16 * q));
    if (n >= 4) {
      if (accumulate) v = f32x4.add(v, v128.load(at));
      v128.store(at, v);
    } else {
      storeLanes(at, v, n, accumulate);
    }
  }
}

/**
 * One register tile of the forward convolution: output columns `[0, cols)` (≤ 16) of one row of
 * channels c0 and c1, from the input window at `src` (row stride `rowBytes`), weights `w0`,
 * `w1` (kh·kw taps each), biases `b0`, `b1`. Channel c1's values are stored only when `out1` ≠ 0.
 */
// @ts-ignore: decorator
@inline
function forwardTile(
  src: usize, rowBytes: usize, kh: i32, kw: i32, w0: usize, w1: usize, b0: f32, b1: f32, out0: usize, out1: usize, cols: i32, accumulate: bool,
): void {
  let a0 = f32x4.splat(b0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let c0 = f32x4.splat(b1);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  let t: usize = 0;
  for (let u = 0; u < kh; u++) {
    let s = src + <usize>u * rowBytes;
    for (let v = 0; v < kw; v++) {
      const x0 = v128.load(s);
      const x1 = v128.load(s, 16);
      const x2 = v128.load(s, 32);
      const x3 = v128.load(s, 48);
      const k0 = v128.load32_splat(w0 + t);
      const k1 = v128.load32_splat(w1 + t);
      a0 = f32x4.add(a0, f32x4.mul(k0, x0));
      a1 = f32x4.add(a1, f32x4.mul(k0, x1));
      a2 = f32x4.add(a2, f32x4.mul(k0, x2));
      a3 = f32x4.add(a3, f32x4.mul(k0, x3));
      c0 = f32x4.add(c0, f32x4.mul(k1, x0));
      c1 = f32x4.add(c1, f32x4.mul(k1, x1));
      c2 = f32x4.add(c2, f32x4.mul(k1, x2));
      c3 = f32x4.add(c3, f32x4.mul(k1, x3));
      s += 4;
      t += 4;
    }
  }
  storeColumns(out0, a0, a1, a2, a3, cols, accumulate);
  if (out1 != 0) storeColumns(out1, c0, c1, c2, c3, cols, accumulate);
}

/** The input planes the direct kernels read: the padded batch when padded, else x. */
function planes(desc: usize): usize {
  const padded = (field(desc, C_PT) | field(desc, C_PB) | field(desc, C_PL) | field(desc, C_PR)) != 0;
  return padded ? ptr(desc, C_PADDED) : ptr(desc, C_X);
}

/**
 * Forward, thread `tid` of `threads`: units (image, group). C_MODE 1 adds to the output (no
 * bias) instead of writing it.
 */
export function convDirectForwardTask(desc: usize, tid: i32, threads: i32): void {
  const groups = field(desc, C_GROUPS);
  const cOut = field(desc, C_COUT);
  const cOutG = cOut / groups;
  const cIn = field(desc, C_CIN);
  const kh = field(desc, C_KH);
  const kw = field(desc, C_KW);
  const hOut = field(desc, C_HOUT);
  const wOut = field(desc, C_WOUT);
  const wp = field(desc, C_W) + field(desc, C_PL) + field(desc, C_PR);
  const plane = <usize>(field(desc, C_H) + field(desc, C_PT) + field(desc, C_PB)) * <usize>wp;
  const x = planes(desc);
  const weights = ptr(desc, C_PACKED);
  const bias = ptr(desc, C_BIAS_OR_DY);
  const out = ptr(desc, C_OUT);
  const accumulate = field(desc, C_MODE) == 1;
  const taps = <usize>(kh * kw) << 2;
  const rowBytes = <usize>wp << 2;
  const units = field(desc, C_N) * groups;
  const end = shareStart(units, tid + 1, threads);
  for (let unit = shareStart(units, tid, threads); unit < end; unit++) {
    const n = unit / groups;
    const g = unit - n * groups;
    const xPlane = x + ((<usize>(n * cIn + g) * plane) << 2);
    for (let c = g * cOutG; c < (g + 1) * cOutG; c += 2) {
      const pair = c + 1 < (g + 1) * cOutG;
      const w0 = weights + <usize>c * taps;
      const w1 = pair ? w0 + taps : w0;
      const b0: f32 = bias != 0 && !accumulate ? load<f32>(bias + (<usize>c << 2)) : 0;
      const b1: f32 = bias != 0 && !accumulate && pair ? load<f32>(bias + (<usize>(c + 1) << 2)) : 0;
      const y0 = out + ((<usize>(n * cOut + c) * <usize>hOut * <usize>wOut) << 2);
      const y1 = pair ? y0 + ((<usize>hOut * <usize>wOut) << 2) : 0;
      for (let i = 0; i < hOut; i++) {
        const row = <usize>(i * wOut) << 2;
        for (let j0 = 0; j0 < wOut; j0 += COLS) {
          const col = <usize>j0 << 2;
          forwardTile(
            xPlane + <usize>i * rowBytes + col, rowBytes, kh, kw, w0, w1, b0, b1,
            y0 + row + col, pair ? y1 + row + col : 0, min(COLS, wOut - j0), accumulate,
          );
        }
      }
    }
  }
}

/** `v` with lanes `≥ n` set to zero (n may exceed 4). */
// @ts-ignore: decorator
@inline
function keepLanes(v: v128, n: i32): v128 {
  return v128.and(v, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n)));
}

/**
 * One row segment of the weight gradient: for every tap, `acc[tap] += Σ_l dy[l] · x[tap + l]`
 * over columns `l < cols` (≤ 16 used) of the deltas at `d` and the input window at `src`. Past
 * the row's end (cols < 16) both operands are zeroed, so that whatever lies there (the next
 * row, or anything at all) adds exactly nothing.
 */
function weightTile(d: usize, src: usize, rowBytes: usize, kh: i32, kw: i32, acc: usize, cols: i32): void {
  const tail = cols < COLS;
  let d0 = v128.load(d);
  let d1 = v128.load(d, 16);
  let d2 = v128.load(d, 32);
  let d3 = v128.load(d, 48);
  if (tail) {
    d0 = keepLanes(d0, cols);
    d1 = keepLanes(d1, cols - 4);
    d2 = keepLanes(d2, cols - 8);
    d3 = keepLanes(d3, cols - 12);
  }
  let a = acc;
  for (let u = 0; u < kh; u++) {
    let s = src + <usize>u * rowBytes;
    for (let v = 0; v < kw; v++) {
      let x0 = v128.load(s);
      let x1 = v128.load(s, 16);
      let x2 = v128.load(s, 32);
      let x3 = v128.load(s, 48);
      if (tail) {
        x0 = keepLanes(x0, cols);
        x1 = keepLanes(x1, cols - 4);
        x2 = keepLanes(x2, cols - 8);
        x3 = keepLanes(x3, cols - 12);
      }
      const sum = f32x4.add(f32x4.add(f32x4.mul(d0, x0), f32x4.mul(d1, x1)), f32x4.add(f32x4.mul(d2, x2), f32x4.mul(d3, x3)));
      v128.store(a, f32x4.add(v128.load(a), sum));
      a += 16;
      s += 4;
    }
  }
}

/**
 * Backward-weight, thread `tid` of `threads`: thread t sums its share of the images into the
 * vector accumulators in its scratch (cOut·kh·kw f32x4), then adds their lanes into its partial
 * dw at `C_PARTIALS + t·cOut·kh·kw·4` (summed by `sumPartials`).
 */
export function convDirectWeightTask(desc: usize, tid: i32, threads: i32): void {
  const groups = field(desc, C_GROUPS);
  const cOut = field(desc, C_COUT);
  const cOutG = cOut / groups;
  const cIn = field(desc, C_CIN);
  const kh = field(desc, C_KH);
  const kw = field(desc, C_KW);
  const hOut = field(desc, C_HOUT);
  const wOut = field(desc, C_WOUT);
  const wp = field(desc, C_W) + field(desc, C_PL) + field(desc, C_PR);
  const plane = <usize>(field(desc, C_H) + field(desc, C_PT) + field(desc, C_PB)) * <usize>wp;
  const x = planes(desc);
  const dy = ptr(desc, C_BIAS_OR_DY);
  const taps = kh * kw;
  const rowBytes = <usize>wp << 2;
  const acc = ptr(desc, C_SCRATCH) + <usize>tid * ptr(desc, C_SCRATCH_STRIDE);
  memory.fill(acc, 0, <usize>(cOut * taps) << 4);
  const batch = field(desc, C_N);
  const end = shareStart(batch, tid + 1, threads);
  for (let n = shareStart(batch, tid, threads); n < end; n++) {
    for (let c = 0; c < cOut; c++) {
      const g = c / cOutG;
      const xPlane = x + ((<usize>(n * cIn + g) * plane) << 2);
      const dyPlane = dy + ((<usize>(n * cOut + c) * <usize>hOut * <usize>wOut) << 2);
      const accC = acc + (<usize>(c * taps) << 4);
      for (let i = 0; i < hOut; i++) {
        for (let j0 = 0; j0 < wOut; j0 += COLS) {
          const d = dyPlane + (<usize>(i * wOut + j0) << 2);
          const src = xPlane + <usize>i * rowBytes + (<usize>j0 << 2);
          weightTile(d, src, rowBytes, kh, kw, accC, wOut - j0);
        }
      }
    }
  }
  const partial = ptr(desc, C_PARTIALS) + (<usize>(tid * cOut * taps) << 2);
  for (let e = 0; e < cOut * taps; e++) {
    const v = v128.load(acc + (<usize>e << 4));
    const s = (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
    store<f32>(partial + (<usize>e << 2), s);
  }
}
