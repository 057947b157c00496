/**
 * Parameter groups and the per-batch schedules against PyTorch. `test/fixtures/optim.json`
 * (written by `test/fixtures/gen_optim_fixtures.py`) holds, for optimizers over two parameter
 * groups (w and b with their own options), w and b after each of 8 steps; and for OneCycleLR,
 * LinearLR and SequentialLR (warmup + cosine), every group's lr and momentum at each step.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  LinearLR,
  type LRScheduler,
  OneCycleLR,
  type Optimizer,
  type ParamGroupOptions,
  SGD,
  SequentialLR,
  warmupCosine,
} from '../../src/optim/index.js';
import { type GroupCase, type ScheduleSpec, fixture, loss, makeProblem } from './problem.js';
import { expectClose } from '../helpers.js';

const RTOL = 1e-5;
const ATOL = 1e-6;

function groupsFor(groups: GroupCase[], w: Tensor, b: Tensor): ParamGroupOptions<object>[] {
  return groups.map((g) => ({ params: [g.params === 'w' ? w : b], ...g.options }));
}

function optimizerFor(kind: string, groups: ParamGroupOptions<object>[], options: Record<string, unknown>): Optimizer {
  if (kind === 'SGD') return new SGD(groups, { lr: Number(options.lr), ...options });
  if (kind === 'Adam') return new Adam(groups, options);
  return new AdamW(groups, options);
}

function schedulerFor(optimizer: Optimizer, spec: ScheduleSpec): LRScheduler {
  const o = spec.options;
  switch (spec.scheduler) {
    case 'OneCycleLR':
      return new OneCycleLR(optimizer, { maxLr: 0, ...o });
    case 'LinearLR':
      return new LinearLR(optimizer, o);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(optimizer, { tMax: Number(o.tMax), ...o });
    case 'SequentialLR': {
      const schedulers = (o.schedulers as ScheduleSpec[]).map((s) => schedulerFor(optimizer, s));
      return new SequentialLR(optimizer, { schedulers, milestones: o.milestones as number[] });
    }
  }
}

function momenta(optimizer: Optimizer): number[] {
  return optimizer.paramGroups.map((g) => {
    const betas: unknown = Reflect.get(g, 'betas');
    return Array.isArray(betas) ? Number(betas[0]) : Number(Reflect.get(g, 'momentum'));
  });
}

describe('optimizers over parameter groups match torch.optim step by step (float32)', () => {
  for (const c of fixture.groupOptimizers) {
    it(`${c.name} ${JSON.stringify(c.options)} groups ${JSON.stringify(c.groups)}`, () => {
      const { x, y, w, b } = makeProblem('float32');
      const opt = optimizerFor(c.optimizer, groupsFor(c.groups, w, b), c.options);
      expect(opt.paramGroups.map((g) => g.params[0])).toEqual(c.groups.map((g) => (g.params === 'w' ? w : b)));
      c.steps.forEach((expected, t) => {
        opt.zeroGrad();
        loss(x, y, w, b).backward();
        opt.step();
        expectClose(w, expected.w, RTOL, ATOL, `${c.name} step ${t + 1} w`);
        expectClose(b, expected.b, RTOL, ATOL, `${c.name} step ${t + 1} b`);
      });
    });
  }
});

describe('per-batch schedules match torch.optim.lr_scheduler (every group, lr and momentum)', () => {
  for (const c of fixture.schedules) {
    it(`${c.name} ${c.optimizer} ${JSON.stringify(c.options)}`, () => {
      const { w, b } = makeProblem('float32');
      const opt = optimizerFor(c.optimizer, groupsFor(c.groups, w, b), c.optimizerOptions);
      const sched = schedulerFor(opt, c);
      c.lrs.forEach((expected, step) => {
        if (step > 0) sched.step();
        expect(sched.lastEpoch).toBe(step);
        sched.getLastLrs().forEach((lr, g) => expect(lr, `step ${step} group ${g}`).toBeCloseTo(expected[g], 14));
        expect(opt.paramGroups.map((g) => g.lr)).toEqual(sched.getLastLrs());
        momenta(opt).forEach((m, g) => expect(m, `momentum at step ${step} group ${g}`).toBeCloseTo(c.momenta[step][g], 14));
      });
    });
  }

  it('warmupCosine(warmupSteps 4, totalSteps 10) is the SequentialLR of LinearLR(0.2) and CosineAnnealingLR(6)', () => {
    const c = fixture.schedules.find((s) => s.name.startsWith('SequentialLR warmupCosine'))!;
    const { w } = makeProblem('float32');
    const opt = new SGD([w], { lr: 0.2 });
    const sched = warmupCosine(opt, { warmupSteps: 4, totalSteps: 10 });
    c.lrs.forEach((expected, step) => {
      if (step > 0) sched.step();
      expect(sched.getLastLr(), `step ${step}`).toBeCloseTo(expected[0], 14);
    });
  });

  it('OneCycleLR: stepping past totalSteps is an error, as in PyTorch', () => {
    const { w } = makeProblem('float32');
    const sched = new OneCycleLR(new SGD([w], { lr: 0.1, momentum: 0.9 }), { maxLr: 1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) sched.step();
    expect(() => sched.step()).toThrow('OneCycleLR: tried to step 5 times; totalSteps is 3');
    expect(sched.lastEpoch).toBe(3);
  });
});
