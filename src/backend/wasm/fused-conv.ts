/**
 * The fused convolution block on wasm: the convolution's output z, its activation and its
 * gradient stay in linear memory, so only the block's input, parameters, pooled output and
 * their gradients cross between JS arrays and the kernels:
 *
 *     forward   z = W ⊗ X + b  →  y = maxPool(f(z)), argmax (a relu applied as z is read)
 *     backward  ∂L/∂z = up(∂L/∂y) · f'(a)  →  ∂L/∂b = Σ ∂L/∂z, ∂L/∂W, ∂L/∂X
 *
 * Each step is the same kernel the separate ops run, on the same values, so results are theirs
 * bit for bit (see ref/fused-conv.ts for the composition this must equal).
 */
import type { ConvEpilogue } from '../backend.js';
import type { ConvGeometry } from '../../geometry/conv.js';
import type { WasmContext } from './context.js';
import { conv2dBackwardInputAt, conv2dBackwardWeightAt, conv2dForwardAt } from './conv.js';
import { UnaryCode } from './abi.generated.js';
import { maxPool2dAt, maxPool2dBackwardAt } from './pool.js';
import { sumAt } from './reduce.js';
import { unaryAt, unaryBackwardAt } from './elementwise.js';

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
      }
    } else if (e.activation !== 'none') {
      const yp = arena.read(y);
      unaryBackwardAt(ctx, e.activation, yp, yp, dz, dz, zLength, 0);
    }
    if (db !== null && zLength > 0) arena.take(sumAt(ctx, dz, [g.n, g.cOut, g.hOut * g.wOut], [0, 2]), db);
    else if (db !== null) db.fill(0);
    if (dw !== null) arena.take(conv2dBackwardWeightAt(ctx, arena.read(x), dz, g), dw);
    if (dx !== null) {
      const dxp = dxZeroed ? arena.alloc(dx.length * 4) : arena.update(dx);
      conv2dBackwardInputAt(ctx, dz, arena.read(w), g, dxp, !dxZeroed);
      arena.take(dxp, dx);
    }
  });
}
