/**
 * LeNet-5's trainable subsampling on wasm (assembly/subsampling.ts): the forward and backward pass
 * as tasks over planes, and the parameter gradients' sums on the calling thread.
 */
import type { SubsamplingSpec } from '../backend.js';
import type { PoolGeometry } from '../../geometry/pool.js';
import { SubsampleDesc, UnaryCode } from './abi.generated.js';
import type { DescriptorValues } from './arena.js';
import { type WasmContext, chunksFor, threadsFor } from './context.js';

/** Where a subsampling's operands are in linear memory (0 where unused). */
type Operands = Omit<
  DescriptorValues<typeof SubsampleDesc>,
  keyof PoolGeometry | 'planes' | 'channels' | 'pool' | 'activation' | 'countIncludePad'
>;

const NONE: Operands = { x: 0, out: 0, pooled: 0, argmax: 0, weight: 0, bias: 0, dy: 0, dz: 0, dp: 0, dx: 0, dw: 0, db: 0, mode: 0 };

function descriptor(ctx: WasmContext, g: PoolGeometry, s: SubsamplingSpec, o: Operands): number {
  return ctx.arena.descriptor(SubsampleDesc, {
    ...g,
    ...o,
    planes: g.n * g.c,
    channels: g.c,
    countIncludePad: g.countIncludePad ? 1 : 0,
    pool: s.pool === 'max' ? 1 : 0,
    activation: s.activation === 'none' ? -1 : UnaryCode[s.activation],
  });
}

/** Runs a subsampling task over g's planes: splitting pays from some 30,000 input elements per thread. */
function run(ctx: WasmContext, task: 'subsamplingTask' | 'subsamplingBackwardTask', desc: number, g: PoolGeometry): void {
  const threads = threadsFor(ctx, 64 * g.n * g.c * g.h * g.w, g.n * g.c);
  ctx.pool.run(task, desc, threads, chunksFor(threads, g.n * g.c));
}

/** `subsampling` of x already in memory at `xp` into `outp`, `pooledp` (and `argmaxp`, or 0): the forward task. */
export function subsamplingAt(
  ctx: WasmContext,
  xp: number,
  wp: number,
  bp: number,
  g: PoolGeometry,
  s: SubsamplingSpec,
  outp: number,
  pooledp: number,
  argmaxp: number,
): void {
  ctx.arena.scope(() => {
    const o: Operands = { ...NONE, x: xp, weight: wp, bias: bp, out: outp, pooled: pooledp, argmax: argmaxp };
    run(ctx, 'subsamplingTask', descriptor(ctx, g, s, o), g);
  });
}

/**
 * `subsamplingBackward` on operands in memory: writes (or with `accumulate` adds) ∂L/∂x at `dxp`
 * (0: none), ∂L/∂w at `dwp` and ∂L/∂b at `dbp` (0: none).
 */
export function subsamplingBackwardAt(
  ctx: WasmContext,
  dyp: number,
  yp: number,
  pooledp: number,
  argmaxp: number,
  wp: number,
  g: PoolGeometry,
  s: SubsamplingSpec,
  dxp: number,
  dwp: number,
  dbp: number,
  accumulate: boolean,
): void {
  const { arena, kernels } = ctx;
  const size = g.n * g.c * g.hOut * g.wOut;
  arena.scope(() => {
    const o: Operands = {
      ...NONE,
      dy: dyp,
      out: yp,
      pooled: pooledp,
      argmax: argmaxp,
      weight: wp,
      dz: arena.alloc(size * 4),
      dp: arena.alloc(size * 4),
      dx: dxp,
      dw: dwp,
      db: dbp,
      mode: dxp !== 0 && accumulate ? 1 : 0,
    };
    const desc = descriptor(ctx, g, s, o);
    run(ctx, 'subsamplingBackwardTask', desc, g);
    if (dwp !== 0 || dbp !== 0) kernels.subsamplingSums(desc, arena.alloc(16 * g.c));
  });
}

/** Backend.subsampling on wasm. */
export function subsampling(
  ctx: WasmContext,
  x: Float32Array,
  w: Float32Array,
  b: Float32Array,
  g: PoolGeometry,
  s: SubsamplingSpec,
  out: Float32Array,
  pooled: Float32Array,
  argmax: Int32Array | null,
): void {
  const { arena } = ctx;
  arena.scope(() => {
    const outp = arena.alloc(out.length * 4);
    const pooledp = arena.alloc(pooled.length * 4);
    const argmaxp = argmax === null ? 0 : arena.alloc(argmax.length * 4);
    subsamplingAt(ctx, arena.read(x), arena.read(w), arena.read(b), g, s, outp, pooledp, argmaxp);
    arena.take(outp, out);
    arena.take(pooledp, pooled);
    if (argmax !== null) arena.take(argmaxp, argmax);
  });
}

/** Backend.subsamplingBackward on wasm. */
export function subsamplingBackward(
  ctx: WasmContext,
  dy: Float32Array,
  y: Float32Array,
  pooled: Float32Array,
  argmax: Int32Array | null,
  w: Float32Array,
  g: PoolGeometry,
  s: SubsamplingSpec,
  dx: Float32Array | null,
  dw: Float32Array | null,
  db: Float32Array | null,
  dxZeroed: boolean,
): void {
  const { arena } = ctx;
  arena.scope(() => {
    const dxp = dx === null ? 0 : dxZeroed ? arena.alloc(dx.length * 4) : arena.update(dx);
    const dwp = dw === null ? 0 : arena.alloc(dw.length * 4);
    const dbp = db === null ? 0 : arena.alloc(db.length * 4);
    const argmaxp = argmax === null ? 0 : arena.read(argmax);
    subsamplingBackwardAt(ctx, arena.read(dy), arena.read(y), arena.read(pooled), argmaxp, arena.read(w), g, s, dxp, dwp, dbp, !dxZeroed);
    if (dx !== null) arena.take(dxp, dx);
    if (dw !== null) arena.take(dwp, dw);
    if (db !== null) arena.take(dbp, db);
  });
}
