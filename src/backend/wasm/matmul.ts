/** Batched matrix product on the wasm GEMM (assembly/matmul.ts). */
import { type WasmContext, threadsFor } from './context.js';
import { NR, packedABytes, panelBytes } from './layout.js';

/** `out[t] = a[t] · b[t]` for `batch` row-major products `(m×k) · (k×n)`. */
export function matmul(ctx: WasmContext, a: Float32Array, b: Float32Array, out: Float32Array, batch: number, m: number, k: number, n: number): void {
  if (out.length === 0) return;
  const { arena } = ctx;
  arena.scope(() => {
    const ap = arena.put(a);
    const bp = arena.put(b);
    const outp = arena.alloc(out.length * 4);
    const threads = threadsFor(ctx, 2 * batch * m * k * n, batch * Math.ceil(n / NR));
    const stride = packedABytes(m, k) + panelBytes(k);
    const scratch = arena.alloc(stride * threads);
    const desc = arena.ints([batch, m, k, n, ap, bp, outp, scratch, stride]);
    ctx.pool.run('matmulTask', desc, threads);
    arena.take(outp, out);
  });
}
