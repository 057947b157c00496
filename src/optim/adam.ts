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
import type { TypedArray } from '../tensor/dtype.js';
import { backendFor, persistentStorage } from '../backend/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, checkNonNegative, checkOptions, checkUnitInterval, describeValue } from './optimizer.js';
import { checkOptions as checkOptionNames } from '../tensor/arguments.js';

/** Options of `Adam` and `AdamW` (PyTorch's names in camelCase). */
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

/** Moment estimates of one parameter. */
interface Moments {
  step: number;
  expAvg: TypedArray;
  expAvgSq: TypedArray;
}

/**
 * What `Adam` and `AdamW` share: the options and the moment update. `decoupled` says how the
 * weight decay is applied (see the module comment).
 */
export abstract class AdamBase extends Optimizer {
  /** `[β₁, β₂]`. */
  readonly betas: readonly [number, number];
  /** ε. */
  readonly eps: number;
  /** Weight decay λ. */
  readonly weightDecay: number;
  /** True for AdamW's decoupled decay `θ·(1 − lr·λ)`, false for Adam's L2 term `g + λθ`. */
  readonly decoupled: boolean;
  private readonly moments: (Moments | null)[];

  protected constructor(name: string, params: Iterable<Tensor>, options: AdamOptions, defaultWeightDecay: number, decoupled: boolean) {
    checkOptions(name, options);
    super(name, params, options.lr ?? 1e-3);
    checkOptionNames(name, options, ['lr', 'betas', 'eps', 'weightDecay']);
    const betas: unknown = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2)
      throw new Error(`${name}: betas must be an array [beta1, beta2], got ${describeValue(betas)}`);
    this.betas = Object.freeze([checkUnitInterval(name, 'betas[0]', betas[0]), checkUnitInterval(name, 'betas[1]', betas[1])] as const);
    this.eps = checkNonNegative(name, 'eps', options.eps ?? 1e-8);
    this.weightDecay = checkNonNegative(name, 'weightDecay', options.weightDecay ?? defaultWeightDecay);
    this.decoupled = decoupled;
    this.moments = this.params.map(() => null);
  }

  step(): void {
    const lr = this.lr;
    const [beta1, beta2] = this.betas;
    const { eps, weightDecay: wd, decoupled } = this;
    this.params.forEach((p, i) => {
      const grad = this.gradData(i);
      if (grad === null) return;
      const theta = p.data;
      const n = theta.length;
      const s = (this.moments[i] ??= { step: 0, expAvg: persistentStorage(p.dtype, n), expAvgSq: persistentStorage(p.dtype, n) });
      const t = ++s.step;
      const stepSize = lr / (1 - beta1 ** t);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
      const decay = 1 - lr * wd;
      backendFor(p.dtype).adamStep(theta, grad, s.expAvg, s.expAvgSq, {
        beta1,
        beta2,
        eps,
        weightDecay: wd,
        decoupled,
        stepSize,
        bc2Sqrt,
        decay,
      });
    });
  }
}

export class Adam extends AdamBase {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('Adam', params, options, 0, false);
  }
}

/**
 * `torch.optim.AdamW` (amsgrad off): Adam with decoupled weight decay `θ = θ·(1 − lr·λ)` before
 * the moment update (Loshchilov & Hutter); weight decay defaults to 1e-2, as in PyTorch.
 */
export class AdamW extends AdamBase {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('AdamW', params, options, 1e-2, true);
  }
}
