/**
 * The register-blocked SIMD matrix product every heavy kernel is built on:
 *
 *     C[M×N] (=, +=) A[M×K] · B[K×N]
 *
 * A is packed into panels of MR rows (for each k, MR consecutive values), B into panels of NR
 * columns (for each k, NR consecutive values); the micro-kernel multiplies one A panel by one B
 * panel into an MR×NR tile held in 8 SIMD registers (4 rows × 2 f32x4), streaming k. Panels
 * are zero-padded, so partial tiles only differ in how they are stored.
 *
 * Strides are in elements, pointers in bytes.
 */

import { madd } from './madd';
import { MR, NR } from './abi';

/** The tile starts from zero and overwrites C. */
export const INIT_ZERO: i32 = 0;
/** The tile is added to C. */
export const INIT_ACCUMULATE: i32 = 1;
/** The tile starts from `bias[row]` and overwrites C. */
export const INIT_BIAS: i32 = 2;
/** The tile starts from `bias[col]` (NR readable values at `bias`) and overwrites C. */
export const INIT_COLUMN_BIAS: i32 = 3;

/** Stores (or adds) the first `nr` lanes of the 8-lane row `v0|v1` at `p`. */
function storePartialRow(p: usize, v0: v128, v1: v128, nr: i32, accumulate: bool): void {
  for (let l = 0; l < nr; l++) {
    let v: f32;
    switch (l) {
      case 0:
        v = f32x4.extract_lane(v0, 0);
        break;
      case 1:
        v = f32x4.extract_lane(v0, 1);
        break;
      case 2:
        v = f32x4.extract_lane(v0, 2);
        break;
      case 3:
        v = f32x4.extract_lane(v0, 3);
        break;
      case 4:
        v = f32x4.extract_lane(v1, 0);
        break;
      case 5:
        v = f32x4.extract_lane(v1, 1);
        break;
      case 6:
        v = f32x4.extract_lane(v1, 2);
        break;
      default:
        v = f32x4.extract_lane(v1, 3);
        break;
    }
    const q = p + ((<usize>l) << 2);
    if (accumulate) v += load<f32>(q);
    store<f32>(q, v);
  }
}

/** Stores (or adds) one 8-lane tile row at `p`. */
// @ts-ignore: decorator
@inline
function storeRow(p: usize, v0: v128, v1: v128, nr: i32, accumulate: bool): void {
  if (nr == NR) {
    if (accumulate) {
      v0 = f32x4.add(v0, v128.load(p));
      v1 = f32x4.add(v1, v128.load(p, 16));
    }
    v128.store(p, v0);
    v128.store(p, v1, 16);
  } else {
    storePartialRow(p, v0, v1, nr, accumulate);
  }
}

/**
 * One MR×NR tile: `C[0:mr, 0:nr] (=, +=) Apanel · Bpanel` over `k` steps.
 * `ap` is a packed A panel (k × MR), `bp` a packed B panel (k × NR), `c` the tile's top-left
 * element with row stride `ldc` bytes. `init` is INIT_ZERO, INIT_ACCUMULATE, INIT_BIAS (then
 * `bias` points at the tile's first row's bias) or INIT_COLUMN_BIAS (then at its first column's).
 */
export function microKernel(ap: usize, bp: usize, k: i32, c: usize, ldc: usize, mr: i32, nr: i32, init: i32, bias: usize): void {
  let c00 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  if (init == INIT_BIAS) {
    c00 = v128.load32_splat(bias);
    if (mr > 1) c10 = v128.load32_splat(bias, 4);
    if (mr > 2) c20 = v128.load32_splat(bias, 8);
    if (mr > 3) c30 = v128.load32_splat(bias, 12);
  }
  let c01 = c00;
  let c11 = c10;
  let c21 = c20;
  let c31 = c30;
  if (init == INIT_COLUMN_BIAS) {
    c00 = v128.load(bias);
    c01 = v128.load(bias, 16);
    c10 = c00;
    c11 = c01;
    c20 = c00;
    c21 = c01;
    c30 = c00;
    c31 = c01;
  }
  for (let i = 0; i < k; i++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += 16;
    bp += 32;
  }
  const accumulate = init == INIT_ACCUMULATE;
  storeRow(c, c00, c01, nr, accumulate);
  if (mr > 1) storeRow(c + ldc, c10, c11, nr, accumulate);
  if (mr > 2) storeRow(c + 2 * ldc, c20, c21, nr, accumulate);
  if (mr > 3) storeRow(c + 3 * ldc, c30, c31, nr, accumulate);
}

/**
 * `microKernel` with the B panel read where it lies instead of packed: step t's NR values are the
 * NR consecutive floats at `x + 4·table[t]` (a convolution's contiguous column panel: `x` the
 * panel's first window in the padded input, `table` the taps' offsets — see im2col.ts). The same
 * products in the same order as packing the panel first and calling `microKernel`, without the
 * packing pass: for a layer with few output channels a packed panel is used by only a few tiles,
 * and packing it costs as much as a quarter of the multiplications.
 */
export function microKernelTaps(
  ap: usize,
  x: usize,
  table: usize,
  k: i32,
  c: usize,
  ldc: usize,
  mr: i32,
  nr: i32,
  init: i32,
  bias: usize,
): void {
  let c00 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  if (init == INIT_BIAS) {
    c00 = v128.load32_splat(bias);
    if (mr > 1) c10 = v128.load32_splat(bias, 4);
    if (mr > 2) c20 = v128.load32_splat(bias, 8);
    if (mr > 3) c30 = v128.load32_splat(bias, 12);
  }
  let c01 = c00;
  let c11 = c10;
  let c21 = c20;
  let c31 = c30;
  for (let i = 0; i < k; i++) {
    const bp = x + ((<usize>load<i32>(table + ((<usize>i) << 2))) << 2);
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += 16;
  }
  const accumulate = init == INIT_ACCUMULATE;
  storeRow(c, c00, c01, nr, accumulate);
  if (mr > 1) storeRow(c + ldc, c10, c11, nr, accumulate);
  if (mr > 2) storeRow(c + 2 * ldc, c20, c21, nr, accumulate);
  if (mr > 3) storeRow(c + 3 * ldc, c30, c31, nr, accumulate);
}

/** Bytes of `m` rows packed into MR-row panels over `k` steps. */
export function packedABytes(m: i32, k: i32): usize {
  return <usize>(((m + MR - 1) / MR) * MR) * <usize>k * 4;
}

/**
 * Packs A (element (i, p) at `a + 4·(i·rsa + p·csa)`, M×K) into ⌈M/MR⌉ consecutive panels of
 * k × MR values, zero-padding the last panel's missing rows.
 */
export function packA(dst: usize, a: usize, rsa: i32, csa: i32, m: i32, k: i32): void {
  packAStrided(dst, a, rsa, csa, m, k, (<usize>(k * MR)) << 2);
}

/**
 * `packA` with panels `panelStride` bytes apart, so that several k-ranges (one per image, say)
 * can be packed one after the other into panels of a longer k.
 */
export function packAStrided(dst0: usize, a: usize, rsa: i32, csa: i32, m: i32, k: i32, panelStride: usize): void {
  for (let i0 = 0; i0 < m; i0 += MR) {
    let dst = dst0 + <usize>(i0 / MR) * panelStride;
    const rows = min(MR, m - i0);
    const base = a + ((<usize>(i0 * rsa)) << 2);
    if (rows == MR && rsa == 1) {
      // the MR values of one k are contiguous
      const step = (<usize>csa) << 2;
      let src = base;
      for (let p = 0; p < k; p++) {
        v128.store(dst, v128.load(src));
        src += step;
        dst += 16;
      }
    } else if (rows == MR && csa == 1) {
      // rows are contiguous along k: 4×4 transposes
      const rs = (<usize>rsa) << 2;
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        const src = base + ((<usize>p) << 2);
        const r0 = v128.load(src);
        const r1 = v128.load(src + rs);
        const r2 = v128.load(src + 2 * rs);
        const r3 = v128.load(src + 3 * rs);
        const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
        const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
        v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(dst, f32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
        v128.store(dst, f32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
        v128.store(dst, f32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
        dst += 64;
      }
      for (; p < k; p++) {
        const src = base + ((<usize>p) << 2);
        store<f32>(dst, load<f32>(src));
        store<f32>(dst, load<f32>(src + rs), 4);
        store<f32>(dst, load<f32>(src + 2 * rs), 8);
        store<f32>(dst, load<f32>(src + 3 * rs), 12);
        dst += 16;
      }
    } else {
      for (let p = 0; p < k; p++) {
        for (let r = 0; r < MR; r++) {
          const v: f32 = r < rows ? load<f32>(base + ((<usize>(r * rsa + p * csa)) << 2)) : 0;
          store<f32>(dst + ((<usize>r) << 2), v);
        }
        dst += 16;
      }
    }
  }
}

/**
 * Packs columns `[0, cols)` (cols ≤ NR) of B (element (p, j) at `b + 4·(p·rsb + j·csb)`, K
 * rows) into one panel of k × NR values, zero-padding missing columns.
 */
export function packBPanel(dst: usize, b: usize, rsb: i32, csb: i32, cols: i32, k: i32): void {
  if (cols == NR && csb == 1) {
    const step = (<usize>rsb) << 2;
    for (let p = 0; p < k; p++) {
      v128.store(dst, v128.load(b));
      v128.store(dst, v128.load(b, 16), 16);
      b += step;
      dst += 32;
    }
  } else if (cols == NR && rsb == 1) {
    // columns are contiguous along k: two 4×4 transposes per 4 steps
    const cs = (<usize>csb) << 2;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      for (let half = 0; half < 2; half++) {
        const src = b + ((<usize>p) << 2) + <usize>(half * 4) * cs;
        const r0 = v128.load(src);
        const r1 = v128.load(src + cs);
        const r2 = v128.load(src + 2 * cs);
        const r3 = v128.load(src + 3 * cs);
        const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
        const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const d = dst + ((<usize>half) << 4);
        v128.store(d, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(d, f32x4.shuffle(t0, t2, 2, 3, 6, 7), 32);
        v128.store(d, f32x4.shuffle(t1, t3, 0, 1, 4, 5), 64);
        v128.store(d, f32x4.shuffle(t1, t3, 2, 3, 6, 7), 96);
      }
      dst += 128;
    }
    for (; p < k; p++) {
      for (let j = 0; j < NR; j++) store<f32>(dst + ((<usize>j) << 2), load<f32>(b + ((<usize>(p + j * csb)) << 2)));
      dst += 32;
    }
  } else {
    for (let p = 0; p < k; p++) {
      for (let j = 0; j < NR; j++) {
        const v: f32 = j < cols ? load<f32>(b + ((<usize>(p * rsb + j * csb)) << 2)) : 0;
        store<f32>(dst + ((<usize>j) << 2), v);
      }
      dst += 32;
    }
  }
}
