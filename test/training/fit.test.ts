/** The training loop learns real digits, and is bit-for-bit deterministic for a seed. */
import { describe, expect, it } from 'vitest';
import { Generator, getBackend, lenet5, setBackend } from '../../src/index.js';
import { itNeedsWasm } from '../helpers.js';
import { DivergedError, FIT_DEFAULTS, fit, fitConfig, type FitConfig } from '../../src/training/fit.js';
import { evaluate } from '../../src/training/evaluate.js';
import { loadSplits } from '../../src/data/splits.js';
import { pixelStatistics } from '../../src/data/normalization.js';

const { train, heldOut } = loadSplits(undefined);
const small = loadSplits(undefined, 512);
const config = (overrides: Partial<FitConfig> = {}): FitConfig => ({
  epochs: 3,
  batchSize: 32,
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 5e-4,
  optimizer: 'sgd',
  schedule: 'cosine',
  augmentShift: 1,
  seed: 1,
  normalization: pixelStatistics(train),
  ...overrides,
});

describe('fit', () => {
  it('the bundled split is 8,000 / 2,000 digits with every class in both parts', () => {
    expect([train.n, heldOut.n]).toEqual([8000, 2000]);
    expect(new Set(heldOut.labels).size).toBe(10);
  });

  it('training on 512 digits drives the loss down and beats chance (10%) by far', async () => {
    const model = lenet5({ modern: true, generator: new Generator(1) });
    const before = evaluate(model, small.heldOut, config().normalization);
    const losses: number[] = [];
    const result = await fit(model, small.train, small.heldOut, config(), { onEpoch: (e) => losses.push(e.trainLoss) });
    expect(result.stopped).toBe(false);
    expect(losses[2]).toBeLessThan(losses[0] * 0.6);
    const after = result.epochs[2].heldOut!;
    expect(after.loss).toBeLessThan(before.loss * 0.6);
    expect(after.accuracy).toBeGreaterThan(0.6);
  }, 120_000);

  it('the same seed and data give bit-identical weights and metrics; another seed differs', async () => {
    const run = async (seed: number) => {
      const model = lenet5({ generator: new Generator(seed) });
      const result = await fit(model, small.train, small.heldOut, config({ epochs: 1, seed }));
      return {
        weights: model.parameters().map((p) => Array.from(p.data)),
        metrics: result.epochs.map((e) => [e.trainLoss, e.heldOut!.loss, e.heldOut!.accuracy]),
      };
    };
    const a = await run(7);
    const b = await run(7);
    expect(b.metrics).toEqual(a.metrics);
    a.weights.forEach((w, i) =>
      expect(
        b.weights[i].every((v, j) => Object.is(v, w[j])),
        `parameter ${i}`,
      ).toBe(true),
    );
    const c = await run(8);
    expect(c.weights[0]).not.toEqual(a.weights[0]);
  }, 120_000);

  itNeedsWasm(
    'the wasm backend (the default) trains to the same accuracy as ref',
    async () => {
      const previous = getBackend();
      const results: Record<string, { loss: number; accuracy: number }> = {};
      try {
        for (const backend of ['ref', 'wasm']) {
          setBackend(backend);
          const model = lenet5({ generator: new Generator(5) });
          const result = await fit(model, small.train, small.heldOut, config({ epochs: 2, seed: 5 }));
          results[backend] = { loss: result.epochs[1].heldOut!.loss, accuracy: result.epochs[1].heldOut!.accuracy };
        }
      } finally {
        setBackend(previous);
      }
      // float32 sums run in another order on wasm, so the runs agree closely but not bit for bit
      expect(Math.abs(results.wasm.accuracy - results.ref.accuracy), JSON.stringify(results)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(results.wasm.loss - results.ref.loss) / results.ref.loss, JSON.stringify(results)).toBeLessThan(0.02);
    },
    120_000,
  );

  it('stops after the current batch when asked (Ctrl-C)', async () => {
    const model = lenet5({ modern: true, generator: new Generator(2) });
    let batches = 0;
    const result = await fit(model, small.train, null, config(), { onBatch: () => batches++, shouldStop: () => batches >= 3 });
    expect(result.stopped).toBe(true);
    expect(batches).toBe(3);
    expect(result.epochs).toEqual([]);
  });
});

describe('fit with a partial config', () => {
  it('fills in FIT_DEFAULTS and the normalization measured on the training set', () => {
    const tiny = loadSplits(undefined, 64);
    const c = fitConfig(tiny.train, { epochs: 2 });
    expect(c).toEqual({ ...FIT_DEFAULTS, epochs: 2, normalization: pixelStatistics(tiny.train) });
    expect(FIT_DEFAULTS).toEqual({
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
  });

  it('trains with only the epochs given, and the same as with the full config spelled out', async () => {
    const tiny = loadSplits(undefined, 128);
    const a = lenet5({ modern: true, generator: new Generator(3) });
    const b = lenet5({ modern: true, generator: new Generator(3) });
    const ra = await fit(a, tiny.train, null, { epochs: 1 });
    const rb = await fit(b, tiny.train, null, { ...FIT_DEFAULTS, epochs: 1, normalization: pixelStatistics(tiny.train) });
    expect(ra.epochs[0].trainLoss).toBe(rb.epochs[0].trainLoss);
    expect(a.parameters()[0].data).toEqual(b.parameters()[0].data);
  });

  it('rejects unknown options and bad values by name', () => {
    const tiny = loadSplits(undefined, 8);
    expect(() => fitConfig(tiny.train, { epoch: 3 } as Partial<FitConfig>)).toThrow(
      /^fit: unknown option 'epoch' \(known: epochs, batchSize/,
    );
    expect(() => fitConfig(tiny.train, { batchSize: 0 })).toThrow('fit: batchSize must be a positive integer, got 0');
    expect(() => fitConfig(tiny.train, { lr: -1 })).toThrow('fit: lr must be a positive number, got -1');
    expect(() => fitConfig(tiny.train, { optimizer: 'rmsprop' as 'sgd' })).toThrow(
      `fit: optimizer must be 'sgd', 'adam' or 'adamw', got "rmsprop"`,
    );
    expect(() => fitConfig(tiny.train, { schedule: 'exp' as 'none' })).toThrow(
      `fit: schedule must be 'cosine', 'step', 'none', 'onecycle' or 'warmup-cosine', got "exp"`,
    );
    expect(() => fitConfig(tiny.train, { epochs: 2, schedule: 'warmup-cosine', warmupEpochs: 2 })).toThrow(
      'fit: warmupEpochs (2) must be fewer than the epochs (2)',
    );
    expect(() => fitConfig(tiny.train, { labelSmoothing: 1.5 })).toThrow('fit: labelSmoothing must be in [0, 1], got 1.5');
    expect(() => fitConfig(tiny.train, { augmentCrop: -1 })).toThrow('fit: augmentCrop must be an integer >= 0, got -1');
    expect(() => fitConfig(tiny.train, { augmentFlip: 1 as never })).toThrow('fit: augmentFlip must be a boolean, got 1');
    expect(() => fitConfig(tiny.train, { noDecayOnNormAndBias: 'yes' as never })).toThrow(
      'fit: noDecayOnNormAndBias must be a boolean, got "yes"',
    );
  });
});

describe('fit on a diverging run', () => {
  it('stops at the first non-finite loss, names the epoch, batch and layer, and takes no step', async () => {
    const tiny = loadSplits(undefined, 64);
    const model = lenet5({ modern: true, generator: new Generator(8) });
    let error: unknown = null;
    let before: Float32Array | null = null;
    try {
      await fit(
        model,
        tiny.train,
        null,
        { epochs: 3, batchSize: 16, lr: 1e6, schedule: 'none' },
        {
          onBatch: () => (before = Float32Array.from(model.parameters()[0].data)),
        },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DivergedError);
    const d = error as DivergedError;
    expect(d.message).toMatch(
      /^fit: training diverged: the loss is (NaN|-?Infinity) at epoch \d, batch \d; it first appears here: .* in layer '\d+'/,
    );
    expect(d.layer).toMatch(/^\d+$/);
    // the weights are those after the last good step
    expect(model.parameters()[0].data).toEqual(before);
  });
});
