/** Matrix products on the wasm GEMM (assembly/matmul.ts): batched `matmul`, and `gemm` with transposed operands and a bias. */
import { type WasmContext, chunksFor, threadsFor } from './context.js';
import { GemmDesc, MatmulDesc } from './abi.generated.js';
import { NR, packedABytes, panelBytes } from './layout.js';

/** `out[t] = a[t] · b[t]` for `batch` row-major products `(m×k) · (k×n)`. */
export function matmul(
  ctx: WasmContext,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  batch: number,
  m: number,
  k: number,
  n: number,
): void {
  if (out.length === 0) return;
  const { arena } = ctx;
  arena.scope(() => {
    const ap = arena.read(a);
    const bp = arena.read(b);
    const outp = arena.alloc(out.length * 4);
    const units = batch * Math.ceil(n / NR);
    const threads = threadsFor(ctx, 2 * batch * m * k * n, units);
    const chunks = chunksFor(threads, units);
    const stride = packedABytes(m, k) + panelBytes(k);
    const scratch = arena.alloc(stride * chunks);
    const desc = arena.descriptor(MatmulDesc, { batch, m, k, n, a: ap, b: bp, out: outp, scratch, scratchStride: stride });
    ctx.pool.run('matmulTask', desc, threads, chunks);
    arena.take(outp, out);
  });
}

/**
 * `out = op(a) · op(b) (+ bias)`: op(a) m×k (a stored k×m when `transA`), op(b) k×n (b stored
 * n×k when `transB`), bias `[n]` added to every row; out m×n, overwritten.
 */
export function gemm(
  ctx: WasmContext,
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  if (out.length === 0) return;
  const { arena } = ctx;
  arena.scope(() => {
    const ap = arena.read(a);
    const bp = arena.read(b);
    const biasp = bias === null ? 0 : arena.read(bias);
    const outp = arena.alloc(out.length * 4);
    gemmAt(ctx, ap, bp, biasp, outp, m, k, n, transA, transB);
    arena.take(outp, out);
  });
}

/** `gemm` on operands already in memory (bias 0: none); writes the m×n result at `outp`. */
export function gemmAt(
  ctx: WasmContext,
  ap: number,
  bp: number,
  biasp: number,
  outp: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  if (m * n === 0) return;
  const { arena } = ctx;
  arena.scope(() => {
    const units = Math.ceil(n / NR);
    const threads = threadsFor(ctx, 2 * m * k * n, units);
    const chunks = chunksFor(threads, units);
    const stride = panelBytes(k) + NR * 4;
    const packed = arena.alloc(packedABytes(m, k));
    const scratch = arena.alloc(stride * chunks);
    const desc = arena.descriptor(GemmDesc, {
      packed,
      m,
      k,
      n,
      a: ap,
      b: bp,
      bias: biasp,
      out: outp,
      transA: transA ? 1 : 0,
      transB: transB ? 1 : 0,
      scratch,
      scratchStride: stride,
    });
    ctx.kernels.gemmPack(desc);
    ctx.pool.run('gemmTask', desc, threads, chunks);
  });
}
