/**
 * `exportOnnx` checked by ONNX Runtime: every layer kind with each of its options, and each model
 * preset, exported and run in onnxruntime-node on the same random input as the library's
 * evaluation-mode forward, at batch 1 and batch 3 (the batch axis is dynamic); they must agree
 * within 1e-5 relative (plus 1e-5·max|y| absolute). Where onnxruntime-node cannot load, these
 * tests skip and say why.
 */
import { describe, expect, it } from 'vitest';
import { Generator, nn } from '../../src/index.js';
import type { AnyModule } from '../../src/nn/module.js';
import { LENET5_C3_TABLE } from '../../src/ops/linked-conv.js';
import { ZeroPadShortcut, resnet } from '../../src/models/resnet.js';
import { buildModel } from '../../src/models/registry.js';
import { exportOnnx } from '../../src/io/onnx/export.js';
import { expectAgreement, ort, ortMissing, randomInput, randomizeVectors } from './ort.js';

const g = new Generator(3);

/** Exports `model` for inputs `shape` and checks ORT against the library at batch 1 and 3; returns the largest differences. */
async function checkExport(model: AnyModule, shape: number[], opset?: number): Promise<{ abs: number; rel: number }> {
  const bytes = exportOnnx(model, { inputShape: shape, opset });
  const worst = { abs: 0, rel: 0 };
  for (const batch of [1, 3]) {
    const d = await expectAgreement(bytes, model, randomInput(batch, shape, batch));
    worst.abs = Math.max(worst.abs, d.abs);
    worst.rel = Math.max(worst.rel, d.rel);
  }
  return worst;
}

/** A layer case: its name (shapes and options), the model, and one input's shape. */
type Case = [string, () => AnyModule, number[]];

const conv = (cin: number, cout: number, k: nn.Conv2dLayerOptions['padding'] | number | [number, number], o: nn.Conv2dLayerOptions = {}) =>
  new nn.Conv2d(cin, cout, k as number | [number, number], { generator: g, ...o });

const LAYERS: Case[] = [
  ['Conv2d x=[3,9,8] weight=[4,3,3,3]', () => conv(3, 4, 3), [3, 9, 8]],
  ['Conv2d x=[3,9,8] weight=[4,3,3,3] stride=2 padding=1', () => conv(3, 4, 3, { stride: 2, padding: 1 }), [3, 9, 8]],
  [
    'Conv2d x=[3,9,8] weight=[4,3,3,2] stride=[2,1] padding=[2,1]',
    () => conv(3, 4, [3, 2], { stride: [2, 1], padding: [2, 1] }),
    [3, 9, 8],
  ],
  ['Conv2d x=[2,7,7] weight=[3,2,3,3] padding=[1,0,2,1] (asymmetric)', () => conv(2, 3, 3, { padding: [1, 0, 2, 1] }), [2, 7, 7]],
  ['Conv2d x=[2,7,6] weight=[3,2,3,3] padding=narrow', () => conv(2, 3, 3, { padding: 'narrow' }), [2, 7, 6]],
  ['Conv2d x=[2,7,6] weight=[3,2,3,3] padding=wide', () => conv(2, 3, 3, { padding: 'wide' }), [2, 7, 6]],
  ['Conv2d x=[2,7,6] weight=[3,2,5,3] padding=equal', () => conv(2, 3, [5, 3], { padding: 'equal' }), [2, 7, 6]],
  ['Conv2d x=[2,7,6] weight=[3,2,3,3] padding=same dilation=2', () => conv(2, 3, 3, { padding: 'same', dilation: 2 }), [2, 7, 6]],
  [
    'Conv2d x=[2,7,6] weight=[3,2,3,2] padding=full dilation=[2,1]',
    () => conv(2, 3, [3, 2], { padding: 'full', dilation: [2, 1] }),
    [2, 7, 6],
  ],
  ['Conv2d x=[2,9,9] weight=[3,2,3,3] dilation=[2,3] stride=2', () => conv(2, 3, 3, { dilation: [2, 3], stride: 2 }), [2, 9, 9]],
  ['Conv2d x=[4,6,6] weight=[6,2,3,3] groups=2 bias=false', () => conv(4, 6, 3, { groups: 2, bias: false }), [4, 6, 6]],
  ['Conv2d x=[4,6,6] weight=[4,1,3,3] groups=4 (depthwise) padding=1', () => conv(4, 4, 3, { groups: 4, padding: 1 }), [4, 6, 6]],
  [
    'LinkedConv2d x=[6,10,10] weight=[16,6,5,5] LeNet-5 C3 table (random weights: the mask applies)',
    () => {
      const m = new nn.LinkedConv2d(6, 16, 5, { table: LENET5_C3_TABLE, generator: g });
      for (let i = 0; i < m.weight.size; i++) m.weight.data[i] = g.uniform() - 0.5;
      return m;
    },
    [6, 10, 10],
  ],
  [
    'LinkedConv2d x=[3,7,7] weight=[2,3,3,3] stride=2 padding=[0,1,1,2]',
    () =>
      new nn.LinkedConv2d(3, 2, 3, {
        table: [
          [1, 0, 1],
          [0, 1, 1],
        ],
        stride: 2,
        padding: [0, 1, 1, 2],
        generator: g,
      }),
    [3, 7, 7],
  ],
  [
    'ConvTranspose2d x=[3,5,4] weight=[3,4,3,3] stride=2 padding=1 outputPadding=1',
    () => new nn.ConvTranspose2d(3, 4, 3, { stride: 2, padding: 1, outputPadding: 1, generator: g }),
    [3, 5, 4],
  ],
  [
    'ConvTranspose2d x=[2,4,4] weight=[2,3,3,2] stride=[2,3] outputPadding=[1,2]',
    () => new nn.ConvTranspose2d(2, 3, [3, 2], { stride: [2, 3], outputPadding: [1, 2], generator: g }),
    [2, 4, 4],
  ],
  [
    'ConvTranspose2d x=[4,5,5] weight=[4,3,3,3] groups=2 dilation=2 padding=[1,0,0,2] bias=false',
    () => new nn.ConvTranspose2d(4, 6, 3, { groups: 2, dilation: 2, padding: [1, 0, 0, 2], bias: false, generator: g }),
    [4, 5, 5],
  ],
  ['MaxPool2d x=[3,8,8] kernelSize=2', () => new nn.MaxPool2d(2), [3, 8, 8]],
  ['MaxPool2d x=[3,9,8] kernelSize=3 stride=2 padding=1', () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }), [3, 9, 8]],
  ['MaxPool2d x=[2,8,7] kernelSize=3 stride=2 ceilMode', () => new nn.MaxPool2d(3, { stride: 2, ceilMode: true }), [2, 8, 7]],
  [
    'MaxPool2d x=[2,7,7] kernelSize=[3,2] stride=2 padding=[1,1] ceilMode',
    () => new nn.MaxPool2d([3, 2], { stride: 2, padding: [1, 1], ceilMode: true }),
    [2, 7, 7],
  ],
  ['AvgPool2d x=[3,8,8] kernelSize=2', () => new nn.AvgPool2d(2), [3, 8, 8]],
  ['AvgPool2d x=[3,9,8] kernelSize=3 stride=2 padding=1 countIncludePad', () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }), [3, 9, 8]],
  [
    'AvgPool2d x=[3,9,8] kernelSize=3 stride=2 padding=1 countIncludePad=false',
    () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    [3, 9, 8],
  ],
  ['AvgPool2d x=[2,8,7] kernelSize=3 stride=2 ceilMode', () => new nn.AvgPool2d(3, { stride: 2, ceilMode: true }), [2, 8, 7]],
  [
    'AvgPool2d x=[2,7,6] kernelSize=3 stride=2 padding=1 ceilMode countIncludePad=false',
    () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    [2, 7, 6],
  ],
  [
    'AvgPool2d x=[2,7,7] kernelSize=[3,2] stride=2 padding=[1,1] ceilMode countIncludePad (a last window dropped)',
    () => new nn.AvgPool2d([3, 2], { stride: 2, padding: [1, 1], ceilMode: true }),
    [2, 7, 7],
  ],
  ['AdaptiveAvgPool2d x=[4,7,5] outputSize=1 (GlobalAveragePool)', () => new nn.AdaptiveAvgPool2d(1), [4, 7, 5]],
  ['AdaptiveAvgPool2d x=[4,6,6] outputSize=[2,3] (divides: AveragePool)', () => new nn.AdaptiveAvgPool2d([2, 3]), [4, 6, 6]],
  ['AdaptiveAvgPool2d x=[2,6,4] outputSize=[null,1]', () => new nn.AdaptiveAvgPool2d([null, 1]), [2, 6, 4]],
  ['Subsampling x=[3,8,8] default (avg 2x2, sigmoid)', () => new nn.Subsampling(3), [3, 8, 8]],
  ['Subsampling x=[3,8,8] activation=tanh', () => new nn.Subsampling(3, { activation: 'tanh' }), [3, 8, 8]],
  [
    'Subsampling x=[3,9,9] kernelSize=3 stride=2 activation=relu',
    () => new nn.Subsampling(3, { kernelSize: 3, stride: 2, activation: 'relu' }),
    [3, 9, 9],
  ],
  ['Subsampling x=[2,8,6] pool=max activation=none', () => new nn.Subsampling(2, { pool: 'max', activation: 'none' }), [2, 8, 6]],
  ['ReLU x=[2,3,4]', () => new nn.ReLU(), [2, 3, 4]],
  ['LeakyReLU x=[2,3,4] negativeSlope=0.01 (default)', () => new nn.LeakyReLU(), [2, 3, 4]],
  ['LeakyReLU x=[2,3,4] negativeSlope=0.2', () => new nn.LeakyReLU(0.2), [2, 3, 4]],
  ['LeakyReLU x=[2,3,4] negativeSlope=1', () => new nn.LeakyReLU(1), [2, 3, 4]],
  ['Tanh x=[2,3,4]', () => new nn.Tanh(), [2, 3, 4]],
  ['Sigmoid x=[2,3,4]', () => new nn.Sigmoid(), [2, 3, 4]],
  [
    'Flatten → Linear x=[2,3,4] (Gemm transB=1)',
    () => new nn.Sequential(new nn.Flatten(), new nn.Linear(24, 5, { generator: g })),
    [2, 3, 4],
  ],
  ['Linear x=[12] bias=false', () => new nn.Linear(12, 4, { bias: false, generator: g }), [12]],
  ['Linear x=[3,4,5] (MatMul on more axes)', () => new nn.Linear(5, 2, { generator: g }), [3, 4, 5]],
  ['Flatten(1, 2) x=[2,3,4] (Reshape)', () => new nn.Flatten(1, 2), [2, 3, 4]],
  ['Flatten(2, -1) x=[2,3,4]', () => new nn.Flatten(2, -1), [2, 3, 4]],
  ['BatchNorm2d x=[4,5,5] running stats', () => new nn.BatchNorm2d(4), [4, 5, 5]],
  ['BatchNorm2d x=[3,4,4] affine=false eps=1e-3', () => new nn.BatchNorm2d(3, { affine: false, eps: 1e-3 }), [3, 4, 4]],
  ['Linear → BatchNorm1d x=[6]', () => new nn.Sequential(new nn.Linear(6, 4, { generator: g }), new nn.BatchNorm1d(4)), [6]],
  ['Dropout x=[2,3,4] p=0.5 (inverted: identity)', () => new nn.Sequential(new nn.Dropout(0.5), new nn.Tanh()), [2, 3, 4]],
  ['Dropout x=[2,3,4] p=0.3 mode=classic (Mul 0.7)', () => new nn.Dropout(0.3, { mode: 'classic' }), [2, 3, 4]],
  ['Dropout2d x=[2,3,4] p=0.5', () => new nn.Sequential(new nn.Dropout2d(0.5), new nn.Sigmoid()), [2, 3, 4]],
  ['Identity x=[2,3,4] alone', () => new nn.Identity(), [2, 3, 4]],
  ['Identity last x=[2,3,4]', () => new nn.Sequential(new nn.ReLU(), new nn.Identity()), [2, 3, 4]],
  [
    'Residual x=[3,6,6] body Conv2d padding=same, no projection',
    () => new nn.Residual(new nn.Sequential(conv(3, 3, 3, { padding: 'same' }), new nn.ReLU())),
    [3, 6, 6],
  ],
  [
    'Residual x=[3,7,7] body stride 2 with a projection Conv2d 1x1 stride 2 + BatchNorm2d',
    () =>
      new nn.Residual(
        new nn.Sequential(conv(3, 5, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(5)),
        new nn.Sequential(conv(3, 5, 1, { stride: 2, bias: false }), new nn.BatchNorm2d(5)),
      ),
    [3, 7, 7],
  ],
  ['ZeroPadShortcut x=[3,7,7] extra=5 stride=2', () => new ZeroPadShortcut(5, 2), [3, 7, 7]],
  ['ZeroPadShortcut x=[2,6,5] extra=3 stride=1', () => new ZeroPadShortcut(3, 1), [2, 6, 5]],
  [
    'nested Sequential: Conv2d → Tanh → Subsampling → Conv2d → ReLU → MaxPool2d → Flatten → Linear',
    () =>
      new nn.Sequential(
        new nn.Sequential(conv(1, 3, 3, { padding: 1 }), new nn.Tanh(), new nn.Subsampling(3, { activation: 'tanh' })),
        new nn.Sequential(conv(3, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2)),
        new nn.Flatten(),
        new nn.Linear(4, 3, { generator: g }),
      ),
    [1, 10, 10],
  ],
];

describe.skipIf(ort === null)(
  `exportOnnx: every layer kind agrees with ONNX Runtime at batch 1 and 3${ortMissing ? ` (skipped: ${ortMissing})` : ''}`,
  () => {
    it.each(LAYERS)('%s', async (_name, build, shape) => {
      const model = build();
      randomizeVectors(model);
      await checkExport(model, shape);
    });

    it.each([13, 17, 21])('opset %i: a conv net with BatchNorm agrees', async (opset) => {
      const model = new nn.Sequential(
        conv(2, 3, 3, { padding: 1 }),
        new nn.BatchNorm2d(3),
        new nn.ReLU(),
        new nn.AdaptiveAvgPool2d(1),
        new nn.Flatten(),
      );
      randomizeVectors(model);
      await checkExport(model, [2, 6, 6], opset);
    });
  },
);

/** Largest differences per preset, printed for the README. */
const measured: Record<string, { abs: number; rel: number }> = {};

describe.skipIf(ort === null)(
  `exportOnnx: the model presets agree with ONNX Runtime${ortMissing ? ` (skipped: ${ortMissing})` : ''}`,
  () => {
    const presets: [string, () => AnyModule, number[]][] = [
      [
        'lenet5 x=[1,28,28] (tanh, Subsampling, LinkedConv2d C3)',
        () => buildModel('lenet5', { modern: false }, new Generator(1)),
        [1, 28, 28],
      ],
      ['lenet5-modern x=[1,28,28]', () => buildModel('lenet5', { modern: true }, new Generator(2)), [1, 28, 28]],
      [
        'resnet8 x=[1,28,28] eval, random BN running stats (zero-pad shortcuts)',
        () => buildModel('resnet', { blocksPerStage: 1 }, new Generator(3)),
        [1, 28, 28],
      ],
      [
        'resnet20 x=[1,28,28] eval, random BN running stats',
        () => buildModel('resnet', { blocksPerStage: 3 }, new Generator(4)),
        [1, 28, 28],
      ],
      [
        'resnet20 x=[3,32,32] projection shortcuts, random BN running stats',
        () => resnet({ blocksPerStage: 3, inChannels: 3, shortcut: 'projection', generator: new Generator(5) }),
        [3, 32, 32],
      ],
      [
        'vgg6 x=[1,28,28] (BatchNorm1d in the head, dropout), random BN statistics',
        () => buildModel('vgg', {}, new Generator(6)),
        [1, 28, 28],
      ],
    ];
    it.each(presets)('%s', async (name, build, shape) => {
      const model = build();
      randomizeVectors(model);
      model.train(); // exported in evaluation mode whatever its mode; left as it was
      measured[name] = await checkExport(model, shape);
      expect(model.training).toBe(true);
      console.log(
        `${name}: max |ORT − library| = ${measured[name].abs.toExponential(2)} (${measured[name].rel.toExponential(2)} of max |y|)`,
      );
    });
  },
);
