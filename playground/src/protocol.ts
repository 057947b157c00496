/**
 * The messages between the page and its training worker (worker.ts). The worker owns the model,
 * the data and the training loop; the page sends settings and requests, and draws what comes back.
 */
import type { BackendInfo } from 'convnet-ts';

/** The models the page trains: LeNet-5 classic (tanh, trainable subsampling, C3 link table) or modern. */
export type ModelName = 'lenet5' | 'lenet5-modern';

/** The training settings (the CLI's `convnet train` options of the same names). */
export interface TrainSettings {
  model: ModelName;
  lr: number;
  momentum: number;
  weightDecay: number;
  batchSize: number;
  epochs: number;
  /** Random shifts of up to this many pixels (0: none). */
  augment: number;
  schedule: 'cosine' | 'step' | 'none';
  seed: number;
  /** Evaluate on the held-out digits every this many batches (and at the end of each epoch). */
  evalEvery: number;
}

/** What "Inside the network" shows: a held-out digit, or the drawing. */
export type InspectTarget = { kind: 'heldOut'; index: number } | { kind: 'drawing'; pixels: Float32Array };

/** The worker's training state. */
export type RunState = 'idle' | 'training' | 'paused' | 'done';

/** Messages to the worker. */
export type ToWorker =
  | { type: 'init'; digits: Uint8Array; threads: number | null; model: ModelName; seed: number }
  | { type: 'start'; settings: TrainSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset'; model: ModelName; seed: number }
  | { type: 'inspect'; target: InspectTarget }
  | { type: 'predict'; id: number; pixels: Float32Array }
  | { type: 'save' }
  | { type: 'load'; name: string; bytes: Uint8Array };

/** Progress after a training batch. */
export interface Progress {
  epoch: number;
  epochs: number;
  /** Batches done in this epoch, and per epoch. */
  batch: number;
  batches: number;
  /** Batches since the model was made or loaded. */
  totalBatches: number;
  /** Mean training loss and accuracy over the epoch so far. */
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  etaSeconds: number;
  lr: number;
}

/** One point of the curves: training figures since the previous point, held-out figures now. */
export interface CurvePoint {
  /** Batches since the model was made or loaded. */
  batches: number;
  /** Training images seen, in epochs of the 8,000 training digits. */
  epochs: number;
  trainLoss: number | null;
  trainAccuracy: number | null;
  heldOutLoss: number;
  heldOutAccuracy: number;
  /** Held-out digits classified correctly, of `heldOutCount`. */
  heldOutCorrect: number;
  heldOutCount: number;
}

/** A held-out digit the model gets wrong. */
export interface Misclassified {
  /** Its index among the held-out digits. */
  index: number;
  label: number;
  predicted: number;
}

/** A stage of the network: a layer with the activation after it, and its output for one image. */
export interface StageMaps {
  /** LeNet-5's name for it (C1, S2, …) or the layer's. */
  name: string;
  /** The layers it is made of, e.g. `Conv2d(1, 6, kernelSize=5, padding=2) → Tanh`. */
  layers: string;
  /** `[C, H, W]` for feature maps, `[F]` for a vector. */
  shape: number[];
  data: Float32Array;
}

/** A convolution's weights, `(P, D, m, m)`, with the link table that masks them (null: full). */
export interface FilterBank {
  name: string;
  shape: [number, number, number, number];
  data: Float32Array;
  table: number[][] | null;
}

/** What "Inside the network" draws for one input. */
export interface Inspection {
  target: { kind: 'heldOut'; index: number; label: number } | { kind: 'drawing' };
  /** The 28×28 input as the model sees it before normalization (0..1). */
  input: Float32Array;
  stages: StageMaps[];
  filters: FilterBank[];
  probabilities: number[];
  /** Batches trained when this was computed. */
  totalBatches: number;
}

/** The model the worker holds. */
export interface ModelReport {
  /** `lenet5 (classic)`, `lenet5-modern`, or the file's architecture. */
  name: string;
  /** The page's model choice it corresponds to, when it is one. */
  model: ModelName | null;
  parameters: number;
  /** Where it came from: `new (seed 0)` or the file name. */
  source: string;
  /** Its layers, one per line. */
  summary: string;
}

/** Messages from the worker. */
export type FromWorker =
  | { type: 'ready'; backend: BackendInfo; isolated: boolean; cores: number; trainCount: number; heldOutCount: number }
  | { type: 'model'; model: ModelReport }
  | { type: 'state'; state: RunState }
  | { type: 'progress'; progress: Progress }
  | { type: 'evaluation'; point: CurvePoint; misclassified: Misclassified[] }
  | { type: 'inspection'; inspection: Inspection }
  | { type: 'prediction'; id: number; probabilities: number[] }
  | { type: 'saved'; fileName: string; bytes: Uint8Array }
  | { type: 'error'; context: string; message: string };
