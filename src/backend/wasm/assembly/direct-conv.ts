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
 *                      two output channels × four taps in vector accumulators over all of a
 *                      chunk's images, summed across lanes at the end
 *
 * Both keep at most 8 accumulators and 3 other vectors live in their inner loops: with more,
 * V8's register allocator (x64) spills and the loop runs at about half speed (measured: a 2 × 5
 * tap tile at 21 GFLOP/s on one core against 48 for 2 × 4).
 *
 * The forward sums every output in the order of the GEMM (bias, then taps u-major), in f32,
 * so its values equal conv.ts's bit for bit. Loads may run up to 16 values past the end of a
 * row; the arena leaves that much readable slack after every allocation, and values that do not
 * belong to the row are never stored (forward) or are zeroed before they are used (backward).
 *
 * Descriptor: the convolution descriptor (desc.ts C_*), with ConvDesc.packed holding the raw weights
 * `[cOut, 1, kh, kw]` rather than packed panels.
 */
import { madd } from './madd';
import { chunkStart, field, isPadded, paddedH, paddedW, ptr } from './desc';
import { ConvDesc } from './abi';

/** Output columns of one register tile. */
const COLS: i32 = 16;

/** Stores (or adds) the first `n` (< 4) lanes of `v` at `p`. */
function storeLanes(p: usize, v: v128, n: i32, accumulate: bool): void {
  for (let l = 0; l < n; l++) {
    let s: f32;
    if (l == 0) s = f32x4.extract_lane(v, 0);
    else if (l == 1) s = f32x4.extract_lane(v, 1);
    else s = f32x4.extract_lane(v, 2);
    const q = p + ((<usize>l) << 2);
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
    const at = p + <usize>(16 * q);
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
 * Called from two places so that binaryen does not inline it into the task: inlined, the tile's
 * loop shares V8's registers with the task's pointers, which are then spilled and reloaded on
 * every tap (measured: 23 GFLOP/s on one core for the task against 27 with the tile on its own,
 * 33–36 with its full rows stored here rather than by a call).
 */
function forwardTile(
  src: usize,
  rowBytes: usize,
  kh: i32,
  kw: i32,
  w0: usize,
  w1: usize,
  b0: f32,
  b1: f32,
  out0: usize,
  out1: usize,
  cols: i32,
  accumulate: bool,
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
      // one input vector live at a time: 8 accumulators, 2 weights and 1 input in registers
      // (with more live vectors V8's register allocator spills, at half the speed)
      const k0 = v128.load32_splat(w0 + t);
      const k1 = v128.load32_splat(w1 + t);
      let xv = v128.load(s);
      a0 = madd(k0, xv, a0);
      c0 = madd(k1, xv, c0);
      xv = v128.load(s, 16);
      a1 = madd(k0, xv, a1);
      c1 = madd(k1, xv, c1);
      xv = v128.load(s, 32);
      a2 = madd(k0, xv, a2);
      c2 = madd(k1, xv, c2);
      xv = v128.load(s, 48);
      a3 = madd(k0, xv, a3);
      c3 = madd(k1, xv, c3);
      s += 4;
      t += 4;
    }
  }
  if (cols == COLS && !accumulate) {
    // the common case stored here: a call per row costs as much as a fifth of the taps
    v128.store(out0, a0);
    v128.store(out0, a1, 16);
    v128.store(out0, a2, 32);
    v128.store(out0, a3, 48);
    if (out1 != 0) {
      v128.store(out1, c0);
      v128.store(out1, c1, 16);
      v128.store(out1, c2, 32);
      v128.store(out1, c3, 48);
    }
    return;
  }
  storeColumns(out0, a0, a1, a2, a3, cols, accumulate);
  if (out1 != 0) storeColumns(out1, c0, c1, c2, c3, cols, accumulate);
}

/** The input planes the direct kernels read: the padded batch when padded, else x. */
function planes(desc: usize): usize {
  return isPadded(desc) ? ptr(desc, ConvDesc.padded) : ptr(desc, ConvDesc.x);
}

/**
 * Forward, chunk `chunk` of `chunks`: units (image, group). ConvDesc.mode 1 adds to the output (no
 * bias) instead of writing it.
 */
export function convDirectForwardTask(desc: usize, chunk: i32, chunks: i32): void {
  const groups = field(desc, ConvDesc.groups);
  const cOut = field(desc, ConvDesc.cOut);
  const cOutG = cOut / groups;
  const cIn = field(desc, ConvDesc.cIn);
  const kh = field(desc, ConvDesc.kh);
  const kw = field(desc, ConvDesc.kw);
  const hOut = field(desc, ConvDesc.hOut);
  const wOut = field(desc, ConvDesc.wOut);
  const wp = paddedW(desc);
  const plane = <usize>paddedH(desc) * <usize>wp;
  const x = planes(desc);
  const weights = ptr(desc, ConvDesc.packed);
  const bias = ptr(desc, ConvDesc.biasOrDy);
  const out = ptr(desc, ConvDesc.out);
  const accumulate = field(desc, ConvDesc.mode) == 1;
  const taps = (<usize>(kh * kw)) << 2;
  const rowBytes = (<usize>wp) << 2;
  const units = field(desc, ConvDesc.n) * groups;
  const end = chunkStart(units, chunk + 1, chunks);
  for (let unit = chunkStart(units, chunk, chunks); unit < end; unit++) {
    const n = unit / groups;
    const g = unit - n * groups;
    const xPlane = x + ((<usize>(n * cIn + g) * plane) << 2);
    for (let c = g * cOutG; c < (g + 1) * cOutG; c += 2) {
      const pair = c + 1 < (g + 1) * cOutG;
      const w0 = weights + <usize>c * taps;
      const w1 = pair ? w0 + taps : w0;
      const b0: f32 = bias != 0 && !accumulate ? load<f32>(bias + ((<usize>c) << 2)) : 0;
      const b1: f32 = bias != 0 && !accumulate && pair ? load<f32>(bias + ((<usize>(c + 1)) << 2)) : 0;
      const y0 = out + ((<usize>(n * cOut + c) * <usize>hOut * <usize>wOut) << 2);
      const y1 = pair ? y0 + ((<usize>hOut * <usize>wOut) << 2) : 0;
      for (let i = 0; i < hOut; i++) {
        const row = (<usize>(i * wOut)) << 2;
        for (let j0 = 0; j0 < wOut; j0 += COLS) {
          const col = (<usize>j0) << 2;
          const src = xPlane + <usize>i * rowBytes + col;
          const cols = min(COLS, wOut - j0);
          if (pair) forwardTile(src, rowBytes, kh, kw, w0, w1, b0, b1, y0 + row + col, y1 + row + col, cols, accumulate);
          else forwardTile(src, rowBytes, kh, kw, w0, w0, b0, b1, y0 + row + col, 0, cols, accumulate);
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
 * Taps whose weight gradients one pass accumulates in registers, for two channels: 2 × 4
 * accumulators. (With 2 × 5, V8's register allocator spills and the kernel runs at half speed.)
 */
const TAPS: i32 = 4;

/** The sum of `v`'s four lanes, `(v0 + v1) + (v2 + v3)`. */
// @ts-ignore: decorator
@inline
function lanesSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * Backward-weight, chunk `chunk` of `chunks` (chunks split the images): for each pair of output
 * channels and each group of up to 4 taps (u, v) — taps in the order of the weights, u-major, a
 * group may span two kernel rows — one pass over the chunk's images keeps the 2 × 4 gradients in
 * vector accumulators,
 *
 *     acc[c, t] += ∂L/∂Y[n, c, i, j…j+3] · X[n, i + u_t, j + v_t … j + v_t + 3]
 *
 * (X being the padded plane of c's group), then writes their lane sums into the chunk's partial
 * dw at `ConvDesc.partials + chunk·cOut·kh·kw·4` (added up by `sumPartials`); the accumulators
 * live in the chunk's 128 bytes at `ConvDesc.scratch + chunk·ConvDesc.scratchStride`. Each tap's sum runs
 * over n, i, j in the same order whichever group it is in. A row's last, partial vector has both
 * operands zeroed past the row's end, so whatever lies there adds nothing.
 */
export function convDirectWeightTask(desc: usize, chunk: i32, chunks: i32): void {
  const groups = field(desc, ConvDesc.groups);
  const cOut = field(desc, ConvDesc.cOut);
  const cOutG = cOut / groups;
  const cIn = field(desc, ConvDesc.cIn);
  const kh = field(desc, ConvDesc.kh);
  const kw = field(desc, ConvDesc.kw);
  const hOut = field(desc, ConvDesc.hOut);
  const wOut = field(desc, ConvDesc.wOut);
  const wp = paddedW(desc);
  const plane = <usize>paddedH(desc) * <usize>wp;
  const x = planes(desc);
  const dy = ptr(desc, ConvDesc.biasOrDy);
  const taps = kh * kw;
  const rowBytes = (<usize>wp) << 2;
  const outPlane = (<usize>hOut * <usize>wOut) << 2;
  const batch = field(desc, ConvDesc.n);
  const n0 = chunkStart(batch, chunk, chunks);
  const n1 = chunkStart(batch, chunk + 1, chunks);
  const partial = ptr(desc, ConvDesc.partials) + ((<usize>(chunk * cOut * taps)) << 2);
  const acc = ptr(desc, ConvDesc.scratch) + <usize>chunk * ptr(desc, ConvDesc.scratchStride);
  for (let c = 0; c < cOut;) {
    const g = c / cOutG;
    // two channels of the same group share the input plane
    const pair = c + 1 < cOut && (c + 1) / cOutG == g;
    for (let t0 = 0; t0 < taps; t0 += TAPS) {
      const count = min(TAPS, taps - t0);
      // each tap's offset in the input plane; taps past the last repeat it (computed, not stored)
      const x0 = tapOffset(t0, kw, rowBytes);
      const x1 = tapOffset(min(t0 + 1, taps - 1), kw, rowBytes);
      const x2 = tapOffset(min(t0 + 2, taps - 1), kw, rowBytes);
      const x3 = tapOffset(min(t0 + 3, taps - 1), kw, rowBytes);
      // the 2 × 4 accumulators live in `acc` between images (see weightPlane)
      memory.fill(acc, 0, 8 * 16);
      for (let n = n0; n < n1; n++) {
        const xPlane = x + ((<usize>(n * cIn + g) * plane) << 2);
        const d0Plane = dy + <usize>(n * cOut + c) * outPlane;
        if (pair) weightPlane(acc, xPlane, d0Plane, d0Plane + outPlane, hOut, wOut, rowBytes, x0, x1, x2, x3);
        else weightPlane(acc, xPlane, d0Plane, d0Plane, hOut, wOut, rowBytes, x0, x1, x2, x3);
      }
      const w0 = partial + ((<usize>(c * taps + t0)) << 2);
      const w1 = w0 + ((<usize>taps) << 2);
      for (let t = 0; t < count; t++) {
        store<f32>(w0 + ((<usize>t) << 2), lanesSum(v128.load(acc + ((<usize>t) << 4))));
        if (pair) store<f32>(w1 + ((<usize>t) << 2), lanesSum(v128.load(acc + ((<usize>(4 + t)) << 4))));
      }
    }
    c += pair ? 2 : 1;
  }
}

/**
 * One image's share of convDirectWeightTask's pass: the 2 × 4 accumulators at `acc` (a0…a3 for
 * channel c's taps, then b0…b3 for c + 1's) plus, over the hOut rows of the output plane,
 * `∂L/∂Y[c, i, j…j+3] · X[i + u_t, j + v_t …]` with the taps at byte offsets x0…x3. A function of
 * its own, called from two places so that binaryen does not inline it: inside the task V8's
 * register allocator spills the task's pointers in this loop (measured at half the speed).
 */
function weightPlane(
  acc: usize,
  xPlane: usize,
  d0Plane: usize,
  d1Plane: usize,
  hOut: i32,
  wOut: i32,
  rowBytes: usize,
  x0: usize,
  x1: usize,
  x2: usize,
  x3: usize,
): void {
  const full = wOut & ~3;
  const rest = wOut - full;
  let a0 = v128.load(acc);
  let a1 = v128.load(acc, 16);
  let a2 = v128.load(acc, 32);
  let a3 = v128.load(acc, 48);
  let b0 = v128.load(acc, 64);
  let b1 = v128.load(acc, 80);
  let b2 = v128.load(acc, 96);
  let b3 = v128.load(acc, 112);
  for (let i = 0; i < hOut; i++) {
    const xr = xPlane + <usize>i * rowBytes;
    const d0r = d0Plane + ((<usize>(i * wOut)) << 2);
    const d1r = d1Plane + ((<usize>(i * wOut)) << 2);
    for (let j = 0; j < full; j += 4) {
      const o = (<usize>j) << 2;
      const d0 = v128.load(d0r + o);
      const d1 = v128.load(d1r + o);
      let xv = v128.load(xr + o + x0);
      a0 = madd(d0, xv, a0);
      b0 = madd(d1, xv, b0);
      xv = v128.load(xr + o + x1);
      a1 = madd(d0, xv, a1);
      b1 = madd(d1, xv, b1);
      xv = v128.load(xr + o + x2);
      a2 = madd(d0, xv, a2);
      b2 = madd(d1, xv, b2);
      xv = v128.load(xr + o + x3);
      a3 = madd(d0, xv, a3);
      b3 = madd(d1, xv, b3);
    }
    if (rest != 0) {
      // the row's last columns: lanes past its end zeroed in both operands
      const o = (<usize>full) << 2;
      const d0 = keepLanes(v128.load(d0r + o), rest);
      const d1 = keepLanes(v128.load(d1r + o), rest);
      let xv = keepLanes(v128.load(xr + o + x0), rest);
      a0 = madd(d0, xv, a0);
      b0 = madd(d1, xv, b0);
      xv = keepLanes(v128.load(xr + o + x1), rest);
      a1 = madd(d0, xv, a1);
      b1 = madd(d1, xv, b1);
      xv = keepLanes(v128.load(xr + o + x2), rest);
      a2 = madd(d0, xv, a2);
      b2 = madd(d1, xv, b2);
      xv = keepLanes(v128.load(xr + o + x3), rest);
      a3 = madd(d0, xv, a3);
      b3 = madd(d1, xv, b3);
    }
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
  v128.store(acc, b0, 64);
  v128.store(acc, b1, 80);
  v128.store(acc, b2, 96);
  v128.store(acc, b3, 112);
}

/** Byte offset of tap `t` (u-major over a kernel `kw` wide) from a window's top-left corner. */
// @ts-ignore: decorator
@inline
function tapOffset(t: i32, kw: i32, rowBytes: usize): usize {
  const u = t / kw;
  return <usize>u * rowBytes + ((<usize>(t - u * kw)) << 2);
}
