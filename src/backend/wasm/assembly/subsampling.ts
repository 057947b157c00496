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
import { derivativeScalar, unary } from './elementwise';
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
    for (let i = 0; i < per; i++) {
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
    const scale = <f64>load<f32>(ptr(desc, SubsampleDesc.weight) + ((<usize>(plane % channels)) << 2));
    for (let i = 0; i < per; i++) {
      const at = (<usize>i) << 2;
      const g = load<f32>(dy + at);
      const yi = <f64>load<f32>(y + at);
      const d = activation >= 0 ? <f32>derivativeScalar(activation, yi, yi, <f64>g, 0) : g;
      store<f32>(dz + at, d);
      store<f32>(dp + at, <f32>(<f64>d * scale));
    }
    if (dxBase == 0) continue;
    const dx = dxBase + ((<usize>plane * <usize>h * <usize>w) << 2);
    if (field(desc, SubsampleDesc.mode) != 1) memory.fill(dx, 0, (<usize>h * <usize>w) << 2);
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
