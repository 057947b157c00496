/**
 * Learning-rate schedulers, as `torch.optim.lr_scheduler`: each one sets the learning rate of
 * every parameter group of the optimizer from that group's base rate (its `initialLr`: the
 * learning rate it had when the optimizer's first scheduler was built) and a step counter. Call
 * `step()` once per epoch, after that epoch's optimizer steps (or once per batch for the
 * per-batch schedules, `OneCycleLR` and warmup):
 *
 *     const scheduler = new StepLR(optimizer, { stepSize: 30 });
 *     for (let epoch = 0; epoch < 100; epoch++) {
 *       trainOneEpoch(optimizer);
 *       scheduler.step();
 *     }
 *
 * The rates are PyTorch's closed forms of the epoch (its `_get_closed_form_lr`), equal to the
 * rates its recursive `step()` produces up to rounding; setting a group's `lr` by hand between
 * steps is overridden by the next `step()`. `stateDict()`/`loadStateDict()` save and restore the
 * counter and the base rates (the optimizer's own state dict holds the current rates).
 */
import { Optimizer, checkNonNegative, checkOptions, describeValue } from './optimizer.js';
import { checkOptions as checkOptionNames } from '../tensor/arguments.js';

/** Returns `value` if it is a positive integer; otherwise throws naming the owner and option. */
export function checkPositiveInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${owner}: ${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `optimizer` is an `Optimizer`. */
export function checkOptimizer(owner: string, optimizer: unknown): asserts optimizer is Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new Error(`${owner}: optimizer must be an Optimizer, got ${describeValue(optimizer)}`);
}

/**
 * A scheduler's state, as PyTorch's `state_dict()`: plain data. `schedulers` holds the states
 * of a `SequentialLR`'s schedulers.
 */
export interface SchedulerStateDict {
  /** The scheduler's class (`'OneCycleLR'`, …), checked on load. */
  name: string;
  /** Steps taken (PyTorch's `last_epoch`). */
  lastEpoch: number;
  /** Each group's base learning rate. */
  baseLrs: number[];
  /** The learning rates last set (PyTorch's `_last_lr`). */
  lastLrs: number[];
  schedulers?: SchedulerStateDict[];
}

/** The base of the schedulers: the optimizer, each group's base rate and the step counter. */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` are scheduled. */
  readonly optimizer: Optimizer;
  /** The scheduler's name, used in error messages and state dicts. */
  readonly name: string;
  private bases: number[];
  private epoch = 0;
  private lastLrs: number[];

  /**
   * Sets each group's `initialLr` to its `lr` unless an earlier scheduler did (PyTorch's
   * `setdefault('initial_lr', …)`) and takes those as the base rates.
   */
  protected constructor(name: string, optimizer: Optimizer) {
    checkOptimizer(name, optimizer);
    this.name = name;
    this.optimizer = optimizer;
    this.bases = optimizer.paramGroups.map((group) => (group.initialLr ??= group.lr));
    this.lastLrs = optimizer.paramGroups.map((group) => group.lr);
  }

  /** The first group's base rate (PyTorch's `base_lrs[0]`). */
  get baseLr(): number {
    return this.bases[0];
  }

  /** Each group's base rate (PyTorch's `base_lrs`). */
  get baseLrs(): readonly number[] {
    return this.bases;
  }

  /** Steps taken: 0 after construction, incremented by each `step()` (PyTorch's `last_epoch`). */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** The learning rate of group `group` at `epoch` (a closed form of the group's base rate). */
  abstract lrAt(epoch: number, group?: number): number;

  /** Sets the learning rates of epoch 0 (subclasses call it once their options are set). */
  protected start(): void {
    this.stepTo(0);
  }

  /** Ends an epoch (or a batch): advances `lastEpoch` and sets every group's `lr` to the new step's rate. */
  step(): void {
    this.stepTo(this.epoch + 1);
  }

  /**
   * Moves to `epoch` and sets its rates (PyTorch's `step(epoch)`; `SequentialLR` restarts its
   * schedulers with it).
   */
  stepTo(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0)
      throw new Error(`${this.name}: epoch must be a non-negative integer, got ${describeValue(epoch)}`);
    this.lastLrs = this.apply(epoch);
    this.epoch = epoch;
  }

  /** The first group's learning rate last set by this scheduler (PyTorch's `get_last_lr()[0]`). */
  getLastLr(): number {
    return this.lastLrs[0];
  }

  /** Every group's learning rate last set by this scheduler (PyTorch's `get_last_lr()`). */
  getLastLrs(): readonly number[] {
    return this.lastLrs;
  }

  /** Sets every group's `lr` to its rate at `epoch` and returns the rates. */
  protected apply(epoch: number): number[] {
    const groups = this.optimizer.paramGroups;
    const lrs = groups.map((_, g) => this.lrAt(epoch, g));
    groups.forEach((group, g) => (group.lr = lrs[g]));
    return lrs;
  }

  /** The scheduler's state as plain data (see `SchedulerStateDict`). */
  stateDict(): SchedulerStateDict {
    return { name: this.name, lastEpoch: this.epoch, baseLrs: [...this.bases], lastLrs: [...this.lastLrs] };
  }

  /**
   * Restores a state saved by `stateDict()` of a scheduler of the same kind over an optimizer
   * with as many groups. As in PyTorch, the optimizer is not touched: its learning rates (and
   * `OneCycleLR`'s momenta) come back with the optimizer's own `loadStateDict`.
   */
  loadStateDict(state: SchedulerStateDict): void {
    const where = `${this.name}: loadStateDict`;
    if (typeof state !== 'object' || state === null)
      throw new Error(`${where}: expected an object as stateDict() gives, got ${describeValue(state)}`);
    if (state.name !== this.name) throw new Error(`${where}: the state is of a ${describeValue(state.name)}, not of a ${this.name}`);
    if (!Number.isInteger(state.lastEpoch) || state.lastEpoch < 0)
      throw new Error(`${where}: lastEpoch must be a non-negative integer, got ${describeValue(state.lastEpoch)}`);
    const rates = (key: 'baseLrs' | 'lastLrs'): number[] => {
      const v: unknown = state[key];
      const n = this.optimizer.paramGroups.length;
      if (!Array.isArray(v) || v.length !== n) throw new Error(`${where}: ${key} must be an array of ${n} rates, got ${describeValue(v)}`);
      return v.map((x: unknown, g) => checkNonNegative(where, `${key}[${g}]`, x));
    };
    const bases = rates('baseLrs');
    const lastLrs = rates('lastLrs');
    this.loadChildren(state);
    this.bases = bases;
    this.lastLrs = lastLrs;
    this.epoch = state.lastEpoch;
  }

  /** Loads the state of schedulers this one drives (`SequentialLR`); checked before the rest changes. */
  protected loadChildren(state: SchedulerStateDict): void {
    if (state.schedulers !== undefined) throw new Error(`${this.name}: loadStateDict: unexpected 'schedulers' in the state`);
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
  lrAt(epoch: number, group = 0): number {
    return this.baseLrs[group] * this.gamma ** Math.floor(epoch / this.stepSize);
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
  lrAt(epoch: number, group = 0): number {
    return this.etaMin + ((this.baseLrs[group] - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

/** Options of `LinearLR`: scale the rate linearly from `startFactor` to `endFactor` over `totalIters` steps. */
export interface LinearLROptions {
  /** Factor of the base rate at step 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor of the base rate from step `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps over which the factor changes, a positive integer (default 5). */
  totalIters?: number;
}

/**
 * `torch.optim.lr_scheduler.LinearLR`, the usual warmup:
 * `lr = base·(startFactor + (endFactor − startFactor)·min(epoch, totalIters)/totalIters)`.
 */
export class LinearLR extends LRScheduler {
  /** Factor at step 0. */
  readonly startFactor: number;
  /** Factor from step `totalIters` on. */
  readonly endFactor: number;
  /** Steps of the ramp. */
  readonly totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    checkOptions('LinearLR', options);
    super('LinearLR', optimizer);
    checkOptionNames('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']);
    const startFactor: unknown = options.startFactor ?? 1 / 3;
    if (typeof startFactor !== 'number' || !(startFactor > 0 && startFactor <= 1))
      throw new Error(`LinearLR: startFactor must be a number in (0, 1], got ${describeValue(startFactor)}`);
    const endFactor: unknown = options.endFactor ?? 1;
    if (typeof endFactor !== 'number' || !(endFactor >= 0 && endFactor <= 1))
      throw new Error(`LinearLR: endFactor must be a number in [0, 1], got ${describeValue(endFactor)}`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = checkPositiveInteger('LinearLR', 'totalIters', options.totalIters ?? 5);
    this.start();
  }

  /** `base·(startFactor + (endFactor − startFactor)·min(epoch, totalIters)/totalIters)`. */
  lrAt(epoch: number, group = 0): number {
    const { startFactor: s, endFactor: e, totalIters: t } = this;
    return this.baseLrs[group] * (s + ((e - s) * Math.min(t, epoch)) / t);
  }
}

/** Options of `SequentialLR`: run `schedulers[i]` from `milestones[i − 1]` (0 for the first) on. */
export interface SequentialLROptions {
  /** The schedulers, all built on the same optimizer. */
  schedulers: readonly LRScheduler[];
  /** Steps at which the next scheduler takes over: increasing positive integers, one fewer than `schedulers`. */
  milestones: readonly number[];
}

/**
 * `torch.optim.lr_scheduler.SequentialLR`: at step `epoch`, the scheduler `i` whose milestone
 * range holds `epoch` sets the rates, as at its own step `epoch − milestones[i − 1]` (each one
 * restarts at its step 0 at its milestone). `warmupCosine` builds the common warmup + cosine.
 */
export class SequentialLR extends LRScheduler {
  /** The schedulers in order. */
  readonly schedulers: readonly LRScheduler[];
  /** The steps at which each scheduler after the first starts. */
  readonly milestones: readonly number[];

  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    checkOptions('SequentialLR', options);
    super('SequentialLR', optimizer);
    checkOptionNames('SequentialLR', options, ['schedulers', 'milestones']);
    const { schedulers, milestones } = options;
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new Error(`SequentialLR: schedulers must be a non-empty array of schedulers, got ${describeValue(schedulers)}`);
    }
    schedulers.forEach((s: unknown, i) => {
      if (!(s instanceof LRScheduler)) throw new Error(`SequentialLR: schedulers[${i}] must be a scheduler, got ${describeValue(s)}`);
      if (s.optimizer !== optimizer) throw new Error(`SequentialLR: schedulers[${i}] belongs to another optimizer than the one given`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new Error(
        `SequentialLR: milestones must be an array of ${schedulers.length - 1} steps (one fewer than the schedulers), got ${describeValue(milestones)}`,
      );
    }
    milestones.forEach((m: unknown, i) => {
      checkPositiveInteger('SequentialLR', `milestones[${i}]`, m);
      if (i > 0 && milestones[i - 1] >= milestones[i])
        throw new Error(`SequentialLR: milestones must increase, got ${describeValue(milestones)}`);
    });
    this.schedulers = Object.freeze([...schedulers]);
    this.milestones = Object.freeze([...milestones]);
    this.start();
  }

  /** The scheduler in charge at `epoch` and that scheduler's own step. */
  private at(epoch: number): [LRScheduler, number] {
    let i = 0;
    while (i < this.milestones.length && this.milestones[i] <= epoch) i++;
    return [this.schedulers[i], i === 0 ? epoch : epoch - this.milestones[i - 1]];
  }

  /** The rate of the scheduler in charge at its own step. */
  lrAt(epoch: number, group = 0): number {
    const [scheduler, local] = this.at(epoch);
    return scheduler.lrAt(local, group);
  }

  /** Moves the scheduler in charge to its own step (PyTorch's `step()`, or `step(0)` at a milestone). */
  protected override apply(epoch: number): number[] {
    const [scheduler, local] = this.at(epoch);
    scheduler.stepTo(local);
    return [...scheduler.getLastLrs()];
  }

  /** Includes every scheduler's state. */
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  protected override loadChildren(state: SchedulerStateDict): void {
    const children = state.schedulers;
    if (!Array.isArray(children) || children.length !== this.schedulers.length) {
      throw new Error(
        `SequentialLR: loadStateDict: schedulers must be the states of ${this.schedulers.length} schedulers, got ${describeValue(children)}`,
      );
    }
    this.schedulers.forEach((s, i) => s.loadStateDict(children[i]));
  }
}

/** Options of `warmupCosine`. */
export interface WarmupCosineOptions {
  /** Steps of linear warmup, an integer ≥ 0. */
  warmupSteps: number;
  /** All the steps; the cosine runs over the `totalSteps − warmupSteps` after the warmup. */
  totalSteps: number;
  /** Factor of the base rate at step 0, in (0, 1] (default `1/(warmupSteps + 1)`: the warmup's rates are `base·(k + 1)/(warmupSteps + 1)`). */
  startFactor?: number;
  /** The rate reached at `totalSteps` (default 0). */
  etaMin?: number;
}

/**
 * Linear warmup then cosine annealing, as it is written in PyTorch:
 *
 *     SequentialLR(opt, [LinearLR(opt, startFactor, 1, warmupSteps),
 *                        CosineAnnealingLR(opt, totalSteps − warmupSteps, etaMin)], [warmupSteps])
 *
 * The rate rises linearly from `base·startFactor` at step 0 to the base rate at step
 * `warmupSteps`, then falls along a half cosine to `etaMin` at step `totalSteps`. With no warmup
 * it is the `CosineAnnealingLR` alone. Step it per batch (or per epoch, with steps counted in
 * epochs).
 */
export function warmupCosine(optimizer: Optimizer, options: WarmupCosineOptions): LRScheduler {
  checkOptions('warmupCosine', options);
  checkOptionNames('warmupCosine', options, ['warmupSteps', 'totalSteps', 'startFactor', 'etaMin']);
  const { warmupSteps, totalSteps } = options;
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0)
    throw new Error(`warmupCosine: warmupSteps must be an integer >= 0, got ${describeValue(warmupSteps)}`);
  checkPositiveInteger('warmupCosine', 'totalSteps', totalSteps);
  if (totalSteps <= warmupSteps) throw new Error(`warmupCosine: totalSteps (${totalSteps}) must exceed warmupSteps (${warmupSteps})`);
  const etaMin = options.etaMin ?? 0;
  if (warmupSteps === 0) return new CosineAnnealingLR(optimizer, { tMax: totalSteps, etaMin });
  const warmup = new LinearLR(optimizer, {
    startFactor: options.startFactor ?? 1 / (warmupSteps + 1),
    endFactor: 1,
    totalIters: warmupSteps,
  });
  const cosine = new CosineAnnealingLR(optimizer, { tMax: totalSteps - warmupSteps, etaMin });
  return new SequentialLR(optimizer, { schedulers: [warmup, cosine], milestones: [warmupSteps] });
}
