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
import { backendFor } from '../backend/registry.js';
import { type GroupHyperparameters, Optimizer, type Params, checkNonNegative } from './optimizer.js';

/** Options of `SGD`, as `torch.optim.SGD` (camelCase); a parameter group may set any of them. */
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

/** The hyperparameters of an `SGD` parameter group. */
export interface SGDHyperparameters extends GroupHyperparameters {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

/** The state of one parameter: its momentum buffer (PyTorch's `momentum_buffer`), once it has taken a step with momentum. */
export type SGDState = { momentumBuffer: Float32Array | Float64Array };

const SGD_OPTIONS = ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay'] as const;

function resolveSGD(o: Record<string, unknown>, where: string): SGDHyperparameters {
  const lr = checkNonNegative('SGD', `${where}lr`, o.lr);
  const momentum = checkNonNegative('SGD', `${where}momentum`, o.momentum ?? 0);
  const dampening = checkNonNegative('SGD', `${where}dampening`, o.dampening ?? 0);
  const weightDecay = checkNonNegative('SGD', `${where}weightDecay`, o.weightDecay ?? 0);
  const nesterov: unknown = o.nesterov ?? false;
  if (typeof nesterov !== 'boolean') throw new Error(`SGD: ${where}nesterov must be a boolean, got ${String(nesterov)}`);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new Error(
      `SGD: ${where}nesterov momentum requires momentum > 0 and dampening = 0, got momentum ${momentum} and dampening ${dampening}`,
    );
  }
  return { lr, momentum, dampening, nesterov, weightDecay };
}

/**
 * `torch.optim.SGD`. For each parameter θ with gradient ∇, one `step()` does, with its group's
 * hyperparameters,
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
 *
 * `params` is a list of tensors or of parameter groups (see `Optimizer`):
 * `new SGD([{ params: weights }, { params: biases, weightDecay: 0 }], { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 })`.
 */
export class SGD extends Optimizer<SGDHyperparameters, SGDState> {
  constructor(params: Params<SGDOptions>, options: SGDOptions) {
    super('SGD', params, options, { optionNames: SGD_OPTIONS, resolve: resolveSGD, state: { momentumBuffer: 'buffer' } });
  }

  /** The default momentum factor μ (β in the notes); each group has its own in `paramGroups`. */
  get momentum(): number {
    return this.defaults.momentum;
  }

  /** The default dampening τ. */
  get dampening(): number {
    return this.defaults.dampening;
  }

  /** Whether steps use Nesterov momentum by default. */
  get nesterov(): boolean {
    return this.defaults.nesterov;
  }

  /** The default L2 penalty coefficient λ. */
  get weightDecay(): number {
    return this.defaults.weightDecay;
  }

  step(): void {
    this.forEachGradient((p, grad, group, i) => {
      const { lr, momentum, dampening, nesterov, weightDecay } = group;
      let buffer: Float32Array | Float64Array | null = null;
      let first = false;
      if (momentum !== 0) {
        first = this.state[i] === null;
        buffer = (this.state[i] ??= { momentumBuffer: this.newBuffer(i) }).momentumBuffer;
      }
      backendFor(p.dtype).sgdStep(p.data, grad, buffer, { lr, momentum, dampening, nesterov, weightDecay, first });
    });
  }
}
