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
import { type GroupHyperparameters, Optimizer, type Params, checkNonNegative } from './optimizer.js';

/** Options of `MomentumSGD`: the learning rate η and the momentum ρ of S12's second form. */
export interface MomentumSGDOptions {
  /** Learning rate η ≥ 0 (required). */
  lr: number;
  /** Momentum ρ ≥ 0 (default 0: plain gradient descent). */
  momentum?: number;
}

/** The hyperparameters of a `MomentumSGD` parameter group. */
export interface MomentumSGDHyperparameters extends GroupHyperparameters {
  momentum: number;
}

/** The state of one parameter: its velocity Δθ, once it has taken a step. */
export type MomentumSGDState = { velocity: Float32Array | Float64Array };

function resolveMomentumSGD(o: Record<string, unknown>, where: string): MomentumSGDHyperparameters {
  return {
    lr: checkNonNegative('MomentumSGD', `${where}lr`, o.lr),
    momentum: checkNonNegative('MomentumSGD', `${where}momentum`, o.momentum ?? 0),
  };
}

/**
 * The notes' second momentum form. For each parameter θ with gradient g, one `step()` does
 * `Δθ = ρ·Δθ − η·g`, then `θ = θ + Δθ`, with its group's η and ρ. Parameters whose `.grad` is
 * null are skipped.
 */
export class MomentumSGD extends Optimizer<MomentumSGDHyperparameters, MomentumSGDState> {
  constructor(params: Params<MomentumSGDOptions>, options: MomentumSGDOptions) {
    super('MomentumSGD', params, options, { optionNames: ['lr', 'momentum'], resolve: resolveMomentumSGD, state: { velocity: 'buffer' } });
  }

  /** The default momentum ρ; each group has its own in `paramGroups`. */
  get momentum(): number {
    return this.defaults.momentum;
  }

  step(): void {
    this.forEachGradient((p, grad, { lr, momentum: rho }, i) => {
      const theta = p.data;
      const v = (this.state[i] ??= { velocity: this.newBuffer(i) }).velocity;
      for (let k = 0; k < theta.length; k++) {
        v[k] = rho * v[k] - lr * grad[k];
        theta[k] += v[k];
      }
    });
  }
}
