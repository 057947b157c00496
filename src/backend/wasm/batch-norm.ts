/**
 * Batch normalization on wasm (assembly/batch-norm.ts): the statistics, the affine pass and the
 * backward pass, each a task over runs of channels.
 */
import type { AxisSplit } from '../backend.js';
import { BatchNormDesc } from './abi.generated.js';
import type { DescriptorValues } from './arena.js';
import { type WasmContext, chunksFor, threadsFor } from './context.js';

type Fields = DescriptorValues<typeof BatchNormDesc>;

const NONE: Omit<Fields, 'outer' | 'size' | 'inner'> = {
  x: 0,
  dy: 0,
  out: 0,
  mean: 0,
  invStd: 0,
  weight: 0,
  bias: 0,
  dweight: 0,
  dbias: 0,
  training: 0,
  residual: 0,
  relu: 0,
  y: 0,
  dresidual: 0,
};

/** Runs `task` over the channels of `split`: splitting pays from some 30,000 elements per thread (as pooling). */
function run(
  ctx: WasmContext,
  task: 'batchNormStatsTask' | 'batchNormTask' | 'batchNormBackwardTask',
  split: AxisSplit,
  operands: Partial<Fields>,
): void {
  const { outer, size, inner } = split;
  const desc = ctx.arena.descriptor(BatchNormDesc, { ...NONE, ...operands, outer, size, inner });
  const threads = threadsFor(ctx, 64 * outer * size * inner, size);
  ctx.pool.run(task, desc, threads, chunksFor(threads, size));
}

/** Backend.batchNormStats on wasm. */
export function batchNormStats(ctx: WasmContext, x: Float32Array, split: AxisSplit, mean: Float32Array, variance: Float32Array): void {
  const { arena } = ctx;
  arena.scope(() => {
    const meanp = arena.alloc(mean.length * 4);
    const varp = arena.alloc(variance.length * 4);
    run(ctx, 'batchNormStatsTask', split, { x: arena.read(x), mean: meanp, invStd: varp });
    arena.take(meanp, mean);
    arena.take(varp, variance);
  });
}

/** Backend.batchNorm on wasm. */
export function batchNorm(
  ctx: WasmContext,
  x: Float32Array,
  split: AxisSplit,
  mean: Float32Array,
  invStd: Float32Array,
  weight: Float32Array | null,
  bias: Float32Array | null,
  out: Float32Array,
  epilogue?: { residual: Float32Array | null; relu: boolean },
): void {
  const { arena } = ctx;
  arena.scope(() => {
    const outp = arena.alloc(out.length * 4);
    const residual = epilogue?.residual ?? null;
    run(ctx, 'batchNormTask', split, {
      x: arena.read(x),
      out: outp,
      mean: arena.read(mean),
      invStd: arena.read(invStd),
      weight: weight === null ? 0 : arena.read(weight),
      bias: bias === null ? 0 : arena.read(bias),
      residual: residual === null ? 0 : arena.read(residual),
      relu: epilogue?.relu === true ? 1 : 0,
    });
    arena.take(outp, out);
  });
}

/** Backend.batchNormBackward on wasm. */
export function batchNormBackward(
  ctx: WasmContext,
  x: Float32Array,
  dy: Float32Array,
  split: AxisSplit,
  mean: Float32Array,
  invStd: Float32Array,
  weight: Float32Array | null,
  training: boolean,
  dx: Float32Array | null,
  dweight: Float32Array | null,
  dbias: Float32Array | null,
  epilogue?: { y: Float32Array | null; dresidual: Float32Array | null },
): void {
  const { arena } = ctx;
  arena.scope(() => {
    const y = epilogue?.y ?? null;
    const dresidual = epilogue?.dresidual ?? null;
    const dresidualp = dresidual === null ? 0 : arena.alloc(dresidual.length * 4);
    const dxp = dx === null ? 0 : arena.alloc(dx.length * 4);
    const dweightp = dweight === null ? 0 : arena.alloc(dweight.length * 4);
    const dbiasp = dbias === null ? 0 : arena.alloc(dbias.length * 4);
    run(ctx, 'batchNormBackwardTask', split, {
      x: arena.read(x),
      dy: arena.read(dy),
      out: dxp,
      mean: arena.read(mean),
      invStd: arena.read(invStd),
      weight: weight === null ? 0 : arena.read(weight),
      dweight: dweightp,
      dbias: dbiasp,
      training: training ? 1 : 0,
      y: y === null ? 0 : arena.read(y),
      dresidual: dresidualp,
    });
    if (dresidual !== null) arena.take(dresidualp, dresidual);
    if (dx !== null) arena.take(dxp, dx);
    if (dweight !== null) arena.take(dweightp, dweight);
    if (dbias !== null) arena.take(dbiasp, dbias);
  });
}
