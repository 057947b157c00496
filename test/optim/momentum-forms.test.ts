/**
 * SPEC S12: the notes' two momentum forms give the same iterates for a constant learning rate.
 * First form (`SGD`): `d_t = β d_{t−1} + g(θ_{t−1})`, `θ_t = θ_{t−1} − α d_t`. Second form
 * (`MomentumSGD`): `Δθ_t = ρ Δθ_{t−1} − η g(θ_t)`, `θ_{t+1} = θ_t + Δθ_t`. With α = η and
 * β = ρ, `Δθ_t = −α d_t`. Run in float64 on the fixture problem.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { MomentumSGD, type Optimizer, SGD } from '../../src/optim/index.js';
import { loss, makeProblem } from './problem.js';

const STEPS = 20;

/** w and b after each of `steps` steps of the optimizer that `make` builds, in float64. */
function trajectory(make: (params: Tensor[]) => Optimizer, steps = STEPS, lrAt?: (t: number) => number): number[][] {
  const { x, y, w, b } = makeProblem('float64');
  const opt = make([w, b]);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    if (lrAt) opt.lr = lrAt(t);
    opt.zeroGrad();
    loss(x, y, w, b).backward();
    opt.step();
    out.push([...w.data, ...b.data]);
  }
  return out;
}

/** The largest `|a − b| / max(1, |b|)` over all steps and elements. */
function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((row, t) => row.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[t][i]) / Math.max(1, Math.abs(b[t][i]))))));
  return m;
}

describe('S12: the two momentum forms are equivalent', () => {
  for (const [alpha, beta] of [
    [0.1, 0.9],
    [0.3, 0.5],
    [0.05, 0.99],
  ]) {
    it(`SGD({ lr: ${alpha}, momentum: ${beta} }) = MomentumSGD({ lr: ${alpha}, momentum: ${beta} }) for ${STEPS} steps`, () => {
      const first = trajectory((p) => new SGD(p, { lr: alpha, momentum: beta }));
      const second = trajectory((p) => new MomentumSGD(p, { lr: alpha, momentum: beta }));
      expect(maxDiff(first, second)).toBeLessThanOrEqual(1e-12);
      const { w, b } = makeProblem('float64');
      expect(maxDiff([first[STEPS - 1]], [[...w.data, ...b.data]]), 'the parameters moved').toBeGreaterThan(1e-2);
    });
  }

  it('β = 0 is plain gradient descent θ_t = θ_{t−1} − α g(θ_{t−1}) in both forms', () => {
    const alpha = 0.3;
    const { x, y, w, b } = makeProblem('float64');
    const plain: number[][] = [];
    for (let t = 0; t < STEPS; t++) {
      w.grad = null;
      b.grad = null;
      loss(x, y, w, b).backward();
      for (const p of [w, b]) for (let i = 0; i < p.size; i++) p.data[i] -= alpha * p.grad!.data[i];
      plain.push([...w.data, ...b.data]);
    }
    expect(
      maxDiff(
        trajectory((p) => new SGD(p, { lr: alpha, momentum: 0 })),
        plain,
      ),
    ).toBe(0);
    expect(
      maxDiff(
        trajectory((p) => new SGD(p, { lr: alpha })),
        plain,
      ),
    ).toBe(0);
    expect(
      maxDiff(
        trajectory((p) => new MomentumSGD(p, { lr: alpha, momentum: 0 })),
        plain,
      ),
    ).toBeLessThanOrEqual(1e-12);
  });

  it('the equivalence needs a constant learning rate: the forms differ once lr changes', () => {
    const lrAt = (t: number): number => (t < 5 ? 0.1 : 0.01);
    const first = trajectory((p) => new SGD(p, { lr: 0.1, momentum: 0.9 }), STEPS, lrAt);
    const second = trajectory((p) => new MomentumSGD(p, { lr: 0.1, momentum: 0.9 }), STEPS, lrAt);
    expect(maxDiff(first.slice(0, 5), second.slice(0, 5))).toBeLessThanOrEqual(1e-12);
    expect(maxDiff(first, second)).toBeGreaterThan(1e-3);
  });
});
