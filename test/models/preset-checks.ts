/**
 * Checks the model presets' tests share (resnet.test.ts, vgg.test.ts): BN folding keeps the
 * output, and a model file rebuilds the model with equal buffers and outputs.
 */
import { expect } from 'vitest';
import { MODEL_PRESETS, type Tensor, buildModel, decodeModel, encodeModel, nn, noGrad } from '../../src/index.js';
import { expectClose } from '../helpers.js';

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
