/**
 * Bad input to the public API: every case must throw an `Error` (not a TypeError or RangeError
 * from deep inside, not a silent wrong result) whose message starts with the function's name —
 * arguments that are not tensors, wrong shapes and dtypes, out-of-range and non-integer values,
 * and options a function does not take.
 */
import { describe, expect, it } from 'vitest';
import {
  F,
  Generator,
  Tensor,
  add,
  arange,
  argmax,
  cat,
  chunk,
  clamp,
  data,
  evaluate,
  fit,
  full,
  indexSelect,
  lenet5,
  logsumexp,
  matmul,
  mean,
  narrow,
  nn,
  oneHot,
  optim,
  rand,
  randn,
  repeat,
  reshape,
  select,
  setPrintOptions,
  slice,
  split,
  stack,
  sum,
  tensor,
  topk,
  where,
  zeros,
  decodeModel,
  encodeModel,
  decodeSafetensors,
} from '../../src/index.js';

type Case = [label: string, fn: () => unknown, prefix: string];

const x4 = randn([2, 3, 8, 8], { generator: new Generator(1) });
const w4 = randn([4, 3, 3, 3], { generator: new Generator(2) });
const m2 = randn([3, 4], { generator: new Generator(3) });
const labels = tensor([0, 1, 2], { dtype: 'int32' });
const digits: data.ImageDataset = {
  images: new Float32Array(4 * 784),
  labels: new Int32Array([0, 1, 2, 3]),
  n: 4,
  channels: 1,
  height: 28,
  width: 28,
  classes: 10,
};

/** Values that are not tensors, each with how the message describes it. */
const NOT_TENSORS: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['an array', [1, 2]],
  ['a Float32Array', new Float32Array(2)],
  ['a number', 3],
  ['a string', 'x'],
  ['an object', { shape: [2] }],
];

/** Ops with their tensor arguments: each argument, in turn, replaced by each value that is not a tensor. */
const TENSOR_ARGS: [name: string, call: (args: unknown[]) => unknown, args: unknown[], optionalNullAt?: number][] = [
  ['conv2d', (a) => F.conv2d(a[0] as Tensor, a[1] as Tensor), [x4, w4]],
  ['conv1d', (a) => F.conv1d(a[0] as Tensor, a[1] as Tensor), [randn([1, 2, 9]), randn([3, 2, 3])]],
  ['convTranspose2d', (a) => F.convTranspose2d(a[0] as Tensor, a[1] as Tensor), [x4, randn([3, 2, 3, 3])]],
  ['fusedConv2d', (a) => F.fusedConv2d(a[0] as Tensor, a[1] as Tensor), [x4, w4]],
  ['maxPool2d', (a) => F.maxPool2d(a[0] as Tensor, { kernelSize: 2 }), [x4]],
  ['avgPool2d', (a) => F.avgPool2d(a[0] as Tensor, { kernelSize: 2 }), [x4]],
  ['relu', (a) => F.relu(a[0] as Tensor), [x4]],
  ['sigmoid', (a) => F.sigmoid(a[0] as Tensor), [x4]],
  ['softmax', (a) => F.softmax(a[0] as Tensor, 1), [m2]],
  ['linear', (a) => F.linear(a[0] as Tensor, a[1] as Tensor), [m2, randn([5, 4])]],
  ['matmul', (a) => matmul(a[0] as Tensor, a[1] as Tensor), [m2, randn([4, 2])]],
  ['mseLoss', (a) => F.mseLoss(a[0] as Tensor, a[1] as Tensor), [m2, m2]],
  ['crossEntropy', (a) => F.crossEntropy(a[0] as Tensor, labels), [m2]],
  ['sum', (a) => sum(a[0] as Tensor), [m2]],
  ['mean', (a) => mean(a[0] as Tensor), [m2]],
  ['argmax', (a) => argmax(a[0] as Tensor, 1), [m2]],
  ['reshape', (a) => reshape(a[0] as Tensor, [12]), [m2]],
  ['select', (a) => select(a[0] as Tensor, 0, 1), [m2]],
  ['clamp', (a) => clamp(a[0] as Tensor, 0, 1), [m2]],
  ['topk', (a) => topk(a[0] as Tensor, 2), [m2]],
  ['logsumexp', (a) => logsumexp(a[0] as Tensor, 1), [m2]],
  ['indexSelect', (a) => indexSelect(a[0] as Tensor, 0, a[1] as Tensor), [m2, tensor([0, 2], { dtype: 'int32' })]],
  ['oneHot', (a) => oneHot(a[0] as Tensor, 3), [labels]],
  ['add', (a) => add(a[0] as Tensor, a[1] as Tensor), [m2, m2]],
];

const cases: Case[] = [];
for (const [name, call, args] of TENSOR_ARGS) {
  args.forEach((_, i) => {
    for (const [what, bad] of NOT_TENSORS) {
      // add takes numbers as operands
      if (name === 'add' && what === 'a number') continue;
      const withBad = args.map((a, k) => (k === i ? bad : a));
      cases.push([`${name}: argument ${i} is ${what}`, () => call(withBad), name]);
    }
  });
}

// options a function does not take, and options that are not an object
const UNKNOWN_OPTIONS: [string, (o: never) => unknown][] = [
  ['conv2d', (o) => F.conv2d(x4, w4, null, o)],
  ['convTranspose2d', (o) => F.convTranspose2d(x4, randn([3, 2, 3, 3]), null, o)],
  ['fusedConv2d', (o) => F.fusedConv2d(x4, w4, null, o)],
  ['maxPool2d', (o) => F.maxPool2d(x4, { kernelSize: 2, ...(o as object) })],
  ['avgPool2d', (o) => F.avgPool2d(x4, { kernelSize: 2, ...(o as object) })],
  ['dropout', (o) => F.dropout(x4, o)],
  ['crossEntropy', (o) => F.crossEntropy(m2, labels, o)],
  ['mseLoss', (o) => F.mseLoss(m2, m2, o)],
  ['Conv2d', (o) => new nn.Conv2d(1, 2, 3, o)],
  ['Linear', (o) => new nn.Linear(2, 3, o)],
  ['MaxPool2d', (o) => new nn.MaxPool2d(2, o)],
  ['SGD', (o) => new optim.SGD(nn.Linear.prototype ? [randn([2], { requiresGrad: true })] : [], { lr: 0.1, ...(o as object) })],
  ['Adam', (o) => new optim.Adam([randn([2], { requiresGrad: true })], o)],
  ['DataLoader', (o) => new data.DataLoader(digits, { batchSize: 2, ...(o as object) })],
  ['encodeModel', (o) => encodeModel(new nn.Sequential(new nn.Linear(2, 2)), o)],
];
for (const [name, call] of UNKNOWN_OPTIONS) {
  for (const bad of [{ dilation2: 2 }, { strid: 1 }, { kernel_size: 3 }]) {
    cases.push([`${name}: unknown option ${Object.keys(bad)[0]}`, () => call(bad as never), name]);
  }
}
for (const [name, call] of UNKNOWN_OPTIONS.filter(([n]) => !['maxPool2d', 'avgPool2d', 'SGD', 'DataLoader'].includes(n))) {
  for (const bad of [3, 'same', [1, 2], null]) cases.push([`${name}: options ${JSON.stringify(bad)}`, () => call(bad as never), name]);
}

// values out of range or not integers
const VALUES: Case[] = [
  ['maxPool2d with dilation (not supported)', () => F.maxPool2d(x4, { kernelSize: 2, dilation: 2 } as never), 'maxPool2d'],
  ['maxPool2d kernelSize 0', () => F.maxPool2d(x4, { kernelSize: 0 }), 'maxPool2d'],
  ['maxPool2d kernelSize 1.5', () => F.maxPool2d(x4, { kernelSize: 1.5 }), 'maxPool2d'],
  ['maxPool2d stride -1', () => F.maxPool2d(x4, { kernelSize: 2, stride: -1 }), 'maxPool2d'],
  ['maxPool2d padding 2 for kernel 2', () => F.maxPool2d(x4, { kernelSize: 2, padding: 2 }), 'maxPool2d'],
  ['conv2d stride 0', () => F.conv2d(x4, w4, null, { stride: 0 }), 'conv2d'],
  ['conv2d stride 1.5', () => F.conv2d(x4, w4, null, { stride: 1.5 }), 'conv2d'],
  ['conv2d dilation -1', () => F.conv2d(x4, w4, null, { dilation: -1 }), 'conv2d'],
  ['conv2d padding -1', () => F.conv2d(x4, w4, null, { padding: -1 }), 'conv2d'],
  ['conv2d padding "sideways"', () => F.conv2d(x4, w4, null, { padding: 'sideways' as never }), 'conv2d'],
  ['conv2d groups 2 for 3 channels', () => F.conv2d(x4, w4, null, { groups: 2 }), 'conv2d'],
  ['conv2d stride [1, 2, 3]', () => F.conv2d(x4, w4, null, { stride: [1, 2, 3] as never }), 'conv2d'],
  ['conv2d kernel larger than input', () => F.conv2d(randn([1, 3, 2, 2]), w4), 'conv2d'],
  ['conv2d weight of rank 3', () => F.conv2d(x4, randn([4, 3, 3])), 'conv2d'],
  ['conv2d bias of the wrong length', () => F.conv2d(x4, w4, randn([3])), 'conv2d'],
  ['conv2d float64 weight with float32 input', () => F.conv2d(x4, randn([4, 3, 3, 3], { dtype: 'float64' })), 'conv2d'],
  ['conv2d int32 input', () => F.conv2d(zeros([1, 3, 8, 8], { dtype: 'int32' }), w4), 'conv2d'],
  [
    'convTranspose2d outputPadding too large',
    () => F.convTranspose2d(x4, randn([3, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }),
    'convTranspose2d',
  ],
  ['fusedConv2d activation "gelu"', () => F.fusedConv2d(x4, w4, null, { activation: 'gelu' as never }), 'fusedConv2d'],
  ['linkedConv2d table of the wrong size', () => F.linkedConv2d(x4, w4, null, { table: [[1]] }), 'linkedConv2d'],
  ['dropout p 1.5', () => F.dropout(x4, { p: 1.5 }), 'dropout'],
  ['dropout mode "sideways"', () => F.dropout(x4, { mode: 'sideways' as never }), 'dropout'],
  ['softmax dim 5', () => F.softmax(m2, 5), 'softmax'],
  ['leakyRelu slope "x"', () => F.leakyRelu(m2, 'x' as never), 'leakyRelu'],
  ['crossEntropy label 10 of 4 classes', () => F.crossEntropy(m2, [0, 10, 1]), 'crossEntropy'],
  ['crossEntropy label -3', () => F.crossEntropy(m2, [0, -3, 1]), 'crossEntropy'],
  ['crossEntropy 2 labels for 3 rows', () => F.crossEntropy(m2, [0, 1]), 'crossEntropy'],
  ['crossEntropy labelSmoothing 2', () => F.crossEntropy(m2, labels, { labelSmoothing: 2 }), 'crossEntropy'],
  ['crossEntropy reduction "avg"', () => F.crossEntropy(m2, labels, { reduction: 'avg' as never }), 'crossEntropy'],
  ['mseLoss shapes differ', () => F.mseLoss(m2, randn([4, 3])), 'mseLoss'],
  ['sum dim 2 of a matrix', () => sum(m2, 2), 'sum'],
  ['sum dim 1.5', () => sum(m2, 1.5), 'sum'],
  ['mean of int32', () => mean(labels), 'mean'],
  ['argmax dim -3', () => argmax(m2, -3), 'argmax'],
  ['reshape to 5 elements', () => reshape(m2, [5]), 'reshape'],
  ['reshape with two -1', () => reshape(m2, [-1, -1]), 'reshape'],
  ['reshape by a negative size', () => reshape(m2, [-2, 6]), 'reshape'],
  ['permute with a repeated dim', () => m2.permute(0, 0), 'permute'],
  ['permute with too few dims', () => x4.permute(0, 1), 'permute'],
  ['transpose dim 4', () => m2.transpose(0, 4), 'transpose'],
  ['squeeze dim 7', () => m2.squeeze(7), 'squeeze'],
  ['unsqueeze dim 9', () => m2.unsqueeze(9), 'unsqueeze'],
  ['expand to a smaller size', () => m2.expand(2, 4), 'expand'],
  ['repeat with fewer sizes than dims', () => repeat(m2, [2]), 'repeat'],
  ['cat of different ranks', () => cat([m2, randn([3])]), 'cat'],
  ['cat along dim 3', () => cat([m2, m2], 3), 'cat'],
  ['cat of nothing', () => cat([]), 'cat'],
  ['stack of different shapes', () => stack([m2, randn([4, 3])]), 'stack'],
  ['split sizes that do not add up', () => split(m2, [1, 1], 0), 'split'],
  ['split size 0', () => split(m2, 0), 'split'],
  ['chunk 0 chunks', () => chunk(m2, 0), 'chunk'],
  ['narrow past the end', () => narrow(m2, 0, 2, 5), 'narrow'],
  ['select index 3 of 3', () => select(m2, 0, 3), 'select'],
  ['slice step 0', () => slice(m2, 0, 0, 2, 0), 'slice'],
  ['slice step -1', () => slice(m2, 0, 0, 2, -1), 'slice'],
  ['indexSelect index out of range', () => indexSelect(m2, 0, tensor([5], { dtype: 'int32' })), 'indexSelect'],
  ['indexSelect float index', () => indexSelect(m2, 0, tensor([0])), 'indexSelect'],
  ['where with shapes that do not broadcast', () => where(m2, randn([2]), 0), 'where'],
  ['topk k larger than the dim', () => topk(m2, 9), 'topk'],
  ['topk k -1', () => topk(m2, -1), 'topk'],
  ['clamp min "a"', () => clamp(m2, 'a' as never), 'clamp'],
  ['pad of odd length', () => F.pad(x4, [1]), 'pad'],
  ['pad mode "mirror"', () => F.pad(x4, [1, 1], 'mirror' as never), 'pad'],
  ['reflect pad wider than the input', () => F.pad(x4, [9, 9], 'reflect'), 'pad'],
  ['oneHot of a float tensor', () => oneHot(tensor([0, 1]), 2), 'oneHot'],
  ['oneHot class 5 of 3', () => oneHot(tensor([0, 5], { dtype: 'int32' }), 3), 'oneHot'],
  ['logsumexp dim 4', () => logsumexp(m2, 4), 'logsumexp'],
  ['matmul inner sizes differ', () => matmul(m2, randn([3, 2])), 'matmul'],
  ['linear features differ', () => F.linear(m2, randn([5, 3])), 'linear'],
  ['zeros with a negative size', () => zeros([2, -1]), 'zeros'],
  ['zeros with a fractional size', () => zeros([2.5]), 'zeros'],
  ['zeros of 2^62 elements', () => zeros([2 ** 31, 2 ** 31]), 'zeros'],
  ['zeros of 2^31 elements', () => zeros([2 ** 31]), 'zeros'],
  ['zeros with a shape that is a number', () => zeros(3 as never), 'zeros'],
  ['zeros dtype float16', () => zeros([2], { dtype: 'float16' as never }), 'zeros'],
  ['full dtype "int64"', () => full([2], 1, { dtype: 'int64' as never }), 'full'],
  ['randn of a negative size', () => randn([-1]), 'randn'],
  ['rand dtype "bool"', () => rand([1], { dtype: 'bool' as never }), 'rand'],
  ['arange step 0', () => arange(0, 5, 0), 'arange'],
  ['tensor shape needs more elements', () => tensor([1, 2, 3], { shape: [2, 2] }), 'tensor'],
  ['tensor of ragged arrays', () => tensor([[1, 2], [3]] as never), 'tensor'],
  ['tensor dtype "uint8"', () => tensor([1], { dtype: 'uint8' as never }), 'tensor'],
  ['requiresGrad on int32', () => tensor([1], { dtype: 'int32' }).setRequiresGrad(true), 'requiresGrad'],
  ['backward of a non-scalar without a gradient', () => randn([2], { requiresGrad: true }).mul(2).backward(), 'backward'],
  ['backward of a tensor without grad', () => randn([1]).backward(), 'backward'],
  [
    'backward with a gradient of another shape',
    () =>
      randn([2], { requiresGrad: true })
        .mul(2)
        .backward(randn([3])),
    'backward',
  ],
  ['item of 2 elements', () => randn([2]).item(), 'item'],
  ['to float16', () => randn([2]).to('float16' as never), 'cast'],
  ['Conv2d inChannels 0', () => new nn.Conv2d(0, 2, 3), 'Conv2d'],
  ['Conv2d kernelSize -3', () => new nn.Conv2d(1, 4, -3), 'Conv2d'],
  ['Conv2d groups 3 for 4 channels', () => new nn.Conv2d(4, 4, 3, { groups: 3 }), 'Conv2d'],
  ['Linear outFeatures 2.5', () => new nn.Linear(3, 2.5), 'Linear'],
  ['Dropout p -0.1', () => new nn.Dropout(-0.1), 'Dropout'],
  ['Subsampling channels 0', () => new nn.Subsampling(0), 'Subsampling'],
  [
    'LinkedConv2d table with a 2',
    () =>
      new nn.LinkedConv2d(2, 2, 3, {
        table: [
          [1, 2],
          [1, 1],
        ] as never,
      }),
    'LinkedConv2d',
  ],
  ['Sequential of a number', () => new nn.Sequential(3 as never), 'Sequential'],
  ['Sequential of a function', () => new nn.Sequential(((t: Tensor) => t) as never), 'Sequential'],
  ['loadStateDict(null)', () => new nn.Linear(2, 2).loadStateDict(null as never), 'loadStateDict'],
  [
    'loadStateDict with a wrong shape',
    () => new nn.Linear(2, 2).loadStateDict({ weight: zeros([3, 2]), bias: zeros([2]) }),
    'loadStateDict',
  ],
  [
    'loadStateDict of a non-tensor value',
    () => new nn.Linear(2, 2).loadStateDict({ weight: [1] as never, bias: zeros([2]) }),
    'loadStateDict',
  ],
  ['Parameter of an array', () => nn.Parameter([1] as never), 'Parameter'],
  ['SGD lr -1', () => new optim.SGD([randn([2], { requiresGrad: true })], { lr: -1 }), 'SGD'],
  ['SGD lr "0.1"', () => new optim.SGD([randn([2], { requiresGrad: true })], { lr: '0.1' as never }), 'SGD'],
  ['SGD momentum -1', () => new optim.SGD([randn([2], { requiresGrad: true })], { lr: 0.1, momentum: -1 }), 'SGD'],
  ['SGD of a single tensor', () => new optim.SGD(randn([2], { requiresGrad: true }) as never, { lr: 0.1 }), 'SGD'],
  ['SGD of no parameters', () => new optim.SGD([], { lr: 0.1 }), 'SGD'],
  ['Adam betas [1, 0.9]', () => new optim.Adam([randn([2], { requiresGrad: true })], { betas: [1, 0.9] }), 'Adam'],
  ['Adam eps -1', () => new optim.Adam([randn([2], { requiresGrad: true })], { eps: -1 }), 'Adam'],
  ['DataLoader batchSize 0', () => new data.DataLoader(digits, { batchSize: 0 }), 'DataLoader'],
  ['DataLoader without options', () => new data.DataLoader(digits, undefined as never), 'DataLoader'],
  ['DataLoader of a dataset with too few images', () => new data.DataLoader({ ...digits, n: 5 }, { batchSize: 2 }), 'DataLoader'],
  ['evaluate batchSize 0', () => evaluate(lenet5(), digits, { mean: 0, std: 1 }, 0), 'evaluate'],
  ['evaluate batchSize 2.5', () => evaluate(lenet5(), digits, { mean: 0, std: 1 }, 2.5), 'evaluate'],
  ['evaluate with std 0', () => evaluate(lenet5(), digits, { mean: 0, std: 0 }), 'evaluate'],
  ['evaluate with std 1e-320', () => evaluate(lenet5(), digits, { mean: 0, std: 1e-320 }), 'evaluate'],
  ['setPrintOptions precision -1', () => setPrintOptions({ precision: -1 }), 'setPrintOptions'],
  ['decodeSafetensors(null)', () => decodeSafetensors(null as never), 'decodeSafetensors'],
  ['decodeModel of 3 bytes', () => decodeModel(new Uint8Array(3)), 'safetensors'],
  [
    'encodeModel with inputShape [1, 28]',
    () => encodeModel(new nn.Sequential(new nn.Flatten(), new nn.Linear(4, 2)), { inputShape: [1, 28] }),
    'cannot save',
  ],
];
cases.push(...VALUES);

// fit: every option checked
const FIT: [string, object][] = [
  ['epochs -1', { epochs: -1 }],
  ['epochs 1.5', { epochs: 1.5 }],
  ['epochs 0', { epochs: 0 }],
  ['batchSize 0', { batchSize: 0 }],
  ['lr 0', { lr: 0 }],
  ['lr NaN', { lr: NaN }],
  ['momentum 1', { momentum: 1 }],
  ['weightDecay -1', { weightDecay: -1 }],
  ['optimizer rmsprop', { optimizer: 'rmsprop' }],
  ['schedule bogus', { schedule: 'bogus' }],
  ['augmentShift -1', { augmentShift: -1 }],
  ['seed 0.5', { seed: 0.5 }],
  ['unknown option', { epoch: 3 }],
];

describe('bad input to the public API', () => {
  it(`${cases.length + FIT.length} cases`, () => {
    expect(cases.length + FIT.length).toBeGreaterThanOrEqual(250);
  });
  for (const [label, fn, prefix] of cases) {
    it(label, () => {
      let thrown: unknown = undefined;
      try {
        fn();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, 'it must throw').toBeInstanceOf(Error);
      const e = thrown as Error;
      expect(e.constructor, `a plain Error, got ${e.constructor.name}: ${e.message}`).toBe(Error);
      expect(e.message.startsWith(`${prefix}`), `'${e.message}' should start with '${prefix}'`).toBe(true);
    });
  }
  for (const [label, options] of FIT) {
    it(`fit: ${label}`, async () => {
      await expect(fit(lenet5(), digits, null, options as never)).rejects.toThrow(/^fit: /);
    });
  }
});
