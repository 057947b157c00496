/**
 * `optim`: optimizers and learning-rate schedulers, as `torch.optim` (SPEC S12 for momentum).
 *
 * - `SGD` (momentum, dampening, Nesterov, weight decay; the notes' first momentum form),
 *   `MomentumSGD` (the notes' second form), `Adam`, `AdamW`; all extend `Optimizer`, take a list
 *   of parameters or of parameter groups, and save their state with `stateDict()`.
 * - `splitWeightDecay`: the groups that exempt biases and normalization parameters from weight decay.
 * - `StepLR`, `CosineAnnealingLR`, `LinearLR`, `SequentialLR`, `OneCycleLR`; all extend
 *   `LRScheduler`. `warmupCosine` builds linear warmup + cosine from them.
 */
export {
  Optimizer,
  type GroupHyperparameters,
  type Hyperparameter,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupOptions,
  type ParamState,
  type Params,
  type SavedParamGroup,
} from './optimizer.js';
export { SGD, type SGDHyperparameters, type SGDOptions, type SGDState } from './sgd.js';
export { MomentumSGD, type MomentumSGDHyperparameters, type MomentumSGDOptions, type MomentumSGDState } from './momentum.js';
export { Adam, AdamW, AdamBase, type AdamHyperparameters, type AdamOptions, type AdamState } from './adam.js';
export { splitWeightDecay, type HasParameters, type WeightDecayGroups } from './param-groups.js';
export {
  LRScheduler,
  StepLR,
  CosineAnnealingLR,
  LinearLR,
  SequentialLR,
  warmupCosine,
  type SchedulerStateDict,
  type StepLROptions,
  type CosineAnnealingLROptions,
  type LinearLROptions,
  type SequentialLROptions,
  type WarmupCosineOptions,
} from './lr-scheduler.js';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle.js';
