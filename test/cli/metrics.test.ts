/** Metrics files: what `train --metrics` writes, what `plot` reads, and the curves drawn from them. */
import { describe, expect, it } from 'vitest';
import { curvesScene, epochMetrics, metricsText, parseMetrics, type EpochMetrics } from '../../src/cli/metrics.js';

const record = (epoch: number, over: Partial<EpochMetrics> = {}): EpochMetrics => ({
  epoch,
  epochs: 4,
  trainLoss: 2 / epoch,
  heldOutLoss: 1.5 / epoch,
  heldOutAccuracy: 0.5 + epoch / 10,
  lr: 0.05,
  seconds: 1,
  imagesPerSecond: 256,
  ...over,
});

describe('metrics files', () => {
  it("epochMetrics: fit's epoch result, images per second, non-finite values as null", () => {
    const m = epochMetrics(
      { epoch: 2, trainLoss: NaN, lr: 0.025, seconds: 0.5, heldOut: { loss: 0.4, accuracy: 0.9, confusion: [], n: 256 } },
      15,
      256,
    );
    expect(m).toEqual({
      epoch: 2,
      epochs: 15,
      trainLoss: null,
      heldOutLoss: 0.4,
      heldOutAccuracy: 0.9,
      lr: 0.025,
      seconds: 0.5,
      imagesPerSecond: 512,
    });
    expect(epochMetrics({ epoch: 1, trainLoss: 1, lr: 0.1, seconds: 1, heldOut: null }, 1, 10).heldOutAccuracy).toBeNull();
  });

  it('one JSON object per line, read back as written', () => {
    const records = [record(1), record(2, { heldOutLoss: null })];
    const text = metricsText(records);
    expect(text.split('\n')).toHaveLength(3);
    expect(parseMetrics(text, 'm.jsonl')).toEqual(records);
  });

  it('blank lines and unknown fields are skipped; a missing epochs count is the epoch', () => {
    const got = parseMetrics('\n{"epoch":3,"trainLoss":0.5,"note":"x"}\n\n', 'm.jsonl');
    expect(got).toEqual([
      { epoch: 3, epochs: 3, trainLoss: 0.5, heldOutLoss: null, heldOutAccuracy: null, lr: null, seconds: null, imagesPerSecond: null },
    ]);
  });

  it.each([
    ['{"epoch":1}\nnot json', 'm.jsonl line 2 is not JSON: not json'],
    ['[1, 2]', 'm.jsonl line 1 is not a JSON object'],
    ['{"trainLoss":1}', "m.jsonl line 1 has no epoch (a positive integer 'epoch' field)"],
    ['{"epoch":0}', "m.jsonl line 1 has no epoch (a positive integer 'epoch' field)"],
    ['{"epoch":1,"trainLoss":"low"}', `m.jsonl line 1: 'trainLoss' must be a number or null, got "low"`],
    ['\n\n', "m.jsonl has no epochs (expected one JSON object per line, as 'convnet train --metrics' writes)"],
  ])('%j is an error: %s', (text, message) => {
    expect(() => parseMetrics(text, 'm.jsonl')).toThrow(message);
  });
});

describe('curvesScene', () => {
  it('3 of 4 epochs: loss (train, held-out) and accuracy polylines of 3 points, the x axis to epoch 4', () => {
    const s = curvesScene([record(1), record(2), record(3)], 960, 400);
    expect([s.width, s.height]).toEqual([960, 400]);
    const series = s.shapes.flatMap((sh) => (sh.kind === 'line' && sh.title !== undefined ? [sh] : []));
    expect(series.map((l) => [l.title, l.points.length])).toEqual([
      ['loss: train', 3],
      ['loss: held-out', 3],
      ['accuracy: held-out', 3],
    ]);
    const ticks = s.shapes.flatMap((sh) => (sh.kind === 'text' ? [sh.text] : []));
    expect(ticks).toContain('4');
    expect(ticks).toContain('epoch');
    // train loss falls: its points go down the picture (y grows)
    const train = series[0].points.map(([, y]) => y);
    expect(train[0]).toBeLessThan(train[2]);
  });
});
