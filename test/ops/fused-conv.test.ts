/**
 * `F.fusedConv2d` and the fusion in `nn.Sequential`: the fused block gives the values and
 * gradients of `maxPool2d(relu(conv2d(…)))` run op by op, bit for bit, on every backend; its
 * float64 gradients pass central differences; bad options are reported.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, type FusedConv2dOptions, type Tensor, gradcheck, lenet5, nn, randn, sum, mul } from '../../src/index.js';
import { describeEachBackend, param64 } from '../helpers.js';

function same(actual: Tensor | null, expected: Tensor | null, label: string): void {
  expect(actual, `${label}: missing`).not.toBeNull();
  expect(expected, `${label}: missing reference`).not.toBeNull();
  const [a, e] = [actual as Tensor, expected as Tensor];
  expect([...a.shape], `${label}: shape`).toEqual([...e.shape]);
  for (let i = 0; i < a.size; i++) {
    if (!Object.is(a.data[i], e.data[i])) expect.fail(`${label}: element ${i} is ${a.data[i]}, expected ${e.data[i]}`);
  }
}

/** The block op by op. */
function unfused(x: Tensor, w: Tensor, b: Tensor | null, o: FusedConv2dOptions): Tensor {
  const { activation: _, maxPool: __, ...convOptions } = o;
  let y = F.conv2d(x, w, b, convOptions);
  if (o.activation === 'relu') y = F.relu(y);
  if (o.activation === 'tanh') y = F.tanh(y);
  if (o.activation === 'sigmoid') y = F.sigmoid(y);
  return o.maxPool ? F.maxPool2d(y, o.maxPool) : y;
}

/** A weighted sum of y's elements, so every output gets its own delta. */
function loss(y: Tensor, g: Generator): Tensor {
  return sum(mul(y, randn(y.shape, { generator: g, dtype: y.dtype })));
}

const CASES: { label: string; x: number[]; w: number[]; bias: boolean; options: FusedConv2dOptions }[] = [
  {
    label: 'LeNet C1: pad 2, relu, maxPool 2',
    x: [4, 1, 28, 28],
    w: [6, 1, 5, 5],
    bias: true,
    options: { padding: 2, activation: 'relu', maxPool: { kernelSize: 2 } },
  },
  {
    label: 'LeNet C3: relu, maxPool 2',
    x: [4, 6, 14, 14],
    w: [16, 6, 5, 5],
    bias: true,
    options: { activation: 'relu', maxPool: { kernelSize: 2 } },
  },
  {
    label: 'relu only, same padding, no bias',
    x: [2, 3, 9, 7],
    w: [5, 3, 3, 3],
    bias: false,
    options: { padding: 'same', activation: 'relu' },
  },
  {
    label: 'maxPool only, stride 2, groups 2',
    x: [2, 4, 13, 11],
    w: [6, 2, 3, 3],
    bias: true,
    options: { stride: 2, groups: 2, maxPool: { kernelSize: 2, stride: 1 } },
  },
  {
    label: 'relu, overlapping maxPool 3 stride 2 padding 1 ceilMode, dilation 2',
    x: [2, 3, 12, 12],
    w: [4, 3, 3, 3],
    bias: true,
    options: { dilation: 2, padding: 2, activation: 'relu', maxPool: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true } },
  },
  {
    label: 'classic LeNet C1: pad 2, tanh',
    x: [4, 1, 28, 28],
    w: [6, 1, 5, 5],
    bias: true,
    options: { padding: 2, activation: 'tanh' },
  },
  {
    label: 'tanh, maxPool 2',
    x: [2, 3, 10, 10],
    w: [4, 3, 3, 3],
    bias: true,
    options: { activation: 'tanh', maxPool: { kernelSize: 2 } },
  },
  {
    label: 'sigmoid, overlapping maxPool 3 stride 1 (a maximum of several windows)',
    x: [2, 2, 9, 9],
    w: [3, 2, 2, 2],
    bias: true,
    options: { activation: 'sigmoid', maxPool: { kernelSize: 3, stride: 1 } },
  },
  {
    label: 'sigmoid only, stride 2, no bias',
    x: [2, 3, 11, 9],
    w: [5, 3, 3, 3],
    bias: false,
    options: { stride: 2, activation: 'sigmoid' },
  },
  {
    label: 'unbatched input (C, H, W)',
    x: [3, 10, 10],
    w: [4, 3, 3, 3],
    bias: true,
    options: { activation: 'relu', maxPool: { kernelSize: 2 } },
  },
];

describeEachBackend('F.fusedConv2d = maxPool2d(f(conv2d)) for f = relu, tanh, sigmoid, bit for bit', () => {
  for (const c of CASES) {
    it(c.label, () => {
      const g = new Generator(31);
      const x = randn(c.x, { generator: g }).setRequiresGrad(true);
      const w = randn(c.w, { generator: g }).setRequiresGrad(true);
      const b = c.bias ? randn([c.w[0]], { generator: g }).setRequiresGrad(true) : null;
      const yFused = F.fusedConv2d(x, w, b, c.options);
      loss(yFused, new Generator(5)).backward();
      const fused = [x.grad, w.grad, b?.grad ?? null];
      for (const t of [x, w, b]) t?.zeroGrad();
      const y = unfused(x, w, b, c.options);
      loss(y, new Generator(5)).backward();
      same(yFused, y, 'output');
      same(fused[0], x.grad, '∂L/∂x');
      same(fused[1], w.grad, '∂L/∂w');
      if (b) same(fused[2], b.grad, '∂L/∂b');
    });
  }

  it('computes only the gradients asked for (input without requiresGrad)', () => {
    const g = new Generator(8);
    const x = randn([3, 1, 12, 12], { generator: g });
    const w = randn([4, 1, 3, 3], { generator: g }).setRequiresGrad(true);
    const b = randn([4], { generator: g });
    const o: FusedConv2dOptions = { padding: 1, activation: 'relu', maxPool: { kernelSize: 2 } };
    loss(F.fusedConv2d(x, w, b, o), new Generator(2)).backward();
    const dw = w.grad;
    w.zeroGrad();
    loss(unfused(x, w, b, o), new Generator(2)).backward();
    same(dw, w.grad, '∂L/∂w');
    expect(x.grad).toBeNull();
    expect(b.grad).toBeNull();
  });
});

describe('F.fusedConv2d gradients (float64, central differences)', () => {
  const g = new Generator(4242);
  for (const c of CASES) {
    it(c.label, () => {
      // a smaller batch and image keep the check fast (channels as the case, every kernel still fits)
      const x = param64(
        c.x.map((d, i) => (i >= c.x.length - 2 ? Math.min(d, 9) : i === 0 && c.x.length === 4 ? Math.min(d, 2) : d)),
        g,
      );
      const w = param64(c.w, g, 0.5);
      const b = c.bias ? param64([c.w[0]], g) : null;
      const inputs = b ? [x, w, b] : [x, w];
      expect(gradcheck((xi, wi, bi) => F.fusedConv2d(xi, wi, bi ?? null, c.options), inputs)).toBe(true);
    });
  }
});

describe('F.fusedConv2d errors', () => {
  const x = randn([1, 2, 6, 6]);
  const w = randn([3, 2, 3, 3]);
  it('rejects an unknown activation', () => {
    expect(() => F.fusedConv2d(x, w, null, { activation: 'gelu' as never })).toThrow(
      /fusedConv2d: activation must be one of none, relu, tanh, sigmoid, got "gelu"/,
    );
  });
  it('names the pooling that does not fit the convolution output', () => {
    expect(() => F.fusedConv2d(x, w, null, { maxPool: { kernelSize: 5 } })).toThrow(/fusedConv2d: .*5/);
  });
  it('reports channel mismatches as conv2d does', () => {
    expect(() => F.fusedConv2d(randn([1, 3, 6, 6]), w)).toThrow(/fusedConv2d: .*channels/);
  });
});

describeEachBackend('nn.Sequential fuses Conv2d, ReLU, MaxPool2d', () => {
  const build = (g: Generator): nn.Sequential =>
    new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2, generator: g }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(6, 8, 3, { generator: g }),
      new nn.ReLU(),
      new nn.Conv2d(8, 4, 3, { generator: g, bias: false }),
      new nn.MaxPool2d(2),
      new nn.Conv2d(4, 4, 1, { generator: g }),
      new nn.Flatten(),
      new nn.Linear(16, 3, { generator: g }),
    );

  it('gives the layers\u2019 values and gradients, bit for bit', () => {
    const model = build(new Generator(3));
    const x = randn([5, 1, 16, 16], { generator: new Generator(4) });
    const yFused = model.forward(x);
    loss(yFused, new Generator(6)).backward();
    const grads = model.parameters().map((p) => p.grad);
    model.zeroGrad();
    let y = x;
    for (const layer of model.layers) y = layer.forward(y);
    loss(y, new Generator(6)).backward();
    same(yFused, y, 'output');
    model.parameters().forEach((p, i) => same(grads[i], p.grad, `parameter ${i}`));
  });

  it('classic LeNet-5 (tanh blocks, a LinkedConv2d block) gives the layers\u2019 values and gradients, bit for bit', () => {
    const model = lenet5({ generator: new Generator(12) });
    const x = randn([3, 1, 28, 28], { generator: new Generator(13) });
    const yFused = model.forward(x);
    loss(yFused, new Generator(14)).backward();
    const grads = model.parameters().map((p) => p.grad);
    model.zeroGrad();
    let y = x;
    for (const layer of model.layers) y = layer.forward(y);
    loss(y, new Generator(14)).backward();
    same(yFused, y, 'output');
    model.parameters().forEach((p, i) => same(grads[i], p.grad, `parameter ${i}`));
  });

  it('Conv2d, Sigmoid, an overlapping max Subsampling with a frozen weight: the layers\u2019 values and gradients, bit for bit', () => {
    const g = new Generator(21);
    const model = new nn.Sequential(
      new nn.Conv2d(2, 3, 3, { generator: g }),
      new nn.Sigmoid(),
      new nn.Subsampling(3, { kernelSize: 3, stride: 2, pool: 'max', activation: 'relu' }),
    );
    const stage = model.layers[2] as nn.Subsampling;
    stage.weight.data.set([0.5, -1.5, 2]);
    stage.bias.data.set([0.1, 0, -0.2]);
    stage.weight.setRequiresGrad(false);
    const x = randn([2, 2, 12, 11], { generator: g }).setRequiresGrad(true);
    const yFused = model.forward(x);
    expect(yFused.gradFn?.name).toBe('fusedConv2d');
    loss(yFused, new Generator(22)).backward();
    const trained = model.parameters().filter((p) => p.requiresGrad);
    const grads = [x.grad, ...trained.map((p) => p.grad)];
    model.zeroGrad();
    x.zeroGrad();
    let y = x;
    for (const layer of model.layers) y = layer.forward(y);
    loss(y, new Generator(22)).backward();
    same(yFused, y, 'output');
    expect(stage.weight.grad).toBeNull();
    [x.grad, ...trained.map((p) => p.grad)].forEach((t, i) => same(grads[i], t, `gradient ${i}`));
  });

  it('fuses exactly the Conv2d or LinkedConv2d [, ReLU | Tanh | Sigmoid][, MaxPool2d | Subsampling] runs', () => {
    const g = new Generator(9);
    const x = randn([2, 1, 8, 8], { generator: g });
    const conv = (): nn.Conv2d => new nn.Conv2d(1, 2, 3, { padding: 1, generator: g });
    const gradName = (m: nn.Module): string | undefined => m.forward(x).gradFn?.name;
    expect(gradName(new nn.Sequential(conv(), new nn.ReLU(), new nn.MaxPool2d(2)))).toBe('fusedConv2d');
    expect(gradName(new nn.Sequential(conv(), new nn.MaxPool2d(2)))).toBe('fusedConv2d');
    expect(gradName(new nn.Sequential(conv(), new nn.ReLU()))).toBe('fusedConv2d');
    expect(gradName(new nn.Sequential(conv()))).toBe('conv2d');
    expect(gradName(new nn.Sequential(conv(), new nn.Tanh(), new nn.MaxPool2d(2)))).toBe('fusedConv2d');
    expect(gradName(new nn.Sequential(conv(), new nn.Sigmoid()))).toBe('fusedConv2d');
    expect(gradName(new nn.Sequential(conv(), new nn.LeakyReLU()))).toBe('leakyRelu');
    const linked = new nn.LinkedConv2d(1, 2, 3, { padding: 1, table: [[1], [0]], generator: g });
    expect(gradName(new nn.Sequential(linked, new nn.Tanh()))).toBe('fusedConv2d');
    expect(gradName(new nn.Sequential(linked))).toBe('linkedConv2d');
    expect(gradName(new nn.Sequential(conv(), new nn.Tanh(), new nn.Subsampling(2, { activation: 'tanh' })))).toBe('fusedConv2d');
    expect(gradName(new nn.Sequential(linked, new nn.Subsampling(2)))).toBe('fusedConv2d');
    expect(gradName(new nn.Sequential(conv(), new nn.Tanh(), new nn.Subsampling(2), new nn.Tanh()))).toBe('tanh');
    // a Subsampling closes a block on batches only; unbatched input meets the layer's own error
    const unbatched = new nn.Sequential(conv(), new nn.Tanh(), new nn.Subsampling(2));
    expect(() => unbatched.forward(randn([1, 8, 8]))).toThrow(/^subsampling: input must have rank 4 \(N, C, H, W\), got shape \[2, 8, 8\]/);
    // a subclass may change forward: it runs as itself
    class Clipped extends nn.ReLU {}
    expect(gradName(new nn.Sequential(conv(), new Clipped()))).not.toBe('fusedConv2d');
  });

  it('reports bad input under the layers\u2019 op names', () => {
    const model = build(new Generator(1));
    expect(() => model.forward(randn([2, 3, 16, 16]))).toThrow(/^conv2d: /);
    expect(() => model.forward(randn([2, 1, 3, 3]))).toThrow(/^(conv2d|maxPool2d): /);
  });
});
