/**
 * Checks the model presets' tests share (resnet.test.ts, vgg.test.ts): PyTorch's eval output and
 * training step, BN folding keeps the output, and a model file rebuilds the model with equal
 * buffers and outputs.
 */
import { expect } from 'vitest';
import { F, MODEL_PRESETS, type Tensor, buildModel, decodeModel, encodeModel, nn, noGrad, tensor } from '../../src/index.js';
import { expectClose, fromJson } from '../helpers.js';

interface Json {
  shape: number[];
  data: number[];
}

/** `nn.foldBatchNorm(model)` has no BatchNorm2d left and computes the same output on `x` (eval mode). */
export function expectFoldsBatchNorm(model: nn.Module, x: Tensor): void {
  const m = model.eval();
  const folded = nn.foldBatchNorm(m);
  expect(folded.namedModules().some(([, mod]) => mod instanceof nn.BatchNorm2d)).toBe(false);
  expectClose(
    noGrad(() => folded.forward(x)),
    noGrad(() => m.forward(x)),
    1e-4,
    1e-5,
    'folded',
  );
}

/** The preset `preset` with `state` loaded, through a model file: every state-dict entry and the eval output on `x` equal. */
export function expectModelFileRoundTrip(preset: keyof typeof MODEL_PRESETS, state: Record<string, Tensor>, x: Tensor): void {
  const { architecture, options } = MODEL_PRESETS[preset];
  const m = buildModel(architecture, options);
  m.loadStateDict(state);
  const { model } = decodeModel(encodeModel(m));
  const a = m.stateDict();
  const b = model.stateDict();
  for (const name of Object.keys(a)) expect(Array.from(b[name].data), name).toEqual(Array.from(a[name].data));
  expect(Array.from(noGrad(() => model.eval().forward(x)).data)).toEqual(Array.from(noGrad(() => m.eval().forward(x)).data));
}

/** What a preset's PyTorch fixture holds (test/fixtures/gen_resnet_fixtures.py). */
export interface PresetFixture {
  input: Json;
  labels: number[];
  evalOutput: Json;
  trainOutput: Json;
  trainLoss: number;
  grads: Record<string, Json>;
  runningMeanAfter: Json;
}

/** `model` (PyTorch's weights loaded) gives the fixture's eval output. */
export function expectEvalOutput(model: nn.Module, fixture: PresetFixture): void {
  const m = model.eval();
  expectClose(
    noGrad(() => m.forward(fromJson(fixture.input))),
    fixture.evalOutput,
    1e-4,
    1e-5,
    'eval output',
  );
}

/** `model` in training mode gives the fixture's output, loss, gradients and the first BN's updated running mean. */
export function expectTrainStep(model: nn.Module, fixture: PresetFixture): void {
  const m = model.train();
  const out = m.forward(fromJson(fixture.input));
  expectClose(out, fixture.trainOutput, 1e-4, 1e-5, 'train output');
  const loss = F.crossEntropy(out, tensor(fixture.labels, { dtype: 'int32' }));
  expect(loss.item()).toBeCloseTo(fixture.trainLoss, 5);
  loss.backward();
  const params = Object.fromEntries(m.namedParameters());
  for (const [name, g] of Object.entries(fixture.grads)) expectClose(params[name].grad, g, 1e-3, 1e-5, `grad of ${name}`);
  expectClose(m.stateDict()['1.running_mean'], fixture.runningMeanAfter, 1e-5, 1e-6, 'running mean');
}
