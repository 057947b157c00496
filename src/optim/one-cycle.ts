/**
 * `OneCycleLR`: Smith & Topin's 1cycle policy, exactly as `torch.optim.lr_scheduler.OneCycleLR`.
 * Stepped once per batch, the learning rate of each group rises from `maxLr/divFactor` to
 * `maxLr` over the first `pctStart` of the `totalSteps`, then anneals to
 * `maxLr/(divFactor·finalDivFactor)` at step `totalSteps − 1`; the momentum (SGD's `momentum`,
 * Adam's β₁) moves the other way, from `maxMomentum` down to `baseMomentum` and back.
 *
 * With phases `[start, end]` in steps, a step `t` in a phase anneals between the phase's values
 * `a → b` with `pct = (t − start)/(end − start)`:
 *
 *     cos:    b + (a − b)·(1 + cos(π·pct))/2
 *     linear: a + (b − a)·pct
 *
 *     phase        end step                     lr                   momentum
 *     warmup       pctStart·T − 1               initial → max        max → base
 *     (threePhase) 2·pctStart·T − 2             max → initial        base → max
 *     anneal       T − 1                        (max|initial) → min  (base → max | max)
 *
 * `initial = maxLr/divFactor`, `min = initial/finalDivFactor`; past the last phase the formula
 * of the last phase continues, and stepping beyond `totalSteps` is an error, as in PyTorch.
 */
import { Optimizer, checkNonNegative, checkOptions, describeValue } from './optimizer.js';
import { LRScheduler, checkOptimizer, checkPositiveInteger } from './lr-scheduler.js';
import { checkOptions as checkOptionNames } from '../tensor/arguments.js';

/** Options of `OneCycleLR`, PyTorch's in camelCase; give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions {
  /** Peak learning rate, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle (batches of the whole run), a positive integer. */
  totalSteps?: number;
  /** With `stepsPerEpoch`, instead of `totalSteps`: `totalSteps = epochs·stepsPerEpoch`. */
  epochs?: number;
  /** Batches per epoch. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the rate, in [0, 1] (default 0.3). */
  pctStart?: number;
  /** How the rate moves between the phases' values (default `'cos'`). */
  annealStrategy?: 'cos' | 'linear';
  /**
   * Cycle the momentum inversely to the rate (default true, as PyTorch): SGD's and MomentumSGD's
   * `momentum`, Adam's and AdamW's β₁. Note that this sets the momentum of SGD even when it was
   * built with none (PyTorch does the same); pass false to leave it alone.
   */
  cycleMomentum?: boolean;
  /** Lowest momentum, reached at the peak rate (default 0.85); one or one per group. */
  baseMomentum?: number | readonly number[];
  /** Highest momentum, at the start and end (default 0.95); one or one per group. */
  maxMomentum?: number | readonly number[];
  /** `initial = maxLr/divFactor` (default 25). */
  divFactor?: number;
  /** `min = initial/finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Fall back to the initial rate before annealing to the minimum (Smith's original schedule; default false). */
  threePhase?: boolean;
}

type LrPoint = 'initial' | 'max' | 'min';
type MomentumPoint = 'max' | 'base';

/** A phase of the cycle: its last step, and the values it anneals between. */
interface Phase {
  endStep: number;
  lr: [LrPoint, LrPoint];
  momentum: [MomentumPoint, MomentumPoint];
}

/** One value per group from a number or an array of them. */
function perGroup(name: string, value: unknown, groups: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) throw new Error(`OneCycleLR: expected ${groups} values for ${name}, got ${value.length}`);
    return value.map((v: unknown, g) => checkNonNegative('OneCycleLR', `${name}[${g}]`, v));
  }
  return new Array<number>(groups).fill(checkNonNegative('OneCycleLR', name, value));
}

/** `torch.optim.lr_scheduler.OneCycleLR`; see the module comment. */
export class OneCycleLR extends LRScheduler {
  /** Steps in the cycle. */
  readonly totalSteps: number;
  /** Fraction of the cycle spent warming up. */
  readonly pctStart: number;
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  readonly threePhase: boolean;
  /** Per group: the peak rate, and the final one. */
  readonly maxLrs: readonly number[];
  readonly minLrs: readonly number[];
  /** Per group: the momentum range (empty without `cycleMomentum`). */
  readonly maxMomentums: readonly number[];
  readonly baseMomentums: readonly number[];
  private readonly phases: readonly Phase[];
  /** Whether the momentum is Adam's β₁ (`betas[0]`) rather than `momentum`. */
  private readonly useBeta1: boolean;

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    checkOptions('OneCycleLR', options);
    checkOptimizer('OneCycleLR', optimizer);
    checkOptionNames('OneCycleLR', options, [
      'maxLr',
      'totalSteps',
      'epochs',
      'stepsPerEpoch',
      'pctStart',
      'annealStrategy',
      'cycleMomentum',
      'baseMomentum',
      'maxMomentum',
      'divFactor',
      'finalDivFactor',
      'threePhase',
    ]);
    const groups = optimizer.paramGroups;
    let totalSteps: number;
    if (options.totalSteps !== undefined) totalSteps = checkPositiveInteger('OneCycleLR', 'totalSteps', options.totalSteps);
    else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      totalSteps =
        checkPositiveInteger('OneCycleLR', 'epochs', options.epochs) *
        checkPositiveInteger('OneCycleLR', 'stepsPerEpoch', options.stepsPerEpoch);
    } else throw new Error('OneCycleLR: give either totalSteps or both epochs and stepsPerEpoch');
    const pctStart: unknown = options.pctStart ?? 0.3;
    if (typeof pctStart !== 'number' || !(pctStart >= 0 && pctStart <= 1))
      throw new Error(`OneCycleLR: pctStart must be a number in [0, 1], got ${describeValue(pctStart)}`);
    const annealStrategy: unknown = options.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear')
      throw new Error(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${describeValue(annealStrategy)}`);
    const divFactor = checkNonNegative('OneCycleLR', 'divFactor', options.divFactor ?? 25);
    const finalDivFactor = checkNonNegative('OneCycleLR', 'finalDivFactor', options.finalDivFactor ?? 1e4);
    const threePhase = options.threePhase ?? false;
    const cycleMomentum = options.cycleMomentum ?? true;
    if (typeof threePhase !== 'boolean') throw new Error(`OneCycleLR: threePhase must be a boolean, got ${describeValue(threePhase)}`);
    if (typeof cycleMomentum !== 'boolean')
      throw new Error(`OneCycleLR: cycleMomentum must be a boolean, got ${describeValue(cycleMomentum)}`);
    const maxLrs = perGroup('maxLr', options.maxLr, groups.length);
    const useBeta1 = Array.isArray(Reflect.get(groups[0], 'betas'));
    let maxMomentums: number[] = [];
    let baseMomentums: number[] = [];
    if (cycleMomentum) {
      if (!useBeta1 && typeof Reflect.get(groups[0], 'momentum') !== 'number') {
        throw new Error(
          `OneCycleLR: cycleMomentum needs an optimizer with a momentum (SGD, MomentumSGD) or betas (Adam, AdamW), not ${optimizer.name}; pass cycleMomentum: false`,
        );
      }
      maxMomentums = perGroup('maxMomentum', options.maxMomentum ?? 0.95, groups.length);
      baseMomentums = perGroup('baseMomentum', options.baseMomentum ?? 0.85, groups.length);
    }
    // PyTorch sets each group's initial_lr to max_lr/div_factor, whatever was there
    groups.forEach((group, g) => (group.initialLr = maxLrs[g] / divFactor));
    super('OneCycleLR', optimizer);
    this.totalSteps = totalSteps;
    this.pctStart = pctStart;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.threePhase = threePhase;
    this.maxLrs = Object.freeze(maxLrs);
    this.minLrs = Object.freeze(this.baseLrs.map((initial) => initial / finalDivFactor));
    this.maxMomentums = Object.freeze(maxMomentums);
    this.baseMomentums = Object.freeze(baseMomentums);
    this.useBeta1 = useBeta1;
    const warmupEnd = pctStart * totalSteps - 1;
    this.phases = threePhase
      ? [
          { endStep: warmupEnd, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { endStep: 2 * pctStart * totalSteps - 2, lr: ['max', 'initial'], momentum: ['base', 'max'] },
          { endStep: totalSteps - 1, lr: ['initial', 'min'], momentum: ['max', 'max'] },
        ]
      : [
          { endStep: warmupEnd, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { endStep: totalSteps - 1, lr: ['max', 'min'], momentum: ['base', 'max'] },
        ];
    this.start();
  }

  private anneal(start: number, end: number, pct: number): number {
    return this.annealStrategy === 'cos' ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }

  /** The phase holding step `t` and the fraction of it done. */
  private phaseAt(t: number): [Phase, number] {
    if (t > this.totalSteps) throw new Error(`OneCycleLR: tried to step ${t + 1} times; totalSteps is ${this.totalSteps}`);
    let start = 0;
    for (let i = 0; ; i++) {
      const phase = this.phases[i];
      if (t <= phase.endStep || i === this.phases.length - 1) return [phase, (t - start) / (phase.endStep - start)];
      start = phase.endStep;
    }
  }

  /** The rate of `group` at step `epoch` (see the module comment). */
  lrAt(epoch: number, group = 0): number {
    const [phase, pct] = this.phaseAt(epoch);
    const value = (p: LrPoint): number => (p === 'initial' ? this.baseLrs[group] : p === 'max' ? this.maxLrs[group] : this.minLrs[group]);
    return this.anneal(value(phase.lr[0]), value(phase.lr[1]), pct);
  }

  /** The momentum of `group` at step `epoch` (with `cycleMomentum`). */
  momentumAt(epoch: number, group = 0): number {
    const [phase, pct] = this.phaseAt(epoch);
    const value = (p: MomentumPoint): number => (p === 'max' ? this.maxMomentums[group] : this.baseMomentums[group]);
    return this.anneal(value(phase.momentum[0]), value(phase.momentum[1]), pct);
  }

  /** Sets the rates and, with `cycleMomentum`, each group's momentum (β₁ for Adam). */
  protected override apply(epoch: number): number[] {
    const lrs = super.apply(epoch);
    if (!this.cycleMomentum) return lrs;
    this.optimizer.paramGroups.forEach((group, g) => {
      const momentum = this.momentumAt(epoch, g);
      const betas: unknown = Reflect.get(group, 'betas');
      if (this.useBeta1 && Array.isArray(betas)) {
        const beta2: unknown = betas[1];
        Reflect.set(group, 'betas', Object.freeze([momentum, beta2]));
      } else Reflect.set(group, 'momentum', momentum);
    });
    return lrs;
  }
}
