/** Parameter groups, splitWeightDecay, and the optimizers' and schedulers' state dicts (save → load → continue bit for bit). */
import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, nn, randn, tensor } from '../../src/index.js';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  type LRScheduler,
  MomentumSGD,
  OneCycleLR,
  type Optimizer,
  SGD,
  StepLR,
  splitWeightDecay,
  warmupCosine,
} from '../../src/optim/index.js';
import { loss, makeProblem } from './problem.js';

const param = (values: number[] = [1, 2, 3]): Tensor => tensor(values, { requiresGrad: true });

describe('parameter groups', () => {
  it('a list of tensors is one group with the options; groups take their own options over the constructor`s', () => {
    const [a, b] = [param(), param([4])];
    const single = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
    expect(single.paramGroups).toHaveLength(1);
    expect(single.paramGroups[0]).toEqual({ params: [a, b], lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 });
    const groups = new AdamW([{ params: [a] }, { params: [b], weightDecay: 0, lr: 0.5 }], { lr: 0.01, weightDecay: 0.05 });
    expect(groups.params).toEqual([a, b]);
    expect(groups.paramGroups.map(({ lr, weightDecay, betas, eps }) => ({ lr, weightDecay, betas, eps }))).toEqual([
      { lr: 0.01, weightDecay: 0.05, betas: [0.9, 0.999], eps: 1e-8 },
      { lr: 0.5, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8 },
    ]);
    expect(groups.weightDecay).toBe(0.05);
    groups.lr = 0.2;
    expect(groups.paramGroups.map((g) => g.lr)).toEqual([0.2, 0.2]);
  });

  it('the group`s own lr is used: a group with lr 0 does not move', () => {
    const [a, b] = [param([1]), param([1])];
    const opt = new SGD([{ params: [a], lr: 0 }, { params: [b] }], { lr: 0.5 });
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    expect([a.data[0], b.data[0]]).toEqual([1, 0.5]);
  });

  const cases: [string, () => unknown, string][] = [
    [
      'unknown option in a group',
      () => new SGD([{ params: [param()], foo: 1 } as never], { lr: 0.1 }),
      "SGD: paramGroups[0]: unknown option 'foo'",
    ],
    [
      'bad value in a group',
      () => new Adam([{ params: [param()] }, { params: [param()], eps: -1 }]),
      'Adam: paramGroups[1].eps must be a non-negative number, got -1',
    ],
    [
      'a tensor in two groups',
      () => {
        const p = param();
        return new SGD([{ params: [p] }, { params: [param(), p] }], { lr: 0.1 });
      },
      'SGD: paramGroups[0].params[0] and paramGroups[1].params[1] are the same tensor; each parameter may appear only once',
    ],
    [
      'a group that is not one',
      () => new SGD([{ params: [param()] }, param()] as never, { lr: 0.1 }),
      'SGD: params[1] must be a parameter group',
    ],
    [
      'a group of a single tensor',
      () => new SGD([{ params: param() as never }], { lr: 0.1 }),
      'SGD: paramGroups[0].params must be an iterable of tensors',
    ],
    [
      'a non-tensor in a group',
      () => new SGD([{ params: [3 as never] }], { lr: 0.1 }),
      'SGD: paramGroups[0].params[0] must be a Tensor, got 3',
    ],
    [
      'lr set to a bad value by hand',
      () => {
        const opt = new SGD([param()], { lr: 0.1 });
        opt.paramGroups[0].lr = -1;
        opt.step();
      },
      'SGD: paramGroups[0].lr must be a non-negative number, got -1',
    ],
  ];
  for (const [what, make, message] of cases) it(what, () => expect(make).toThrow(message));
});

describe('splitWeightDecay', () => {
  it('Conv2d → BatchNorm2d → Linear: weights (≥ 2 dims) decay; biases and BN γ, β (1 dim) do not', () => {
    const g = new Generator(0);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { generator: g }),
      new nn.BatchNorm2d(4, {}),
      new nn.Flatten(),
      new nn.Linear(4 * 26 * 26, 10, { generator: g }),
    );
    const [decay, noDecay] = splitWeightDecay(model, 0.05);
    const names = new Map(Object.entries(model.stateDict()).map(([k, v]) => [v, k]));
    expect(decay.weightDecay).toBe(0.05);
    expect(noDecay.weightDecay).toBe(0);
    expect(decay.params.map((p) => names.get(p))).toEqual(['0.weight', '3.weight']);
    expect(noDecay.params.map((p) => names.get(p))).toEqual(['0.bias', '1.weight', '1.bias', '3.bias']);
    const opt = new AdamW(splitWeightDecay(model, 0.05), { lr: 1e-3 });
    expect(opt.paramGroups.map((x) => x.weightDecay)).toEqual([0.05, 0]);
    expect(new Set(opt.params)).toEqual(new Set(model.parameters()));
  });
  it('takes parameters too; an empty group is allowed; a bad weight decay is an error', () => {
    const w = randn([3, 2], { requiresGrad: true });
    const [decay, noDecay] = splitWeightDecay([w], 1e-4);
    expect([decay.params, noDecay.params]).toEqual([[w], []]);
    expect(() => new SGD(splitWeightDecay([w], 1e-4), { lr: 0.1 }).step()).not.toThrow();
    expect(() => splitWeightDecay([w], -1)).toThrow('splitWeightDecay: weightDecay must be a non-negative number, got -1');
  });
});

/** Runs `steps` steps of the fixture problem on `opt` over w, b. */
function train(opt: Optimizer, w: Tensor, b: Tensor, steps: number, scheduler: LRScheduler | null = null): void {
  const { x, y } = makeProblem('float32');
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    loss(x, y, w, b).backward();
    opt.step();
    scheduler?.step();
  }
}

const bitsEqual = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe('optimizer stateDict → loadStateDict continues bit for bit', () => {
  const makers: [string, (w: Tensor, b: Tensor) => Optimizer][] = [
    [
      'SGD momentum nesterov, two groups',
      (w, b) => new SGD([{ params: [w] }, { params: [b], weightDecay: 0 }], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    ],
    ['MomentumSGD', (w, b) => new MomentumSGD([w, b], { lr: 0.1, momentum: 0.8 })],
    ['Adam', (w, b) => new Adam([w, b], { lr: 0.01, weightDecay: 0.01 })],
    [
      'AdamW, two groups',
      (w, b) =>
        new AdamW(
          [
            { params: [w], weightDecay: 0.1 },
            { params: [b], weightDecay: 0, betas: [0.8, 0.99] },
          ],
          { lr: 0.01 },
        ),
    ],
  ];
  for (const [name, make] of makers) {
    it(`${name}: 3 steps, save, a fresh optimizer over copies loads it, 4 more steps agree with the uninterrupted run`, () => {
      const p = makeProblem('float32');
      const opt = make(p.w, p.b);
      train(opt, p.w, p.b, 3);
      const saved = structuredClone(opt.stateDict());
      const q = makeProblem('float32');
      q.w.data.set(p.w.data);
      q.b.data.set(p.b.data);
      const fresh = make(q.w, q.b);
      fresh.loadStateDict(saved);
      expect(fresh.stateDict()).toEqual(opt.stateDict());
      train(opt, p.w, p.b, 4);
      train(fresh, q.w, q.b, 4);
      expect(bitsEqual(q.w.data, p.w.data) && bitsEqual(q.b.data, p.b.data)).toBe(true);
    });
  }

  it('the state dict has PyTorch`s layout: state by parameter index, groups with their hyperparameters and indices', () => {
    const { w, b } = makeProblem('float32');
    const opt = new Adam([{ params: [w] }, { params: [b], lr: 0.5 }], { lr: 0.01 });
    w.grad = randn([3, 4]);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0']);
    expect(sd.state[0].step).toBe(1);
    expect(sd.state[0].expAvg).toBeInstanceOf(Float32Array);
    expect((sd.state[0].expAvgSq as Float32Array).length).toBe(12);
    expect(sd.paramGroups).toEqual([
      { params: [0], lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
      { params: [1], lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
    ]);
    const copy = sd.state[0].expAvg as Float32Array;
    opt.step();
    expect(copy).toEqual((sd.state[0].expAvg as Float32Array).slice());
    expect(bitsEqual(copy, opt.stateDict().state[0].expAvg as Float32Array)).toBe(false);
  });

  it('a state that does not fit is an error, and nothing is loaded', () => {
    const { w, b } = makeProblem('float32');
    const opt = new SGD([w, b], { lr: 0.1, momentum: 0.9 });
    train(opt, w, b, 1);
    const sd = opt.stateDict();
    const other = new SGD([{ params: [w] }, { params: [b] }], { lr: 0.1 });
    expect(() => other.loadStateDict(sd)).toThrow('SGD: loadStateDict: the state has 1 parameter groups, the optimizer 2');
    const fresh = new SGD([w, b], { lr: 0.3 });
    expect(() => fresh.loadStateDict({ ...sd, state: { ...sd.state, 1: { momentumBuffer: new Float32Array(3) } } })).toThrow(
      'SGD: loadStateDict: state 1.momentumBuffer must be a Float32Array of length 4, got a Float32Array of length 3',
    );
    expect(() => fresh.loadStateDict({ ...sd, state: { 0: { expAvg: new Float32Array(12) } } })).toThrow(
      "state 0 has an unknown field 'expAvg'",
    );
    expect(() => new Adam([w, b]).loadStateDict(sd)).toThrow(
      "Adam: loadStateDict: paramGroups[0] has an unknown hyperparameter 'momentum'",
    );
    expect(fresh.lr).toBe(0.3);
    fresh.loadStateDict(sd);
    expect(fresh.lr).toBe(0.1);
  });
});

describe('scheduler stateDict → loadStateDict', () => {
  const makers: [string, (opt: Optimizer) => LRScheduler][] = [
    ['StepLR', (opt) => new StepLR(opt, { stepSize: 2, gamma: 0.5 })],
    ['CosineAnnealingLR', (opt) => new CosineAnnealingLR(opt, { tMax: 10 })],
    ['OneCycleLR', (opt) => new OneCycleLR(opt, { maxLr: 0.5, totalSteps: 12 })],
    ['warmupCosine (SequentialLR)', (opt) => warmupCosine(opt, { warmupSteps: 3, totalSteps: 12 })],
  ];
  for (const [name, make] of makers) {
    it(`${name}: a fresh SGD + scheduler loading both states continues with the same rates and weights`, () => {
      const p = makeProblem('float32');
      const opt = new SGD([{ params: [p.w] }, { params: [p.b], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
      const sched = make(opt);
      train(opt, p.w, p.b, 5, sched);
      const saved = structuredClone({ opt: opt.stateDict(), sched: sched.stateDict() });
      const q = makeProblem('float32');
      q.w.data.set(p.w.data);
      q.b.data.set(p.b.data);
      const opt2 = new SGD([{ params: [q.w] }, { params: [q.b], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
      const sched2 = make(opt2);
      opt2.loadStateDict(saved.opt);
      sched2.loadStateDict(saved.sched);
      expect(sched2.stateDict()).toEqual(sched.stateDict());
      expect(opt2.paramGroups.map((g) => [g.lr, g.momentum, g.initialLr])).toEqual(
        opt.paramGroups.map((g) => [g.lr, g.momentum, g.initialLr]),
      );
      train(opt, p.w, p.b, 6, sched);
      train(opt2, q.w, q.b, 6, sched2);
      expect(sched2.getLastLrs()).toEqual(sched.getLastLrs());
      expect(bitsEqual(q.w.data, p.w.data) && bitsEqual(q.b.data, p.b.data)).toBe(true);
    });
  }
  it('a state of another kind of scheduler is an error', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const state = new StepLR(opt, { stepSize: 2 }).stateDict();
    expect(() => new CosineAnnealingLR(opt, { tMax: 3 }).loadStateDict(state)).toThrow(
      "CosineAnnealingLR: loadStateDict: the state is of a 'StepLR', not of a CosineAnnealingLR",
    );
  });
});
