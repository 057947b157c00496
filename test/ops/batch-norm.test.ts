/**
 * F.batchNorm's float64 gradcheck (training with batch statistics, evaluation with running ones,
 * with and without weight and bias, 2-D, 3-D and 4-D inputs) and its argument errors;
 * F.adaptiveAvgPool2d against PyTorch on every backend (test/fixtures/gen_batch_norm_fixtures.py)
 * and by gradcheck; F.dropout2d and nn.Dropout2d; nn.Identity; nn.init.kaimingNormal_.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { F, Generator, type AdaptiveSize2d, gradcheck, nn, ones, randn, tensor, zeros } from '../../src/index.js';
import { describeEachBackend, expectClose, fromJson, param64 } from '../helpers.js';

interface Json {
  shape: number[];
  data: number[];
}

describe('gradcheck: batchNorm', () => {
  const g = new Generator(20260613);
  for (const shape of [
    [6, 3],
    [3, 2, 5],
    [2, 3, 4, 3],
    [1, 2, 1, 3],
  ]) {
    for (const training of [true, false]) {
      for (const affine of [true, false]) {
        it(`x=${JSON.stringify(shape)} training=${training} affine=${affine}`, () => {
          const c = shape[1];
          const x = param64(shape, g, 2);
          const params = affine ? [param64([c], g), param64([c], g)] : [];
          const rm = randn([c], { dtype: 'float64', generator: g });
          const rv = randn([c], { dtype: 'float64', generator: g }).abs().add(0.5);
          const stats = training ? [null, null] : [rm, rv];
          const fn = (...t: (typeof x)[]): typeof x =>
            F.batchNorm(t[0], stats[0], stats[1], t[1] ?? null, t[2] ?? null, { training, eps: 1e-3 });
          expect(gradcheck(fn, [x, ...params])).toBe(true);
        });
      }
    }
  }
});

describe('batchNorm argument errors', () => {
  const x = randn([4, 3, 2, 2]);
  const c3 = zeros([3]);
  it('shapes, dtypes and missing statistics', () => {
    expect(() => F.batchNorm(randn([3]), null, null, null, null, { training: true })).toThrow(
      'batchNorm: input must have rank ≥ 2 (N, C, *), got shape [3]',
    );
    expect(() => F.batchNorm(x, zeros([4]), ones([4]))).toThrow('batchNorm: runningMean must have shape [3]');
    expect(() => F.batchNorm(x, c3, ones([3]), ones([2]))).toThrow('batchNorm: weight must have shape [3]');
    expect(() => F.batchNorm(x, c3, ones([3], { dtype: 'float64' }))).toThrow('runningVar dtype float64 differs from input dtype float32');
    expect(() => F.batchNorm(x, null, null)).toThrow('batchNorm: evaluation (training: false) needs runningMean and runningVar');
    expect(() => F.batchNorm(x, c3, null, null, null, { training: true })).toThrow('give both runningMean and runningVar');
    expect(() => F.batchNorm(x, c3, ones([3]), null, null, { training: true, momentum: null })).toThrow('needs numBatchesTracked');
    expect(() => F.batchNorm(x, c3, ones([3]), null, null, { momentum: 1.5 })).toThrow('momentum must be a number in [0, 1] or null');
    expect(() => F.batchNorm(x, c3, ones([3]), null, null, { eps: -1 })).toThrow('eps must be a non-negative number');
    expect(() => F.batchNorm(x, c3, ones([3]), null, null, { bogus: 1 } as never)).toThrow("batchNorm: unknown option 'bogus'");
    expect(() => F.batchNorm([1, 2] as never, null, null)).toThrow("batchNorm: argument 'input' must be a Tensor");
  });
  it('one value per channel in training, as PyTorch', () => {
    expect(() => F.batchNorm(randn([1, 3, 1, 1]), null, null, null, null, { training: true })).toThrow(
      'batchNorm: Expected more than 1 value per channel when training, got input size [1, 3, 1, 1]',
    );
    expect(() => F.batchNorm(randn([1, 3, 1, 1]), c3, ones([3]))).not.toThrow();
  });
});

const adaptive = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'batch-norm', 'adaptiveAvgPool2d.json'), 'utf8'),
) as {
  cases: {
    name: string;
    options: { outputSize: AdaptiveSize2d };
    inputs: { x: Json };
    gradOutput: Json;
    output: Json;
    grads: { x: Json };
  }[];
};

describeEachBackend('adaptiveAvgPool2d against PyTorch', () => {
  for (const c of adaptive.cases) {
    it(c.name, () => {
      const x = fromJson(c.inputs.x, 'float32', true);
      const y = F.adaptiveAvgPool2d(x, c.options.outputSize);
      expectClose(y, c.output, 1e-5, 1e-6, 'output');
      y.backward(fromJson(c.gradOutput));
      expectClose(x.grad, c.grads.x, 1e-5, 1e-6, 'grad x');
      const layer = new nn.AdaptiveAvgPool2d(c.options.outputSize);
      expectClose(layer.call(fromJson(c.inputs.x)), c.output, 1e-5, 1e-6, 'layer');
    });
  }
});

describe('adaptiveAvgPool2d', () => {
  it('gradcheck x=[2,2,7,5] outputSize=[3,2] (overlapping bins) and [2,2] (divides)', () => {
    const g = new Generator(4);
    expect(gradcheck((x) => F.adaptiveAvgPool2d(x, [3, 2]), [param64([2, 2, 7, 5], g)])).toBe(true);
    expect(gradcheck((x) => F.adaptiveAvgPool2d(x, 2), [param64([2, 2, 4, 6], g)])).toBe(true);
  });
  it('errors and printing', () => {
    expect(() => F.adaptiveAvgPool2d(randn([2, 3]), 1)).toThrow(
      'adaptiveAvgPool2d: input must have rank 4 (N, C, H, W) or 3, got shape [2, 3]',
    );
    expect(() => F.adaptiveAvgPool2d(randn([1, 1, 4, 4]), 0)).toThrow('adaptiveAvgPool2d: outputSize must hold positive integers');
    expect(() => new nn.AdaptiveAvgPool2d([1, 2, 3] as never)).toThrow('AdaptiveAvgPool2d: outputSize');
    expect(String(new nn.AdaptiveAvgPool2d(1))).toBe('AdaptiveAvgPool2d(outputSize=1)');
  });
});

describe('dropout2d / Dropout2d', () => {
  it('x=[4,6,3,3] p=0.5: whole channel planes zeroed, the rest scaled by 2; the gradient is the same mask', () => {
    const x = ones([4, 6, 3, 3]).setRequiresGrad(true);
    const y = F.dropout2d(x, { p: 0.5, generator: new Generator(9) });
    let dropped = 0;
    for (let plane = 0; plane < 24; plane++) {
      const values = new Set(Array.from(y.data.subarray(plane * 9, plane * 9 + 9)));
      expect(values.size).toBe(1);
      const [v] = values;
      expect([0, 2]).toContain(v);
      if (v === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(3);
    expect(dropped).toBeLessThan(21);
    y.sum().backward();
    expect([...(x.grad?.data ?? [])]).toEqual([...y.data]);
  });
  it('x=[3,2,2] (one image), eval mode, p=0 and p=1', () => {
    const x = randn([3, 2, 2]);
    expect(F.dropout2d(x, { training: false })).toBe(x);
    expect(F.dropout2d(x, { p: 0 })).toBe(x);
    expect([...F.dropout2d(x, { p: 1 }).data].every((v) => v === 0)).toBe(true);
    const layer = new nn.Dropout2d(0.3);
    expect(layer.eval().call(x)).toBe(x);
    expect(String(layer)).toBe('Dropout2d(p=0.3)');
    expect(() => F.dropout2d(randn([2, 3]))).toThrow('dropout2d: input must have rank 4 (N, C, H, W) or 3 (C, H, W), got shape [2, 3]');
    expect(() => new nn.Dropout2d(2)).toThrow('Dropout2d: p must be a probability');
  });
});

describe('Identity and init', () => {
  it('Identity returns its input', () => {
    const x = randn([2, 3]);
    expect(new nn.Identity().call(x)).toBe(x);
    expect(String(new nn.Identity())).toBe('Identity()');
  });
  it('kaimingNormal_ w=[64,32,3,3] mode=fanOut relu: std √(2/fanOut), seeded as given', () => {
    const conv = new nn.Conv2d(32, 64, 3);
    const w = nn.init.kaimingNormal_(conv.weight, { mode: 'fanOut', nonlinearity: 'relu', generator: new Generator(1) });
    expect(w).toBe(conv.weight);
    let ss = 0;
    for (const v of w.data) ss += v * v;
    const std = Math.sqrt(ss / w.size);
    expect(std / Math.sqrt(2 / (64 * 9))).toBeGreaterThan(0.97);
    expect(std / Math.sqrt(2 / (64 * 9))).toBeLessThan(1.03);
    const again = nn.init.kaimingNormal_(zeros([64, 32, 3, 3]), { mode: 'fanOut', nonlinearity: 'relu', generator: new Generator(1) });
    expect([...again.data]).toEqual([...w.data]);
    expect(nn.init.calculateGain('leakyRelu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(nn.init.fans([10, 4])).toEqual({ fanIn: 4, fanOut: 10 });
    expect(() => nn.init.kaimingNormal_(zeros([3]))).toThrow('fans: a weight needs at least 2 dimensions');
    expect(() => nn.init.kaimingNormal_(zeros([3, 3]), { mode: 'fanAvg' as never })).toThrow("mode must be 'fanIn' or 'fanOut'");
  });
  it('zeros_, ones_, constant_', () => {
    const t = tensor([1, 2, 3]);
    expect([...nn.init.zeros_(t).data]).toEqual([0, 0, 0]);
    expect([...nn.init.ones_(t).data]).toEqual([1, 1, 1]);
    expect([...nn.init.constant_(t, 0.5).data]).toEqual([0.5, 0.5, 0.5]);
  });
});
