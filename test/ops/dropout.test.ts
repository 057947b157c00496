/** Dropout (S13): both conventions, seeded masks, and equal expected activations. */
import { describe, expect, it } from 'vitest';
import { F, Generator, full, ones, tensor } from '../../src/index.js';

describe('dropout', () => {
  it('inverted: kept units are scaled by 1/(1−p) in training, identity at prediction', () => {
    const y = F.dropout(ones([1000]), { p: 0.2, generator: new Generator(1) });
    const kept = [...y.data].filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.8)]));
    expect(F.dropout(ones([5]), { p: 0.2, training: false }).toArray()).toEqual([1, 1, 1, 1, 1]);
  });
  it('classic: kept units unscaled in training, multiplied by the keep probability at prediction', () => {
    const y = F.dropout(ones([1000]), { p: 0.2, mode: 'classic', generator: new Generator(1) });
    expect(new Set(y.data)).toEqual(new Set([0, 1]));
    expect(F.dropout(tensor([2, 4]), { p: 0.25, mode: 'classic', training: false }).toArray()).toEqual([1.5, 3]);
  });
  it('both modes give the same expected activation: E[train output] = prediction output', () => {
    const x = full([200000], 3);
    for (const mode of ['inverted', 'classic'] as const) {
      for (const p of [0.1, 0.5, 0.8]) {
        const trainMean = F.dropout(x, { p, mode, generator: new Generator(7) })
          .mean()
          .item();
        const predictMean = F.dropout(x, { p, mode, training: false }).mean().item();
        // the mean of 200k Bernoulli(1−p) draws is within ~4.5 standard errors of its expectation
        const se = (mode === 'inverted' ? 3 / (1 - p) : 3) * Math.sqrt((p * (1 - p)) / 200000);
        expect(Math.abs(trainMean - predictMean), `${mode} p=${p}`).toBeLessThan(4.5 * se);
      }
    }
  });
  it('drops each unit with probability p, a fresh mask per call, the same mask for the same seed', () => {
    const g = new Generator(3);
    const a = F.dropout(ones([10000]), { p: 0.3, generator: g });
    const b = F.dropout(ones([10000]), { p: 0.3, generator: g });
    expect(a.toArray()).not.toEqual(b.toArray());
    const dropped = [...a.data].filter((v) => v === 0).length / 10000;
    expect(Math.abs(dropped - 0.3)).toBeLessThan(0.02);
    const c = F.dropout(ones([10000]), { p: 0.3, generator: new Generator(3) });
    expect(c.toArray()).toEqual(a.toArray());
  });
  it('p = 0 keeps everything and p = 1 drops everything', () => {
    expect(F.dropout(ones([4]), { p: 0 }).toArray()).toEqual([1, 1, 1, 1]);
    expect(F.dropout(ones([4]), { p: 1 }).toArray()).toEqual([0, 0, 0, 0]);
  });
  it('the gradient is the mask times the scale', () => {
    const x = ones([50], { requiresGrad: true });
    const y = F.dropout(x, { p: 0.5, generator: new Generator(9) });
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual(y.toArray());
  });
});
