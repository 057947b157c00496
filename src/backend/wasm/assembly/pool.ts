/**
 * Max and average pooling over `planes = n·c` channel planes of h × w, windows kh × kw with
 * stride (sh, sw) and padding (ph, pw), output hOut × wOut (see pool-geometry.ts). Sums and
 * divisions are in f64 as in the reference backend.
 */
import { chunkStart, field, ptr } from './desc';
import { PoolDesc } from './abi';
import { derivativeScalar, relu4 } from './elementwise';
import { hi, lo, narrow } from './f64x4';

/**
 * One output row of 2×2, stride-2 max pooling without padding, four outputs at a time: the
 * candidates are visited in the reference's order (row by row), and a candidate replaces the
 * best when it is larger or NaN, exactly as `maxPool` does. A row whose width is not a multiple
 * of 4 ends with four outputs that overlap the previous ones (recomputed to the same values).
 * Returns the first column not done.
 */
function maxPool2x2Row(row0: usize, row1: usize, firstAt: i32, w: i32, out: usize, argmax: usize, wOut: i32, relu: bool): i32 {
  let j = 0;
  for (;;) {
    if (j + 4 > wOut) {
      // the last, overlapping group: its windows must lie inside the row
      if (j == wOut || wOut < 4 || 2 * wOut > w) break;
      j = wOut - 4;
    }
    if (2 * j + 8 > w) break;
    maxPool2x2Four(row0, row1, firstAt, j, w, out, argmax, relu);
    j += 4;
  }
  return j;
}

/** Outputs `j … j+3` of a `maxPool2x2Row`. */
// @ts-ignore: decorator
@inline
function maxPool2x2Four(row0: usize, row1: usize, firstAt: i32, j: i32, w: i32, out: usize, argmax: usize, relu: bool): void {
  const off = (<usize>(2 * j)) << 2;
  let a0 = v128.load(row0 + off);
  let a1 = v128.load(row0 + off, 16);
  let b0 = v128.load(row1 + off);
  let b1 = v128.load(row1 + off, 16);
  if (relu) {
    a0 = relu4(a0);
    a1 = relu4(a1);
    b0 = relu4(b0);
    b1 = relu4(b1);
  }
  let best = f32x4.shuffle(a0, a1, 0, 2, 4, 6);
  let at = i32x4.add(i32x4.splat(firstAt + 2 * j), i32x4(0, 2, 4, 6));
  let c = f32x4.shuffle(a0, a1, 1, 3, 5, 7);
  let take = v128.or(f32x4.gt(c, best), f32x4.ne(c, c));
  best = v128.bitselect(c, best, take);
  at = v128.bitselect(i32x4.add(at, i32x4.splat(1)), at, take);
  const base = i32x4.add(i32x4.splat(firstAt + w + 2 * j), i32x4(0, 2, 4, 6));
  c = f32x4.shuffle(b0, b1, 0, 2, 4, 6);
  take = v128.or(f32x4.gt(c, best), f32x4.ne(c, c));
  best = v128.bitselect(c, best, take);
  at = v128.bitselect(base, at, take);
  c = f32x4.shuffle(b0, b1, 1, 3, 5, 7);
  take = v128.or(f32x4.gt(c, best), f32x4.ne(c, c));
  best = v128.bitselect(c, best, take);
  at = v128.bitselect(i32x4.add(base, i32x4.splat(1)), at, take);
  v128.store(out + ((<usize>j) << 2), best);
  v128.store(argmax + ((<usize>j) << 2), at);
}

/**
 * One output row of 2×2, stride-2 average pooling without padding, four outputs at a time: each
 * window's sum in f64 in the reference's order (row by row, `((a + b) + c) + d`), times 1/4. A row
 * whose width is not a multiple of 4 ends with four outputs that overlap the previous ones
 * (recomputed to the same values). Returns the first column not done.
 */
export function avgPool2x2Row(row0: usize, row1: usize, w: i32, out: usize, wOut: i32): i32 {
  let j = 0;
  for (;;) {
    if (j + 4 > wOut) {
      if (j == wOut || wOut < 4 || 2 * wOut > w) break;
      j = wOut - 4;
    }
    if (2 * j + 8 > w) break;
    const off = (<usize>(2 * j)) << 2;
    const a0 = v128.load(row0 + off);
    const a1 = v128.load(row0 + off, 16);
    const b0 = v128.load(row1 + off);
    const b1 = v128.load(row1 + off, 16);
    const ae = f32x4.shuffle(a0, a1, 0, 2, 4, 6);
    const ao = f32x4.shuffle(a0, a1, 1, 3, 5, 7);
    const be = f32x4.shuffle(b0, b1, 0, 2, 4, 6);
    const bo = f32x4.shuffle(b0, b1, 1, 3, 5, 7);
    const quarter = f64x2.splat(0.25);
    const l = f64x2.mul(f64x2.add(f64x2.add(f64x2.add(lo(ae), lo(ao)), lo(be)), lo(bo)), quarter);
    const h = f64x2.mul(f64x2.add(f64x2.add(f64x2.add(hi(ae), hi(ao)), hi(be)), hi(bo)), quarter);
    v128.store(out + ((<usize>j) << 2), narrow(l, h));
    j += 4;
  }
  return j;
}

/**
 * Max pooling; `argmax` gets each maximum's flat index within its plane (the first on ties; a
 * window holding NaN gives NaN at its last NaN, as PyTorch). With `relu`, pools `relu(x)` (each
 * value is rectified as it is read, NaN kept): the result and argmax of rectifying x first and
 * pooling after.
 */
export function maxPool(
  x: usize,
  out: usize,
  argmax: usize,
  planes: i32,
  h: i32,
  w: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  hOut: i32,
  wOut: i32,
  relu: bool,
): void {
  const fast2x2 = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0;
  let o: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const xo = x + ((<usize>plane * <usize>h * <usize>w) << 2);
    for (let i = 0; i < hOut; i++) {
      const y0 = i * sh - ph;
      const yStart = max(y0, 0);
      const yEnd = min(y0 + kh, h);
      let j = 0;
      if (fast2x2 && y0 + 2 <= h) {
        const row0 = xo + ((<usize>(y0 * w)) << 2);
        j = maxPool2x2Row(row0, row0 + ((<usize>w) << 2), y0 * w, w, out + (o << 2), argmax + (o << 2), wOut, relu);
        o += <usize>j;
      }
      for (; j < wOut; j++) {
        const x0 = j * sw - pw;
        const xStart = max(x0, 0);
        const xEnd = min(x0 + kw, w);
        let best: f32 = -Infinity;
        let bestAt = -1;
        for (let y = yStart; y < yEnd; y++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const at = y * w + xx;
            let value = load<f32>(xo + ((<usize>at) << 2));
            if (relu && value < 0) value = 0;
            if (value > best || bestAt < 0 || isNaN(value)) {
              best = value;
              bestAt = at;
            }
          }
        }
        store<f32>(out + (o << 2), best);
        store<i32>(argmax + (o << 2), bestAt);
        o++;
      }
    }
  }
}

/** `dx[plane, argmax] += dy` for every output. */
export function maxPoolBackward(dy: usize, argmax: usize, dx: usize, planes: i32, h: i32, w: i32, hOut: i32, wOut: i32): void {
  const per = hOut * wOut;
  let o: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const dxo = dx + ((<usize>plane * <usize>h * <usize>w) << 2);
    for (let k = 0; k < per; k++) {
      const d = dxo + ((<usize>load<i32>(argmax + (o << 2))) << 2);
      store<f32>(d, load<f32>(d) + load<f32>(dy + (o << 2)));
      o++;
    }
  }
}

/**
 * An activation's derivative on a max pooling's input gradient `da` (after `maxPoolBackward`):
 * `dz[plane, argmax] = da[plane, argmax] · f'(y)` for every output `y` of the pooled activation
 * `f` (UnaryCode), which is `f`'s value at that maximum; `dz` (zeroed by the caller) keeps 0 at
 * positions that are no window's maximum. Writing `dz` from `da` multiplies a position that is
 * the maximum of several overlapping windows once, as `unaryBackward` on the whole map would.
 */
export function scaleMaxima(
  da: usize,
  y: usize,
  argmax: usize,
  dz: usize,
  op: i32,
  planes: i32,
  h: i32,
  w: i32,
  hOut: i32,
  wOut: i32,
): void {
  const per = hOut * wOut;
  let o: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const offset = (<usize>plane * <usize>h * <usize>w) << 2;
    for (let k = 0; k < per; k++) {
      const at = offset + ((<usize>load<i32>(argmax + (o << 2))) << 2);
      const yo = <f64>load<f32>(y + (o << 2));
      store<f32>(dz + at, <f32>derivativeScalar(op, yo, yo, <f64>load<f32>(da + at), 0));
      o++;
    }
  }
}

/**
 * The ReLU's gradient on a max pooling's input gradient (after `maxPoolBackward`):
 * `dx[plane, argmax] = y ≤ 0 ? 0 : dx[plane, argmax]` for every output `y` of the pooled ReLU,
 * which is ≤ 0 exactly where the ReLU's input at that maximum was (and NaN where it was NaN,
 * passing the gradient as `unaryBackward` does). Positions that are no window's maximum hold 0
 * and keep it.
 */
export function maskMaxima(y: usize, argmax: usize, dx: usize, planes: i32, h: i32, w: i32, hOut: i32, wOut: i32): void {
  const per = hOut * wOut;
  let o: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const dxo = dx + ((<usize>plane * <usize>h * <usize>w) << 2);
    for (let k = 0; k < per; k++) {
      const d = dxo + ((<usize>load<i32>(argmax + (o << 2))) << 2);
      if (load<f32>(y + (o << 2)) <= 0) store<f32>(d, 0);
      o++;
    }
  }
}

/**
 * Max pooling (of relu(x) when PoolDesc.relu is 1) as a parallel task: chunk `chunk` pools its run of
 * the planes (descriptor P_*).
 */
export function maxPoolTask(desc: usize, chunk: i32, chunks: i32): void {
  const planes = field(desc, PoolDesc.planes);
  const first = chunkStart(planes, chunk, chunks);
  const count = chunkStart(planes, chunk + 1, chunks) - first;
  if (count <= 0) return;
  const h = field(desc, PoolDesc.h);
  const w = field(desc, PoolDesc.w);
  const hOut = field(desc, PoolDesc.hOut);
  const wOut = field(desc, PoolDesc.wOut);
  const inPlane = (<usize>h * <usize>w) << 2;
  const outPlane = (<usize>hOut * <usize>wOut) << 2;
  maxPool(
    ptr(desc, PoolDesc.x) + <usize>first * inPlane,
    ptr(desc, PoolDesc.out) + <usize>first * outPlane,
    ptr(desc, PoolDesc.argmax) + <usize>first * outPlane,
    count,
    h,
    w,
    field(desc, PoolDesc.kh),
    field(desc, PoolDesc.kw),
    field(desc, PoolDesc.strideH),
    field(desc, PoolDesc.strideW),
    field(desc, PoolDesc.padH),
    field(desc, PoolDesc.padW),
    hOut,
    wOut,
    field(desc, PoolDesc.relu) != 0,
  );
}

/**
 * The gradient of max pooling (of relu(x) when PoolDesc.relu is 1) as a parallel task: chunk `chunk`
 * zeroes its run of the planes of dx (PoolDesc.x), routes dy (PoolDesc.out) to the maxima (PoolDesc.argmax) and,
 * with relu, masks them by the pooled outputs (PoolDesc.y): `maxPoolBackward` then `maskMaxima`.
 */
export function maxPoolBackwardTask(desc: usize, chunk: i32, chunks: i32): void {
  const planes = field(desc, PoolDesc.planes);
  const first = chunkStart(planes, chunk, chunks);
  const count = chunkStart(planes, chunk + 1, chunks) - first;
  if (count <= 0) return;
  const h = field(desc, PoolDesc.h);
  const w = field(desc, PoolDesc.w);
  const hOut = field(desc, PoolDesc.hOut);
  const wOut = field(desc, PoolDesc.wOut);
  const inPlane = (<usize>h * <usize>w) << 2;
  const outPlane = (<usize>hOut * <usize>wOut) << 2;
  const dx = ptr(desc, PoolDesc.x) + <usize>first * inPlane;
  const dy = ptr(desc, PoolDesc.out) + <usize>first * outPlane;
  const argmax = ptr(desc, PoolDesc.argmax) + <usize>first * outPlane;
  memory.fill(dx, 0, <usize>count * inPlane);
  maxPoolBackward(dy, argmax, dx, count, h, w, hOut, wOut);
  if (field(desc, PoolDesc.relu) != 0) maskMaxima(ptr(desc, PoolDesc.y) + <usize>first * outPlane, argmax, dx, count, h, w, hOut, wOut);
}

/** Average pooling; `countIncludePad` counts the padded window (clipped to the padded input) in the divisor. */
export function avgPool(
  x: usize,
  out: usize,
  planes: i32,
  h: i32,
  w: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  hOut: i32,
  wOut: i32,
  countIncludePad: i32,
): void {
  const fast2x2 = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0;
  let o: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const xo = x + ((<usize>plane * <usize>h * <usize>w) << 2);
    for (let i = 0; i < hOut; i++) {
      const y0 = i * sh - ph;
      const yStart = max(y0, 0);
      const yEnd = min(y0 + kh, h);
      const spanH = countIncludePad ? min(y0 + kh, h + ph) - y0 : yEnd - yStart;
      let j = 0;
      if (fast2x2) {
        const row0 = xo + ((<usize>(y0 * w)) << 2);
        j = avgPool2x2Row(row0, row0 + ((<usize>w) << 2), w, out + (o << 2), wOut);
        o += <usize>j;
      }
      for (; j < wOut; j++) {
        const x0 = j * sw - pw;
        const xStart = max(x0, 0);
        const xEnd = min(x0 + kw, w);
        const spanW = countIncludePad ? min(x0 + kw, w + pw) - x0 : xEnd - xStart;
        let s: f64 = 0;
        for (let y = yStart; y < yEnd; y++) {
          for (let xx = xStart; xx < xEnd; xx++) s += <f64>load<f32>(xo + ((<usize>(y * w + xx)) << 2));
        }
        store<f32>(out + (o << 2), <f32>(s / <f64>(spanH * spanW)));
        o++;
      }
    }
  }
}

/** Spreads each delta evenly over its window: `dx += dy / divisor`. */
export function avgPoolBackward(
  dy: usize,
  dx: usize,
  planes: i32,
  h: i32,
  w: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  hOut: i32,
  wOut: i32,
  countIncludePad: i32,
): void {
  let o: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const dxo = dx + ((<usize>plane * <usize>h * <usize>w) << 2);
    for (let i = 0; i < hOut; i++) {
      const y0 = i * sh - ph;
      const yStart = max(y0, 0);
      const yEnd = min(y0 + kh, h);
      const spanH = countIncludePad ? min(y0 + kh, h + ph) - y0 : yEnd - yStart;
      for (let j = 0; j < wOut; j++) {
        const x0 = j * sw - pw;
        const xStart = max(x0, 0);
        const xEnd = min(x0 + kw, w);
        const spanW = countIncludePad ? min(x0 + kw, w + pw) - x0 : xEnd - xStart;
        const share = <f64>load<f32>(dy + (o << 2)) / <f64>(spanH * spanW);
        for (let y = yStart; y < yEnd; y++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const d = dxo + ((<usize>(y * w + xx)) << 2);
            store<f32>(d, <f32>(<f64>load<f32>(d) + share));
          }
        }
        o++;
      }
    }
  }
}
