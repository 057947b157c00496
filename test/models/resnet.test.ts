/**
 * The ResNet presets (src/models/resnet.ts) against PyTorch (test/fixtures/gen_resnet_fixtures.py,
 * the same nesting built in PyTorch): parameter counts (resnet20 on 3-channel input: the paper's
 * 0.27 M), state-dict names, and — with a state dict PyTorch trained for 3 steps loaded — the eval
 * output, the train-mode output, loss, gradients and the updated running statistics, on every
 * backend; output shapes for 28×28 and 32×32 inputs; BN folding; the model-file round trip.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Generator, MODEL_PRESETS, buildModel, decodeSafetensors, nn, noGrad, randn } from '../../src/index.js';
import { resnet } from '../../src/models/resnet.js';
import { describeEachBackend, fromJson } from '../helpers.js';
import { expectEvalOutput, expectFoldsBatchNorm, expectModelFileRoundTrip, expectTrainStep, type PresetFixture } from './preset-checks.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'resnet');
const fixture = JSON.parse(readFileSync(join(DIR, 'resnet8.json'), 'utf8')) as PresetFixture & {
  counts: Record<string, number>;
  names: string[];
  projectionNames: string[];
};
const torchState = decodeSafetensors(new Uint8Array(readFileSync(join(DIR, 'resnet8.safetensors')))).tensors;

describe('ResNet presets: structure', () => {
  it("parameter counts equal PyTorch's (resnet20 on 3-channel input: 269,722, the paper's 0.27 M)", () => {
    expect(buildModel('resnet', MODEL_PRESETS.resnet8.options).numParameters()).toBe(fixture.counts.resnet8);
    expect(buildModel('resnet', MODEL_PRESETS.resnet20.options).numParameters()).toBe(fixture.counts.resnet20);
    expect(resnet({ blocksPerStage: 3, inChannels: 3 }).numParameters()).toBe(fixture.counts['resnet20-rgb']);
    expect(fixture.counts['resnet20-rgb']).toBe(269_722);
    expect(resnet({ blocksPerStage: 3, shortcut: 'projection' }).numParameters()).toBe(fixture.counts['resnet20-projection']);
  });

  it("state-dict names are PyTorch's for the same nesting, buffers included", () => {
    expect(Object.keys(resnet({ blocksPerStage: 1 }).stateDict())).toEqual(fixture.names);
    expect(Object.keys(resnet({ blocksPerStage: 1, shortcut: 'projection' }).stateDict())).toEqual(fixture.projectionNames);
  });

  it('maps 28×28 digits and 32×32 colour images to 10 scores; depth 6n + 2 convolution and linear layers', () => {
    const m = resnet({ blocksPerStage: 3, generator: new Generator(1) }).eval();
    expect(noGrad(() => m.forward(randn([2, 1, 28, 28]))).shape).toEqual([2, 10]);
    const rgb = resnet({ blocksPerStage: 3, inChannels: 3, classes: 100 }).eval();
    expect(noGrad(() => rgb.forward(randn([2, 3, 32, 32]))).shape).toEqual([2, 100]);
    const weighted = rgb.namedModules().filter(([, mod]) => mod instanceof nn.Conv2d || mod instanceof nn.Linear);
    expect(weighted).toHaveLength(20);
  });

  it('starts every block as the identity (last BN weight 0) unless zeroInitResidual is false; Kaiming-normal convolutions', () => {
    const m = resnet({ blocksPerStage: 1, generator: new Generator(3) });
    const state = m.stateDict();
    for (const name of ['3.0.body.4.weight', '4.0.body.4.weight', '5.0.body.4.weight'])
      expect(Array.from(state[name].data)).toEqual(new Array((16 * 2 ** Number(name[0])) / 8).fill(0));
    const plain = resnet({ blocksPerStage: 1, zeroInitResidual: false }).stateDict();
    expect(Array.from(plain['5.0.body.4.weight'].data).every((v) => v === 1)).toBe(true);
    // fan out of a 3×3 conv with 64 outputs: 576; std √(2/576)
    const w = state['5.0.body.3.weight'].data;
    const std = Math.sqrt(Array.from(w).reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(Math.sqrt(2 / 576) * 0.95);
    expect(std).toBeLessThan(Math.sqrt(2 / 576) * 1.05);
  });

  it('rejects unknown options and bad values, naming them', () => {
    expect(() => resnet({ blocks: 2 } as never)).toThrow(/unknown option 'blocks'/);
    expect(() => resnet({ blocksPerStage: 0 })).toThrow(/blocksPerStage must be an integer in \[1, 256\], got 0/);
    // what a hostile model file could ask for: refused before any weight is allocated
    expect(() => resnet({ blocksPerStage: 2000 })).toThrow(/blocksPerStage must be an integer in \[1, 256\], got 2000/);
    expect(() => resnet({ classes: 5_000_000 })).toThrow(/classes must be an integer in \[1, 100000\], got 5000000/);
    expect(() => resnet({ inChannels: 1e6 })).toThrow(/inChannels must be an integer in \[1, 1024\], got 1000000/);
    expect(() => resnet({ shortcut: 'B' as never })).toThrow(/shortcut must be 'zero-pad' or 'projection', got "B"/);
  });
});

describeEachBackend('ResNet-8 with PyTorch-trained weights', () => {
  const load = (): nn.Sequential => {
    const m = resnet({ blocksPerStage: 1 });
    m.loadStateDict(torchState);
    return m;
  };

  it("gives PyTorch's eval output", () => expectEvalOutput(load(), fixture));

  it("gives PyTorch's train-mode output, loss, gradients and running statistics", () => expectTrainStep(load(), fixture));

  it('folds every BN into its convolution for inference, with the same output', () =>
    expectFoldsBatchNorm(load(), fromJson(fixture.input)));

  it('saves and loads as a model file (architecture and options), buffers and outputs equal', () =>
    expectModelFileRoundTrip('resnet8', torchState, fromJson(fixture.input)));
});
