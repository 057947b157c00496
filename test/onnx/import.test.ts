/**
 * `importOnnx` on what `exportOnnx` writes: each model preset and each layer kind is exported,
 * imported, and the imported module's evaluation-mode forward must match the original's (max
 * |diff| ≤ 1e-6·max(1, max|y|)) and ONNX Runtime's on the same file (1e-5 relative); the imported
 * parameters are real parameters (gradients reach them, `loadStateDict` round-trips them); and an
 * unsupported graph is one error that lists every node it concerns.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, getBackend, nn, optim, tensor } from '../../src/index.js';
import type { AnyModule } from '../../src/nn/module.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { resnet } from '../../src/models/resnet.js';
import { buildModel } from '../../src/models/registry.js';
import { exportOnnx } from '../../src/io/onnx/export.js';
import { importOnnx } from '../../src/io/onnx/import.js';
import { encodeModelProto, decodeModelProto } from '../../src/io/onnx/schema.js';
import { expectAgreement, libraryForward, ort, ortMissing, randomInput, randomizeVectors } from './ort.js';
import { describeEachBackend } from '../helpers.js';

/** The largest |a − b| over two outputs of the same shape. */
function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let d = 0;
  for (let i = 0; i < a.size; i++) d = Math.max(d, Math.abs(a.data[i] - b.data[i]));
  return d;
}

function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data) m = Math.max(m, Math.abs(v));
  return m;
}

/** Exports, imports, and compares the two modules at batch 1 and 3; returns the largest difference. */
function roundTrip(model: AnyModule, shape: number[]): { bytes: Uint8Array; imported: nn.Sequential; diff: number } {
  const bytes = exportOnnx(model, { inputShape: shape });
  const imported = importOnnx(bytes);
  let diff = 0;
  for (const batch of [1, 3]) {
    const x = randomInput(batch, shape, 10 + batch);
    const want = libraryForward(model, x);
    const d = maxDiff(libraryForward(imported, x), want);
    expect(d, `batch ${batch}: max |imported − original| ${d}`).toBeLessThanOrEqual(1e-6 * Math.max(1, maxAbs(want)));
    diff = Math.max(diff, d);
  }
  return { bytes, imported, diff };
}

const g = new Generator(11);

const PRESETS: [string, () => AnyModule, number[]][] = [
  [
    'lenet5 x=[1,28,28] (tanh, Subsampling, LinkedConv2d C3 as a masked Conv)',
    () => buildModel('lenet5', { modern: false }, new Generator(1)),
    [1, 28, 28],
  ],
  ['lenet5-modern x=[1,28,28]', () => buildModel('lenet5', { modern: true }, new Generator(2)), [1, 28, 28]],
  [
    'resnet8 x=[1,28,28] (zero-pad shortcuts), random BN statistics',
    () => buildModel('resnet', { blocksPerStage: 1 }, new Generator(3)),
    [1, 28, 28],
  ],
  ['resnet20 x=[1,28,28], random BN statistics', () => buildModel('resnet', { blocksPerStage: 3 }, new Generator(4)), [1, 28, 28]],
  [
    'resnet20 x=[3,32,32] projection shortcuts, random BN statistics',
    () => resnet({ blocksPerStage: 3, inChannels: 3, shortcut: 'projection', generator: new Generator(5) }),
    [3, 32, 32],
  ],
  ['vgg6 x=[1,28,28] (BatchNorm1d in the head, dropout), random BN statistics', () => buildModel('vgg', {}, new Generator(6)), [1, 28, 28]],
];

const LAYERS: [string, () => AnyModule, number[]][] = [
  [
    'Conv2d x=[3,9,8] weight=[4,3,3,2] stride=[2,1] padding=[2,1]',
    () => new nn.Conv2d(3, 4, [3, 2], { stride: [2, 1], padding: [2, 1], generator: g }),
    [3, 9, 8],
  ],
  [
    'Conv2d x=[2,7,7] weight=[3,2,3,3] padding=[1,0,2,1] (asymmetric)',
    () => new nn.Conv2d(2, 3, 3, { padding: [1, 0, 2, 1], generator: g }),
    [2, 7, 7],
  ],
  [
    'Conv2d x=[2,9,9] weight=[3,2,3,3] dilation=[2,3] stride=2',
    () => new nn.Conv2d(2, 3, 3, { dilation: [2, 3], stride: 2, generator: g }),
    [2, 9, 9],
  ],
  [
    'Conv2d x=[4,6,6] weight=[6,2,3,3] groups=2 bias=false',
    () => new nn.Conv2d(4, 6, 3, { groups: 2, bias: false, generator: g }),
    [4, 6, 6],
  ],
  [
    'ConvTranspose2d x=[3,4,5] weight=[3,2,3,3] stride=2 padding=1 outputPadding=1',
    () => new nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1, generator: g }),
    [3, 4, 5],
  ],
  [
    'ConvTranspose2d x=[4,4,4] weight=[4,3,3,2] stride=[2,3] dilation=2 groups=2 bias=false',
    () => new nn.ConvTranspose2d(4, 6, [3, 2], { stride: [2, 3], dilation: 2, groups: 2, bias: false, generator: g }),
    [4, 4, 4],
  ],
  ['MaxPool2d x=[2,9,9] k=3 stride=2 padding=1', () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }), [2, 9, 9]],
  [
    'AvgPool2d x=[2,9,9] k=3 stride=2 padding=1 countIncludePad=false',
    () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    [2, 9, 9],
  ],
  ['AvgPool2d x=[2,9,9] k=3 stride=2 padding=1 countIncludePad=true', () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }), [2, 9, 9]],
  ['Subsampling x=[3,8,8] k=2 relu', () => new nn.Subsampling(3, { activation: 'relu' }), [3, 8, 8]],
  ['Subsampling x=[3,8,8] k=2 pool=max activation=none', () => new nn.Subsampling(3, { pool: 'max', activation: 'none' }), [3, 8, 8]],
  [
    'Conv2d → LeakyReLU(0.2) → Sigmoid → AdaptiveAvgPool2d(1) → Flatten → Linear → BatchNorm1d → Tanh x=[2,6,6]',
    () =>
      new nn.Sequential(
        new nn.Conv2d(2, 3, 3, { generator: g }),
        new nn.LeakyReLU(0.2),
        new nn.Sigmoid(),
        new nn.AdaptiveAvgPool2d(1),
        new nn.Flatten(),
        new nn.Linear(3, 4, { generator: g }),
        new nn.BatchNorm1d(4),
        new nn.Tanh(),
      ),
    [2, 6, 6],
  ],
  ['Linear on (N,C,H,W) (MatMul + Add) x=[2,3,5]', () => new nn.Linear(5, 4, { generator: g }), [2, 3, 5]],
  // ceil mode, which exportOnnx writes as padding at the end (and, for an average counting its padding, a Pad node first)
  ['MaxPool2d x=[2,8,8] k=3 stride=2 ceilMode', () => new nn.MaxPool2d(3, { stride: 2, ceilMode: true }), [2, 8, 8]],
  ['MaxPool2d x=[2,9,7] k=2 stride=2 padding=1 ceilMode', () => new nn.MaxPool2d(2, { stride: 2, padding: 1, ceilMode: true }), [2, 9, 7]],
  [
    'AvgPool2d x=[2,8,8] k=3 stride=2 padding=1 ceilMode countIncludePad=true',
    () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    [2, 8, 8],
  ],
  [
    'AvgPool2d x=[2,8,8] k=3 stride=2 padding=1 ceilMode countIncludePad=false',
    () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    [2, 8, 8],
  ],
  ['AvgPool2d x=[2,7,7] k=2 stride=2 ceilMode', () => new nn.AvgPool2d(2, { stride: 2, ceilMode: true }), [2, 7, 7]],
  [
    'Normalize (per channel) → Conv2d → MaxPool2d ceilMode x=[3,7,7]',
    () =>
      new nn.Sequential(
        new nn.Normalize([0.5, 0.25, -1], [2, 0.5, 3]),
        new nn.Conv2d(3, 2, 3, { padding: 1, generator: g }),
        new nn.MaxPool2d(2, { ceilMode: true }),
      ),
    [3, 7, 7],
  ],
  ['Normalize (one mean and std) x=[1,4,4]', () => new nn.Normalize(0.1307, 0.3081), [1, 4, 4]],
  [
    'Dropout, Identity (nothing) around a Conv2d x=[2,5,5]',
    () => new nn.Sequential(new nn.Dropout(0.5), new nn.Conv2d(2, 2, 3, { generator: g }), new nn.Identity()),
    [2, 5, 5],
  ],
];

/** The presets on the default backend; the layer kinds on every backend (the imported layers run on each). */
describeEachBackend('importOnnx(exportOnnx(model)): the model presets and layer kinds come back', (backend) => {
  it.each(backend === getBackend() || backend === 'wasm' ? [...PRESETS, ...LAYERS] : LAYERS)('%s', async (name, build, shape) => {
    const model = build();
    randomizeVectors(model);
    const { bytes, imported, diff } = roundTrip(model, shape);
    const params = (m: AnyModule): number => m.parameters().reduce((n, p) => n + p.size, 0);
    // a LinkedConv2d's masked weight comes back as a Conv2d's full one: as many values, the masked ones zero
    expect(params(imported)).toBe(params(model));
    if (ort !== null) await expectAgreement(bytes, imported, randomInput(2, shape, 5));
    if (PRESETS.some(([n]) => n === name)) console.log(`${name}: max |imported − original| = ${diff.toExponential(2)}`);
  });
});

describe('importOnnx: a folded normalization comes back as a Normalize layer', () => {
  it('exportOnnx(…, { foldNormalization }) imported takes raw pixels and computes what the model computes on normalized ones', () => {
    const model = buildModel('lenet5', { modern: true }, new Generator(2)).eval();
    const normalization = { mean: 0.1307, std: 0.3081 };
    const imported = importOnnx(exportOnnx(model, { inputShape: [1, 28, 28], normalization, foldNormalization: true }));
    expect(imported.at(0)).toBeInstanceOf(nn.Normalize);
    // the file's float32 constants
    expect(imported.at(0).describe()).toBe(`Normalize(mean=${Math.fround(0.1307)}, std=${Math.fround(0.3081)})`);
    const raw = randomInput(3, [1, 28, 28], 4);
    const want = libraryForward(model, raw.sub(normalization.mean).div(normalization.std));
    expect(Array.from(libraryForward(imported, raw).data)).toEqual(Array.from(want.data));
  });
});

describe('importOnnx: the parameters are the module’s own', () => {
  it('resnet8: stateDict round-trips, gradients reach every parameter, and one SGD step lowers the loss', () => {
    const model = buildModel('resnet', { blocksPerStage: 1 }, new Generator(3));
    randomizeVectors(model);
    const imported = importOnnx(exportOnnx(model, { inputShape: [1, 28, 28] }));
    const copy = importOnnx(exportOnnx(model, { inputShape: [1, 28, 28] }));
    copy.loadStateDict(imported.stateDict());
    const x = randomInput(4, [1, 28, 28], 3);
    const target = tensor([0, 3, 7, 9], { dtype: 'int32' });
    imported.train();
    const before = imported.parameters().map((p) => Float64Array.from(p.data));
    const opt = new optim.SGD(imported.parameters(), { lr: 0.01 });
    const loss0 = F.crossEntropy(imported.forward(x), target);
    opt.zeroGrad();
    loss0.backward();
    expect(imported.parameters().every((p) => p.grad !== null)).toBe(true);
    opt.step();
    const changed = imported.parameters().filter((p, i) => p.data.some((v, j) => v !== before[i][j])).length;
    expect(changed).toBe(imported.parameters().length);
    const loss1 = F.crossEntropy(imported.forward(x), target);
    expect(loss1.item()).toBeLessThan(loss0.item());
  });
});

describe('importOnnx: what it cannot import', () => {
  it('one error lists every unsupported node by operator and name, and the attributes', () => {
    const proto = decodeModelProto(
      exportOnnx(new nn.Sequential(new nn.Conv2d(1, 2, 3, { generator: g }), new nn.ReLU()), { inputShape: [1, 5, 5] }),
    );
    const conv = proto.graph.node[0];
    conv.attribute.push({ name: 'auto_pad', type: 3, s: new TextEncoder().encode('SAME_UPPER') });
    proto.graph.node[1].opType = 'Softplus';
    proto.graph.node.push({ input: ['output'], output: ['y2'], name: 'extra', opType: 'Erf', attribute: [] });
    expect(() => importOnnx(encodeModelProto(proto))).toThrow(
      /importOnnx: 3 unsupported nodes or attributes: Conv '0\/Conv': auto_pad SAME_UPPER.*; Softplus '1\/Relu': no mapping to a layer; Erf 'extra': no mapping/,
    );
  });

  it('padding larger at the end on an input whose size the graph leaves open is a clear error', () => {
    const proto = decodeModelProto(exportOnnx(new nn.MaxPool2d(3, { stride: 2, ceilMode: true }), { inputShape: [1, 8, 8] }));
    const dims = proto.graph.input[0].type.tensorType.shape.dim;
    dims[2] = { dimParam: 'H' };
    expect(() => importOnnx(encodeModelProto(proto))).toThrow(
      /MaxPool '.*': more padding at the end than at the start, on an input whose height and width the graph does not fix/,
    );
  });

  it('a Sub that is no normalization, a lone Div: named', () => {
    const proto = decodeModelProto(exportOnnx(new nn.Normalize(0.5, 2), { inputShape: [1, 3, 3] }));
    proto.graph.node[1].opType = 'Mul'; // Sub → Mul: the Sub is no longer followed by a Div
    expect(() => importOnnx(encodeModelProto(proto))).toThrow(/Sub '.*': not a normalization/);
  });

  it('a non-4-D input and garbage bytes are clear errors', () => {
    expect(() => importOnnx(exportOnnx(new nn.Linear(3, 2, { generator: g }), { inputShape: [3] }))).toThrow(
      /input 'input': 2 axes \(only \(N, C, H, W\)\)/,
    );
    expect(() => importOnnx(new Uint8Array([1, 2, 3, 4]))).toThrow(/importOnnx: not an ONNX model file/);
  });
});

if (ort === null) console.log(`importOnnx tests run without ONNX Runtime: ${ortMissing}`);
