/**
 * LeNet-5's trainable subsampling (SPEC S9) in one pass per plane, forward and backward, as tasks
 * whose chunks are runs of planes (images × channels):
 *
 *     forward    p = pool(x),  z = p·w[c] + b[c] (two f32 roundings),  y = f(z)
 *     backward   ∂L/∂z = ∂L/∂y·f'(y),  ∂L/∂p = ∂L/∂z·w[c],  ∂L/∂x += up(∂L/∂p)
 *
 * and the per-channel sums `∂L/∂b = Σ ∂L/∂z`, `∂L/∂w = Σ ∂L/∂z·p` on the calling thread, in memory
 * order in f64 (`subsamplingSums`), so that every result is the separate kernels' (pool.ts,
 * elementwise.ts, reduce.ts) bit for bit. Descriptor: `SubsampleDesc` (abi.ts).
 */
import { SubsampleDesc } from './abi';
import { chunkStart, field, ptr } from './desc';
import { unary, unaryBackward } from './elementwise';
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from './pool';

/** The pooling and the activation of a subsampling: `SubsampleDesc.pool` 0 average, 1 max; activation a UnaryCode or −1. */
const MAX_POOL = 1;

/** The planes of chunk `chunk`: `[first, first + count)`. */
// @ts-ignore: decorator
@inline
function planesOf(desc: usize, chunk: i32, chunks: i32): i64 {
  const planes = field(desc, SubsampleDesc.planes);
  const first = chunkStart(planes, chunk, chunks);
  return ((<i64>first) << 32) | (<i64>(chunkStart(planes, chunk + 1, chunks) - first));
}

/** Forward: chunk `chunk` of `chunks` pools, scales, shifts and activates its planes into `out`, keeping `pooled` (and `argmax`). */
export function subsamplingTask(desc: usize, chunk: i32, chunks: i32): void {
  const range = planesOf(desc, chunk, chunks);
  const first = <i32>(range >> 32);
  const count = <i32>(range & 0xffffffff);
  const channels = field(desc, SubsampleDesc.channels);
  const h = field(desc, SubsampleDesc.h);
  const w = field(desc, SubsampleDesc.w);
  const hOut = field(desc, SubsampleDesc.hOut);
  const wOut = field(desc, SubsampleDesc.wOut);
  const per = hOut * wOut;
  const activation = field(desc, SubsampleDesc.activation);
  for (let plane = first; plane < first + count; plane++) {
    const x = ptr(desc, SubsampleDesc.x) + ((<usize>plane * <usize>h * <usize>w) << 2);
    const o = (<usize>plane * <usize>per) << 2;
    const pooled = ptr(desc, SubsampleDesc.pooled) + o;
    if (field(desc, SubsampleDesc.pool) == MAX_POOL) {
      maxPool(
        x,
        pooled,
        ptr(desc, SubsampleDesc.argmax) + o,
        1,
        h,
        w,
        field(desc, SubsampleDesc.kh),
        field(desc, SubsampleDesc.kw),
        field(desc, SubsampleDesc.strideH),
        field(desc, SubsampleDesc.strideW),
        field(desc, SubsampleDesc.padH),
        field(desc, SubsampleDesc.padW),
        hOut,
        wOut,
        false,
      );
    } else {
      avgPool(
        x,
        pooled,
        1,
        h,
        w,
        field(desc, SubsampleDesc.kh),
        field(desc, SubsampleDesc.kw),
        field(desc, SubsampleDesc.strideH),
        field(desc, SubsampleDesc.strideW),
        field(desc, SubsampleDesc.padH),
        field(desc, SubsampleDesc.padW),
        hOut,
        wOut,
        field(desc, SubsampleDesc.countIncludePad),
      );
    }
    const c = plane % channels;
    const scale = load<f32>(ptr(desc, SubsampleDesc.weight) + ((<usize>c) << 2));
    const shift = load<f32>(ptr(desc, SubsampleDesc.bias) + ((<usize>c) << 2));
    const out = ptr(desc, SubsampleDesc.out) + o;
    // z = f32(f32(p·w) + b), four at a time
    let i = 0;
    for (; i + 4 <= per; i += 4) {
      const at = (<usize>i) << 2;
      v128.store(out + at, f32x4.add(f32x4.mul(v128.load(pooled + at), f32x4.splat(scale)), f32x4.splat(shift)));
    }
    for (; i < per; i++) {
      const at = (<usize>i) << 2;
      store<f32>(out + at, load<f32>(pooled + at) * scale + shift);
    }
    if (activation >= 0) unary(activation, out, out, per, 0);
  }
}

/**
 * Backward: chunk `chunk` of `chunks` writes `∂L/∂z` (`SubsampleDesc.dz`) and `∂L/∂p`
 * (`SubsampleDesc.dp`) of its planes, and adds `up(∂L/∂p)` to their `dx` (zeroed first unless
 * `SubsampleDesc.mode` is 1; skipped when `dx` is 0).
 */
export function subsamplingBackwardTask(desc: usize, chunk: i32, chunks: i32): void {
  const range = planesOf(desc, chunk, chunks);
  const first = <i32>(range >> 32);
  const count = <i32>(range & 0xffffffff);
  const channels = field(desc, SubsampleDesc.channels);
  const h = field(desc, SubsampleDesc.h);
  const w = field(desc, SubsampleDesc.w);
  const hOut = field(desc, SubsampleDesc.hOut);
  const wOut = field(desc, SubsampleDesc.wOut);
  const per = hOut * wOut;
  const activation = field(desc, SubsampleDesc.activation);
  const dxBase = ptr(desc, SubsampleDesc.dx);
  for (let plane = first; plane < first + count; plane++) {
    const o = (<usize>plane * <usize>per) << 2;
    const dy = ptr(desc, SubsampleDesc.dy) + o;
    const y = ptr(desc, SubsampleDesc.out) + o;
    const dz = ptr(desc, SubsampleDesc.dz) + o;
    const dp = ptr(desc, SubsampleDesc.dp) + o;
    const scale = load<f32>(ptr(desc, SubsampleDesc.weight) + ((<usize>(plane % channels)) << 2));
    // ∂L/∂z = dy·f'(y) (f' written with y, as unaryBackward reads it), then ∂L/∂p = f32(∂L/∂z·w)
    if (activation >= 0) unaryBackward(activation, y, y, dy, dz, per, 0);
    else memory.copy(dz, dy, (<usize>per) << 2);
    let i = 0;
    for (; i + 4 <= per; i += 4) {
      const at = (<usize>i) << 2;
      v128.store(dp + at, f32x4.mul(v128.load(dz + at), f32x4.splat(scale)));
    }
    for (; i < per; i++) {
      const at = (<usize>i) << 2;
      store<f32>(dp + at, load<f32>(dz + at) * scale);
    }
    if (dxBase == 0) continue;
    const dx = dxBase + ((<usize>plane * <usize>h * <usize>w) << 2);
    const accumulate = field(desc, SubsampleDesc.mode) == 1;
    if (!accumulate) memory.fill(dx, 0, (<usize>h * <usize>w) << 2);
    if (!accumulate && spread2x2(desc, dp, dx, h, w, hOut, wOut)) continue;
    if (field(desc, SubsampleDesc.pool) == MAX_POOL) {
      maxPoolBackward(dp, ptr(desc, SubsampleDesc.argmax) + o, dx, 1, h, w, hOut, wOut);
    } else {
      avgPoolBackward(
        dp,
        dx,
        1,
        h,
        w,
        field(desc, SubsampleDesc.kh),
        field(desc, SubsampleDesc.kw),
        field(desc, SubsampleDesc.strideH),
        field(desc, SubsampleDesc.strideW),
        field(desc, SubsampleDesc.padH),
        field(desc, SubsampleDesc.padW),
        hOut,
        wOut,
        field(desc, SubsampleDesc.countIncludePad),
      );
    }
  }
}

/**
 * For 2×2 average pooling with stride 2 and no padding, into a zeroed plane: `dx = ∂L/∂p / 4`
 * over each window, four windows at a time (`f32(dp·0.25) + 0` is the reference's
 * `f32(0 + dp/4)`: the sum turns −0 into +0).
 * False, doing nothing, for any other pooling.
 */
function spread2x2(desc: usize, dp: usize, dx: usize, h: i32, w: i32, hOut: i32, wOut: i32): bool {
  if (field(desc, SubsampleDesc.pool) == MAX_POOL || field(desc, SubsampleDesc.kh) != 2 || field(desc, SubsampleDesc.kw) != 2) return false;
  if (field(desc, SubsampleDesc.strideH) != 2 || field(desc, SubsampleDesc.strideW) != 2) return false;
  if (field(desc, SubsampleDesc.padH) != 0 || field(desc, SubsampleDesc.padW) != 0) return false;
  const quarter = f32x4.splat(0.25);
  const zero = f32x4.splat(0);
  for (let i = 0; i < hOut; i++) {
    const src = dp + ((<usize>(i * wOut)) << 2);
    const row0 = dx + ((<usize>(2 * i * w)) << 2);
    const row1 = row0 + ((<usize>w) << 2);
    let j = 0;
    for (; j + 4 <= wOut; j += 4) {
      const s = f32x4.add(f32x4.mul(v128.load(src + ((<usize>j) << 2)), quarter), zero);
      const first = f32x4.shuffle(s, s, 0, 0, 1, 1);
      const second = f32x4.shuffle(s, s, 2, 2, 3, 3);
      const at = (<usize>(2 * j)) << 2;
      v128.store(row0 + at, first);
      v128.store(row0 + at, second, 16);
      v128.store(row1 + at, first);
      v128.store(row1 + at, second, 16);
    }
    for (; j < wOut; j++) {
      const s = load<f32>(src + ((<usize>j) << 2)) * <f32>0.25 + <f32>0;
      const at = (<usize>(2 * j)) << 2;
      store<f32>(row0 + at, s);
      store<f32>(row0 + at, s, 4);
      store<f32>(row1 + at, s);
      store<f32>(row1 + at, s, 4);
    }
  }
  return true;
}

/**
 * `∂L/∂b[c] = Σ ∂L/∂z` and `∂L/∂w[c] = Σ ∂L/∂z·p` over the images and positions of channel c, in
 * memory order in f64 (as `sumInto`), into `SubsampleDesc.db` and `SubsampleDesc.dw` (each
 * skipped when 0); `acc` is scratch for 2·channels f64.
 */
export function subsamplingSums(desc: usize, acc: usize): void {
  const channels = field(desc, SubsampleDesc.channels);
  const per = field(desc, SubsampleDesc.hOut) * field(desc, SubsampleDesc.wOut);
  const planes = field(desc, SubsampleDesc.planes);
  const dz = ptr(desc, SubsampleDesc.dz);
  const pooled = ptr(desc, SubsampleDesc.pooled);
  const dbAcc = acc;
  const dwAcc = acc + ((<usize>channels) << 3);
  memory.fill(acc, 0, (<usize>channels) << 4);
  let i: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const c = (<usize>(plane % channels)) << 3;
    let sb = load<f64>(dbAcc + c);
    let sw = load<f64>(dwAcc + c);
    for (let k = 0; k < per; k++) {
      const d = load<f32>(dz + (i << 2));
      sb += <f64>d;
      sw += <f64>(d * load<f32>(pooled + (i << 2)));
      i++;
    }
    store<f64>(dbAcc + c, sb);
    store<f64>(dwAcc + c, sw);
  }
  const db = ptr(desc, SubsampleDesc.db);
  const dw = ptr(desc, SubsampleDesc.dw);
  for (let c = 0; c < channels; c++) {
    if (db != 0) store<f32>(db + ((<usize>c) << 2), <f32>load<f64>(dbAcc + ((<usize>c) << 3)));
    if (dw != 0) store<f32>(dw + ((<usize>c) << 2), <f32>load<f64>(dwAcc + ((<usize>c) << 3)));
  }
}
