/** Option validation, error messages, and the optimizers' and schedulers' contracts. */
import { describe, expect, it } from 'vitest';
import { Tensor, tensor, zeros } from '../../src/index.js';
import { Adam, AdamW, CosineAnnealingLR, MomentumSGD, SGD, StepLR } from '../../src/optim/index.js';
import type { AdamOptions, SGDOptions } from '../../src/optim/index.js';

const param = (values: number[] = [1, 2, 3]): Tensor => tensor(values, { requiresGrad: true });

/** Options of the wrong type on purpose, as plain JavaScript could pass them. */
function bad<T>(value: unknown): T {
  return value as T;
}

describe('validation errors name the option and the value', () => {
  const cases: [string, () => unknown, string][] = [
    ['negative lr', () => new SGD([param()], { lr: -1 }), 'SGD: lr must be a non-negative number, got -1'],
    ['NaN lr', () => new SGD([param()], { lr: NaN }), 'SGD: lr must be a non-negative number, got NaN'],
    ['missing lr', () => new SGD([param()], bad<SGDOptions>({})), 'SGD: lr must be a non-negative number, got undefined'],
    ['string lr', () => new SGD([param()], bad<SGDOptions>({ lr: '0.1' })), "SGD: lr must be a non-negative number, got '0.1'"],
    ['no options', () => new SGD([param()], bad<SGDOptions>(undefined)), 'SGD: options must be an object, got undefined'],
    ['negative momentum', () => new SGD([param()], { lr: 0.1, momentum: -0.5 }), 'SGD: momentum must be a non-negative number, got -0.5'],
    ['negative dampening', () => new SGD([param()], { lr: 0.1, dampening: -1 }), 'SGD: dampening must be a non-negative number, got -1'],
    [
      'negative weightDecay',
      () => new SGD([param()], { lr: 0.1, weightDecay: -1e-4 }),
      'SGD: weightDecay must be a non-negative number, got -0.0001',
    ],
    [
      'nesterov without momentum',
      () => new SGD([param()], { lr: 0.1, nesterov: true }),
      'SGD: nesterov momentum requires momentum > 0 and dampening = 0, got momentum 0 and dampening 0',
    ],
    [
      'nesterov with dampening',
      () => new SGD([param()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
      'SGD: nesterov momentum requires momentum > 0 and dampening = 0, got momentum 0.9 and dampening 0.1',
    ],
    ['empty params', () => new SGD([], { lr: 0.1 }), 'SGD: got an empty parameter list'],
    [
      'a single tensor',
      () => new SGD(bad<Tensor[]>(param()), { lr: 0.1 }),
      'SGD: params must be an iterable of tensors, got a single tensor of shape [3]; wrap it in an array: [t]',
    ],
    ['not iterable', () => new SGD(bad<Tensor[]>(42), { lr: 0.1 }), 'SGD: params must be an iterable of tensors, got 42'],
    ['a number in params', () => new SGD(bad<Tensor[]>([param(), 3]), { lr: 0.1 }), 'SGD: params[1] must be a Tensor, got 3'],
    [
      'int32 param',
      () => new SGD([tensor([1, 2], { dtype: 'int32' })], { lr: 0.1 }),
      'SGD: params[0] must be a floating-point tensor, got int32',
    ],
    [
      'non-leaf param',
      () => new SGD([param().mul(2)], { lr: 0.1 }),
      "SGD: params[0] is not a leaf tensor (it was computed by 'mul'); only leaves can be optimized",
    ],
    [
      'duplicate param',
      () => {
        const p = param();
        return new SGD([p, param(), p], { lr: 0.1 });
      },
      'SGD: params[0] and params[2] are the same tensor; each parameter may appear only once',
    ],
    [
      'MomentumSGD negative momentum',
      () => new MomentumSGD([param()], { lr: 0.1, momentum: -1 }),
      'MomentumSGD: momentum must be a non-negative number, got -1',
    ],
    ['MomentumSGD negative lr', () => new MomentumSGD([param()], { lr: -0.1 }), 'MomentumSGD: lr must be a non-negative number, got -0.1'],
    ['Adam negative lr', () => new Adam([param()], { lr: -1e-3 }), 'Adam: lr must be a non-negative number, got -0.001'],
    ['Adam beta1 = 1', () => new Adam([param()], { betas: [1, 0.999] }), 'Adam: betas[0] must be a number in [0, 1), got 1'],
    ['Adam negative beta2', () => new Adam([param()], { betas: [0.9, -0.1] }), 'Adam: betas[1] must be a number in [0, 1), got -0.1'],
    [
      'Adam one beta',
      () => new Adam([param()], bad<AdamOptions>({ betas: [0.9] })),
      'Adam: betas must be an array [beta1, beta2], got [0.9]',
    ],
    ['Adam negative eps', () => new Adam([param()], { eps: -1e-8 }), 'Adam: eps must be a non-negative number, got -1e-8'],
    [
      'AdamW negative weightDecay',
      () => new AdamW([param()], { weightDecay: -0.01 }),
      'AdamW: weightDecay must be a non-negative number, got -0.01',
    ],
    ['AdamW empty params', () => new AdamW([]), 'AdamW: got an empty parameter list'],
    [
      'StepLR stepSize 0',
      () => new StepLR(new SGD([param()], { lr: 0.1 }), { stepSize: 0 }),
      'StepLR: stepSize must be a positive integer, got 0',
    ],
    [
      'StepLR fractional stepSize',
      () => new StepLR(new SGD([param()], { lr: 0.1 }), { stepSize: 2.5 }),
      'StepLR: stepSize must be a positive integer, got 2.5',
    ],
    [
      'StepLR negative gamma',
      () => new StepLR(new SGD([param()], { lr: 0.1 }), { stepSize: 2, gamma: -0.5 }),
      'StepLR: gamma must be a non-negative number, got -0.5',
    ],
    [
      'CosineAnnealingLR tMax 0',
      () => new CosineAnnealingLR(new SGD([param()], { lr: 0.1 }), { tMax: 0 }),
      'CosineAnnealingLR: tMax must be a positive integer, got 0',
    ],
    [
      'CosineAnnealingLR negative etaMin',
      () => new CosineAnnealingLR(new SGD([param()], { lr: 0.1 }), { tMax: 5, etaMin: -1 }),
      'CosineAnnealingLR: etaMin must be a non-negative number, got -1',
    ],
    [
      'scheduler without optimizer',
      () => new StepLR(bad<SGD>({ lr: 0.1 }), { stepSize: 1 }),
      'StepLR: optimizer must be an Optimizer, got {"lr":0.1}',
    ],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => expect(make).toThrow(message));
  }

  it('setting lr checks the value', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    expect(() => (opt.lr = -0.5)).toThrow('SGD: lr must be a non-negative number, got -0.5');
    opt.lr = 0.2;
    expect(opt.lr).toBe(0.2);
  });

  it('a gradient of the wrong shape is an error at step()', () => {
    const p = param();
    p.grad = zeros([2]);
    expect(() => new Adam([p]).step()).toThrow('Adam: params[0] has shape [3] but its grad has shape [2]');
  });
});

describe('optimizer contracts', () => {
  it('accepts any iterable of parameters and keeps their order', () => {
    const a = param();
    const b = param([4]);
    const opt = new SGD(new Set([a, b]).values(), { lr: 0.1 });
    expect(opt.params).toEqual([a, b]);
  });

  it('zeroGrad() sets every grad to null', () => {
    const a = param();
    const b = param([4]);
    a.grad = tensor([1, 1, 1]);
    b.grad = tensor([1]);
    new SGD([a, b], { lr: 0.1 }).zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  for (const [name, make] of [
    ['SGD', (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 0.1 })],
    ['MomentumSGD', (p: Tensor[]) => new MomentumSGD(p, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (p: Tensor[]) => new Adam(p, { weightDecay: 0.1 })],
    ['AdamW', (p: Tensor[]) => new AdamW(p)],
  ] as const) {
    it(`${name}: skips parameters without a gradient, updates the others in place, leaves .grad alone`, () => {
      const a = param();
      const b = param([4, 5]);
      const aData = a.data;
      const grad = tensor([0.5, -1, 2]);
      a.grad = grad;
      const opt = make([a, b]);
      opt.step();
      expect(a.data).toBe(aData);
      expect(Array.from(a.data).every((v, i) => v !== [1, 2, 3][i])).toBe(true);
      expect(Array.from(b.data)).toEqual([4, 5]);
      expect(a.grad).toBe(grad);
      expect(Array.from(grad.data)).toEqual([0.5, -1, 2]);
    });
  }

  it('SGD with momentum: a parameter skipped on a step keeps its buffer (as PyTorch)', () => {
    // buf = g on the first step; a skipped step leaves it; the next step uses μ·buf + g.
    const p = param([0]);
    const opt = new SGD([p], { lr: 1, momentum: 0.5 });
    p.grad = tensor([1]);
    opt.step(); // buf = 1, θ = −1
    p.grad = null;
    opt.step(); // skipped
    p.grad = tensor([1]);
    opt.step(); // buf = 1.5, θ = −2.5
    expect(p.data[0]).toBe(-2.5);
  });

  it('float64 parameters stay float64 and are updated in float64', () => {
    const p = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    p.grad = tensor([1e-10, 0], { dtype: 'float64' });
    new SGD([p], { lr: 1 }).step();
    expect(p.data).toBeInstanceOf(Float64Array);
    expect(p.data[0]).toBe(1 - 1e-10);
  });

  it('Adam: the first step moves each parameter by about lr against the gradient sign', () => {
    const p = param([0, 0, 0]);
    p.grad = tensor([3, -0.01, 0]);
    new Adam([p], { lr: 0.1 }).step();
    expect(p.data[0]).toBeCloseTo(-0.1, 6);
    expect(p.data[1]).toBeCloseTo(0.1, 4);
    expect(p.data[2]).toBe(0);
  });
});

describe('scheduler contracts', () => {
  it('StepLR: lr = base·γ^⌊epoch/stepSize⌋, and the optimizer steps with it', () => {
    const p = param([0]);
    const opt = new SGD([p], { lr: 1 });
    const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const lrs: number[] = [];
    for (let epoch = 0; epoch < 6; epoch++) {
      lrs.push(opt.lr);
      p.grad = tensor([1]);
      opt.step();
      sched.step();
    }
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(p.data[0]).toBe(-3.5);
  });

  it('CosineAnnealingLR reaches etaMin at tMax and rises again after, as PyTorch', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const sched = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.02 });
    const lrs = [sched.getLastLr()];
    for (let i = 0; i < 8; i++) {
      sched.step();
      lrs.push(sched.getLastLr());
    }
    expect(lrs[0]).toBe(0.1);
    expect(lrs[2]).toBeCloseTo(0.06, 15);
    expect(lrs[4]).toBeCloseTo(0.02, 15);
    expect(lrs[8]).toBeCloseTo(0.1, 15);
    expect(lrs[5]).toBeCloseTo(lrs[3], 15);
  });
});
