/** Reductions and data movement on wasm (assembly/reduce.ts). */
import type { AxisSplit } from '../backend.js';
import { type Shape, sizeOf, stridesOf } from '../../tensor/shape.js';
import type { WasmContext } from './context.js';
import { collapse } from './collapse.js';

/** Sums `x` (shape `xShape`) over `axes` into `out` (xShape with those axes set to 1), in f64. */
export function sum(ctx: WasmContext, x: Float32Array, xShape: Shape, axes: readonly number[], out: Float32Array): void {
  if (sizeOf(xShape) === 0) {
    out.fill(0);
    return;
  }
  const { arena } = ctx;
  arena.scope(() => {
    arena.take(sumAt(ctx, arena.read(x), xShape, axes), out);
  });
}

/**
 * `sum` of a non-empty x already in memory: returns where the f32 sums are, in memory allocated
 * from the caller's arena scope.
 */
export function sumAt(ctx: WasmContext, xp: number, xShape: Shape, axes: readonly number[]): number {
  const { arena, kernels } = ctx;
  const keptShape = xShape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = stridesOf(keptShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const { dims, strides } = collapse(xShape, [stridesOf(xShape), outStrides]);
  const length = sizeOf(keptShape);
  const acc = arena.zeros(length * 8);
  arena.scope(() => {
    const dimsp = arena.ints(dims);
    const sp = arena.ints(strides[1]);
    const index = arena.alloc(dims.length * 4);
    kernels.sumInto(xp, acc, dims.length, dimsp, sp, index);
  });
  // the f32 sums overwrite the start of the f64 accumulators, which are read first
  kernels.roundSums(acc, acc, length);
  return acc;
}

/** `out = x` with axes permuted: `out.shape[i] = xShape[perm[i]]`. */
export function permute(ctx: WasmContext, x: Float32Array, xShape: Shape, perm: readonly number[], out: Float32Array): void {
  if (out.length === 0) return;
  const { arena, kernels } = ctx;
  const inStrides = stridesOf(xShape);
  const outShape = perm.map((p) => xShape[p]);
  const { dims, strides } = collapse(outShape, [stridesOf(outShape), perm.map((p) => inStrides[p])]);
  arena.scope(() => {
    const xp = arena.read(x);
    const outp = arena.alloc(out.length * 4);
    const dimsp = arena.ints(dims);
    const sp = arena.ints(strides[1]);
    const index = arena.alloc(dims.length * 4);
    kernels.permute(xp, outp, dims.length, dimsp, sp, index);
    arena.take(outp, out);
  });
}

/** Index of the largest value along the middle axis of `outer × size × inner`. */
export function argmax(ctx: WasmContext, x: Float32Array, { outer, size, inner }: AxisSplit, out: Int32Array): void {
  if (out.length === 0) return;
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const xp = arena.read(x);
    const outp = arena.alloc(out.length * 4);
    kernels.argmax(xp, outp, outer, size, inner);
    arena.take(outp, out);
  });
}

/** `out = x − log Σ exp x` along the middle axis. */
export function logSoftmax(ctx: WasmContext, x: Float32Array, { outer, size, inner }: AxisSplit, out: Float32Array): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const xp = arena.read(x);
    const outp = arena.alloc(out.length * 4);
    kernels.logSoftmax(xp, outp, outer, size, inner);
    arena.take(outp, out);
  });
}

/** `dx = dy − exp(y) · Σ dy` along the middle axis. */
export function logSoftmaxBackward(
  ctx: WasmContext,
  y: Float32Array,
  dy: Float32Array,
  { outer, size, inner }: AxisSplit,
  dx: Float32Array,
): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const yp = arena.read(y);
    const dyp = arena.read(dy);
    const dxp = arena.alloc(dx.length * 4);
    kernels.logSoftmaxBackward(yp, dyp, dxp, outer, size, inner);
    arena.take(dxp, dx);
  });
}
