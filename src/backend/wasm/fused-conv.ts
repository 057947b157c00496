/**
 * The fused convolution block on wasm: the convolution's output z, its activation and its
 * gradient stay in linear memory, so only the block's input, parameters, pooled output and
 * their gradients cross between JS arrays and the kernels:
 *
 *     forward   z = W ⊗ X + b  →  y = maxPool(f(z)), argmax (a relu applied as z is read)
 *     backward  ∂L/∂z = up(∂L/∂y) · f'(a)  →  ∂L/∂b = Σ ∂L/∂z, ∂L/∂W, ∂L/∂X
 *
 * (with z recomputed for a pooled tanh or sigmoid whose operands hold NaN or ±∞, to find a's NaN
 * away from the maxima: see `mustFindNaNs` in ref/fused-conv.ts)
 *
 * Each step is the same kernel the separate ops run, on the same values, so results are theirs
 * bit for bit (see ref/fused-conv.ts for the composition this must equal).
 */
import type { Activation, ConvEpilogue, ConvSubsamplingGrads, SubsamplingStage } from '../backend.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { ConvGeometry } from '../../geometry/conv.js';
import type { WasmContext } from './context.js';
import { conv2dBackwardInputAt, conv2dBackwardWeightAt, conv2dForwardAt } from './conv.js';
import { UnaryCode } from './abi.generated.js';
import { maxPool2dAt, maxPool2dBackwardAt } from './pool.js';
import { sumAt } from './reduce.js';
import { unaryAt, unaryBackwardAt } from './elementwise.js';
import { subsamplingAt, subsamplingBackwardAt } from './subsampling.js';
import { mustFindNaNs } from '../ref/fused-conv.js';

/** Elements of the convolution's output `[n, cOut, hOut, wOut]`. */
function convOutputLength(g: ConvGeometry): number {
  return g.n * g.cOut * g.hOut * g.wOut;
}

/** Backend.fusedConv2d on wasm. */
export function fusedConv2d(
  ctx: WasmContext,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  g: ConvGeometry,
  e: ConvEpilogue,
  out: Float32Array,
  argmax: Int32Array | null,
): void {
  const { arena } = ctx;
  const { pool } = e;
  const zLength = convOutputLength(g);
  arena.scope(() => {
    const z = arena.alloc(zLength * 4);
    conv2dForwardAt(ctx, arena.read(x), arena.read(w), bias === null ? 0 : arena.read(bias), g, z);
    const relu = e.activation === 'relu';
    // with pooling, the relu is applied as the pooling reads z (the same values and maxima as
    // applying it first); any other activation is applied to all of z first
    if (e.activation !== 'none' && !(relu && pool !== null)) unaryAt(ctx, e.activation, z, z, zLength, 0);
    if (pool === null) {
      arena.take(z, out);
      return;
    }
    if (argmax === null) throw new Error('fusedConv2d: a pooled block needs an argmax array');
    const outp = arena.alloc(out.length * 4);
    const ap = arena.alloc(argmax.length * 4);
    maxPool2dAt(ctx, z, pool, outp, ap, relu);
    arena.take(outp, out);
    arena.take(ap, argmax);
  });
}

/** Backend.fusedConv2dBackward on wasm. */
export function fusedConv2dBackward(
  ctx: WasmContext,
  x: Float32Array,
  w: Float32Array,
  y: Float32Array,
  argmax: Int32Array | null,
  dy: Float32Array,
  g: ConvGeometry,
  e: ConvEpilogue,
  dx: Float32Array | null,
  dw: Float32Array | null,
  db: Float32Array | null,
  dxZeroed: boolean,
  bias?: Float32Array | null,
): void {
  const { arena, kernels } = ctx;
  const { pool } = e;
  const zLength = convOutputLength(g);
  arena.scope(() => {
    // ∂L/∂z, in the order of maxPool2dBackward then the activation's backward (f' from y)
    let dz = arena.put(dy);
    if (pool !== null) {
      if (argmax === null) throw new Error('fusedConv2dBackward: a pooled block needs its argmax array');
      const ap = arena.read(argmax);
      const dyp = dz;
      dz = arena.alloc(zLength * 4);
      if (e.activation === 'none' || e.activation === 'relu') {
        // the relu's mask is applied as the gradient is routed
        maxPool2dBackwardAt(ctx, dyp, ap, e.activation === 'relu' ? arena.read(y) : 0, pool, dz, e.activation === 'relu');
      } else {
        const da = arena.alloc(zLength * 4);
        maxPool2dBackwardAt(ctx, dyp, ap, 0, pool, da, false);
        kernels.zeroFill(dz, zLength * 4);
        const planes = pool.n * pool.c;
        kernels.scaleMaxima(da, arena.read(y), ap, dz, UnaryCode[e.activation], planes, pool.h, pool.w, pool.hOut, pool.wOut);
        if (mustFindNaNs(x, w, bias, e)) dz = withNaNsOfZ(ctx, x, w, bias ?? null, g, dz);
      }
    } else if (e.activation !== 'none') {
      const yp = arena.read(y);
      unaryBackwardAt(ctx, e.activation, yp, yp, dz, dz, zLength, 0);
    }
    convolutionGradients(ctx, x, w, dz, g, dx, dw, db, dxZeroed);
  });
}

/**
 * `∂L/∂z` at `dzp` with NaN wherever the convolution `z = W ⊗ X + b` is NaN (`0·f'(NaN)` of the
 * separate kernels): z computed again and the marking done on copies, for the rare blocks whose
 * operands hold NaN or ±∞. Returns where the marked `∂L/∂z` is.
 */
function withNaNsOfZ(ctx: WasmContext, x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeometry, dzp: number): number {
  const { arena } = ctx;
  const zLength = convOutputLength(g);
  const zp = arena.alloc(zLength * 4);
  conv2dForwardAt(ctx, arena.read(x), arena.read(w), bias === null ? 0 : arena.read(bias), g, zp);
  const [z, dz] = [new Float32Array(zLength), new Float32Array(zLength)];
  arena.take(zp, z);
  arena.take(dzp, dz);
  for (let i = 0; i < zLength; i++) if (Number.isNaN(z[i])) dz[i] = NaN;
  return arena.put(dz);
}

/**
 * The convolution's gradients from `∂L/∂z` at `dz`: `db = Σ_{n,i,j} ∂L/∂z`, `dw = ∂L/∂W`, `dx (+)= ∂L/∂X`
 * (each when not null), as the separate kernels compute them.
 */
function convolutionGradients(
  ctx: WasmContext,
  x: Float32Array,
  w: Float32Array,
  dz: number,
  g: ConvGeometry,
  dx: Float32Array | null,
  dw: Float32Array | null,
  db: Float32Array | null,
  dxZeroed: boolean,
): void {
  const { arena } = ctx;
  arena.scope(() => {
    if (db !== null && convOutputLength(g) > 0) arena.take(sumAt(ctx, dz, [g.n, g.cOut, g.hOut * g.wOut], [0, 2]), db);
    else if (db !== null) db.fill(0);
    if (dw !== null) arena.take(conv2dBackwardWeightAt(ctx, arena.read(x), dz, g), dw);
    if (dx !== null) {
      const dxp = dxZeroed ? arena.alloc(dx.length * 4) : arena.update(dx);
      conv2dBackwardInputAt(ctx, dz, arena.read(w), g, dxp, !dxZeroed);
      arena.take(dxp, dx);
    }
  });
}

/** Backend.convSubsampling on wasm: z and a stay in memory between the three stages. */
export function convSubsampling(
  ctx: WasmContext,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  g: ConvGeometry,
  activation: Activation,
  s: SubsamplingStage,
  out: Float32Array,
  a: Float32Array,
  pooled: Float32Array,
  argmax: Int32Array | null,
): void {
  const { arena } = ctx;
  const zLength = convOutputLength(g);
  arena.scope(() => {
    const z = arena.alloc(zLength * 4);
    conv2dForwardAt(ctx, arena.read(x), arena.read(w), bias === null ? 0 : arena.read(bias), g, z);
    if (activation !== 'none') unaryAt(ctx, activation, z, z, zLength, 0);
    const outp = arena.alloc(out.length * 4);
    const pooledp = arena.alloc(pooled.length * 4);
    const argmaxp = argmax === null ? 0 : arena.alloc(argmax.length * 4);
    subsamplingAt(ctx, z, arena.read(f32(s.weight)), arena.read(f32(s.bias)), s.g, s.spec, outp, pooledp, argmaxp);
    arena.take(z, a);
    arena.take(outp, out);
    arena.take(pooledp, pooled);
    if (argmax !== null) arena.take(argmaxp, argmax);
  });
}

/** Backend.convSubsamplingBackward on wasm: ∂L/∂a and ∂L/∂z stay in memory. */
export function convSubsamplingBackward(
  ctx: WasmContext,
  x: Float32Array,
  w: Float32Array,
  y: Float32Array,
  a: Float32Array,
  pooled: Float32Array,
  argmax: Int32Array | null,
  dy: Float32Array,
  g: ConvGeometry,
  activation: Activation,
  s: SubsamplingStage,
  grads: ConvSubsamplingGrads,
  dxZeroed: boolean,
): void {
  const { arena } = ctx;
  const zLength = convOutputLength(g);
  arena.scope(() => {
    // ∂L/∂a from the subsampling's backward (written over a zeroed buffer), then · f'(a)
    const da = arena.alloc(zLength * 4);
    const { dStageWeight, dStageBias } = grads;
    const dwp = dStageWeight === null ? 0 : arena.alloc(dStageWeight.length * 4);
    const dbp = dStageBias === null ? 0 : arena.alloc(dStageBias.length * 4);
    const argmaxp = argmax === null ? 0 : arena.read(argmax);
    subsamplingBackwardAt(
      ctx,
      arena.read(dy),
      arena.read(y),
      arena.read(pooled),
      argmaxp,
      arena.read(f32(s.weight)),
      s.g,
      s.spec,
      da,
      dwp,
      dbp,
      false,
    );
    if (dStageWeight !== null) arena.take(dwp, f32(dStageWeight));
    if (dStageBias !== null) arena.take(dbp, f32(dStageBias));
    if (activation !== 'none') {
      const ap = arena.read(a);
      unaryBackwardAt(ctx, activation, ap, ap, da, da, zLength, 0);
    }
    convolutionGradients(ctx, x, w, da, g, f32OrNull(grads.dx), f32OrNull(grads.dw), f32OrNull(grads.db), dxZeroed);
  });
}

/** A float32 operand of the backend contract (the wasm backend routes only float32 arrays here). */
function f32(t: TypedArray): Float32Array {
  if (!(t instanceof Float32Array)) throw new Error('wasm backend: expected a float32 array');
  return t;
}

function f32OrNull(t: TypedArray | null): Float32Array | null {
  return t === null ? null : f32(t);
}
