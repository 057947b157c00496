/**
 * Adam and AdamW, exactly as `torch.optim.Adam` and `torch.optim.AdamW` (without amsgrad).
 *
 * For each parameter θ with gradient ∇, step t = 1, 2, … of that parameter does
 *
 *     g = ∇ + λθ                       (Adam: L2 weight decay λ, added to the gradient)
 *     θ = θ·(1 − lr·λ)                 (AdamW instead: decoupled weight decay)
 *     m = β₁·m + (1 − β₁)·g            (first moment, m₀ = 0)
 *     v = β₂·v + (1 − β₂)·g²           (second moment, v₀ = 0)
 *     θ = θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * which is `θ − lr·m̂/(√v̂ + ε)` with the bias-corrected `m̂ = m/(1 − β₁ᵗ)`, `v̂ = v/(1 − β₂ᵗ)`.
 */
import { backendFor } from '../backend/registry.js';
import { type GroupHyperparameters, Optimizer, type Params, checkNonNegative, checkUnitInterval, describeValue } from './optimizer.js';

/** Options of `Adam` and `AdamW` (PyTorch's names in camelCase); a parameter group may set any of them. */
export interface AdamOptions {
  /** Learning rate ≥ 0 (default 1e-3). */
  lr?: number;
  /** Decay rates `[β₁, β₂]` of the moment estimates, each in [0, 1) (default `[0.9, 0.999]`). */
  betas?: readonly [number, number];
  /** Term added to the denominator for stability, ≥ 0 (default 1e-8). */
  eps?: number;
  /** Weight decay λ ≥ 0 (default 0 for Adam, 1e-2 for AdamW). */
  weightDecay?: number;
}

/** The hyperparameters of an `Adam`/`AdamW` parameter group. */
export interface AdamHyperparameters extends GroupHyperparameters {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
}

/** The moment estimates of one parameter and its step count t (PyTorch's `exp_avg`, `exp_avg_sq`, `step`). */
export type AdamState = { step: number; expAvg: Float32Array | Float64Array; expAvgSq: Float32Array | Float64Array };

function adamResolver(name: string, defaultWeightDecay: number): (o: Record<string, unknown>, where: string) => AdamHyperparameters {
  return (o, where) => {
    const lr = checkNonNegative(name, `${where}lr`, o.lr ?? 1e-3);
    const betas: unknown = o.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2)
      throw new Error(`${name}: ${where}betas must be an array [beta1, beta2], got ${describeValue(betas)}`);
    return {
      lr,
      betas: Object.freeze([
        checkUnitInterval(name, `${where}betas[0]`, betas[0]),
        checkUnitInterval(name, `${where}betas[1]`, betas[1]),
      ] as const),
      eps: checkNonNegative(name, `${where}eps`, o.eps ?? 1e-8),
      weightDecay: checkNonNegative(name, `${where}weightDecay`, o.weightDecay ?? defaultWeightDecay),
    };
  };
}

/**
 * What `Adam` and `AdamW` share: the options and the moment update. `decoupled` says how the
 * weight decay is applied (see the module comment).
 */
export abstract class AdamBase extends Optimizer<AdamHyperparameters, AdamState> {
  /** True for AdamW's decoupled decay `θ·(1 − lr·λ)`, false for Adam's L2 term `g + λθ`. */
  readonly decoupled: boolean;

  protected constructor(name: string, params: Params<AdamOptions>, options: AdamOptions, defaultWeightDecay: number, decoupled: boolean) {
    super(name, params, options, {
      optionNames: ['lr', 'betas', 'eps', 'weightDecay'],
      resolve: adamResolver(name, defaultWeightDecay),
      state: { step: 'count', expAvg: 'buffer', expAvgSq: 'buffer' },
    });
    this.decoupled = decoupled;
  }

  /** The default `[β₁, β₂]`; each group has its own in `paramGroups`. */
  get betas(): readonly [number, number] {
    return this.defaults.betas;
  }

  /** The default ε. */
  get eps(): number {
    return this.defaults.eps;
  }

  /** The default weight decay λ. */
  get weightDecay(): number {
    return this.defaults.weightDecay;
  }

  step(): void {
    const decoupled = this.decoupled;
    this.forEachGradient((p, grad, group, i) => {
      const {
        lr,
        betas: [beta1, beta2],
        eps,
        weightDecay,
      } = group;
      const s = (this.state[i] ??= { step: 0, expAvg: this.newBuffer(i), expAvgSq: this.newBuffer(i) });
      const t = ++s.step;
      backendFor(p.dtype).adamStep(p.data, grad, s.expAvg, s.expAvgSq, {
        beta1,
        beta2,
        eps,
        weightDecay,
        decoupled,
        stepSize: lr / (1 - beta1 ** t),
        bc2Sqrt: Math.sqrt(1 - beta2 ** t),
        decay: 1 - lr * weightDecay,
      });
    });
  }
}

export class Adam extends AdamBase {
  constructor(params: Params<AdamOptions>, options: AdamOptions = {}) {
    super('Adam', params, options, 0, false);
  }
}

/**
 * `torch.optim.AdamW` (amsgrad off): Adam with decoupled weight decay `θ = θ·(1 − lr·λ)` before
 * the moment update (Loshchilov & Hutter); weight decay defaults to 1e-2, as in PyTorch.
 */
export class AdamW extends AdamBase {
  constructor(params: Params<AdamOptions>, options: AdamOptions = {}) {
    super('AdamW', params, options, 1e-2, true);
  }
}
