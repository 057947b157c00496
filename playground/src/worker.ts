/**
 * The training worker: loads the kernels (`await ready()`; in a cross-origin isolated page they
 * run on a pool of Web Workers of their own), holds the digits, the model and the training loop,
 * and answers the page's messages (protocol.ts) one at a time — between two training batches
 * while a run is going on.
 */
import {
  type ModelInfo,
  type Normalization,
  backendInfo,
  data,
  decodeModel,
  encodeModel,
  predictProbabilities,
  ready,
  setNumThreads,
  Tensor,
  zeros,
} from 'convnet-ts';
import { type DigitSplits, bundledSplits } from './data.js';
import { buildLeNet5, inspect } from './network.js';
import type { FromWorker, InspectTarget, ModelName, ModelReport, ToWorker } from './protocol.js';
import { DATA_SOURCE } from './split.js';
import { Trainer } from './trainer.js';

/** How often, at most, the inspection is sent again while training runs. */
const INSPECT_EVERY_MS = 400;

/** The model the worker holds, and how to write it into a file. */
interface Current {
  report: ModelReport;
  /** What rebuilds it, for the file's metadata (as `convnet train` writes it). */
  file: ModelInfo;
  seed: number | null;
  lenet5: boolean;
}

let splits: DigitSplits | null = null;
let trainer: Trainer | null = null;
let current: Current | null = null;
let target: InspectTarget = { kind: 'heldOut', index: 0 };
let lastInspection = 0;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

function need<T>(value: T | null): T {
  if (value === null) throw new Error('the worker has not been initialized');
  return value;
}

/** The page's model choice as the CLI's `--model`: its name, architecture and options. */
function lenet5Info(name: ModelName, normalization: Normalization): ModelInfo {
  return {
    architecture: 'lenet5',
    options: { modern: name === 'lenet5-modern' },
    inputShape: [1, 28, 28],
    normalization,
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}

/** Builds a fresh LeNet-5 and makes it the trained model. */
async function newModel(name: ModelName, seed: number): Promise<void> {
  const t = need(trainer);
  await t.stop();
  const normalization = data.pixelStatistics(t.train);
  const model = buildLeNet5(name, seed);
  current = {
    report: {
      name: name === 'lenet5' ? 'lenet5 (classic)' : 'lenet5-modern',
      model: name,
      parameters: model.numParameters(),
      source: `new, seed ${seed}`,
      summary: String(model),
    },
    file: lenet5Info(name, normalization),
    seed,
    lenet5: true,
  };
  post({ type: 'model', model: current.report });
  await t.replaceModel(model, normalization);
  t.evaluateNow();
  sendInspection();
}

/** Loads a model file (as written by `convnet train` or by this page) and makes it the trained model. */
async function loadModel(name: string, bytes: Uint8Array): Promise<void> {
  const t = need(trainer);
  const { model, info } = decodeModel(bytes);
  if (info.inputShape !== undefined && info.inputShape.join('x') !== '1x28x28') {
    throw new Error(`${name} is a model for ${info.inputShape.join('x')} inputs; the page has 1x28x28 digits`);
  }
  const out: unknown = model.forward(zeros([1, 1, 28, 28]));
  if (!(out instanceof Tensor) || out.shape.join('x') !== '1x10') {
    throw new Error(
      `${name} gives ${out instanceof Tensor ? `outputs of shape [${out.shape.join(', ')}]` : 'no tensor'} for a digit; the page needs 10 class scores`,
    );
  }
  await t.stop();
  const lenet5 = info.architecture === 'lenet5';
  const modelName: ModelName | null = lenet5 ? (info.options.modern === true ? 'lenet5-modern' : 'lenet5') : null;
  current = {
    report: {
      name: modelName ?? info.architecture,
      model: modelName,
      parameters: model.numParameters(),
      source: name,
      summary: String(model),
    },
    file: info,
    seed: null,
    lenet5,
  };
  post({ type: 'model', model: current.report });
  await t.replaceModel(model, info.normalization ?? { mean: 0, std: 1 });
  t.evaluateNow();
  sendInspection();
}

/** The current model as a model file, with the same metadata `convnet train` writes. */
function saveModel(): void {
  const t = need(trainer);
  const c = need(current);
  const training: Record<string, string> = {
    ...c.file.training,
    model: c.report.model ?? c.report.name,
    data: DATA_SOURCE,
    epochs: String(t.epochsTrained + Number(c.file.training?.epochs ?? 0)),
    heldOutAccuracy: t.lastAccuracy === null ? 'n/a' : String(t.lastAccuracy),
  };
  if (c.seed !== null) training.seed = String(c.seed);
  const bytes = encodeModel(t.model, { ...c.file, training });
  post({ type: 'saved', fileName: `${c.report.model ?? 'model'}.safetensors`, bytes }, [bytes.buffer]);
}

/** Computes and sends what "Inside the network" draws for the current target. */
function sendInspection(): void {
  const t = trainer;
  const c = current;
  if (t === null || c === null) return;
  let image: Float32Array;
  let about: { kind: 'heldOut'; index: number; label: number } | { kind: 'drawing' };
  if (target.kind === 'heldOut') {
    const index = target.index;
    if (!(Number.isInteger(index) && index >= 0 && index < t.heldOut.n)) {
      throw new Error(`held-out digit ${index} does not exist: there are ${t.heldOut.n} (0 to ${t.heldOut.n - 1})`);
    }
    image = t.heldOut.images.slice(index * 784, (index + 1) * 784);
    about = { kind: 'heldOut', index, label: t.heldOut.labels[index] };
  } else {
    image = target.pixels.slice();
    about = { kind: 'drawing' };
  }
  const result = inspect(t.model, image, t.normalization, c.lenet5);
  lastInspection = performance.now();
  const transfer = [result.input.buffer, ...result.stages.map((s) => s.data.buffer), ...result.filters.map((f) => f.data.buffer)];
  post({ type: 'inspection', inspection: { ...result, target: about, totalBatches: t.totalBatches } }, transfer);
}

async function init(digits: Uint8Array, threads: number | null, model: ModelName, seed: number): Promise<void> {
  if (threads !== null) setNumThreads(threads);
  await ready();
  splits = bundledSplits(digits);
  const s = splits;
  trainer = new Trainer(s.train, s.heldOut, buildLeNet5(model, seed), data.pixelStatistics(s.train), {
    progress: (progress) => post({ type: 'progress', progress }),
    evaluation: (point, misclassified) => post({ type: 'evaluation', point, misclassified }),
    state: (state) => {
      post({ type: 'state', state });
      if (state !== 'training') sendInspection();
    },
    batchDone: () => {
      if (performance.now() - lastInspection >= INSPECT_EVERY_MS) sendInspection();
    },
  });
  post({
    type: 'ready',
    backend: backendInfo(),
    isolated: self.crossOriginIsolated,
    cores: navigator.hardwareConcurrency,
    trainCount: s.train.n,
    heldOutCount: s.heldOut.n,
  });
  await newModel(model, seed);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      return init(message.digits, message.threads, message.model, message.seed);
    case 'start':
      return need(trainer).start(message.settings);
    case 'pause':
      return need(trainer).pause();
    case 'resume':
      return need(trainer).resume();
    case 'reset':
      return newModel(message.model, message.seed);
    case 'inspect':
      target = message.target;
      return sendInspection();
    case 'predict': {
      const t = need(trainer);
      const probs = predictProbabilities(t.model, new Tensor(message.pixels, [1, 1, 28, 28]), t.normalization);
      return post({ type: 'prediction', id: message.id, probabilities: Array.from(probs.data) });
    }
    case 'save':
      return saveModel();
    case 'load':
      return loadModel(message.name, message.bytes);
  }
}

/** Messages are handled in order, each after the one before has finished. */
let queue: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  queue = queue.then(() =>
    handle(message).catch((e: unknown) =>
      post({ type: 'error', context: message.type, message: e instanceof Error ? e.message : String(e) }),
    ),
  );
};
