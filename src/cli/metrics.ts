/**
 * Training metrics as JSON Lines: `convnet train --metrics FILE` writes one object per epoch,
 * `convnet plot FILE` reads them back and draws the loss and accuracy curves (also drawn by
 * `train --plot`). A line looks like
 *
 *     {"epoch":1,"epochs":15,"trainLoss":1.1487,"heldOutLoss":0.327,"heldOutAccuracy":0.8985,"lr":0.05,"seconds":1.3,"imagesPerSecond":6154}
 *
 * Accuracies are fractions (0..1); a value that was not measured or not finite is null.
 */
import type { EpochResult } from '../training/fit.js';
import { lineChart } from './draw/chart.js';
import type { Scene } from './draw/scene.js';

/** One epoch of training, as one line of a metrics file. */
export interface EpochMetrics {
  /** The epoch (1-based). */
  epoch: number;
  /** The epochs the run was set to train (the x axis of its curves). */
  epochs: number;
  /** Mean cross-entropy over the epoch's training batches. */
  trainLoss: number | null;
  heldOutLoss: number | null;
  /** Fraction of held-out images classified correctly. */
  heldOutAccuracy: number | null;
  /** The learning rate of the epoch. */
  lr: number | null;
  /** Wall time of the epoch, its held-out evaluation included. */
  seconds: number | null;
  /** Training images per second of that wall time. */
  imagesPerSecond: number | null;
}

/** A number that JSON can hold, else null. */
function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** The metrics of an epoch that `fit` reported, for a run of `epochs` epochs on `trainImages` images. */
export function epochMetrics(e: EpochResult, epochs: number, trainImages: number): EpochMetrics {
  return {
    epoch: e.epoch,
    epochs,
    trainLoss: finiteOrNull(e.trainLoss),
    heldOutLoss: finiteOrNull(e.heldOut?.loss),
    heldOutAccuracy: finiteOrNull(e.heldOut?.accuracy),
    lr: finiteOrNull(e.lr),
    seconds: finiteOrNull(e.seconds),
    imagesPerSecond: finiteOrNull(e.seconds > 0 ? trainImages / e.seconds : undefined),
  };
}

/** The records as the text of a metrics file: one JSON object per line. */
export function metricsText(records: EpochMetrics[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/**
 * The epochs of a metrics file's text, in file order. Blank lines are skipped and unknown fields
 * ignored; a line that is not a JSON object, has no positive integer `epoch`, or holds a metric
 * that is neither a number nor null is an error naming `source` and the line. A file without any
 * epoch is an error too.
 */
export function parseMetrics(text: string, source: string): EpochMetrics[] {
  const records: EpochMetrics[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${source} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${where} is not JSON: ${line.length > 60 ? `${line.slice(0, 57)}...` : line}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} is not a JSON object`);
    const o = value as Record<string, unknown>;
    if (typeof o.epoch !== 'number' || !Number.isInteger(o.epoch) || o.epoch < 1) {
      throw new Error(`${where} has no epoch (a positive integer 'epoch' field)`);
    }
    const metric = (name: Exclude<keyof EpochMetrics, 'epoch' | 'epochs'>): number | null => {
      const v = o[name];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number') throw new Error(`${where}: '${name}' must be a number or null, got ${JSON.stringify(v)}`);
      return v;
    };
    const epochs = typeof o.epochs === 'number' && Number.isInteger(o.epochs) && o.epochs >= o.epoch ? o.epochs : o.epoch;
    records.push({
      epoch: o.epoch,
      epochs,
      trainLoss: metric('trainLoss'),
      heldOutLoss: metric('heldOutLoss'),
      heldOutAccuracy: metric('heldOutAccuracy'),
      lr: metric('lr'),
      seconds: metric('seconds'),
      imagesPerSecond: metric('imagesPerSecond'),
    });
  });
  if (records.length === 0)
    throw new Error(`${source} has no epochs (expected one JSON object per line, as 'convnet train --metrics' writes)`);
  return records;
}

/** Colours of the train and held-out curves. */
export const TRAIN_COLOR = '#1f77b4';
export const HELD_OUT_COLOR = '#e6550d';

/**
 * The training curves as a `width × height` chart: the train and held-out loss beside the
 * held-out accuracy (in %), over the epochs the run was set to train (so that a chart drawn
 * after each epoch keeps its x axis).
 */
export function curvesScene(records: EpochMetrics[], width: number, height: number): Scene {
  const lastEpoch = Math.max(...records.map((r) => Math.max(r.epoch, r.epochs)));
  const points = (pick: (r: EpochMetrics) => number | null): [number, number | null][] => records.map((r) => [r.epoch, pick(r)]);
  return lineChart(
    [
      {
        title: 'loss',
        yInclude: [0],
        series: [
          { label: 'train', title: 'loss: train', color: TRAIN_COLOR, points: points((r) => r.trainLoss) },
          { label: 'held-out', title: 'loss: held-out', color: HELD_OUT_COLOR, points: points((r) => r.heldOutLoss) },
        ],
      },
      {
        title: 'accuracy (%)',
        yLimits: [0, 100],
        legend: 'bottom',
        series: [
          {
            label: 'held-out',
            title: 'accuracy: held-out',
            color: HELD_OUT_COLOR,
            points: points((r) => (r.heldOutAccuracy === null ? null : r.heldOutAccuracy * 100)),
          },
        ],
      },
    ],
    { width, height, xLabel: 'epoch', xDomain: [1, lastEpoch] },
  );
}
