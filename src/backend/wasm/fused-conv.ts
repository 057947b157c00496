/**
 * The fused convolution block on wasm: the convolution's output z, its activation and its
 * gradient stay in linear memory, so only the block's input, parameters, pooled output and
 * their gradients cross between JS arrays and the kernels:
 *
 *     forward   z = W ⊗ X + b  →  y = maxPool(relu(z)), argmax (relu applied as z is read)
 *     backward  ∂L/∂z = up(∂L/∂y) · [y > 0]  →  ∂L/∂b = Σ ∂L/∂z, ∂L/∂W, ∂L/∂X
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
  const { arena, kernels } = ctx;
  const { pool } = e;
  const zLength = convOutputLength(g);
  arena.scope(() => {
    const z = arena.alloc(zLength * 4);
    conv2dForwardAt(ctx, arena.put(x), arena.put(w), bias === null ? 0 : arena.put(bias), g, z);
    if (pool === null) {
      if (e.relu) kernels.unary(UnaryCode.relu, z, z, zLength, 0);
      arena.take(z, out);
      return;
    }
    if (argmax === null) throw new Error('fusedConv2d: a pooled block needs an argmax array');
    const outp = arena.alloc(out.length * 4);
    const ap = arena.alloc(argmax.length * 4);
    // the relu is applied as the pooling reads z (the same values and maxima as applying it first)
    maxPool2dAt(ctx, z, pool, outp, ap, e.relu);
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
    // ∂L/∂z, in the order of maxPool2dBackward then the relu's backward
    let dz = arena.put(dy);
    if (pool !== null) {
      if (argmax === null) throw new Error('fusedConv2dBackward: a pooled block needs its argmax array');
      const ap = arena.put(argmax);
      const dyp = dz;
      dz = arena.alloc(zLength * 4);
      maxPool2dBackwardAt(ctx, dyp, ap, e.relu ? arena.put(y) : 0, pool, dz, e.relu);
    } else if (e.relu) {
      const yp = arena.put(y);
      kernels.unaryBackward(UnaryCode.relu, yp, yp, dz, dz, zLength, 0);
    }
    if (db !== null && zLength > 0) arena.take(sumAt(ctx, dz, [g.n, g.cOut, g.hOut * g.wOut], [0, 2]), db);
    else if (db !== null) db.fill(0);
    if (dw !== null) arena.take(conv2dBackwardWeightAt(ctx, arena.put(x), dz, g), dw);
    if (dx !== null) {
      const dxp = dxZeroed ? arena.alloc(dx.length * 4) : arena.put(dx);
      conv2dBackwardInputAt(ctx, dz, arena.put(w), g, dxp, !dxZeroed);
      arena.take(dxp, dx);
    }
  });
}
