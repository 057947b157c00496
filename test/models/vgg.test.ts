/**
 * The small VGG-style BN network (src/models/vgg.ts, preset `vgg6`) against PyTorch
 * (test/fixtures/gen_resnet_fixtures.py builds the same layer list): the parameter count and
 * state-dict names, and — with a state dict PyTorch trained for 3 steps — the eval output, and
 * with dropout 0 the train-mode output, loss, gradients and updated running statistics, on every
 * backend; BN folding; the model-file round trip; option checks.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Generator, MODEL_PRESETS, buildModel, decodeSafetensors, nn, noGrad, randn, vgg } from '../../src/index.js';
import { describeEachBackend, fromJson } from '../helpers.js';
import { expectEvalOutput, expectFoldsBatchNorm, expectModelFileRoundTrip, expectTrainStep, type PresetFixture } from './preset-checks.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'resnet');
const fixture = JSON.parse(readFileSync(join(DIR, 'vgg6.json'), 'utf8')) as PresetFixture & {
  count: number;
  names: string[];
};
const torchState = decodeSafetensors(new Uint8Array(readFileSync(join(DIR, 'vgg6.safetensors')))).tensors;

describe('vgg6: structure', () => {
  it("has PyTorch's parameter count (468,138) and state-dict names, buffers included", () => {
    const m = buildModel('vgg', MODEL_PRESETS.vgg6.options);
    expect(m.numParameters()).toBe(fixture.count);
    expect(fixture.count).toBe(468_138);
    expect(Object.keys(m.stateDict())).toEqual(fixture.names);
  });

  it('maps 28×28 images to 10 scores, and other sizes, channels and widths', () => {
    const m = vgg({ generator: new Generator(1) }).eval();
    expect(noGrad(() => m.forward(randn([2, 1, 28, 28]))).shape).toEqual([2, 10]);
    const rgb = vgg({ inChannels: 3, size: 32, widths: [16, 24], hidden: 40, classes: 100 }).eval();
    expect(noGrad(() => rgb.forward(randn([2, 3, 32, 32]))).shape).toEqual([2, 100]);
  });

  it('rejects unknown options and bad values, naming them', () => {
    expect(() => vgg({ width: 3 } as never)).toThrow(/unknown option 'width'/);
    expect(() => vgg({ widths: [32] as never })).toThrow(/widths must be two channel counts, got \[32\]/);
    expect(() => vgg({ widths: [32, 5000] })).toThrow(/widths\[1\] must be an integer in \[1, 1024\], got 5000/);
    expect(() => vgg({ size: 30 })).toThrow(/size must be a multiple of 4 \(two 2×2 poolings\), got 30/);
    expect(() => vgg({ dropout: 1 })).toThrow(/dropout must be in \[0, 1\), got 1/);
    expect(() => vgg({ hidden: 1e9 })).toThrow(/hidden must be an integer in \[1, 65536\], got 1000000000/);
  });
});

describeEachBackend('vgg6 with PyTorch-trained weights', () => {
  const load = (dropout?: number): nn.Sequential => {
    const m = vgg({ dropout });
    m.loadStateDict(torchState);
    return m;
  };

  it("gives PyTorch's eval output", () => expectEvalOutput(load(), fixture));

  it("gives PyTorch's train-mode output, loss, gradients and running statistics (dropout 0)", () => expectTrainStep(load(0), fixture));

  it('folds the convolutions’ BN for inference, with the same output', () => expectFoldsBatchNorm(load(), fromJson(fixture.input)));

  it('saves and loads as a model file, buffers and outputs equal', () =>
    expectModelFileRoundTrip('vgg6', torchState, fromJson(fixture.input)));
});
