/**
 * A backward pass frees the graph, as PyTorch's does: running it again throws (instead of adding
 * the gradients a second time), unless the first pass was given `retainGraph`.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, nn, randn, tensor } from '../../src/index.js';

describe('backward() twice', () => {
  it('throws the second time, with the hint', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const loss = x.mul(x).sum();
    loss.backward();
    expect([...x.grad!.data]).toEqual([2, 4, 6]);
    expect(() => loss.backward()).toThrow(
      /^backward: trying to backward through the graph a second time \(through sum, whose saved values the first backward\(\) freed\); pass \{ retainGraph: true \}/,
    );
    // the failed pass changed nothing
    expect([...x.grad!.data]).toEqual([2, 4, 6]);
  });

  it('with retainGraph the graph runs again, and the gradients add up', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const loss = x.mul(x).sum();
    loss.backward({ retainGraph: true });
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    expect([...x.grad!.data]).toEqual([6, 12, 18]);
    expect(() => loss.backward()).toThrow(/second time/);
  });

  it('a second loss through a shared part of the graph needs retainGraph on the first, as in PyTorch', () => {
    const model = new nn.Linear(3, 2, { generator: new Generator(1) });
    const h = model.forward(randn([4, 3], { generator: new Generator(2) }));
    const a = F.relu(h).sum();
    const b = h.mul(h).sum();
    a.backward({ retainGraph: true });
    b.backward();
    expect(model.weight.grad).not.toBeNull();
    const h2 = model.forward(randn([4, 3], { generator: new Generator(2) }));
    h2.sum().backward();
    expect(() => h2.mul(2).sum().backward()).toThrow(/second time \(through linear/);
  });
});
