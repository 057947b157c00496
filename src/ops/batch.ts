/**
 * Unbatched inputs: ops that take `(N, C, …)` accept `(C, …)` too, as PyTorch's do, by adding a
 * batch axis of 1 for the computation and removing it from the result. The reshapes are recorded,
 * so gradients flow to the unbatched input.
 */
import type { Tensor } from '../tensor/tensor.js';
import { reshape } from './shape.js';

/** Runs `fn` on `x` with a batch axis added when `x` has rank `unbatchedRank`, removing it after. */
export function withBatch(x: Tensor, unbatchedRank: number, fn: (xb: Tensor) => Tensor): Tensor {
  if (x.ndim !== unbatchedRank) return fn(x);
  const y = fn(reshape(x, [1, ...x.shape])); // (C, …) -> (1, C, …)
  return reshape(y, y.shape.slice(1)); // (1, Cout, …) -> (Cout, …)
}
