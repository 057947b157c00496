/** Modules are thin wrappers: outputs and gradients equal the functional ops; counts, init, state. */
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, randn, tensor } from '../../src/index.js';
import {
  AvgPool2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Flatten,
  LeakyReLU,
  Linear,
  LinkedConv2d,
  MaxPool2d,
  ReLU,
  Residual,
  Sequential,
  Sigmoid,
  Subsampling,
  Tanh,
  summary,
} from '../../src/nn/index.js';
import { lenet5 } from '../../src/models/lenet5.js';
import { expectClose } from '../helpers.js';

const g = (seed: number) => new Generator(seed);

/** Runs module and functional form on the same input and compares outputs and input gradients. */
function sameAsFunctional(module: { forward(x: Tensor): Tensor }, fn: (x: Tensor) => Tensor, shape: number[]): void {
  const x1 = randn(shape, { generator: g(1), requiresGrad: true });
  const x2 = randn(shape, { generator: g(1), requiresGrad: true });
  const y1 = module.forward(x1);
  const y2 = fn(x2);
  expectClose(y1, y2, 0, 0, 'output');
  const dy = randn([...y1.shape], { generator: g(2) });
  y1.backward(dy);
  y2.backward(dy);
  expectClose(x1.grad, x2.grad!, 0, 0, 'input grad');
}

describe('modules equal the functional ops', () => {
  it('Conv2d(3, 4, [3,2], stride 2, padding 1) = F.conv2d with its weight and bias', () => {
    const m = new Conv2d(3, 4, [3, 2], { stride: 2, padding: 1, generator: g(3) });
    sameAsFunctional(m, (x) => F.conv2d(x, m.weight.detach(), m.bias!.detach(), { stride: 2, padding: 1 }), [2, 3, 7, 6]);
  });
  it('ConvTranspose2d(2, 3, 3, stride 2, outputPadding 1) = F.convTranspose2d', () => {
    const m = new ConvTranspose2d(2, 3, 3, { stride: 2, outputPadding: 1, generator: g(4) });
    expect(m.weight.shape).toEqual([2, 3, 3, 3]);
    sameAsFunctional(m, (x) => F.convTranspose2d(x, m.weight.detach(), m.bias!.detach(), { stride: 2, outputPadding: 1 }), [1, 2, 4, 4]);
  });
  it('LinkedConv2d = F.linkedConv2d', () => {
    const m = new LinkedConv2d(6, 16, 5, { table: F.LENET5_C3_TABLE, generator: g(5) });
    sameAsFunctional(m, (x) => F.linkedConv2d(x, m.weight.detach(), m.bias!.detach(), { table: F.LENET5_C3_TABLE }), [1, 6, 9, 9]);
  });
  it('Linear, pooling, activations, Flatten, Subsampling', () => {
    const lin = new Linear(5, 3, { generator: g(6) });
    sameAsFunctional(lin, (x) => F.linear(x, lin.weight.detach(), lin.bias!.detach()), [4, 5]);
    sameAsFunctional(
      new MaxPool2d(3, { stride: 2, padding: 1 }),
      (x) => F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
      [1, 2, 7, 7],
    );
    sameAsFunctional(new AvgPool2d(2), (x) => F.avgPool2d(x, { kernelSize: 2 }), [1, 2, 6, 6]);
    sameAsFunctional(new ReLU(), F.relu, [3, 4]);
    sameAsFunctional(new LeakyReLU(0.2), (x) => F.leakyRelu(x, 0.2), [3, 4]);
    sameAsFunctional(new Tanh(), F.tanh, [3, 4]);
    sameAsFunctional(new Sigmoid(), F.sigmoid, [3, 4]);
    sameAsFunctional(new Flatten(), (x) => x.reshape(2, -1), [2, 3, 4]);
    const sub = new Subsampling(3, { activation: 'tanh' });
    sameAsFunctional(sub, (x) => F.subsampling(x, sub.weight.detach(), sub.bias.detach(), { activation: 'tanh' }), [2, 3, 4, 4]);
  });
});

describe('parameter counts', () => {
  it('Conv2d: P·D·m·n + P (S6), with groups D = Cin/groups', () => {
    expect(new Conv2d(3, 8, [3, 5]).numParameters()).toBe(8 * 3 * 3 * 5 + 8);
    expect(new Conv2d(4, 8, 3, { groups: 2, bias: false }).numParameters()).toBe(8 * 2 * 3 * 3);
  });
  it('LinkedConv2d counts only linked weights: C3 has 60·25 + 16 = 1,516', () => {
    const c3 = new LinkedConv2d(6, 16, 5, { table: F.LENET5_C3_TABLE });
    expect(c3.numParameters()).toBe(1516);
    for (let p = 0; p < 16; p++) {
      for (let d = 0; d < 6; d++) {
        const block = c3.weight.data.slice((p * 6 + d) * 25, (p * 6 + d + 1) * 25);
        if (F.LENET5_C3_TABLE[p][d] === 0) expect([...block].every((v) => v === 0)).toBe(true);
      }
    }
  });
  it('dilation does not change the count (S19); LeNet-5 has 60,850 parameters (classic) and 61,706 (modern)', () => {
    expect(new Conv2d(2, 3, 3, { dilation: 3 }).numParameters()).toBe(new Conv2d(2, 3, 3).numParameters());
    expect(lenet5().numParameters()).toBe(60850);
    expect(lenet5({ modern: true }).numParameters()).toBe(61706);
  });
});

describe('initialization', () => {
  it("PyTorch's default: U(−1/√fanIn, 1/√fanIn) for weight and bias, variance bound²/3", () => {
    const m = new Conv2d(16, 64, 3, { generator: g(7) });
    const bound = 1 / Math.sqrt(16 * 9);
    expect(Math.max(...m.weight.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...m.bias!.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    const variance = m.weight.square().mean().item();
    expect(Math.abs(variance / ((bound * bound) / 3) - 1)).toBeLessThan(0.05);
  });
  it('is seeded: the same generator seed gives the same weights', () => {
    expect(
      lenet5({ generator: g(1) })
        .parameters()[0]
        .toArray(),
    ).toEqual(
      lenet5({ generator: g(1) })
        .parameters()[0]
        .toArray(),
    );
    expect(
      lenet5({ generator: g(1) })
        .parameters()[0]
        .toArray(),
    ).not.toEqual(
      lenet5({ generator: g(2) })
        .parameters()[0]
        .toArray(),
    );
  });
});

describe('Module', () => {
  it('names parameters by path and loads a state dict', () => {
    const model = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(8, 2));
    expect(model.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
    const other = new Sequential(
      new Conv2d(1, 2, 3, { generator: g(9) }),
      new ReLU(),
      new Flatten(),
      new Linear(8, 2, { generator: g(9) }),
    );
    model.loadStateDict(other.stateDict());
    expect(model.parameters()[0].toArray()).toEqual(other.parameters()[0].toArray());
    expect(() => model.loadStateDict({ '0.weight': tensor([1]) })).toThrow(
      'loadStateDict: state does not match the model: missing 0.bias, 3.weight, 3.bias',
    );
    expect(() => model.loadStateDict({ ...other.stateDict(), '0.bias': tensor([1, 2, 3]) })).toThrow(
      "loadStateDict: '0.bias' has shape [3] in the state but [2] in the model",
    );
  });
  it('train()/eval() switch dropout on and off in every descendant', () => {
    const model = new Sequential(new Dropout(0.5, { generator: g(10) }));
    const x = randn([1000], { generator: g(11) });
    expect(model.forward(x).toArray()).not.toEqual(x.toArray());
    model.eval();
    expect(model.layers[0].training).toBe(false);
    expect(model.forward(x).toArray()).toEqual(x.toArray());
    const classic = new Dropout(0.25, { mode: 'classic' }).eval();
    expect(classic.forward(tensor([4])).item()).toBe(3);
  });
  it('Residual: x + f(x) (S15), with a projection when the shape changes, and an error without', () => {
    const body = new Sequential(new Conv2d(2, 2, 3, { padding: 1, generator: g(12) }), new ReLU());
    const res = new Residual(body);
    const x = randn([1, 2, 5, 5], { generator: g(13) });
    expectClose(res.forward(x), x.add(body.forward(x)), 0, 0, 'x + f(x)');
    const widen = new Residual(new Conv2d(2, 4, 3, { padding: 1, generator: g(14) }), new Conv2d(2, 4, 1, { generator: g(15) }));
    expect(widen.forward(x).shape).toEqual([1, 4, 5, 5]);
    expect(() => new Residual(new Conv2d(2, 4, 3, { padding: 1 })).forward(x)).toThrow(
      'Residual: the body maps [1, 2, 5, 5] to [1, 4, 5, 5], but the skip path gives [1, 2, 5, 5]',
    );
    const mlp = new Residual(new Sequential(new Linear(3, 3), new Tanh())); // not only convolutions
    expect(mlp.forward(randn([2, 3])).shape).toEqual([2, 3]);
  });
});

describe('LeNet-5', () => {
  it('maps (N, 1, 28, 28) to (N, 10) through the classic shapes, both variants', () => {
    for (const modern of [false, true]) {
      const text = summary(lenet5({ modern }), [1, 1, 28, 28]);
      for (const shape of ['[1, 6, 28, 28]', '[1, 6, 14, 14]', '[1, 16, 10, 10]', '[1, 16, 5, 5]', '[1, 120, 1, 1]', '[1, 84]', '[1, 10]'])
        expect(text).toContain(shape);
    }
  });
  it('the summary writes out S6 for every convolution and the total', () => {
    const text = summary(lenet5(), [1, 1, 28, 28]);
    expect(text).toContain('156 = 6·1·5·5 + 6');
    expect(text).toContain('1,516 = 60 links·5·5 + 16');
    expect(text).toContain('48,120 = 120·16·5·5 + 120');
    expect(text).toContain('total parameters: 60,850');
  });
});
