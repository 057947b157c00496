/**
 * im2col fused into GEMM packing, and its adjoint col2im.
 *
 * The convolution `Y = W ⊗ X` of one image and group is the product `W[cOutG × Kc] ·
 * col[Kc × P]` where row `(c, u, v)` of `col` (c-major, as W's layout) and column `j = (i, jj)`
 * (an output position, row-major) hold `X[c, i·sh − pt + u·dh, jj·sw − pl + v·dw]`, or 0 in
 * the padding. `col` is never materialized: its NR-column panels (forward) and its transpose's
 * panels (backward-weight) are computed on the fly from a zero-padded copy of the image (see
 * `padPlanes`), so no tap needs a bounds check; backward-input adds a computed gradient of `col`
 * onto the padded image (`col2imAdd`).
 *
 * Offsets below are in elements of the padded image `[cInG, hp, wp]`: a position's window starts
 * at `i·sh·wp + jj·sw`, a tap `(c, u, v)` adds `c·hp·wp + u·dh·wp + v·dw` (the tap table).
 */
import { NR } from './abi';

/**
 * Fills `table` (Kc i32) with the element offset of every tap `(c, u, v)` (c-major, as the
 * weights) in a padded image of planes hp × wp.
 */
export function tapOffsets(table: usize, cInG: i32, kh: i32, kw: i32, dh: i32, dw: i32, hp: i32, wp: i32): void {
  for (let c = 0; c < cInG; c++) {
    for (let u = 0; u < kh; u++) {
      for (let v = 0; v < kw; v++) {
        store<i32>(table, c * hp * wp + u * dh * wp + v * dw);
        table += 4;
      }
    }
  }
}

/** Copies `n` floats from `src` to `dst` (which do not overlap), four at a time. */
// @ts-ignore: decorator
@inline
function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + ((<usize>i) << 2), v128.load(src + ((<usize>i) << 2)));
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), load<f32>(src + ((<usize>i) << 2)));
}

/** Zeroes `n` floats at `dst`, four at a time. */
// @ts-ignore: decorator
@inline
function zeroFloats(dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + ((<usize>i) << 2), zero);
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), 0);
}

/**
 * Copies `planes` planes of h × w at `src` into `dst` as (pt + h + pb) × (pl + w + pr) planes
 * with zero borders. Rows are short (7–32 values in a CNN), so they are copied and the borders
 * zeroed by SIMD loops: bulk `memory.copy`/`memory.fill` calls cost more than the copy at that size.
 */
export function padPlanes(dst: usize, src: usize, planes: i32, h: i32, w: i32, pt: i32, pb: i32, pl: i32, pr: i32): void {
  const wp = pl + w + pr;
  const rowBytes = (<usize>w) << 2;
  for (let c = 0; c < planes; c++) {
    zeroFloats(dst, pt * wp + pl);
    dst += (<usize>(pt * wp + pl)) << 2;
    for (let y = 0; y < h; y++) {
      copyFloats(dst, src, w);
      src += rowBytes;
      dst += rowBytes;
      const gap = y + 1 < h ? pr + pl : pr;
      zeroFloats(dst, gap);
      dst += (<usize>gap) << 2;
    }
    zeroFloats(dst, pb * wp);
    dst += (<usize>(pb * wp)) << 2;
  }
}

/** `dst[y, x] += padded[pt + y, pl + x]` over `planes` planes of h × w. */
export function addInterior(dst: usize, padded: usize, planes: i32, h: i32, w: i32, pt: i32, pb: i32, pl: i32, pr: i32): void {
  const wp = pl + w + pr;
  for (let c = 0; c < planes; c++) {
    let src = padded + ((<usize>(pt * wp + pl)) << 2);
    for (let y = 0; y < h; y++) {
      let x = 0;
      for (; x + 4 <= w; x += 4) {
        const d = dst + ((<usize>x) << 2);
        v128.store(d, f32x4.add(v128.load(d), v128.load(src + ((<usize>x) << 2))));
      }
      for (; x < w; x++) {
        const d = dst + ((<usize>x) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(src + ((<usize>x) << 2)));
      }
      dst += (<usize>w) << 2;
      src += (<usize>wp) << 2;
    }
    padded += (<usize>((pt + h + pb) * wp)) << 2;
  }
}

/** `columnLanes` flag: the NR lanes read consecutive input elements (one image row, stride 1). */
export const CONTIGUOUS_IN: i32 = 1;
/** `columnLanes` flag: all lanes belong to one image, so their outputs are consecutive. */
export const ONE_IMAGE: i32 = 2;

/**
 * Describes the NR lanes of the column panel `[j0, j0 + cols)`, where columns run over the
 * positions of all images (`j = n·P + i·wOut + jj`): `laneIn` (NR i32) gets each lane's window
 * offset in the padded input (`n·imageIn + i·sh·wp + jj·sw`), `laneOut` its output offset
 * (`n·imageOut + i·wOut + jj`). Missing lanes repeat lane 0 (a valid address whose values are
 * never stored). Returns CONTIGUOUS_IN | ONE_IMAGE flags.
 */
export function columnLanes(
  laneIn: usize,
  laneOut: usize,
  j0: i32,
  cols: i32,
  p: i32,
  wOut: i32,
  sh: i32,
  sw: i32,
  wp: i32,
  imageIn: i32,
  imageOut: i32,
): i32 {
  let n = j0 / p;
  let pos = j0 - n * p;
  let i = pos / wOut;
  let jj = pos - i * wOut;
  const firstImage = n;
  let lastImage = n;
  let sameRow = true;
  for (let l = 0; l < NR; l++) {
    if (l < cols) {
      store<i32>(laneIn + ((<usize>l) << 2), n * imageIn + i * sh * wp + jj * sw);
      store<i32>(laneOut + ((<usize>l) << 2), n * imageOut + pos);
      lastImage = n;
      if (l > 0 && jj == 0) sameRow = false;
      pos++;
      jj++;
      if (jj == wOut) {
        jj = 0;
        i++;
        if (pos == p) {
          pos = 0;
          i = 0;
          n++;
        }
      }
    } else {
      store<i32>(laneIn + ((<usize>l) << 2), load<i32>(laneIn));
      store<i32>(laneOut + ((<usize>l) << 2), load<i32>(laneOut));
    }
  }
  let flags = firstImage == lastImage ? ONE_IMAGE : 0;
  if (cols == NR && sw == 1 && sameRow) flags |= CONTIGUOUS_IN;
  return flags;
}

/**
 * Stores (or adds) rows `[0, rows)` and lanes `[0, cols)` of an MR×NR tile (NR floats per row) to
 * `out + 4·(laneOut[l] + r·rowStride)`.
 */
export function storeTile(tile: usize, out: usize, laneOut: usize, rows: i32, cols: i32, rowStride: i32, accumulate: bool): void {
  for (let r = 0; r < rows; r++) {
    const row = out + ((<usize>(r * rowStride)) << 2);
    const src = tile + ((<usize>(r * NR)) << 2);
    for (let l = 0; l < cols; l++) {
      const d = row + ((<usize>load<i32>(laneOut + ((<usize>l) << 2))) << 2);
      let v = load<f32>(src + ((<usize>l) << 2));
      if (accumulate) v += load<f32>(d);
      store<f32>(d, v);
    }
  }
}

/**
 * One Kc × NR panel of `col` (forward B operand) gathered lane by lane: for every tap, the NR
 * values of the panel's columns. `xp` is the group's first padded channel, `idx` the lanes' input
 * offsets. (A panel whose lanes are consecutive input values is not packed: the micro-kernel
 * reads it in place, see gemm.ts `microKernelTaps`.)
 */
export function packColPanel(dst: usize, xp: usize, table: usize, idx: usize, kc: i32): void {
  const o0 = xp + ((<usize>load<i32>(idx)) << 2);
  const o1 = xp + ((<usize>load<i32>(idx, 4)) << 2);
  const o2 = xp + ((<usize>load<i32>(idx, 8)) << 2);
  const o3 = xp + ((<usize>load<i32>(idx, 12)) << 2);
  const o4 = xp + ((<usize>load<i32>(idx, 16)) << 2);
  const o5 = xp + ((<usize>load<i32>(idx, 20)) << 2);
  const o6 = xp + ((<usize>load<i32>(idx, 24)) << 2);
  const o7 = xp + ((<usize>load<i32>(idx, 28)) << 2);
  for (let t = 0; t < kc; t++) {
    const off = (<usize>load<i32>(table + ((<usize>t) << 2))) << 2;
    let v = v128.load32_zero(o0 + off);
    v = v128.load32_lane(o1 + off, v, 1);
    v = v128.load32_lane(o2 + off, v, 2);
    v = v128.load32_lane(o3 + off, v, 3);
    let u = v128.load32_zero(o4 + off);
    u = v128.load32_lane(o5 + off, u, 1);
    u = v128.load32_lane(o6 + off, u, 2);
    u = v128.load32_lane(o7 + off, u, 3);
    v128.store(dst, v);
    v128.store(dst, u, 16);
    dst += NR << 2;
  }
}

/**
 * Adds `col` (Kc × P, row-major: the gradient of one image's `col`) onto the group's padded
 * input gradient `dxp`: the adjoint of im2col. Each tap's row of P values is added output row
 * by output row, wOut values at a time (SIMD when stride 1).
 */
export function col2imAdd(dxp: usize, col: usize, table: usize, kc: i32, hOut: i32, wOut: i32, sh: i32, sw: i32, wp: i32): void {
  const rowStep = (<usize>(sh * wp)) << 2;
  for (let t = 0; t < kc; t++) {
    let dst = dxp + ((<usize>load<i32>(table + ((<usize>t) << 2))) << 2);
    for (let i = 0; i < hOut; i++) {
      let x = 0;
      if (sw == 1) {
        for (; x + 4 <= wOut; x += 4) {
          const d = dst + ((<usize>x) << 2);
          v128.store(d, f32x4.add(v128.load(d), v128.load(col + ((<usize>x) << 2))));
        }
      }
      for (; x < wOut; x++) {
        const d = dst + ((<usize>(x * sw)) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(col + ((<usize>x) << 2)));
      }
      col += (<usize>wOut) << 2;
      dst += rowStep;
    }
  }
}

/**
 * One P × NR panel of `colᵀ` (backward-weight B operand): for every output position, the values
 * of taps `[t0, t0 + cols)`. `xp` is the group's padded image. With stride 1, 4 taps × 4
 * consecutive positions are read as 4 vectors and transposed.
 */
export function packColTPanel(
  dst: usize,
  xp: usize,
  table: usize,
  t0: i32,
  cols: i32,
  tapOffs: usize,
  hOut: i32,
  wOut: i32,
  sh: i32,
  sw: i32,
  wp: i32,
): void {
  for (let r = 0; r < NR; r++) store<i32>(tapOffs + ((<usize>r) << 2), r < cols ? load<i32>(table + ((<usize>(t0 + r)) << 2)) : 0);
  const rowStep = sh * wp;
  if (sw == 1) {
    const q0 = xp + ((<usize>load<i32>(tapOffs)) << 2);
    const q1 = xp + ((<usize>load<i32>(tapOffs, 4)) << 2);
    const q2 = xp + ((<usize>load<i32>(tapOffs, 8)) << 2);
    const q3 = xp + ((<usize>load<i32>(tapOffs, 12)) << 2);
    const q4 = xp + ((<usize>load<i32>(tapOffs, 16)) << 2);
    const q5 = xp + ((<usize>load<i32>(tapOffs, 20)) << 2);
    const q6 = xp + ((<usize>load<i32>(tapOffs, 24)) << 2);
    const q7 = xp + ((<usize>load<i32>(tapOffs, 28)) << 2);
    for (let i = 0; i < hOut; i++) {
      const row = (<usize>(i * rowStep)) << 2;
      let jj = 0;
      for (; jj + 4 <= wOut; jj += 4) {
        const s = row + ((<usize>jj) << 2);
        transposeStore(dst, v128.load(q0 + s), v128.load(q1 + s), v128.load(q2 + s), v128.load(q3 + s));
        transposeStore(dst + 16, v128.load(q4 + s), v128.load(q5 + s), v128.load(q6 + s), v128.load(q7 + s));
        dst += (4 * NR) << 2;
      }
      for (; jj < wOut; jj++) {
        const s = row + ((<usize>jj) << 2);
        store<f32>(dst, load<f32>(q0 + s));
        store<f32>(dst, load<f32>(q1 + s), 4);
        store<f32>(dst, load<f32>(q2 + s), 8);
        store<f32>(dst, load<f32>(q3 + s), 12);
        store<f32>(dst, load<f32>(q4 + s), 16);
        store<f32>(dst, load<f32>(q5 + s), 20);
        store<f32>(dst, load<f32>(q6 + s), 24);
        store<f32>(dst, load<f32>(q7 + s), 28);
        dst += NR << 2;
      }
    }
  } else {
    for (let i = 0; i < hOut; i++) {
      for (let jj = 0; jj < wOut; jj++) {
        const s = xp + ((<usize>(i * rowStep + jj * sw)) << 2);
        for (let r = 0; r < NR; r++)
          store<f32>(dst + ((<usize>r) << 2), load<f32>(s + ((<usize>load<i32>(tapOffs + ((<usize>r) << 2))) << 2)));
        dst += NR << 2;
      }
    }
  }
}

/** Stores rows a, b, c, d (4 taps × 4 positions) transposed: 4 positions × 4 taps, NR floats apart. */
// @ts-ignore: decorator
@inline
function transposeStore(dst: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = f32x4.shuffle(a, b, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(c, d, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst, f32x4.shuffle(t0, t2, 2, 3, 6, 7), NR << 2);
  v128.store(dst, f32x4.shuffle(t1, t3, 0, 1, 4, 5), (2 * NR) << 2);
  v128.store(dst, f32x4.shuffle(t1, t3, 2, 3, 6, 7), (3 * NR) << 2);
}
