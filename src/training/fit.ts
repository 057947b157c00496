/**
 * The training loop for image classifiers: seeded mini-batches with augmentation, cross-entropy,
 * an optimizer with a learning-rate schedule, and a held-out evaluation after every epoch.
 * Everything random is drawn from generators derived from one seed, so the same seed and data
 * give bit-identical weights and metrics on the same machine and backend.
 */
import { Generator } from '../tensor/random.js';
import type { Module } from '../nn/module.js';
import { crossEntropy } from '../ops/loss.js';
import type { ImageDataset } from '../data/dataset.js';
import { DataLoader } from '../data/dataloader.js';
import { compose, normalize, randomShift } from '../data/transforms.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Adam } from '../optim/adam.js';
import { CosineAnnealingLR, type LRScheduler, StepLR } from '../optim/lr-scheduler.js';
import { type Evaluation, evaluate } from './evaluate.js';
import { type Normalization } from '../data/normalization.js';

/** What `fit` trains with. */
export interface FitConfig {
  epochs: number;
  batchSize: number;
  /** Initial learning rate. */
  lr: number;
  /** SGD momentum β (S12). */
  momentum: number;
  /** L2 weight decay. */
  weightDecay: number;
  optimizer: 'sgd' | 'adam';
  /** Per-epoch learning-rate schedule: cosine annealing to 0, step (×0.1 every third of the run), or constant. */
  schedule: 'cosine' | 'step' | 'none';
  /** Random translation of training images by up to this many pixels (0: none). */
  augmentShift: number;
  /** Seed of the shuffling and augmentation (the model's initial weights are seeded by its builder). */
  seed: number;
  normalization: Normalization;
}

/** Reported to `onBatch` after every mini-batch. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  /** Batches done in this epoch (1-based). */
  batch: number;
  batches: number;
  /** Mean training loss over the epoch so far. */
  loss: number;
  imagesPerSecond: number;
  /** Estimated seconds until the end of training. */
  etaSeconds: number;
}

/** Reported to `onEpoch` after every epoch, with the held-out evaluation. */
export interface EpochResult {
  epoch: number;
  trainLoss: number;
  lr: number;
  seconds: number;
  heldOut: Evaluation | null;
}

/** Callbacks of `fit`. */
export interface FitHooks {
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (e: EpochResult) => void;
  /** Checked after every batch: return true to stop (after the current batch) — e.g. on Ctrl-C. */
  shouldStop?: () => boolean;
}

/** What `fit` returns. */
export interface FitResult {
  epochs: EpochResult[];
  /** True when `shouldStop` ended training early. */
  stopped: boolean;
}

function makeOptimizer(model: Module, c: FitConfig): Optimizer {
  if (c.optimizer === 'adam') return new Adam(model.parameters(), { lr: c.lr, weightDecay: c.weightDecay });
  return new SGD(model.parameters(), { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay });
}

function makeScheduler(opt: Optimizer, c: FitConfig): LRScheduler | null {
  if (c.schedule === 'cosine') return new CosineAnnealingLR(opt, { tMax: c.epochs });
  if (c.schedule === 'step') return new StepLR(opt, { stepSize: Math.max(1, Math.ceil(c.epochs / 3)), gamma: 0.1 });
  return null;
}

/** Lets pending events (a Ctrl-C, a UI repaint) run between batches. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * Trains `model` on `train` for `config.epochs` epochs, evaluating on `heldOut` after each. The
 * work is synchronous per batch; between batches the event loop runs, so `shouldStop` can react
 * to signals.
 */
export async function fit(
  model: Module,
  train: ImageDataset,
  heldOut: ImageDataset | null,
  config: FitConfig,
  hooks: FitHooks = {},
): Promise<FitResult> {
  const { mean, std } = config.normalization;
  const transform = config.augmentShift > 0 ? compose(randomShift(config.augmentShift), normalize(mean, std)) : normalize(mean, std);
  const loader = new DataLoader(train, { batchSize: config.batchSize, shuffle: true, generator: new Generator(config.seed), transform });
  const optimizer = makeOptimizer(model, config);
  const scheduler = makeScheduler(optimizer, config);
  const results: EpochResult[] = [];
  const totalBatches = loader.length * config.epochs;
  const start = performance.now();
  let batchesDone = 0;
  let imagesDone = 0;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    model.train();
    const epochStart = performance.now();
    const lr = optimizer.lr;
    let lossSum = 0;
    let seen = 0;
    let batch = 0;
    let stopped = false;
    for (const { x, y } of loader) {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      const b = x.shape[0];
      lossSum += loss.item() * b;
      seen += b;
      batch++;
      batchesDone++;
      imagesDone += b;
      if (hooks.onBatch) {
        const elapsed = (performance.now() - start) / 1000;
        const rate = imagesDone / Math.max(elapsed, 1e-9);
        const etaSeconds = (totalBatches - batchesDone) * (elapsed / batchesDone);
        hooks.onBatch({
          epoch,
          epochs: config.epochs,
          batch,
          batches: loader.length,
          loss: lossSum / seen,
          imagesPerSecond: rate,
          etaSeconds,
        });
      }
      await yieldToEventLoop();
      if (hooks.shouldStop?.()) {
        stopped = true;
        break;
      }
    }
    if (stopped) return { epochs: results, stopped: true };
    scheduler?.step();
    const heldOutEval = heldOut ? evaluate(model, heldOut, config.normalization) : null;
    const result: EpochResult = {
      epoch,
      trainLoss: lossSum / Math.max(seen, 1),
      lr,
      seconds: (performance.now() - epochStart) / 1000,
      heldOut: heldOutEval,
    };
    results.push(result);
    hooks.onEpoch?.(result);
  }
  return { epochs: results, stopped: false };
}
