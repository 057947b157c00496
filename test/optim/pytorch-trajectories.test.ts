/**
 * Optimizers and schedulers against PyTorch. `test/fixtures/optim.json` (written by
 * `test/fixtures/gen_optim_fixtures.py`) holds the parameters after each of 8 steps of torch.optim
 * on a small float32 problem, and the learning rates of torch's schedulers over 12 epochs.
 * Here the same problem is built from the library's ops and every step must agree in float32
 * within rtol 1e-5 / atol 1e-6 (torch.allclose); no looser tolerance was needed.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { Adam, AdamW, CosineAnnealingLR, type LRScheduler, type Optimizer, SGD, StepLR } from '../../src/optim/index.js';
import { type OptimizerCase, type SchedulerCase, fixture, loss, makeProblem } from './problem.js';
import { expectClose } from '../helpers.js';

const RTOL = 1e-5;
const ATOL = 1e-6;

function optimizerFor(c: OptimizerCase, params: Tensor[]): Optimizer {
  switch (c.optimizer) {
    case 'SGD':
      return new SGD(params, c.options);
    case 'Adam':
      return new Adam(params, c.options);
    case 'AdamW':
      return new AdamW(params, c.options);
  }
}

function schedulerFor(c: SchedulerCase, optimizer: Optimizer): LRScheduler {
  switch (c.scheduler) {
    case 'StepLR':
      return new StepLR(optimizer, c.options);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(optimizer, c.options);
  }
}

describe('optimizers match torch.optim step by step (float32)', () => {
  for (const c of fixture.optimizers) {
    it(`${c.name} ${JSON.stringify(c.options)}`, () => {
      const { x, y, w, b } = makeProblem('float32');
      const opt = optimizerFor(c, [w, b]);
      const wData = w.data;
      c.steps.forEach((expected, t) => {
        opt.zeroGrad();
        loss(x, y, w, b).backward();
        const gradBefore = Array.from(w.grad!.data);
        opt.step();
        expect(Array.from(w.grad!.data), 'step() must not change .grad').toEqual(gradBefore);
        expectClose(w, expected.w, RTOL, ATOL, `${c.name} step ${t + 1} w`);
        expectClose(b, expected.b, RTOL, ATOL, `${c.name} step ${t + 1} b`);
      });
      expect(w.data, 'parameters are updated in place').toBe(wData);
    });
  }
});

describe('schedulers match torch.optim.lr_scheduler', () => {
  for (const c of fixture.schedulers) {
    it(`${c.name} ${JSON.stringify(c.options)}`, () => {
      const { w, b } = makeProblem('float32');
      const opt = new SGD([w, b], { lr: c.baseLr });
      const sched = schedulerFor(c, opt);
      c.lrs.forEach((expected, epoch) => {
        if (epoch > 0) {
          opt.step();
          sched.step();
        }
        expect(sched.lastEpoch).toBe(epoch);
        expect(sched.getLastLr()).toBeCloseTo(expected, 14);
        expect(opt.lr).toBe(sched.getLastLr());
      });
    });
  }
});
