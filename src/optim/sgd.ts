/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2
 * weight decay, exactly as `torch.optim.SGD`.
 *
 * With momentum this is the notes' first momentum form (SPEC S12):
 *
 *     d_t = β d_{t−1} + g(θ_{t−1}),   θ_t = θ_{t−1} − α d_t,   d_0 = 0
 *
 * with α = `lr` and β = `momentum` (β = 0 is plain gradient descent `θ_t = θ_{t−1} − α g`).
 * `MomentumSGD` (momentum.ts) is the notes' second form.
 */
import type { TypedArray } from '../tensor/dtype.js';
import { backendFor, persistentStorage } from '../backend/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, checkNonNegative, checkOptions } from './optimizer.js';
import { checkOptions as checkOptionNames } from '../tensor/arguments.js';

/** Options of `SGD`, as `torch.optim.SGD` (camelCase). */
export interface SGDOptions {
  /** Learning rate α ≥ 0 (required, as in PyTorch). */
  lr: number;
  /** Momentum factor β ≥ 0 (default 0: no momentum buffer). */
  momentum?: number;
  /** Dampening of the gradient in the momentum update, ≥ 0 (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening = 0. */
  nesterov?: boolean;
  /** L2 penalty coefficient λ ≥ 0, added to the gradient as λθ (default 0). */
  weightDecay?: number;
}

/**
 * `torch.optim.SGD`. For each parameter θ with gradient ∇, one `step()` does
 *
 *     g = ∇ + λθ                                  (weight decay λ)
 *     buf = g                     on the first step with momentum μ > 0,
 *     buf = μ·buf + (1 − τ)·g     afterwards      (dampening τ)
 *     g = g + μ·buf  if nesterov,  else  g = buf  (only when μ > 0)
 *     θ = θ − lr·g
 *
 * Since `buf` starts at the first gradient, the momentum update is the notes' first form
 * `d_t = β d_{t−1} + g`, `θ_t = θ_{t−1} − α d_t` with `d_0 = 0` (when τ = 0). Parameters whose
 * `.grad` is null are skipped (their momentum buffer is left as it is).
 */
export class SGD extends Optimizer {
  /** Momentum factor μ (β in the notes). */
  readonly momentum: number;
  /** Dampening τ. */
  readonly dampening: number;
  /** Whether the step uses Nesterov momentum. */
  readonly nesterov: boolean;
  /** L2 penalty coefficient λ. */
  readonly weightDecay: number;
  /** Momentum buffer of each parameter (null before its first step, and without momentum). */
  private readonly buffers: (TypedArray | null)[];

  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    checkOptions('SGD', options);
    super('SGD', params, options.lr);
    checkOptionNames('SGD', options, ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay']);
    this.momentum = checkNonNegative('SGD', 'momentum', options.momentum ?? 0);
    this.dampening = checkNonNegative('SGD', 'dampening', options.dampening ?? 0);
    this.weightDecay = checkNonNegative('SGD', 'weightDecay', options.weightDecay ?? 0);
    const nesterov: unknown = options.nesterov ?? false;
    if (typeof nesterov !== 'boolean') throw new Error(`SGD: nesterov must be a boolean, got ${String(nesterov)}`);
    if (nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error(
        `SGD: nesterov momentum requires momentum > 0 and dampening = 0, got momentum ${this.momentum} and dampening ${this.dampening}`,
      );
    }
    this.nesterov = nesterov;
    this.buffers = this.params.map(() => null);
  }

  step(): void {
    const { lr, momentum: mu, dampening, nesterov, weightDecay } = this;
    this.params.forEach((p, i) => {
      const grad = this.gradData(i);
      if (grad === null) return;
      let buf = this.buffers[i];
      const first = buf === null;
      if (mu !== 0 && buf === null) buf = this.buffers[i] = persistentStorage(p.dtype, p.size);
      backendFor(p.dtype).sgdStep(p.data, grad, mu !== 0 ? buf : null, { lr, momentum: mu, dampening, nesterov, weightDecay, first });
    });
  }
}
