/**
 * Elementwise kernels on wasm (assembly/elementwise.ts). Results are computed in place in linear
 * memory (each element is read before it is written).
 */
import type { BinaryOp, UnaryOp } from '../backend.js';
import type { Shape } from '../../tensor/shape.js';
import type { WasmContext } from './context.js';
import { broadcastStrides, collapse } from './collapse.js';
import { BinaryCode, UnaryCode, UnaryDesc } from './abi.generated.js';
import { chunksFor, threadsFor } from './context.js';

/** `true` when unions A and B are equal, else `false`. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compile-time checks that the kernels' op codes (assembly/abi.ts `UnaryCode`, `BinaryCode`) name
 * exactly the Backend contract's `UnaryOp` and `BinaryOp`: an op added on one side only does not
 * compile.
 */
export type OpCodesMatch = [Same<keyof typeof UnaryCode, UnaryOp>, Same<keyof typeof BinaryCode, BinaryOp>] extends [true, true]
  ? true
  : never;
export const opCodesMatch: OpCodesMatch = true;

/** Ops whose derivative the kernel computes from x alone (assembly/elementwise.ts unaryBackward). */
const X_ONLY: ReadonlySet<UnaryOp> = new Set<UnaryOp>(['neg', 'abs', 'relu']);

/** Ops whose elements cost tens of operations (the rest: one or two). */
const TRANSCENDENTAL: ReadonlySet<UnaryOp> = new Set<UnaryOp>(['exp', 'log', 'sigmoid', 'tanh', 'powScalar']);

/** `v`'s float64 bits as two int32 descriptor fields, low word first. */
function f64Fields(v: number): [number, number] {
  const words = new Int32Array(new Float64Array([v]).buffer);
  return [words[0], words[1]];
}

/** Runs an elementwise task over `n` elements on as many threads as pay. */
function runElementwise(
  ctx: WasmContext,
  task: 'unaryTask' | 'unaryBackwardTask',
  op: UnaryOp,
  o: { x: number; y: number; dy: number; out: number },
  n: number,
  alpha: number,
): void {
  const [lo, hi] = f64Fields(alpha);
  const desc = ctx.arena.descriptor(UnaryDesc, { op: UnaryCode[op], ...o, n, alpha: lo, alphaHigh: hi });
  const units = Math.ceil(n / 4);
  const threads = threadsFor(ctx, (TRANSCENDENTAL.has(op) ? 40 : 4) * n, units);
  ctx.pool.run(task, desc, threads, chunksFor(threads, units));
}

/** `f(x)` of the `n` floats at `xp` into `outp` (which may be `xp`), split across threads. */
export function unaryAt(ctx: WasmContext, op: UnaryOp, xp: number, outp: number, n: number, alpha: number): void {
  if (n > 0) ctx.arena.scope(() => runElementwise(ctx, 'unaryTask', op, { x: xp, y: 0, dy: 0, out: outp }, n, alpha));
}

/** `dy · f'(x)` (given `y = f(x)`) of the `n` floats at `dyp` into `dxp` (which may be `dyp`), split across threads. */
export function unaryBackwardAt(
  ctx: WasmContext,
  op: UnaryOp,
  xp: number,
  yp: number,
  dyp: number,
  dxp: number,
  n: number,
  alpha: number,
): void {
  if (n > 0) ctx.arena.scope(() => runElementwise(ctx, 'unaryBackwardTask', op, { x: xp, y: yp, dy: dyp, out: dxp }, n, alpha));
}

/** `out[i] = f(x[i])`. */
export function unary(ctx: WasmContext, op: UnaryOp, x: Float32Array, out: Float32Array, alpha: number): void {
  const { arena } = ctx;
  arena.scope(() => {
    const xp = arena.put(x);
    unaryAt(ctx, op, xp, xp, x.length, alpha);
    arena.take(xp, out);
  });
}

/** `dx[i] = dy[i] · f'(x[i])`, given `y = f(x)`. */
export function unaryBackward(
  ctx: WasmContext,
  op: UnaryOp,
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  alpha: number,
): void {
  const { arena } = ctx;
  arena.scope(() => {
    const xp = arena.read(x);
    // neg, abs and relu read only x: y is not copied in for them
    const yp = X_ONLY.has(op) ? xp : arena.read(y);
    const dyp = arena.put(dy);
    unaryBackwardAt(ctx, op, xp, yp, dyp, dyp, x.length, alpha);
    arena.take(dyp, dx);
  });
}

/** `out = a ∘ b` with broadcasting of `aShape` and `bShape` to `outShape`. */
export function binary(
  ctx: WasmContext,
  op: BinaryOp,
  a: Float32Array,
  aShape: Shape,
  b: Float32Array,
  bShape: Shape,
  out: Float32Array,
  outShape: Shape,
): void {
  if (out.length === 0) return;
  const { arena, kernels } = ctx;
  const { dims, strides } = collapse(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  arena.scope(() => {
    const ap = arena.put(a);
    const bp = arena.read(b);
    // in place over a when a has out's size, else a new buffer
    const outp = a.length === out.length ? ap : arena.alloc(out.length * 4);
    const dimsp = arena.ints(dims);
    const sa = arena.ints(strides[0]);
    const sb = arena.ints(strides[1]);
    const index = arena.alloc(dims.length * 4);
    kernels.binary(BinaryCode[op], ap, bp, outp, dims.length, dimsp, sa, sb, index);
    arena.take(outp, out);
  });
}

/** `out[i] = a[i] + alpha · b[i]`. */
export function axpy(ctx: WasmContext, a: Float32Array, b: Float32Array, alpha: number, out: Float32Array): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const ap = arena.put(a);
    const bp = arena.read(b);
    kernels.axpy(ap, bp, alpha, ap, a.length);
    arena.take(ap, out);
  });
}
