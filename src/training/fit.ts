/**
 * The training loop for image classifiers: seeded mini-batches with augmentation, cross-entropy
 * (optionally label-smoothed), an optimizer with a learning-rate schedule, and a held-out
 * evaluation after every epoch. Everything random is drawn from generators derived from one
 * seed, so the same seed and data give bit-identical weights and metrics on the same machine and
 * backend.
 *
 * Checkpoints: after every epoch `onEpoch` receives, besides the results, a `FitState` whose
 * `checkpoint()` snapshots everything the rest of the run depends on (weights and buffers,
 * optimizer and scheduler state, the generators' states, the epochs so far) as a `FitCheckpoint`
 * of plain data; `fit(model, train, heldOut, { ...config, resumeFrom: checkpoint })` continues
 * from it, and the run ends with the same weights and metrics, bit for bit, as one that was not
 * interrupted:
 *
 *     let saved: FitCheckpoint | null = null;
 *     await fit(model, train, heldOut, config, { onEpoch: (e, state) => (saved = state.checkpoint()) });
 *     // … later, in a new process, with a freshly built model:
 *     await fit(freshModel, train, heldOut, { ...config, resumeFrom: saved });
 */
import { Generator, type GeneratorState, defaultGenerator } from '../tensor/random.js';
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { detectAnomaly } from '../autograd/anomaly.js';
import { crossEntropy } from '../ops/loss.js';
import type { ImageDataset } from '../data/dataset.js';
import { DataLoader } from '../data/dataloader.js';
import { type Transform, compose, normalize, randomCrop, randomHorizontalFlip, randomShift } from '../data/transforms.js';
import type { Optimizer, OptimizerStateDict } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Adam, AdamW } from '../optim/adam.js';
import { CosineAnnealingLR, type LRScheduler, type SchedulerStateDict, StepLR, warmupCosine } from '../optim/lr-scheduler.js';
import { OneCycleLR } from '../optim/one-cycle.js';
import { splitWeightDecay } from '../optim/param-groups.js';
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
  /** Weight decay: L2 for SGD and Adam, decoupled for AdamW. */
  weightDecay: number;
  /** `SGD` (with `momentum`), `Adam` or `AdamW`. */
  optimizer: 'sgd' | 'adam' | 'adamw';
  /**
   * Learning-rate schedule: per epoch, cosine annealing to 0, step (×0.1 every third of the run)
   * or constant; per batch, `'onecycle'` (`OneCycleLR` with `maxLr` = `lr` over the whole run,
   * PyTorch's defaults, momentum cycled between 0.85 and 0.95 — β₁ for Adam/AdamW) or
   * `'warmup-cosine'` (`warmupCosine`: linear warmup over `warmupEpochs`, then cosine to 0).
   */
  schedule: 'cosine' | 'step' | 'none' | 'onecycle' | 'warmup-cosine';
  /** Epochs of linear warmup of `'warmup-cosine'`, an integer < epochs (default 1). */
  warmupEpochs?: number;
  /** Label smoothing ε of the cross-entropy, in [0, 1] (default 0). */
  labelSmoothing?: number;
  /** Exempt biases and normalization parameters (those with ≤ 1 dimension) from weight decay (`splitWeightDecay`; default false). */
  noDecayOnNormAndBias?: boolean;
  /** Random translation of training images by up to this many pixels (0: none). */
  augmentShift: number;
  /** `randomCrop` of training images with this zero padding on every side (0: none; default 0). */
  augmentCrop?: number;
  /** `randomHorizontalFlip` of training images with probability 0.5 (default false; off for digits). */
  augmentFlip?: boolean;
  /** Seed of the shuffling and augmentation (the model's initial weights are seeded by its builder). */
  seed: number;
  /** Input normalization; default: measured on the training set (`pixelStatistics`). */
  normalization: Normalization;
}

/** A `FitConfig` with every field set, as `fitConfig` completes it. */
export type CompleteFitConfig = Required<FitConfig>;

/**
 * `fit`'s defaults, those of `convnet train`: 15 epochs, batch 64, SGD lr 0.05 with momentum 0.9
 * and weight decay 5e−4 (on every parameter), a cosine schedule (1 warmup epoch for
 * `'warmup-cosine'`), no label smoothing, shifts of ±2 pixels, no crop or flip, seed 0 (and the
 * normalization measured on the training set).
 */
export const FIT_DEFAULTS: Readonly<Omit<CompleteFitConfig, 'normalization'>> = Object.freeze({
  epochs: 15,
  batchSize: 64,
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 5e-4,
  optimizer: 'sgd',
  schedule: 'cosine',
  warmupEpochs: 1,
  labelSmoothing: 0,
  noDecayOnNormAndBias: false,
  augmentShift: 2,
  augmentCrop: 0,
  augmentFlip: false,
  seed: 0,
});

/** `config` completed with the defaults, each value checked. */
export function fitConfig(train: ImageDataset, config: Partial<FitConfig>): CompleteFitConfig {
  for (const key of Object.keys(config)) {
    if (!(key in FIT_DEFAULTS) && key !== 'normalization') {
      throw new Error(`fit: unknown option '${key}' (known: ${[...Object.keys(FIT_DEFAULTS), 'normalization'].join(', ')})`);
    }
  }
  const c: CompleteFitConfig = {
    ...FIT_DEFAULTS,
    ...stripUndefined(config),
    normalization: config.normalization ?? pixelStatistics(train),
  };
  const positiveInt = (name: 'epochs' | 'batchSize'): void => {
    if (!Number.isInteger(c[name]) || c[name] < 1) throw new Error(`fit: ${name} must be a positive integer, got ${c[name]}`);
  };
  positiveInt('epochs');
  positiveInt('batchSize');
  if (!(c.lr > 0) || !Number.isFinite(c.lr)) throw new Error(`fit: lr must be a positive number, got ${c.lr}`);
  if (!(c.momentum >= 0 && c.momentum < 1)) throw new Error(`fit: momentum must be in [0, 1), got ${c.momentum}`);
  if (!(c.weightDecay >= 0)) throw new Error(`fit: weightDecay must be >= 0, got ${c.weightDecay}`);
  if (!['sgd', 'adam', 'adamw'].includes(c.optimizer))
    throw new Error(`fit: optimizer must be 'sgd', 'adam' or 'adamw', got ${JSON.stringify(c.optimizer)}`);
  if (!['cosine', 'step', 'none', 'onecycle', 'warmup-cosine'].includes(c.schedule)) {
    throw new Error(`fit: schedule must be 'cosine', 'step', 'none', 'onecycle' or 'warmup-cosine', got ${JSON.stringify(c.schedule)}`);
  }
  if (!Number.isInteger(c.warmupEpochs) || c.warmupEpochs < 0)
    throw new Error(`fit: warmupEpochs must be an integer >= 0, got ${c.warmupEpochs}`);
  if (c.schedule === 'warmup-cosine' && c.warmupEpochs >= c.epochs)
    throw new Error(`fit: warmupEpochs (${c.warmupEpochs}) must be fewer than the epochs (${c.epochs})`);
  if (!(c.labelSmoothing >= 0 && c.labelSmoothing <= 1)) throw new Error(`fit: labelSmoothing must be in [0, 1], got ${c.labelSmoothing}`);
  if (typeof c.noDecayOnNormAndBias !== 'boolean')
    throw new Error(`fit: noDecayOnNormAndBias must be a boolean, got ${JSON.stringify(c.noDecayOnNormAndBias)}`);
  if (typeof c.augmentFlip !== 'boolean') throw new Error(`fit: augmentFlip must be a boolean, got ${JSON.stringify(c.augmentFlip)}`);
  if (!Number.isInteger(c.augmentShift) || c.augmentShift < 0)
    throw new Error(`fit: augmentShift must be an integer >= 0, got ${c.augmentShift}`);
  if (!Number.isInteger(c.augmentCrop) || c.augmentCrop < 0)
    throw new Error(`fit: augmentCrop must be an integer >= 0, got ${c.augmentCrop}`);
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

/** Reported to `onEpoch` after every epoch, with the held-out evaluation. `lr` is the first group's rate at the epoch's start. */
export interface EpochResult {
  epoch: number;
  trainLoss: number;
  lr: number;
  seconds: number;
  heldOut: Evaluation | null;
}

/** A tensor as plain data: its shape and its values (the dtype is the array's). */
export interface SavedTensor {
  shape: number[];
  data: TypedArray;
}

/**
 * Everything `fit` needs to continue exactly after an epoch, as plain data: tensors, typed
 * arrays, numbers, strings, booleans. Written by `FitState.checkpoint()`, read by `resumeFrom`.
 */
export interface FitCheckpoint {
  /** The format's version: 1. */
  version: 1;
  /** Epochs completed; the resumed run starts with epoch `epoch + 1`. */
  epoch: number;
  /** The run's complete config; the resumed run must have the same (it is checked). */
  config: CompleteFitConfig;
  /** The model's parameters and buffers by name, as `model.stateDict()`: shapes and copies of the data (`new Tensor(data, shape)` rebuilds one). */
  model: Record<string, SavedTensor>;
  /** `optimizer.stateDict()`: momentum buffers or moments, step counts, each group's hyperparameters. */
  optimizer: OptimizerStateDict;
  /** `scheduler.stateDict()`, or null with `schedule: 'none'`. */
  scheduler: SchedulerStateDict | null;
  /** The state of the generator of the shuffling and the augmentation, at the start of the next epoch. */
  generator: GeneratorState;
  /** The state of the global `defaultGenerator` (dropout masks of layers given no generator). */
  defaultGenerator: GeneratorState;
  /** The results of the epochs so far (the resumed run's `FitResult.epochs` starts with them). */
  epochs: EpochResult[];
  /**
   * Where an interrupted epoch (`epoch + 1`) stopped, for a checkpoint written then (`onStop`):
   * the batches done, the epoch's data order, the running loss sum and count, its learning rate
   * and seconds so far. `generator` is then the state after those batches. Absent after a
   * complete epoch.
   */
  partial?: PartialEpoch;
}

/** An epoch stopped after `batch` batches (see `FitCheckpoint.partial`). */
export interface PartialEpoch {
  batch: number;
  order: Int32Array;
  lossSum: number;
  seen: number;
  lr: number;
  seconds: number;
}

/** What `onEpoch` gets besides the results: the objects `fit` trains with, and a checkpoint. */
export interface FitState {
  readonly model: Module;
  readonly optimizer: Optimizer;
  /** Null with `schedule: 'none'`. */
  readonly scheduler: LRScheduler | null;
  /** The generator of the shuffling and the augmentation. */
  readonly generator: Generator;
  /** A snapshot (copies) from which `resumeFrom` continues exactly after this epoch. */
  checkpoint(): FitCheckpoint;
}

/** `fit`'s options: a config, and optionally a checkpoint to continue from. */
export type FitOptions = Partial<FitConfig> & {
  /** Continue after the checkpoint's epoch, bit-identically to the run that wrote it (same config, data and model). */
  resumeFrom?: FitCheckpoint;
};

/** Callbacks of `fit`. */
export interface FitHooks {
  onBatch?: (p: BatchProgress) => void;
  /** After every epoch: its results, and the training state (`state.checkpoint()` to save it). */
  onEpoch?: (e: EpochResult, state: FitState) => void;
  /** Checked after every batch: return true to stop (after the current batch) — e.g. on Ctrl-C. */
  shouldStop?: () => boolean;
  /**
   * When `shouldStop` stopped training: the state (`state.checkpoint()` continues from the batch
   * after the last one done, in the same epoch — a mid-epoch checkpoint).
   */
  onStop?: (state: FitState) => void;
}

/** What `fit` returns. */
export interface FitResult {
  epochs: EpochResult[];
  /** True when `shouldStop` ended training early. */
  stopped: boolean;
}

/** Throws unless `p` is a mid-epoch position in a pass of `batches` batches over `n` samples. */
function checkPartial(p: PartialEpoch, n: number, batches: number): void {
  if (!(p.order instanceof Int32Array) || p.order.length !== n) {
    throw new Error(`fit: resumeFrom.partial.order must hold the ${n} indices of the training data, got ${p.order?.length}`);
  }
  if (!Number.isInteger(p.batch) || p.batch < 1 || p.batch >= batches) {
    throw new Error(`fit: resumeFrom.partial.batch must be in [1, ${batches - 1}], got ${p.batch}`);
  }
}

function makeOptimizer(model: Module, c: CompleteFitConfig): Optimizer {
  const params = c.noDecayOnNormAndBias ? splitWeightDecay(model, c.weightDecay) : model.parameters();
  if (c.optimizer === 'adam') return new Adam(params, { lr: c.lr, weightDecay: c.weightDecay });
  if (c.optimizer === 'adamw') return new AdamW(params, { lr: c.lr, weightDecay: c.weightDecay });
  return new SGD(params, { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay });
}

/** The schedule's scheduler (null for none), and whether it is stepped per batch rather than per epoch. */
function makeScheduler(opt: Optimizer, c: CompleteFitConfig, batches: number): { scheduler: LRScheduler | null; perBatch: boolean } {
  switch (c.schedule) {
    case 'cosine':
      return { scheduler: new CosineAnnealingLR(opt, { tMax: c.epochs }), perBatch: false };
    case 'step':
      return { scheduler: new StepLR(opt, { stepSize: Math.max(1, Math.ceil(c.epochs / 3)), gamma: 0.1 }), perBatch: false };
    case 'onecycle':
      return { scheduler: new OneCycleLR(opt, { maxLr: c.lr, epochs: c.epochs, stepsPerEpoch: batches }), perBatch: true };
    case 'warmup-cosine':
      return { scheduler: warmupCosine(opt, { warmupSteps: c.warmupEpochs * batches, totalSteps: c.epochs * batches }), perBatch: true };
    case 'none':
      return { scheduler: null, perBatch: false };
  }
}

/** The training transform: crop, flip, shift (each when asked for), then normalization. */
function trainTransform(c: CompleteFitConfig, train: ImageDataset): Transform {
  const steps: Transform[] = [];
  if (c.augmentCrop > 0) steps.push(randomCrop([train.height, train.width], c.augmentCrop));
  if (c.augmentFlip) steps.push(randomHorizontalFlip(0.5));
  if (c.augmentShift > 0) steps.push(randomShift(c.augmentShift));
  steps.push(normalize(c.normalization.mean, c.normalization.std));
  return compose(...steps);
}

/** Throws unless `checkpoint` was written by a run with the config `c`. */
function checkResume(checkpoint: FitCheckpoint, c: CompleteFitConfig): void {
  if (typeof checkpoint !== 'object' || checkpoint === null || checkpoint.version !== 1) {
    throw new Error('fit: resumeFrom must be a checkpoint of version 1, as FitState.checkpoint() writes');
  }
  if (!Number.isInteger(checkpoint.epoch) || checkpoint.epoch < 0 || checkpoint.epoch > c.epochs) {
    throw new Error(`fit: resumeFrom is after epoch ${checkpoint.epoch}, but this run has ${c.epochs} epochs`);
  }
  for (const key of Object.keys(c) as (keyof CompleteFitConfig)[]) {
    const [saved, now] = [JSON.stringify(checkpoint.config[key]), JSON.stringify(c[key])];
    if (saved !== now)
      throw new Error(
        `fit: resumeFrom was written by a run with ${key} ${saved}, but this run has ${key} ${now}; resume with the same config`,
      );
  }
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
function divergence(
  model: Module,
  x: Tensor,
  y: Tensor,
  loss: number,
  epoch: number,
  batch: number,
  labelSmoothing: number,
): DivergedError {
  let where = 'the first non-finite value could not be located';
  let layer: string | null = null;
  try {
    detectAnomaly(() => crossEntropy(model.forward(x), y, { labelSmoothing }).backward());
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
 * (when given) after each. `options` may set any of `FitConfig`'s fields; the others take
 * `FIT_DEFAULTS`. With `resumeFrom` (a `FitCheckpoint` from `onEpoch`'s `state.checkpoint()`),
 * the model, optimizer, scheduler and generators are restored and training continues with the
 * next epoch — or, from `onStop`'s (training stopped by `shouldStop` in the middle of an epoch),
 * with the next batch of that epoch, in its data order; the returned epochs include the checkpoint's. The work is synchronous per batch;
 * between batches the event loop runs, so `shouldStop` can react to signals. A batch whose loss
 * is not finite stops training with a `DivergedError` naming the epoch, the batch and the layer
 * where the NaN or infinity started; the weights are left as they were before that batch.
 */
export async function fit(
  model: Module,
  train: ImageDataset,
  heldOut: ImageDataset | null = null,
  options: FitOptions = {},
  hooks: FitHooks = {},
): Promise<FitResult> {
  const { resumeFrom, ...rest } = options;
  const config = fitConfig(train, rest);
  const generator = new Generator(config.seed);
  const loader = new DataLoader(train, { batchSize: config.batchSize, shuffle: true, generator, transform: trainTransform(config, train) });
  const optimizer = makeOptimizer(model, config);
  const { scheduler, perBatch } = makeScheduler(optimizer, config, loader.length);
  const results: EpochResult[] = [];
  let firstEpoch = 1;
  if (resumeFrom !== undefined) {
    checkResume(resumeFrom, config);
    model.loadStateDict(Object.fromEntries(Object.entries(resumeFrom.model).map(([name, t]) => [name, new Tensor(t.data, t.shape)])));
    optimizer.loadStateDict(resumeFrom.optimizer);
    if (scheduler !== null) {
      if (resumeFrom.scheduler === null)
        throw new Error(`fit: resumeFrom has no scheduler state, but this run's schedule is '${config.schedule}'`);
      scheduler.loadStateDict(resumeFrom.scheduler);
    }
    generator.setState(resumeFrom.generator);
    defaultGenerator.setState(resumeFrom.defaultGenerator);
    results.push(...resumeFrom.epochs);
    firstEpoch = resumeFrom.epoch + 1;
  }
  let partial: PartialEpoch | undefined = resumeFrom?.partial;
  if (partial !== undefined) {
    if (firstEpoch > config.epochs)
      throw new Error(`fit: resumeFrom stopped in epoch ${firstEpoch}, but this run has ${config.epochs} epochs`);
    checkPartial(partial, train.n, loader.length);
  }
  const state = (epoch: number, stoppedAt?: PartialEpoch): FitState => ({
    model,
    optimizer,
    scheduler,
    generator,
    checkpoint: () => ({
      version: 1,
      epoch,
      config: { ...config, normalization: { ...config.normalization } },
      model: Object.fromEntries(
        Object.entries(model.stateDict()).map(([name, t]) => [name, { shape: [...t.shape], data: t.data.slice() }]),
      ),
      optimizer: optimizer.stateDict(),
      scheduler: scheduler?.stateDict() ?? null,
      generator: generator.getState(),
      defaultGenerator: defaultGenerator.getState(),
      epochs: results.map((r) => ({ ...r })),
      ...(stoppedAt === undefined ? {} : { partial: { ...stoppedAt, order: stoppedAt.order.slice() } }),
    }),
  });
  const totalBatches = loader.length * (config.epochs - firstEpoch + 1) - (partial?.batch ?? 0);
  const start = performance.now();
  let batchesDone = 0;
  let imagesDone = 0;
  for (let epoch = firstEpoch; epoch <= config.epochs; epoch++) {
    model.train();
    // an epoch resumed in its middle: its order, batches done, running loss, lr and time so far
    const resumed = partial;
    partial = undefined;
    const epochStart = performance.now() - (resumed?.seconds ?? 0) * 1000;
    const lr = resumed?.lr ?? optimizer.lr;
    let lossSum = resumed?.lossSum ?? 0;
    let seen = resumed?.seen ?? 0;
    let batch = resumed?.batch ?? 0;
    let stopped = false;
    const order = resumed?.order ?? loader.order();
    for (const { x, y } of loader.pass(order, batch)) {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(x), y, { labelSmoothing: config.labelSmoothing });
      if (!Number.isFinite(loss.item())) throw divergence(model, x, y, loss.item(), epoch, batch + 1, config.labelSmoothing);
      loss.backward();
      optimizer.step();
      if (perBatch) scheduler?.step();
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
    if (stopped && batch < loader.length) {
      const seconds = (performance.now() - epochStart) / 1000;
      hooks.onStop?.(state(epoch - 1, { batch, order, lossSum, seen, lr, seconds }));
      return { epochs: results, stopped: true };
    }
    if (!perBatch) scheduler?.step();
    const heldOutEval = heldOut ? evaluate(model, heldOut, config.normalization) : null;
    const result: EpochResult = {
      epoch,
      trainLoss: lossSum / Math.max(seen, 1),
      lr,
      seconds: (performance.now() - epochStart) / 1000,
      heldOut: heldOutEval,
    };
    results.push(result);
    hooks.onEpoch?.(result, state(epoch));
    // stopped after the epoch's last batch: the epoch is complete, and so is its checkpoint
    if (stopped) {
      hooks.onStop?.(state(epoch));
      return { epochs: results, stopped: true };
    }
  }
  return { epochs: results, stopped: false };
}
