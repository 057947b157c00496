/**
 * `Sequential`'s batch normalization blocks (src/nn/container.ts): a BatchNorm followed by a ReLU,
 * and a `Residual` whose body ends in a BatchNorm followed by a ReLU, run as one op
 * (`batchNormBlock`). They must give what the layers give one by one — output, loss, every
 * gradient (input, weights, BN's γ and β, the projection's) and the running statistics — bit for
 * bit, on every backend, in training and in evaluation, for ResNets with both shortcut kinds and
 * for float64; and the errors of the separate layers.
 */
import { expect, it } from 'vitest';
import { F, Generator, type Tensor, add, nn, randn, tensor } from '../../src/index.js';
import { resnet } from '../../src/models/resnet.js';
import { describeEachBackend } from '../helpers.js';

/** The layers one by one: containers walked, every leaf's own `forward`, the skip added by `F.add`. */
function unfused(m: nn.Module, x: Tensor): Tensor {
  if (m instanceof nn.Sequential) return m.layers.reduce((y, layer) => unfused(layer, y), x);
  if (m instanceof nn.Residual) {
    const fx = unfused(m.body, x);
    return add(m.projection === null ? x : unfused(m.projection, x), fx);
  }
  return m.forward(x);
}

/** Output, loss, gradients of the input and every parameter, and every buffer after one step. */
function step(model: nn.Module, x0: Tensor, labels: Tensor, run: (m: nn.Module, x: Tensor) => Tensor): Tensor[] {
  const x = x0.detach().setRequiresGrad(true);
  for (const p of model.parameters()) p.grad = null;
  const y = run(model, x);
  const loss = F.crossEntropy(y, labels);
  loss.backward();
  const grads = model.parameters().map((p) => p.grad ?? tensor([]));
  return [y.detach(), loss.detach(), x.grad ?? tensor([]), ...grads, ...model.buffers().map((b) => b.clone())];
}

/** Two models built from the same seed, and the same input. */
function pair(build: (g: Generator) => nn.Module): [nn.Module, nn.Module] {
  return [build(new Generator(7)), build(new Generator(7))];
}

function expectBitEqual(a: Tensor[], b: Tensor[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((t, i) => {
    expect(t.shape, `tensor ${i}`).toEqual(b[i].shape);
    expect(Array.from(t.data), `tensor ${i}`).toEqual(Array.from(b[i].data));
  });
}

describeEachBackend('Sequential batch normalization blocks = the layers one by one', () => {
  for (const shortcut of ['zero-pad', 'projection'] as const) {
    it(`resnet8 (${shortcut} shortcuts), training then evaluation`, () => {
      // zeroInitResidual off: each block's last BN must matter
      const [fused, separate] = pair((generator) => resnet({ blocksPerStage: 1, shortcut, zeroInitResidual: false, generator }));
      const g = new Generator(3);
      const x = randn([3, 1, 12, 12], { generator: g });
      const labels = tensor([1, 7, 3], { dtype: 'int32' });
      for (let i = 0; i < 2; i++) {
        expectBitEqual(
          step(fused, x, labels, (m, input) => m.forward(input)),
          step(separate, x, labels, unfused),
        );
      }
      fused.eval();
      separate.eval();
      expectBitEqual(
        step(fused, x, labels, (m, input) => m.forward(input)),
        step(separate, x, labels, unfused),
      );
    });
  }

  it('BatchNorm1d → ReLU and BatchNorm2d → ReLU, float64 and float32, without affine', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const affine of [true, false]) {
        const build = (generator: Generator): nn.Module =>
          new nn.Sequential(
            new nn.Conv2d(2, 4, 3, { padding: 1, generator, dtype }),
            new nn.BatchNorm2d(4, { affine, dtype }),
            new nn.ReLU(),
            new nn.Flatten(),
            new nn.Linear(4 * 25, 6, { generator, dtype }),
            new nn.BatchNorm1d(6, { affine, dtype }),
            new nn.ReLU(),
            new nn.Linear(6, 3, { generator, dtype }),
          );
        const [fused, separate] = pair(build);
        const x = randn([4, 2, 5, 5], { generator: new Generator(5), dtype });
        const labels = tensor([0, 2, 1, 2], { dtype: 'int32' });
        expectBitEqual(
          step(fused, x, labels, (m, input) => m.forward(input)),
          step(separate, x, labels, unfused),
        );
      }
    }
  });

  it('NaN in the input propagates as in the separate layers', () => {
    const [fused, separate] = pair((generator) => resnet({ blocksPerStage: 1, zeroInitResidual: false, generator }));
    const x = randn([2, 1, 8, 8], { generator: new Generator(1) });
    x.data[5] = Number.NaN;
    const a = fused.forward(x);
    const b = unfused(separate, x);
    expect(Array.from(a.data).map(String)).toEqual(Array.from(b.data).map(String));
  });

  it('a skip path of the wrong shape gives the Residual error, with the layer path', () => {
    const bad = new nn.Sequential(
      new nn.Residual(new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.BatchNorm2d(2))),
      new nn.ReLU(),
    );
    expect(() => bad.forward(randn([2, 1, 4, 4]))).toThrow(
      /^Residual: the body maps \[2, 1, 4, 4\] to \[2, 2, 4, 4\], but the skip path gives \[2, 1, 4, 4\].* \(in layer 0: Residual\(\)\)$/,
    );
    const wrongChannels = new nn.Sequential(
      new nn.Residual(new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.BatchNorm2d(3))),
      new nn.ReLU(),
    );
    expect(() => wrongChannels.forward(randn([2, 1, 4, 4]))).toThrow(/BatchNorm2d: input \[2, 2, 4, 4\] has 2 channels.*\(in layer 0\.1: /);
  });
});
