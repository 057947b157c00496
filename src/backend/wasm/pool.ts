/**
 * Max and average pooling on wasm (assembly/pool.ts). Backward kernels accumulate into dx, as the
 * reference. Max pooling and its gradient into a zeroed dx split their planes across threads.
 */
import type { PoolGeometry } from '../../geometry/pool.js';
import { type WasmContext, chunksFor, threadsFor } from './context.js';
import { PoolDesc } from './abi.generated.js';

/** Runs a max pooling task over g's planes: splitting pays from some 30,000 elements per thread. */
function runPoolTask(ctx: WasmContext, task: 'maxPoolTask' | 'maxPoolBackwardTask', desc: number, g: PoolGeometry): void {
  const threads = threadsFor(ctx, 64 * g.n * g.c * g.h * g.w, g.n * g.c);
  ctx.pool.run(task, desc, threads, chunksFor(threads, g.n * g.c));
}

/** The max pooling descriptor (assembly/abi.ts PoolDesc) in linear memory. */
function poolDescriptor(ctx: WasmContext, x: number, out: number, argmax: number, y: number, g: PoolGeometry, relu: boolean): number {
  return ctx.arena.descriptor(PoolDesc, { ...g, x, out, argmax, y, planes: g.n * g.c, relu: relu ? 1 : 0 });
}

/**
 * Max pooling of x (of relu(x) when `relu`) already in memory at `xp` into `outp`, with each
 * maximum's index within its plane at `ap`.
 */
export function maxPool2dAt(ctx: WasmContext, xp: number, g: PoolGeometry, outp: number, ap: number, relu: boolean): void {
  ctx.arena.scope(() => runPoolTask(ctx, 'maxPoolTask', poolDescriptor(ctx, xp, outp, ap, 0, g, relu), g));
}

/**
 * `dx = up(dy)`, the gradient of max pooling, written over dx at `dxp` (which may hold anything);
 * with `relu` (pooling of relu(x)), masked by the signs of the pooled outputs at `yp`.
 */
export function maxPool2dBackwardAt(
  ctx: WasmContext,
  dyp: number,
  ap: number,
  yp: number,
  g: PoolGeometry,
  dxp: number,
  relu: boolean,
): void {
  ctx.arena.scope(() => runPoolTask(ctx, 'maxPoolBackwardTask', poolDescriptor(ctx, dxp, dyp, ap, yp, g, relu), g));
}

/** Max pooling of x `[n,c,h,w]` into out `[n,c,hOut,wOut]`, recording each maximum's index within its plane. */
export function maxPool2d(ctx: WasmContext, x: Float32Array, g: PoolGeometry, out: Float32Array, argmax: Int32Array): void {
  const { arena } = ctx;
  arena.scope(() => {
    const xp = arena.read(x);
    const outp = arena.alloc(out.length * 4);
    const ap = arena.alloc(argmax.length * 4);
    maxPool2dAt(ctx, xp, g, outp, ap, false);
    arena.take(outp, out);
    arena.take(ap, argmax);
  });
}

/** `dx[argmax] += dy` (dx is not copied in when `dxZeroed`). */
export function maxPool2dBackward(
  ctx: WasmContext,
  dy: Float32Array,
  argmax: Int32Array,
  g: PoolGeometry,
  dx: Float32Array,
  dxZeroed: boolean,
): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const dyp = arena.read(dy);
    const ap = arena.read(argmax);
    if (dxZeroed) {
      const dxp = arena.alloc(dx.length * 4);
      maxPool2dBackwardAt(ctx, dyp, ap, 0, g, dxp, false);
      arena.take(dxp, dx);
    } else {
      const dxp = arena.update(dx);
      kernels.maxPoolBackward(dyp, ap, dxp, g.n * g.c, g.h, g.w, g.hOut, g.wOut);
      arena.take(dxp, dx);
    }
  });
}

/** Average pooling of x `[n,c,h,w]` into out `[n,c,hOut,wOut]`. */
export function avgPool2d(ctx: WasmContext, x: Float32Array, g: PoolGeometry, out: Float32Array): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const xp = arena.read(x);
    const outp = arena.alloc(out.length * 4);
    kernels.avgPool(
      xp,
      outp,
      g.n * g.c,
      g.h,
      g.w,
      g.kh,
      g.kw,
      g.strideH,
      g.strideW,
      g.padH,
      g.padW,
      g.hOut,
      g.wOut,
      g.countIncludePad ? 1 : 0,
    );
    arena.take(outp, out);
  });
}

/** `dx += dy / divisor` over each window (dx is not copied in when `dxZeroed`). */
export function avgPool2dBackward(ctx: WasmContext, dy: Float32Array, g: PoolGeometry, dx: Float32Array, dxZeroed: boolean): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const dyp = arena.read(dy);
    const dxp = dxZeroed ? arena.zeros(dx.length * 4) : arena.update(dx);
    kernels.avgPoolBackward(
      dyp,
      dxp,
      g.n * g.c,
      g.h,
      g.w,
      g.kh,
      g.kw,
      g.strideH,
      g.strideW,
      g.padH,
      g.padW,
      g.hOut,
      g.wOut,
      g.countIncludePad ? 1 : 0,
    );
    arena.take(dxp, dx);
  });
}
