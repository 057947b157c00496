/** Define-by-run autograd: accumulation, graph sharing, noGrad, detach, and gradcheck itself. */
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, gradcheck, isGradEnabled, noGrad, randn, tensor, zeroGrad } from '../../src/index.js';
import { record } from '../../src/autograd/engine.js';

describe('backward', () => {
  it('computes d(x·y + x)/dx = y + 1 and d/dy = x', () => {
    const x = tensor([2, 3], { requiresGrad: true });
    const y = tensor([5, 7], { requiresGrad: true });
    x.mul(y).add(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([6, 8]);
    expect(y.grad!.toArray()).toEqual([2, 3]);
  });
  it('sums the gradients of a tensor used twice (diamond)', () => {
    const x = tensor([3], { requiresGrad: true });
    const a = x.mul(2);
    const b = x.mul(x);
    a.add(b).sum().backward(); // d(2x + x²)/dx = 2 + 2x
    expect(x.grad!.item()).toBe(8);
  });
  it('accumulates into .grad across calls until zeroGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.square().sum().backward();
    x.square().sum().backward();
    expect(x.grad!.toArray()).toEqual([4, 8]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    zeroGrad([x]);
    x.sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });
  it('gives each leaf its own gradient tensor, even when backward shares one', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = tensor([1], { requiresGrad: true });
    x.add(y).sum().backward();
    expect(x.grad).not.toBe(y.grad);
    x.grad!.data[0] = 5;
    expect(y.grad!.item()).toBe(1);
  });
  it('reduces gradients of broadcast operands to their shapes', () => {
    const m = randn([3, 4], { requiresGrad: true, generator: new Generator(1) });
    const row = randn([4], { requiresGrad: true, generator: new Generator(2) });
    m.add(row).sum().backward();
    expect(row.grad!.toArray()).toEqual([3, 3, 3, 3]);
    expect(m.grad!.shape).toEqual([3, 4]);
  });
  it('takes an explicit gradient for a non-scalar output, and refuses to guess one', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow('backward: gradient can be implicit only for a scalar output, got shape [3]');
    y.backward(tensor([1, 0, -1]));
    expect(x.grad!.toArray()).toEqual([2, 0, -2]);
    expect(() => tensor([1]).backward()).toThrow('backward: tensor does not require grad');
  });
  it('keeps gradients of non-leaf tensors only with retainGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    const k = x.mul(4);
    h.add(k).sum().backward();
    expect(h.grad!.toArray()).toEqual([1, 1]);
    expect(k.grad).toBeNull();
  });
  it('propagates float32 gradients to float32 leaves through float64 ops', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(tensor([0.5, 0.25], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.toArray()).toEqual([0.5, 0.25]);
  });
});

describe('noGrad and detach', () => {
  it('records nothing inside noGrad and restores the mode after', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
  });
  it('restores the mode when the function throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });
  it('detach shares storage and cuts the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    const z = x.detach();
    expect(z.data).toBe(x.data);
  });
  it('int32 tensors cannot require gradients', () => {
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(
      'requiresGrad: only floating-point tensors can require gradients, got int32',
    );
  });
});

describe('gradcheck', () => {
  it('accepts correct gradients', () => {
    const x = randn([3, 4], { dtype: 'float64', requiresGrad: true, generator: new Generator(3) });
    expect(gradcheck((t) => F.tanh(t.mul(t)), [x])).toBe(true);
  });
  it('catches a wrong backward pass', () => {
    // y = x³ whose recorded backward claims 2x (wrong): gradcheck must notice
    const cubeWithWrongGrad = (t: Tensor): Tensor =>
      record(
        new Tensor(
          t.data.map((v) => v * v * v),
          t.shape,
        ),
        'cube',
        [t],
        (g) => [g.mul(t.mul(2))],
      );
    const x = randn([5], { dtype: 'float64', requiresGrad: true, generator: new Generator(4) });
    expect(gradcheck(cubeWithWrongGrad, [x], { raiseException: false })).toBe(false);
    expect(() => gradcheck(cubeWithWrongGrad, [x])).toThrow(/gradcheck: gradient mismatch for input 0 \(shape \[5\]\) at element 0/);
  });
  it('requires float64 inputs', () => {
    expect(() => gradcheck((t) => t.mul(2), [tensor([1], { requiresGrad: true })])).toThrow(
      'gradcheck: inputs that require gradients must be float64, got float32',
    );
  });
});
