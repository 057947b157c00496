/**
 * `optim`: optimizers and learning-rate schedulers, as `torch.optim` (SPEC S12 for momentum).
 *
 * - `SGD` (momentum, dampening, Nesterov, weight decay; the notes' first momentum form),
 *   `MomentumSGD` (the notes' second form), `Adam`, `AdamW`; all extend `Optimizer`.
 * - `StepLR`, `CosineAnnealingLR`; both extend `LRScheduler`.
 */
export { Optimizer } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { MomentumSGD, type MomentumSGDOptions } from './momentum.js';
export { Adam, AdamW, AdamBase, type AdamOptions } from './adam.js';
export { LRScheduler, StepLR, CosineAnnealingLR, type StepLROptions, type CosineAnnealingLROptions } from './lr-scheduler.js';
