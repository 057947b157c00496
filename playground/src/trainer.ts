/**
 * The page's training loop, run in the worker: `fit`'s recipe (src/training/fit.ts) — seeded
 * shuffling and shifts, cross-entropy, SGD with momentum and weight decay, a per-epoch learning-rate
 * schedule, the training set's pixel statistics as the input normalization — written out so that
 * it can pause between two batches and resume where it stopped, report every batch, and evaluate
 * on the held-out digits every few batches for the curves. With the same settings it trains the
 * same weights as `convnet train`.
 */
import { F, Generator, type Normalization, type Tensor, data, fitConfig, nn, noGrad, optim } from 'convnet-ts';
import type { CurvePoint, Misclassified, Progress, RunState, TrainSettings } from './protocol.js';

/** What the trainer reports. */
export interface TrainerHooks {
  progress(p: Progress): void;
  evaluation(point: CurvePoint, misclassified: Misclassified[]): void;
  state(state: RunState): void;
  /** After every batch, while the loop waits for the next one. */
  batchDone(): void;
}

/** Lets the worker's pending messages (pause, a digit to inspect) run: a task, not a timer (timers are clamped to 4 ms). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Held-out evaluation with the misclassified digits: `evaluate` (src/training/evaluate.ts), per image. */
function evaluateHeldOut(
  model: nn.Module,
  ds: data.ImageDataset,
  norm: Normalization,
): { loss: number; correct: number; misclassified: Misclassified[] } {
  const batchSize = 256;
  let lossSum = 0;
  let correct = 0;
  const misclassified: Misclassified[] = [];
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let start = 0; start < ds.n; start += batchSize) {
        const end = Math.min(ds.n, start + batchSize);
        const logits: Tensor = model.forward(data.normalizedBatch(ds, start, end, norm));
        const labels = ds.labels.subarray(start, end);
        lossSum += F.crossEntropy(logits, labels, { reduction: 'sum' }).item();
        const predicted = logits.argmax(1).data;
        for (let i = 0; i < end - start; i++) {
          if (predicted[i] === labels[i]) correct++;
          else misclassified.push({ index: start + i, label: labels[i], predicted: predicted[i] });
        }
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { loss: lossSum / Math.max(ds.n, 1), correct, misclassified };
}

/** Training figures accumulated since the last curve point. */
interface Window {
  loss: number;
  correct: number;
  seen: number;
}

/** Trains one model on the training digits, pausable, reporting to `hooks`. */
export class Trainer {
  /** Batches trained since the model was made or loaded (the curves' x axis). */
  totalBatches = 0;
  /** Training images seen since then. */
  imagesSeen = 0;
  /** Complete epochs trained, and the held-out accuracy of the last evaluation (recorded in saved files). */
  epochsTrained = 0;
  lastAccuracy: number | null = null;
  state: RunState = 'idle';
  private window: Window = { loss: 0, correct: 0, seen: 0 };
  private lastPointBatches = -1;
  private pauseRequested = false;
  private stopRequested = false;
  private resumeGate: (() => void) | null = null;
  private running: Promise<void> | null = null;

  constructor(
    readonly train: data.ImageDataset,
    readonly heldOut: data.ImageDataset,
    public model: nn.Module,
    public normalization: Normalization,
    private readonly hooks: TrainerHooks,
  ) {}

  /** Stops any run and trains `model` from now on; the curves start again (with a point for it at 0). */
  async replaceModel(model: nn.Module, normalization: Normalization): Promise<void> {
    await this.stop();
    this.model = model;
    this.normalization = normalization;
    this.totalBatches = 0;
    this.imagesSeen = 0;
    this.epochsTrained = 0;
    this.lastPointBatches = -1;
    this.window = { loss: 0, correct: 0, seen: 0 };
    this.evaluateNow();
  }

  /** Evaluates on the held-out digits now and reports a curve point (once per batch count). */
  evaluateNow(): void {
    if (this.lastPointBatches === this.totalBatches) return;
    const { loss, correct, misclassified } = evaluateHeldOut(this.model, this.heldOut, this.normalization);
    const w = this.window;
    const point: CurvePoint = {
      batches: this.totalBatches,
      epochs: this.imagesSeen / this.train.n,
      trainLoss: w.seen > 0 ? w.loss / w.seen : null,
      trainAccuracy: w.seen > 0 ? w.correct / w.seen : null,
      heldOutLoss: loss,
      heldOutAccuracy: correct / Math.max(this.heldOut.n, 1),
      heldOutCorrect: correct,
      heldOutCount: this.heldOut.n,
    };
    this.window = { loss: 0, correct: 0, seen: 0 };
    this.lastPointBatches = this.totalBatches;
    this.lastAccuracy = point.heldOutAccuracy;
    this.hooks.evaluation(point, misclassified);
  }

  /**
   * Trains for `settings.epochs` epochs, continuing from the current weights with a new optimizer
   * and schedule. Invalid settings throw `fit`'s own error message before anything changes.
   */
  start(settings: TrainSettings): void {
    if (this.running !== null) throw new Error('training is already running: pause, resume or reset it');
    const config = fitConfig(this.train, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      lr: settings.lr,
      momentum: settings.momentum,
      weightDecay: settings.weightDecay,
      schedule: settings.schedule,
      augmentShift: settings.augment,
      seed: settings.seed,
      normalization: this.normalization,
    });
    if (!Number.isInteger(settings.evalEvery) || settings.evalEvery < 1) {
      throw new Error(`evaluate every: must be a positive integer number of batches, got ${settings.evalEvery}`);
    }
    this.pauseRequested = false;
    this.stopRequested = false;
    this.running = this.run(config, settings.evalEvery).finally(() => {
      this.running = null;
    });
  }

  /** Pauses after the current batch (and evaluates, so that the curves show the weights as they are). */
  pause(): void {
    if (this.state === 'training') this.pauseRequested = true;
  }

  /** Resumes a paused run. */
  resume(): void {
    this.pauseRequested = false;
    this.resumeGate?.();
  }

  /** Ends the run after the current batch, and waits for it. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.resumeGate?.();
    await this.running;
  }

  private setState(state: RunState): void {
    this.state = state;
    this.hooks.state(state);
  }

  private async run(config: ReturnType<typeof fitConfig>, evalEvery: number): Promise<void> {
    const { mean, std } = config.normalization;
    const transform =
      config.augmentShift > 0 ? data.compose(data.randomShift(config.augmentShift), data.normalize(mean, std)) : data.normalize(mean, std);
    const loader = new data.DataLoader(this.train, {
      batchSize: config.batchSize,
      shuffle: true,
      generator: new Generator(config.seed),
      transform,
    });
    const optimizer = new optim.SGD(this.model.parameters(), { lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay });
    const scheduler =
      config.schedule === 'cosine'
        ? new optim.CosineAnnealingLR(optimizer, { tMax: config.epochs })
        : config.schedule === 'step'
          ? new optim.StepLR(optimizer, { stepSize: Math.max(1, Math.ceil(config.epochs / 3)), gamma: 0.1 })
          : null;
    const totalRunBatches = loader.length * config.epochs;
    let runBatches = 0;
    let runImages = 0;
    let activeMs = 0;
    this.model.train();
    this.setState('training');
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      let epochLoss = 0;
      let epochCorrect = 0;
      let epochSeen = 0;
      let batch = 0;
      for (const { x, y } of loader) {
        const started = performance.now();
        optimizer.zeroGrad();
        const logits = this.model.forward(x);
        const loss = F.crossEntropy(logits, y);
        loss.backward();
        optimizer.step();
        const b = x.shape[0];
        const lossSum = loss.item() * b;
        const predicted = logits.argmax(1).data;
        let correct = 0;
        for (let i = 0; i < b; i++) if (predicted[i] === y.data[i]) correct++;
        activeMs += performance.now() - started;
        batch++;
        runBatches++;
        runImages += b;
        this.totalBatches++;
        this.imagesSeen += b;
        epochLoss += lossSum;
        epochCorrect += correct;
        epochSeen += b;
        this.window.loss += lossSum;
        this.window.correct += correct;
        this.window.seen += b;
        this.hooks.progress({
          epoch,
          epochs: config.epochs,
          batch,
          batches: loader.length,
          totalBatches: this.totalBatches,
          loss: epochLoss / epochSeen,
          accuracy: epochCorrect / epochSeen,
          imagesPerSecond: runImages / Math.max(activeMs / 1000, 1e-9),
          etaSeconds: ((totalRunBatches - runBatches) * activeMs) / runBatches / 1000,
          lr: optimizer.lr,
        });
        if (this.totalBatches % evalEvery === 0) this.evaluateNow();
        this.hooks.batchDone();
        await nextTask();
        if (this.pauseRequested && !this.stopRequested) {
          this.evaluateNow();
          this.setState('paused');
          await new Promise<void>((resolve) => (this.resumeGate = resolve));
          this.resumeGate = null;
          if (!this.stopRequested) this.setState('training');
        }
        if (this.stopRequested) {
          this.setState('idle');
          return;
        }
      }
      scheduler?.step();
      this.epochsTrained++;
      this.evaluateNow();
    }
    this.setState('done');
  }
}
