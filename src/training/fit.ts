/**
 * The training loop for image classifiers: seeded mini-batches with augmentation, cross-entropy,
 * an optimizer with a learning-rate schedule, and a held-out evaluation after every epoch.
 * Everything random is drawn from generators derived from one seed, so the same seed and data
 * give bit-identical weights and metrics on the same machine and backend.
 */
import { Generator } from '../tensor/random.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { detectAnomaly } from '../autograd/anomaly.js';
import { crossEntropy } from '../ops/loss.js';
import type { ImageDataset } from '../data/dataset.js';
import { DataLoader } from '../data/dataloader.js';
import { compose, normalize, randomShift } from '../data/transforms.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Adam } from '../optim/adam.js';
import { CosineAnnealingLR, type LRScheduler, StepLR } from '../optim/lr-scheduler.js';
import { type Evaluation, evaluate } from './evaluate.js';
import { type Normalization, pixelStatistics } from '../data/normalization.js';

/** What `fit` trains with; every field has a default (`FIT_DEFAULTS`, the CLI's defaults). */
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
  /** Input normalization; default: measured on the training set (`pixelStatistics`). */
  normalization: Normalization;
}

/**
 * `fit`'s defaults, those of `convnet train`: 15 epochs, batch 64, SGD lr 0.05 with momentum 0.9
 * and weight decay 5e−4, a cosine schedule, shifts of ±2 pixels, seed 0 (and the normalization
 * measured on the training set).
 */
export const FIT_DEFAULTS: Readonly<Omit<FitConfig, 'normalization'>> = Object.freeze({
  epochs: 15,
  batchSize: 64,
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 5e-4,
  optimizer: 'sgd',
  schedule: 'cosine',
  augmentShift: 2,
  seed: 0,
});

/** `config` completed with the defaults, each value checked. */
export function fitConfig(train: ImageDataset, config: Partial<FitConfig>): FitConfig {
  for (const key of Object.keys(config)) {
    if (!(key in FIT_DEFAULTS) && key !== 'normalization') {
      throw new Error(`fit: unknown option '${key}' (known: ${[...Object.keys(FIT_DEFAULTS), 'normalization'].join(', ')})`);
    }
  }
  const c: FitConfig = { ...FIT_DEFAULTS, ...stripUndefined(config), normalization: config.normalization ?? pixelStatistics(train) };
  const positiveInt = (name: 'epochs' | 'batchSize'): void => {
    if (!Number.isInteger(c[name]) || c[name] < 1) throw new Error(`fit: ${name} must be a positive integer, got ${c[name]}`);
  };
  positiveInt('epochs');
  positiveInt('batchSize');
  if (!(c.lr > 0) || !Number.isFinite(c.lr)) throw new Error(`fit: lr must be a positive number, got ${c.lr}`);
  if (!(c.momentum >= 0 && c.momentum < 1)) throw new Error(`fit: momentum must be in [0, 1), got ${c.momentum}`);
  if (!(c.weightDecay >= 0)) throw new Error(`fit: weightDecay must be >= 0, got ${c.weightDecay}`);
  if (c.optimizer !== 'sgd' && c.optimizer !== 'adam')
    throw new Error(`fit: optimizer must be 'sgd' or 'adam', got ${JSON.stringify(c.optimizer)}`);
  if (!['cosine', 'step', 'none'].includes(c.schedule)) {
    throw new Error(`fit: schedule must be 'cosine', 'step' or 'none', got ${JSON.stringify(c.schedule)}`);
  }
  if (!Number.isInteger(c.augmentShift) || c.augmentShift < 0)
    throw new Error(`fit: augmentShift must be an integer >= 0, got ${c.augmentShift}`);
  if (!Number.isInteger(c.seed)) throw new Error(`fit: seed must be an integer, got ${c.seed}`);
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
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

/**
 * Training went non-finite: the loss of a batch is NaN or infinite (a learning rate too large, a
 * NaN in the data). `layer` names where it started, as anomaly detection found it.
 */
export class DivergedError extends Error {
  constructor(
    message: string,
    readonly epoch: number,
    readonly batch: number,
    readonly layer: string | null,
  ) {
    super(message);
  }
}

/**
 * The error for a batch whose loss is `loss` (not finite): the batch is run again, forward and
 * backward, under anomaly detection, which names the first op and layer whose output or gradient
 * went non-finite. No step is taken.
 */
function divergence(model: Module, x: Tensor, y: Tensor, loss: number, epoch: number, batch: number): DivergedError {
  let where = 'the first non-finite value could not be located';
  let layer: string | null = null;
  try {
    detectAnomaly(() => crossEntropy(model.forward(x), y).backward());
  } catch (e) {
    where = `it first appears here: ${(e as Error).message.replace(/^anomaly: /, '')}`;
    layer = /in layer '([^']*)'/.exec((e as Error).message)?.[1] ?? null;
  }
  return new DivergedError(
    `fit: training diverged: the loss is ${loss} at epoch ${epoch}, batch ${batch}; ${where} (a smaller learning rate may help)`,
    epoch,
    batch,
    layer,
  );
}

/** Lets pending events (a Ctrl-C, a UI repaint) run between batches. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * Trains `model` on `train` for `config.epochs` epochs with cross-entropy, evaluating on `heldOut`
 * (when given) after each. `config` may set any of `FitConfig`'s fields; the others take
 * `FIT_DEFAULTS`. The work is synchronous per batch; between batches the event loop runs, so
 * `shouldStop` can react to signals. A batch whose loss is not finite stops training with a
 * `DivergedError` naming the epoch, the batch and the layer where the NaN or infinity started;
 * the weights are left as they were before that batch.
 */
export async function fit(
  model: Module,
  train: ImageDataset,
  heldOut: ImageDataset | null = null,
  options: Partial<FitConfig> = {},
  hooks: FitHooks = {},
): Promise<FitResult> {
  const config = fitConfig(train, options);
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
      if (!Number.isFinite(loss.item())) throw divergence(model, x, y, loss.item(), epoch, batch + 1);
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
