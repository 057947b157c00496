/** Max and average pooling on wasm (assembly/pool.ts). Backward kernels accumulate into dx, as the reference. */
import type { PoolGeometry } from '../../ops/pool-geometry.js';
import type { WasmContext } from './context.js';

/** Max pooling of x `[n,c,h,w]` into out `[n,c,hOut,wOut]`, recording each maximum's index within its plane. */
export function maxPool2d(ctx: WasmContext, x: Float32Array, g: PoolGeometry, out: Float32Array, argmax: Int32Array): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const xp = arena.put(x);
    const outp = arena.alloc(out.length * 4);
    const ap = arena.alloc(argmax.length * 4);
    kernels.maxPool(xp, outp, ap, g.n * g.c, g.h, g.w, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.hOut, g.wOut);
    arena.take(outp, out);
    arena.take(ap, argmax);
  });
}

/** `dx[argmax] += dy` (dx is not copied in when `dxZeroed`). */
export function maxPool2dBackward(ctx: WasmContext, dy: Float32Array, argmax: Int32Array, g: PoolGeometry, dx: Float32Array, dxZeroed: boolean): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const dyp = arena.put(dy);
    const ap = arena.put(argmax);
    const dxp = dxZeroed ? arena.zeros(dx.length * 4) : arena.put(dx);
    kernels.maxPoolBackward(dyp, ap, dxp, g.n * g.c, g.h, g.w, g.hOut, g.wOut);
    arena.take(dxp, dx);
  });
}

/** Average pooling of x `[n,c,h,w]` into out `[n,c,hOut,wOut]`. */
export function avgPool2d(ctx: WasmContext, x: Float32Array, g: PoolGeometry, out: Float32Array): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const xp = arena.put(x);
    const outp = arena.alloc(out.length * 4);
    kernels.avgPool(xp, outp, g.n * g.c, g.h, g.w, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.hOut, g.wOut, g.countIncludePad ? 1 : 0);
    arena.take(outp, out);
  });
}

/** `dx += dy / divisor` over each window (dx is not copied in when `dxZeroed`). */
export function avgPool2dBackward(ctx: WasmContext, dy: Float32Array, g: PoolGeometry, dx: Float32Array, dxZeroed: boolean): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const dyp = arena.put(dy);
    const dxp = dxZeroed ? arena.zeros(dx.length * 4) : arena.put(dx);
    kernels.avgPoolBackward(dyp, dxp, g.n * g.c, g.h, g.w, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.hOut, g.wOut, g.countIncludePad ? 1 : 0);
    arena.take(dxp, dx);
  });
}
