/**
 * Outputs and gradients of every op against PyTorch. The fixtures in `test/fixtures/` are written
 * by `test/fixtures/gen_fixtures.py` (PyTorch, float64 reference on float32-exact inputs); here each op
 * runs in float32 on every backend and must agree within rtol 1e-5 / atol 1e-6 (torch.allclose).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { F, Tensor, matmul, mean, sum, tensor } from '../../src/index.js';
import type {
  Conv1dOptions,
  Conv2dOptions,
  ConvTranspose1dOptions,
  ConvTranspose2dOptions,
  LinkTable,
  Pool2dOptions,
  SubsamplingOptions,
} from '../../src/index.js';
import { describeEachBackend, expectClose, fromJson } from '../helpers.js';

interface Json {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  options: object;
  inputs: Record<string, Json>;
  gradOutput: Json;
  output: Json;
  grads: Record<string, Json>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const RTOL = 1e-5;
const ATOL = 1e-6;

/**
 * A runner takes the fixture's options as the op's own options type: they are the public API's
 * options written as JSON (each runner's parameter says which type; `never` admits them all).
 */
type Run = (t: Record<string, Tensor>, options: never, raw: Record<string, Json>) => Tensor;
type Reduce = { dim?: number[]; keepdim?: boolean };

/** How each fixture's op is called through the public API. */
const runs: Record<string, Run> = {
  conv2d: (t, o: Conv2dOptions) => F.conv2d(t.x, t.weight, t.bias, o),
  conv1d: (t, o: Conv1dOptions) => F.conv1d(t.x, t.weight, t.bias, o),
  convolve2d: (t, o: Conv2dOptions) => F.convolve2d(t.x, t.weight, t.bias, o),
  convTranspose2d: (t, o: ConvTranspose2dOptions) => F.convTranspose2d(t.x, t.weight, t.bias, o),
  convTranspose1d: (t, o: ConvTranspose1dOptions) => F.convTranspose1d(t.x, t.weight, t.bias, o),
  maxPool2d: (t, o: Pool2dOptions) => F.maxPool2d(t.x, o),
  avgPool2d: (t, o: Pool2dOptions) => F.avgPool2d(t.x, o),
  globalAvgPool2d: (t) => F.globalAvgPool2d(t.x),
  linear: (t) => F.linear(t.x, t.weight, t.bias),
  matmul: (t) => matmul(t.a, t.b),
  relu: (t) => F.relu(t.x),
  leakyRelu: (t, o: { negativeSlope: number }) => F.leakyRelu(t.x, o.negativeSlope),
  sigmoid: (t) => F.sigmoid(t.x),
  tanh: (t) => F.tanh(t.x),
  softmax: (t, o: { dim: number }) => F.softmax(t.x, o.dim),
  logSoftmax: (t, o: { dim: number }) => F.logSoftmax(t.x, o.dim),
  crossEntropy: (t, _o, raw) => F.crossEntropy(t.logits, tensor(raw.labels.data, { dtype: 'int32' })),
  mseLoss: (t) => F.mseLoss(t.input, t.target),
  linkedConv2d: (t, o: Conv2dOptions & { table: LinkTable }) => F.linkedConv2d(t.x, t.weight, t.bias, o),
  subsampling: (t, o: SubsamplingOptions) => F.subsampling(t.x, t.weight, t.bias, o),
  sum: (t, o: Reduce) => sum(t.x, o.dim, o.keepdim),
  mean: (t, o: Reduce) => mean(t.x, o.dim, o.keepdim),
};

/** Fixtures of other suites in the same folder (optimizer trajectories, a saved model), not op cases. */
const OTHER_FIXTURES = ['optim.json', 'torch-model.json'];
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !OTHER_FIXTURES.includes(f));

it('every fixture file has a runner', () => {
  expect(files.length).toBeGreaterThanOrEqual(20);
  for (const f of files) expect(Object.keys(runs), f).toContain(f.replace('.json', ''));
});

describeEachBackend('PyTorch fixtures', () => {
  for (const file of files) {
    const op = file.replace('.json', '');
    const { cases } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cases: Case[] };
    for (const c of cases) {
      it(`${op} ${c.name}`, () => {
        const inputs: Record<string, Tensor> = {};
        for (const [name, j] of Object.entries(c.inputs)) {
          if (name === 'labels') continue;
          inputs[name] = fromJson(j, 'float32', name in c.grads);
        }
        const out = runs[op](inputs, c.options as never, c.inputs);
        expectClose(out, c.output, RTOL, ATOL, `${op} output`);
        out.backward(fromJson(c.gradOutput));
        for (const [name, expected] of Object.entries(c.grads)) expectClose(inputs[name].grad, expected, RTOL, ATOL, `${op} grad ${name}`);
      });
    }
  }
});
