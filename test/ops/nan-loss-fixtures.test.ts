/**
 * NaN propagation and the loss options against PyTorch. The fixtures in `test/fixtures/nan-loss/`
 * are written by `test/fixtures/gen_nan_loss_fixtures.py` (float64 reference on float32-exact
 * inputs, with NaN, ±Infinity and ±0 planted); here each op runs in float32 on every backend.
 * NaN must be where PyTorch has NaN and nowhere else, ±Infinity where it has them; every other
 * value within rtol 1e-5 / atol 1e-6 (torch.allclose). Then the story: one NaN pixel
 * through conv → relu → maxpool → linear gives a NaN loss.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { F, Generator, Tensor, argmax, maximum, minimum, nn, randn, tensor } from '../../src/index.js';
import type { FusedConv2dOptions, Pool2dOptions, Reduction, SubsamplingOptions } from '../../src/index.js';
import type { CrossEntropyOptions } from '../../src/ops/loss.js';
import { describeEachBackend } from '../helpers.js';

/** A tensor as the generator writes it: NaN and ±Infinity as strings. */
interface Json {
  shape: number[];
  data: (number | 'NaN' | 'Infinity' | '-Infinity')[];
}
interface Case {
  name: string;
  options: object;
  inputs: Record<string, Json>;
  gradOutput: Json;
  output: Json;
  grads: Record<string, Json>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'nan-loss');
const RTOL = 1e-5;
const ATOL = 1e-6;

function values(j: Json): number[] {
  return j.data.map((v) => (typeof v === 'number' ? v : Number(v)));
}

/** A float32 (or int32) tensor of a fixture's values. */
function fromJson(j: Json, dtype: 'float32' | 'int32' = 'float32', requiresGrad = false): Tensor {
  return tensor(values(j), { shape: j.shape, dtype, requiresGrad });
}

/** NaN exactly where `expected` has NaN, ±Infinity exactly where it has them, elsewhere within atol + rtol·|expected|. */
function expectMatches(actual: Tensor | null, expected: Json, label: string): void {
  expect(actual, `${label}: missing tensor`).not.toBeNull();
  const a = actual as Tensor;
  expect([...a.shape], `${label}: shape`).toEqual(expected.shape);
  const e = values(expected);
  for (let i = 0; i < a.size; i++) {
    const [got, want] = [a.data[i], e[i]];
    const ok = Number.isNaN(want)
      ? Number.isNaN(got)
      : !Number.isFinite(want)
        ? got === want
        : Math.abs(got - want) <= ATOL + RTOL * Math.abs(want);
    if (!ok) expect.fail(`${label}: element ${i} is ${got}, expected ${want}`);
  }
}

/**
 * How each fixture's op is called through the public API: inputs with an expected gradient come
 * as float32 tensors that require one, the others (class indices, weights, probabilities) as
 * constants. A fixture may have more than one runner (the fused convolution block and its ops).
 */
type Run = (t: Record<string, Tensor>, options: never, raw: Record<string, Json>) => Tensor;

const ACTIVATIONS = { relu: F.relu, tanh: F.tanh, sigmoid: F.sigmoid } as const;

/** A loss fixture's options as the op takes them, with the weight tensor when the case has one. */
function lossOptions(t: Record<string, Tensor>, o: CrossEntropyOptions): CrossEntropyOptions {
  return { ...o, weight: t.weight ?? null };
}

/** The target: class indices (int32) unless it has the input's shape (class probabilities). */
function target(raw: Record<string, Json>): Tensor {
  const probabilities = JSON.stringify(raw.target.shape) === JSON.stringify(raw.input.shape);
  return fromJson(raw.target, probabilities ? 'float32' : 'int32');
}

const runs: Record<string, Record<string, Run>> = {
  relu: { relu: (t) => F.relu(t.x) },
  leakyRelu: { leakyRelu: (t, o: { negativeSlope: number }) => F.leakyRelu(t.x, o.negativeSlope) },
  maxPool2d: { maxPool2d: (t, o: Pool2dOptions) => F.maxPool2d(t.x, o) },
  maximum: { maximum: (t) => maximum(t.a, t.b) },
  minimum: { minimum: (t) => minimum(t.a, t.b) },
  argmax: { argmax: (t, o: { dim: number; keepdim: boolean }) => argmax(t.x, o.dim, o.keepdim) },
  logSoftmax: { logSoftmax: (t, o: { dim: number }) => F.logSoftmax(t.x, o.dim) },
  convBlock: {
    fusedConv2d: (t, o: FusedConv2dOptions) => F.fusedConv2d(t.x, t.weight, t.bias, o),
    'conv2d, activation, maxPool2d': (t, o: FusedConv2dOptions & { activation: keyof typeof ACTIVATIONS }) => {
      const a = ACTIVATIONS[o.activation](F.conv2d(t.x, t.weight, t.bias, { padding: o.padding }));
      return o.maxPool ? F.maxPool2d(a, o.maxPool) : a;
    },
  },
  subsampling: { subsampling: (t, o: SubsamplingOptions) => F.subsampling(t.x, t.weight, t.bias, o) },
  crossEntropy: { crossEntropy: (t, o: CrossEntropyOptions, raw) => F.crossEntropy(t.input, target(raw), lossOptions(t, o)) },
  nllLoss: { nllLoss: (t, o: CrossEntropyOptions, raw) => F.nllLoss(t.input, target(raw), lossOptions(t, o)) },
};

const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

it('every NaN and loss fixture file has a runner, and every runner a file', () => {
  expect(files.map((f) => f.replace('.json', '')).sort()).toEqual(Object.keys(runs).sort());
});

describeEachBackend('PyTorch fixtures: NaN propagation and the loss options', () => {
  for (const file of files) {
    const op = file.replace('.json', '');
    const { cases } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cases: Case[] };
    for (const [runner, run] of Object.entries(runs[op])) {
      for (const c of cases) {
        it(`${runner} ${c.name}`, () => {
          const inputs: Record<string, Tensor> = {};
          for (const [name, j] of Object.entries(c.inputs)) {
            if (name === 'target') continue;
            inputs[name] = fromJson(j, 'float32', name in c.grads);
          }
          const out = run(inputs, c.options as never, c.inputs);
          expectMatches(out, c.output, `${runner} output`);
          if (Object.keys(c.grads).length === 0) return;
          out.backward(fromJson(c.gradOutput));
          for (const [name, expected] of Object.entries(c.grads)) expectMatches(inputs[name].grad, expected, `${runner} grad ${name}`);
        });
      }
    }
  }
});

/** A small LeNet-like network: conv 5x5 → relu → maxpool 2 → linear, on 1x12x12 images. */
function network(g: Generator): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 5, { padding: 2, generator: g }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(144, 10, { generator: g }),
  );
}

describeEachBackend('one NaN pixel: conv → relu → maxpool → linear gives a NaN loss, as in PyTorch', () => {
  const reduction: Reduction = 'mean';
  for (const form of ['nn.Sequential (the fused block)', 'functional ops one by one'] as const) {
    it(`x=[4,1,12,12] with x[2,0,5,7] = NaN, ${form}`, () => {
      const g = new Generator(31);
      const model = network(g);
      const params = model.parameters();
      const [convW, convB, fcW, fcB] = params;
      const forward = (x: Tensor): Tensor =>
        form === 'functional ops one by one'
          ? F.linear(F.maxPool2d(F.relu(F.conv2d(x, convW, convB, { padding: 2 })), { kernelSize: 2 }).reshape([x.shape[0], 144]), fcW, fcB)
          : model.forward(x);
      const x = randn([4, 1, 12, 12], { generator: g });
      const labels = tensor([3, 1, 4, 1], { dtype: 'int32' });
      // the same batch without NaN: a finite loss and finite gradients
      const clean = F.crossEntropy(forward(x), labels, { reduction });
      expect(Number.isFinite(clean.item())).toBe(true);
      clean.backward();
      expect(convW.grad!.data.every(Number.isFinite)).toBe(true);
      for (const p of params) p.grad = null;

      x.data[(2 * 12 + 5) * 12 + 7] = NaN;
      const loss = F.crossEntropy(forward(x), labels, { reduction });
      expect(loss.item()).toBeNaN();
      loss.backward();
      // the mean's gradient is NaN for every logit, so every parameter's gradient is NaN
      for (const p of params) expect(p.grad!.data.some(Number.isNaN), `a parameter of shape [${p.shape.join(', ')}]`).toBe(true);
      // per image, only the poisoned image's loss is NaN
      const perImage = F.crossEntropy(forward(x), labels, { reduction: 'none' });
      expect([...perImage.data].map(Number.isNaN)).toEqual([false, false, true, false]);
    });
  }
});
