/**
 * Momentum SGD in the notes' second form (SPEC S12):
 *
 *     Δθ_t = ρ Δθ_{t−1} − η g(θ_t),   θ_{t+1} = θ_t + Δθ_t,   Δθ_0 = 0
 *
 * The velocity Δθ already contains the learning rate. For a constant learning rate it is the
 * first form (`SGD` with momentum): with α = η and β = ρ, induction gives `Δθ_t = −α d_t`, so
 * both produce the same iterates. They differ once the learning rate changes between steps
 * (e.g. under a scheduler): here past velocities keep the learning rate they were made with,
 * while `SGD` multiplies the whole buffer by the current one.
 */
import type { TypedArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { persistentStorage } from '../backend/registry.js';
import { Optimizer, checkNonNegative, checkOptions } from './optimizer.js';
import { checkOptions as checkOptionNames } from '../tensor/arguments.js';

/** Options of `MomentumSGD`: the learning rate η and the momentum ρ of S12's second form. */
export interface MomentumSGDOptions {
  /** Learning rate η ≥ 0 (required). */
  lr: number;
  /** Momentum ρ ≥ 0 (default 0: plain gradient descent). */
  momentum?: number;
}

/**
 * The notes' second momentum form. For each parameter θ with gradient g, one `step()` does
 * `Δθ = ρ·Δθ − η·g`, then `θ = θ + Δθ`. Parameters whose `.grad` is null are skipped.
 */
export class MomentumSGD extends Optimizer {
  /** Momentum ρ. */
  readonly momentum: number;
  /** The velocity Δθ of each parameter (null before its first step). */
  private readonly velocities: (TypedArray | null)[];

  constructor(params: Iterable<Tensor>, options: MomentumSGDOptions) {
    checkOptions('MomentumSGD', options);
    super('MomentumSGD', params, options.lr);
    checkOptionNames('MomentumSGD', options, ['lr', 'momentum']);
    this.momentum = checkNonNegative('MomentumSGD', 'momentum', options.momentum ?? 0);
    this.velocities = this.params.map(() => null);
  }

  step(): void {
    const lr = this.lr;
    const rho = this.momentum;
    this.params.forEach((p, i) => {
      const grad = this.gradData(i);
      if (grad === null) return;
      const theta = p.data;
      const v = (this.velocities[i] ??= persistentStorage(p.dtype, theta.length));
      for (let k = 0; k < theta.length; k++) {
        v[k] = rho * v[k] - lr * grad[k];
        theta[k] += v[k];
      }
    });
  }
}
