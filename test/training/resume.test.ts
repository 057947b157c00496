/**
 * Checkpoint and resume, bit for bit: training interrupted after an epoch and continued from
 * saved states ends with exactly the weights (Float32Array equality) and metrics of a run that was
 * not interrupted — by hand from the optimizer's, scheduler's, generator's and model's state
 * dicts, and through `fit`'s `onEpoch` checkpoint and `resumeFrom`.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, lenet5, nn } from '../../src/index.js';
import { DataLoader, type ImageDataset, compose, normalize, randomCrop, randomHorizontalFlip } from '../../src/data/index.js';
import { OneCycleLR, SGD, splitWeightDecay } from '../../src/optim/index.js';
import { type FitCheckpoint, type FitConfig, fit } from '../../src/training/fit.js';
import { loadSplits } from '../../src/data/splits.js';

/** 40 random 1×8×8 images in 3 classes, the class written into the image's brightness. */
function synthetic(): ImageDataset {
  const g = new Generator(123);
  const n = 40;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const images = Float32Array.from({ length: n * 64 }, (_, k) => g.uniform() * 0.5 + labels[Math.floor(k / 64)] * 0.25);
  return { images, labels, n, channels: 1, height: 8, width: 8, classes: 3 };
}

function tinyModel(): nn.Sequential {
  const g = new Generator(4);
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1, generator: g }),
    new nn.BatchNorm2d(4, {}),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(4 * 8 * 8, 3, { generator: g }),
  );
}

/** The model, SGD + momentum (no decay on BN and biases), one-cycle per batch, and an augmenting loader. */
function setup(ds: ImageDataset): { model: nn.Sequential; opt: SGD; sched: OneCycleLR; loader: DataLoader; generator: Generator } {
  const model = tinyModel();
  const opt = new SGD(splitWeightDecay(model, 1e-3), { lr: 0.1, momentum: 0.9 });
  const generator = new Generator(77);
  const loader = new DataLoader(ds, {
    batchSize: 8,
    shuffle: true,
    generator,
    transform: compose(randomCrop(8, 2), randomHorizontalFlip(), normalize(0.4, 0.3)),
  });
  const sched = new OneCycleLR(opt, { maxLr: 0.2, epochs: 2, stepsPerEpoch: loader.length });
  return { model, opt, sched, loader, generator };
}

function trainEpoch(s: ReturnType<typeof setup>): number[] {
  s.model.train();
  const losses: number[] = [];
  for (const { x, y } of s.loader) {
    s.opt.zeroGrad();
    const loss = F.crossEntropy(s.model.forward(x), y);
    loss.backward();
    s.opt.step();
    s.sched.step();
    losses.push(loss.item());
  }
  return losses;
}

/** Each state tensor's values, for bitwise comparison (`toEqual` on typed arrays tells -0 from 0 and NaN equals NaN). */
function weights(model: nn.Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));
}

describe('resume by hand: model, optimizer, scheduler and generator states', () => {
  it('Conv2d+BatchNorm2d+Linear, SGD momentum + OneCycleLR, randomCrop+flip: 1 epoch, save, fresh objects, load, epoch 2 = 2 uninterrupted epochs', () => {
    const ds = synthetic();
    const a = setup(ds);
    const lossesA = [...trainEpoch(a), ...trainEpoch(a)];

    const b = setup(ds);
    const lossesB = trainEpoch(b);
    // everything as plain data, as it would be written to disk (structuredClone drops every class)
    const saved = structuredClone({
      model: Object.fromEntries(Object.entries(b.model.stateDict()).map(([k, t]) => [k, { shape: [...t.shape], data: t.data.slice() }])),
      optimizer: b.opt.stateDict(),
      scheduler: b.sched.stateDict(),
      generator: b.generator.getState(),
    });
    const c = setup(ds);
    c.model.loadStateDict(Object.fromEntries(Object.entries(saved.model).map(([k, t]) => [k, new Tensor(t.data, t.shape)])));
    c.opt.loadStateDict(saved.optimizer);
    c.sched.loadStateDict(saved.scheduler);
    c.generator.setState(saved.generator);
    lossesB.push(...trainEpoch(c));

    expect(lossesB).toEqual(lossesA);
    expect(weights(c.model)).toEqual(weights(a.model));
    expect(c.sched.getLastLrs()).toEqual(a.sched.getLastLrs());
    expect(c.opt.paramGroups.map((g) => g.momentum)).toEqual(a.opt.paramGroups.map((g) => g.momentum));
    // and the run did something: the weights moved and the schedule went through its cycle
    expect(weights(a.model)['4.weight']).not.toEqual(weights(tinyModel())['4.weight']);
    expect(a.sched.lastEpoch).toBe(2 * a.loader.length);
  });
});

describe('fit: resumeFrom a checkpoint of onEpoch = the uninterrupted run', () => {
  const tiny = loadSplits(undefined, 96);
  const runs: [string, Partial<FitConfig>][] = [
    [
      'sgd onecycle, crop 2 + flip, labelSmoothing 0.1, no decay on norm and bias',
      { schedule: 'onecycle', augmentCrop: 2, augmentFlip: true, augmentShift: 0, labelSmoothing: 0.1, noDecayOnNormAndBias: true },
    ],
    [
      'adamw warmup-cosine (1 warmup epoch), shift 1',
      { optimizer: 'adamw', lr: 0.002, weightDecay: 0.05, schedule: 'warmup-cosine', warmupEpochs: 1, augmentShift: 1 },
    ],
  ];
  for (const [name, overrides] of runs) {
    it(`${name}: 3 epochs, batch 32, resumed after epoch 1 and after epoch 2`, async () => {
      const config: Partial<FitConfig> = { epochs: 3, batchSize: 32, seed: 3, ...overrides };
      const checkpoints: FitCheckpoint[] = [];
      const model = lenet5({ modern: true, generator: new Generator(6) });
      const full = await fit(model, tiny.train, tiny.heldOut, config, {
        onEpoch: (_e, state) => checkpoints.push(structuredClone(state.checkpoint())),
      });
      expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
      const metrics = (r: typeof full): unknown[] =>
        r.epochs.map((e) => [e.epoch, e.trainLoss, e.lr, e.heldOut?.loss, e.heldOut?.accuracy]);
      for (const k of [1, 2]) {
        const fresh = lenet5({ modern: true, generator: new Generator(99) });
        const seen: number[] = [];
        const resumed = await fit(
          fresh,
          tiny.train,
          tiny.heldOut,
          { ...config, resumeFrom: checkpoints[k - 1] },
          { onEpoch: (e) => seen.push(e.epoch) },
        );
        expect(seen).toEqual(k === 1 ? [2, 3] : [3]);
        expect(metrics(resumed)).toEqual(metrics(full));
        expect(weights(fresh), `resumed after epoch ${k}`).toEqual(weights(model));
      }
    }, 120_000);
  }

  it('stopped in the middle of an epoch (shouldStop), onStop’s checkpoint continues with the next batch = the uninterrupted run', async () => {
    const config: Partial<FitConfig> = { epochs: 2, batchSize: 16, seed: 4, schedule: 'onecycle', augmentCrop: 2, augmentFlip: true };
    const model = lenet5({ modern: true, generator: new Generator(6) });
    const full = await fit(model, tiny.train, tiny.heldOut, config);
    const metrics = (r: typeof full): unknown[] => r.epochs.map((e) => [e.epoch, e.trainLoss, e.lr, e.heldOut?.loss, e.heldOut?.accuracy]);
    // 96 images, batch 16: 6 batches an epoch; stop after batch 3 of epoch 1, and after batch 2 of epoch 2
    for (const stopAt of [3, 6 + 2]) {
      const first = lenet5({ modern: true, generator: new Generator(6) });
      let batches = 0;
      let stopped: FitCheckpoint | null = null;
      const part = await fit(first, tiny.train, tiny.heldOut, config, {
        onBatch: () => batches++,
        shouldStop: () => batches === stopAt,
        onStop: (state) => (stopped = structuredClone(state.checkpoint())),
      });
      expect(part.stopped).toBe(true);
      const checkpoint = stopped as FitCheckpoint | null;
      expect(checkpoint?.epoch).toBe(Math.floor(stopAt / 6));
      expect(checkpoint?.partial?.batch).toBe(stopAt % 6);
      expect(checkpoint?.partial?.order).toHaveLength(96);
      const fresh = lenet5({ modern: true, generator: new Generator(99) });
      const resumed = await fit(fresh, tiny.train, tiny.heldOut, { ...config, resumeFrom: checkpoint as FitCheckpoint });
      expect(metrics(resumed)).toEqual(metrics(full));
      expect(weights(fresh), `stopped after batch ${stopAt}`).toEqual(weights(model));
    }
  }, 120_000);

  it('a checkpoint of another config is refused, naming the option', async () => {
    const checkpoints: FitCheckpoint[] = [];
    const config: Partial<FitConfig> = { epochs: 2, batchSize: 48, schedule: 'onecycle' };
    await fit(lenet5({ modern: true, generator: new Generator(1) }), tiny.train, null, config, {
      onEpoch: (_e, state) => checkpoints.push(state.checkpoint()),
    });
    const model = lenet5({ modern: true, generator: new Generator(1) });
    await expect(fit(model, tiny.train, null, { ...config, batchSize: 32, resumeFrom: checkpoints[0] })).rejects.toThrow(
      'fit: resumeFrom was written by a run with batchSize 48, but this run has batchSize 32; resume with the same config',
    );
    await expect(fit(model, tiny.train, null, { ...config, resumeFrom: { ...checkpoints[0], version: 2 as 1 } })).rejects.toThrow(
      'fit: resumeFrom must be a checkpoint of version 1',
    );
  });
});
