/** Optimizer updates on wasm (assembly/optim.ts): the parameter and its state are copied in, updated, copied back. */
import type { AdamStep, SgdStep } from '../backend.js';
import type { WasmContext } from './context.js';

/** Backend.sgdStep on wasm. */
export function sgdStep(ctx: WasmContext, theta: Float32Array, grad: Float32Array, buf: Float32Array | null, o: SgdStep): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const tp = arena.update(theta);
    const bp = buf === null ? 0 : arena.update(buf);
    kernels.sgdStep(
      tp,
      arena.read(grad),
      bp,
      theta.length,
      o.lr,
      o.momentum,
      o.dampening,
      o.nesterov ? 1 : 0,
      o.weightDecay,
      o.first ? 1 : 0,
    );
    arena.take(tp, theta);
    if (buf !== null) arena.take(bp, buf);
  });
}

/** Backend.adamStep on wasm. */
export function adamStep(ctx: WasmContext, theta: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, o: AdamStep): void {
  const { arena, kernels } = ctx;
  arena.scope(() => {
    const tp = arena.update(theta);
    const mp = arena.update(m);
    const vp = arena.update(v);
    kernels.adamStep(
      tp,
      arena.read(grad),
      mp,
      vp,
      theta.length,
      o.beta1,
      o.beta2,
      o.eps,
      o.weightDecay,
      o.decoupled ? 1 : 0,
      o.stepSize,
      o.bc2Sqrt,
      o.decay,
    );
    arena.take(tp, theta);
    arena.take(mp, m);
    arena.take(vp, v);
  });
}
