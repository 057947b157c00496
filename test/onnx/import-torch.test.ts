/**
 * `importOnnx` on models that PyTorch exported (`torch.onnx.export`, opset 13, dynamic batch):
 * LeNet-5 (modern), a residual net with BatchNorm, and 25 convolution / pooling / transposed
 * convolution configurations, from test/fixtures/gen_onnx_fixtures.py, which records PyTorch's
 * evaluation-mode outputs. The imported module must agree with PyTorch (rtol 1e-5, atol 1e-6)
 * and with ONNX Runtime on the same file, and fine-tune: one SGD step changes its parameters and
 * lowers the loss on the batch.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F, optim, tensor } from '../../src/index.js';
import { importOnnx } from '../../src/io/onnx/import.js';
import { expectAgreement, libraryForward, ort, ortMissing } from './ort.js';

interface Record {
  file: string;
  inputShape: number[];
  input: number[];
  outputShape: number[];
  output: number[];
}

const DIR = new URL('../fixtures/onnx/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('torch_outputs.json', DIR), 'utf8')) as {
  torch: string;
  models: { [name: string]: Record };
};
const load = (r: Record): Uint8Array => new Uint8Array(readFileSync(new URL(r.file, DIR)));
const inputOf = (r: Record) => tensor(Float32Array.from(r.input), { shape: r.inputShape });

/** Largest differences between the imported model's output and PyTorch's. */
const measured: { [name: string]: { abs: number; rel: number } } = {};

describe(`importOnnx: models exported by PyTorch ${fixture.torch} agree with PyTorch's outputs`, () => {
  it.each(Object.entries(fixture.models))('%s', async (name, r) => {
    const model = importOnnx(load(r));
    const x = inputOf(r);
    const y = libraryForward(model, x);
    expect(y.shape).toEqual(r.outputShape);
    let abs = 0;
    let rel = 0;
    const bad: string[] = [];
    for (let i = 0; i < y.size; i++) {
      const d = Math.abs(y.data[i] - r.output[i]);
      abs = Math.max(abs, d);
      rel = Math.max(rel, d / Math.max(Math.abs(r.output[i]), 1e-30));
      if (!(d <= 1e-6 + 1e-5 * Math.abs(r.output[i])) && bad.length < 5) bad.push(`[${i}] ${y.data[i]} vs torch ${r.output[i]}`);
    }
    expect(bad, `max |diff| ${abs}`).toEqual([]);
    measured[name] = { abs, rel };
    if (ort !== null) await expectAgreement(load(r), model, x);
    if (!name.startsWith('conv')) console.log(`${name}: max |convnet-ts − PyTorch| = ${abs.toExponential(2)}`);
  });

  it('all 27 agree (printed: the largest difference)', () => {
    const worst = Math.max(...Object.values(measured).map((m) => m.abs));
    console.log(`PyTorch ONNX fixtures: ${Object.keys(measured).length} models, max |convnet-ts − PyTorch| = ${worst.toExponential(2)}`);
    expect(Object.keys(measured).length).toBe(27);
  });
});

describe('importOnnx: a PyTorch model fine-tunes here', () => {
  it.each(['lenet5_modern', 'resnet_bn'])('%s: one SGD step changes every parameter and lowers the loss', (name) => {
    const r = fixture.models[name];
    const model = importOnnx(load(r));
    model.train();
    const x = inputOf(r);
    const target = tensor([1, 3], { dtype: 'int32' }); // a batch of 2
    const before = model.parameters().map((p) => Float64Array.from(p.data));
    const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
    const loss0 = F.crossEntropy(model.forward(x), target);
    opt.zeroGrad();
    loss0.backward();
    opt.step();
    const unchanged = model.parameters().filter((p, i) => p.data.every((v, j) => v === before[i][j]));
    expect(unchanged.length).toBe(0);
    expect(F.crossEntropy(model.forward(x), target).item()).toBeLessThan(loss0.item());
  });
});

if (ort === null) console.log(`the ONNX Runtime checks are skipped: ${ortMissing}`);
