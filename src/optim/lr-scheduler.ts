/**
 * Learning-rate schedulers, as `torch.optim.lr_scheduler`: each one sets `optimizer.lr` from the
 * learning rate the optimizer had when the scheduler was built (the base rate) and an epoch
 * counter. Call `step()` once per epoch, after that epoch's optimizer steps:
 *
 *     const scheduler = new StepLR(optimizer, { stepSize: 30 });
 *     for (let epoch = 0; epoch < 100; epoch++) {
 *       trainOneEpoch(optimizer);
 *       scheduler.step();
 *     }
 *
 * The rates are PyTorch's closed forms of the epoch (its `_get_closed_form_lr`), equal to the
 * rates its recursive `step()` produces up to rounding; setting `optimizer.lr` by hand between
 * steps is overridden by the next `step()`.
 */
import { Optimizer, checkNonNegative, checkOptions, describeValue } from './optimizer.js';
import { checkOptions as checkOptionNames } from '../tensor/arguments.js';

/** Returns `value` if it is a positive integer; otherwise throws naming the owner and option. */
function checkPositiveInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${owner}: ${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** The base of the schedulers: the optimizer, its base learning rate and the epoch counter. */
export abstract class LRScheduler {
  /** The optimizer whose `lr` is scheduled. */
  readonly optimizer: Optimizer;
  /** The optimizer's learning rate when the scheduler was built (PyTorch's `initial_lr`). */
  readonly baseLr: number;
  private epoch = 0;
  private lastLr: number;

  protected constructor(name: string, optimizer: Optimizer) {
    if (!(optimizer instanceof Optimizer)) throw new Error(`${name}: optimizer must be an Optimizer, got ${describeValue(optimizer)}`);
    this.optimizer = optimizer;
    this.baseLr = optimizer.lr;
    this.lastLr = optimizer.lr;
  }

  /** Epochs completed: 0 after construction, incremented by each `step()` (PyTorch's `last_epoch`). */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** The learning rate at `epoch` (a closed form of the base rate). */
  abstract lrAt(epoch: number): number;

  /** Sets the learning rate of epoch 0 (subclasses call it once their options are set). */
  protected start(): void {
    this.apply();
  }

  /** Ends an epoch: advances `lastEpoch` and sets `optimizer.lr` to the new epoch's rate. */
  step(): void {
    this.epoch++;
    this.apply();
  }

  /** The learning rate last set by this scheduler (PyTorch's `get_last_lr()[0]`). */
  getLastLr(): number {
    return this.lastLr;
  }

  private apply(): void {
    this.lastLr = this.lrAt(this.epoch);
    this.optimizer.lr = this.lastLr;
  }
}

/** Options of `StepLR`: multiply the learning rate by `gamma` every `stepSize` epochs. */
export interface StepLROptions {
  /** Epochs between decays, a positive integer. */
  stepSize: number;
  /** Multiplicative decay factor γ ≥ 0 (default 0.1). */
  gamma?: number;
}

/**
 * `torch.optim.lr_scheduler.StepLR`: the rate is multiplied by γ every `stepSize` epochs,
 * `lr = base·γ^⌊epoch/stepSize⌋`.
 */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  readonly stepSize: number;
  /** Decay factor γ. */
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    checkOptions('StepLR', options);
    super('StepLR', optimizer);
    checkOptionNames('StepLR', options, ['stepSize', 'gamma']);
    this.stepSize = checkPositiveInteger('StepLR', 'stepSize', options.stepSize);
    this.gamma = checkNonNegative('StepLR', 'gamma', options.gamma ?? 0.1);
    this.start();
  }

  /** `base·γ^⌊epoch/stepSize⌋`. */
  lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** Options of `CosineAnnealingLR`: anneal from the initial rate to `etaMin` over `tMax` epochs. */
export interface CosineAnnealingLROptions {
  /** Half period of the cosine in epochs (the epoch at which the rate reaches `etaMin`), a positive integer. */
  tMax: number;
  /** Minimum learning rate η_min ≥ 0 (default 0). */
  etaMin?: number;
}

/**
 * `torch.optim.lr_scheduler.CosineAnnealingLR` (SGDR without restarts):
 * `lr = η_min + (base − η_min)·(1 + cos(π·epoch/tMax))/2`, falling from the base rate at epoch 0
 * to η_min at epoch tMax; past tMax the cosine continues, so the rate rises again, as in PyTorch.
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half period in epochs. */
  readonly tMax: number;
  /** Minimum learning rate. */
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    checkOptions('CosineAnnealingLR', options);
    super('CosineAnnealingLR', optimizer);
    checkOptionNames('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    this.tMax = checkPositiveInteger('CosineAnnealingLR', 'tMax', options.tMax);
    this.etaMin = checkNonNegative('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0);
    this.start();
  }

  /** `η_min + (base − η_min)·(1 + cos(π·epoch/tMax))/2`. */
  lrAt(epoch: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
