/**
 * Float64 central-difference checks of every op's backward pass, over randomized option
 * combinations (stride, padding kinds, dilation, groups, non-square shapes, kernel equal to the
 * input, output size 1). The combinations come from a seeded generator, so they are the same on
 * every run; each test name carries its shapes and options.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, gradcheck, type Conv2dOptions, type Padding2d, type Tensor } from '../../src/index.js';
import { param64 } from '../helpers.js';

const g = new Generator(20261130);
const pick = <T>(items: readonly T[]): T => items[g.randint(items.length)];

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  options: Conv2dOptions;
  bias: boolean;
}

/** Random conv2d configurations whose output is non-empty. */
function convCases(count: number): ConvCase[] {
  const cases: ConvCase[] = [
    // fixed corner cases: kernel equal to input (output 1x1), and output size 1 by stride
    { name: 'kernel=input 4x3', x: [2, 2, 4, 3], w: [3, 2, 4, 3], options: {}, bias: true },
    { name: 'output 1x1 by stride', x: [1, 2, 5, 5], w: [2, 2, 3, 3], options: { stride: 3 }, bias: true },
    { name: 'same 3x5', x: [1, 2, 6, 5], w: [2, 2, 3, 5], options: { padding: 'same' }, bias: false },
    { name: 'full 2x3', x: [1, 1, 3, 4], w: [2, 1, 2, 3], options: { padding: 'full' }, bias: true },
  ];
  while (cases.length < count) {
    const groups = pick([1, 1, 2, 3]);
    const cIn = groups * pick([1, 2]);
    const cOut = groups * pick([1, 2]);
    const kh = pick([1, 2, 3]);
    const kw = pick([1, 2, 3, 4]);
    const dilation: [number, number] = [pick([1, 1, 2]), pick([1, 2])];
    const stride: [number, number] = [pick([1, 2]), pick([1, 2, 3])];
    const padding: Padding2d = pick<Padding2d>([0, 1, [1, 0], [0, 1, 2, 1], 'valid', 'full', 'wide', 'narrow']);
    const h = pick([3, 4, 5, 7]);
    const w = pick([3, 5, 6]);
    const options: Conv2dOptions = { stride, padding, dilation, groups };
    const eh = dilation[0] * (kh - 1) + 1;
    const ew = dilation[1] * (kw - 1) + 1;
    const pads = padding === 'full' || padding === 'wide' ? [eh - 1, ew - 1] : typeof padding === 'number' ? [padding, padding] : [0, 0];
    if (eh > h + 2 * pads[0] || ew > w + 2 * pads[1]) continue;
    cases.push({
      name: `x=[2,${cIn},${h},${w}] w=[${cOut},${cIn / groups},${kh},${kw}] s=${stride} p=${JSON.stringify(padding)} d=${dilation} g=${groups}`,
      x: [2, cIn, h, w],
      w: [cOut, cIn / groups, kh, kw],
      options,
      bias: g.uniform() < 0.7,
    });
  }
  return cases;
}

function check(fn: (...t: Tensor[]) => Tensor, inputs: Tensor[]): void {
  expect(gradcheck(fn, inputs)).toBe(true);
}

describe('gradcheck: conv2d / convolve2d over random options', () => {
  for (const c of convCases(16)) {
    it(`conv2d ${c.name}`, () => {
      const inputs = [param64(c.x, g), param64(c.w, g), ...(c.bias ? [param64([c.w[0]], g)] : [])];
      check((x, w, b) => F.conv2d(x, w, b, c.options), inputs);
    });
  }
  for (const c of convCases(8).slice(4)) {
    it(`convolve2d ${c.name}`, () => {
      check((x, w) => F.convolve2d(x, w, null, c.options), [param64(c.x, g), param64(c.w, g)]);
    });
  }
});

describe('gradcheck: conv1d / convolve1d', () => {
  const cases: [string, number[], number[], Parameters<typeof F.conv1d>[3]][] = [
    ['x=[2,2,7] w=[3,2,3] s=2 p=1', [2, 2, 7], [3, 2, 3], { stride: 2, padding: 1 }],
    ['x=[1,4,6] w=[2,2,2] g=2 d=2 p=[0,2]', [1, 4, 6], [2, 2, 2], { groups: 2, dilation: 2, padding: [0, 2] }],
    ['x=[2,1,5] w=[1,1,5] kernel=input', [2, 1, 5], [1, 1, 5], {}],
    ['x=[1,2,4] w=[2,2,3] full', [1, 2, 4], [2, 2, 3], { padding: 'full' }],
    ['x=[1,2,6] w=[1,2,3] same', [1, 2, 6], [1, 2, 3], { padding: 'same' }],
  ];
  for (const [name, xs, ws, options] of cases) {
    it(`conv1d ${name}`, () => check((x, w, b) => F.conv1d(x, w, b, options), [param64(xs, g), param64(ws, g), param64([ws[0]], g)]));
    it(`convolve1d ${name}`, () => check((x, w) => F.convolve1d(x, w, null, options), [param64(xs, g), param64(ws, g)]));
  }
});

describe('gradcheck: transposed convolution', () => {
  const cases: [string, number[], number[], Parameters<typeof F.convTranspose2d>[3]][] = [
    ['x=[2,2,3,3] w=[2,3,3,3] s=2', [2, 2, 3, 3], [2, 3, 3, 3], { stride: 2 }],
    ['x=[1,2,3,4] w=[2,1,2,3] s=[2,3] p=1 op=1', [1, 2, 3, 4], [2, 1, 2, 3], { stride: [2, 3], padding: 1, outputPadding: 1 }],
    ['x=[1,4,2,3] w=[4,1,3,2] g=2 d=2', [1, 4, 2, 3], [4, 1, 3, 2], { groups: 2, dilation: 2 }],
    ['x=[2,1,1,1] w=[1,2,3,3] output 3x3', [2, 1, 1, 1], [1, 2, 3, 3], {}],
    ['x=[1,2,3,3] w=[2,2,3,3] s=1 p=1 (same as conv)', [1, 2, 3, 3], [2, 2, 3, 3], { padding: 1 }],
    ['x=[1,1,2,2] w=[1,1,2,2] d=3 s=2 op=2', [1, 1, 2, 2], [1, 1, 2, 2], { dilation: 3, stride: 2, outputPadding: 2 }],
  ];
  for (const [name, xs, ws, options] of cases) {
    it(`convTranspose2d ${name}`, () =>
      check(
        (x, w, b) => F.convTranspose2d(x, w, b, options),
        [param64(xs, g), param64(ws, g), param64([ws[1] * (options?.groups ?? 1)], g)],
      ));
  }
  it('convTranspose1d x=[2,2,4] w=[2,3,3] s=3 p=1 op=2', () =>
    check(
      (x, w, b) => F.convTranspose1d(x, w, b, { stride: 3, padding: 1, outputPadding: 2 }),
      [param64([2, 2, 4], g), param64([2, 3, 3], g), param64([3], g)],
    ));
});

describe('gradcheck: pooling and subsampling', () => {
  const pools: [string, Parameters<typeof F.maxPool2d>[1], number[]][] = [
    ['k=2', { kernelSize: 2 }, [2, 2, 4, 6]],
    ['k=3 s=2 overlapping', { kernelSize: 3, stride: 2 }, [1, 2, 7, 5]],
    ['k=3 s=1 p=1', { kernelSize: 3, stride: 1, padding: 1 }, [1, 1, 4, 4]],
    ['k=[2,3] s=[1,2] p=[1,1]', { kernelSize: [2, 3], stride: [1, 2], padding: [1, 1] }, [2, 1, 3, 5]],
    ['k=2 ceilMode', { kernelSize: 2, ceilMode: true }, [1, 2, 5, 5]],
    ['k=3 s=2 p=1 ceilMode', { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, [1, 1, 6, 6]],
    ['k=input size', { kernelSize: [3, 4] }, [1, 2, 3, 4]],
  ];
  for (const [name, options, shape] of pools) {
    it(`maxPool2d x=[${shape}] ${name}`, () => check((x) => F.maxPool2d(x, options), [param64(shape, g)]));
    it(`avgPool2d x=[${shape}] ${name}`, () => check((x) => F.avgPool2d(x, options), [param64(shape, g)]));
    it(`avgPool2d x=[${shape}] ${name} countIncludePad=false`, () =>
      check((x) => F.avgPool2d(x, { ...options, countIncludePad: false }), [param64(shape, g)]));
  }
  it('globalAvgPool2d x=[2,3,4,5]', () => check((x) => F.globalAvgPool2d(x), [param64([2, 3, 4, 5], g)]));
  for (const activation of ['sigmoid', 'tanh', 'relu', 'none'] as const) {
    it(`subsampling x=[2,3,4,6] k=2 f=${activation}`, () =>
      check((x, w, b) => F.subsampling(x, w, b, { activation }), [param64([2, 3, 4, 6], g), param64([3], g), param64([3], g)]));
  }
  it('subsampling x=[1,2,5,5] k=3 s=2 pool=max', () =>
    check(
      (x, w, b) => F.subsampling(x, w, b, { kernelSize: 3, stride: 2, pool: 'max' }),
      [param64([1, 2, 5, 5], g), param64([2], g), param64([2], g)],
    ));
});

describe('gradcheck: link-table convolution', () => {
  it('linkedConv2d x=[1,6,7,7] w=[16,6,3,3] LeNet-5 C3 table', () =>
    check(
      (x, w, b) => F.linkedConv2d(x, w, b, { table: F.LENET5_C3_TABLE }),
      [param64([1, 6, 7, 7], g), param64([16, 6, 3, 3], g), param64([16], g)],
    ));
  it('linkedConv2d x=[2,3,5,4] w=[2,3,2,2] s=2 p=1', () =>
    check(
      (x, w) =>
        F.linkedConv2d(x, w, null, {
          table: [
            [1, 0, 1],
            [0, 1, 1],
          ],
          stride: 2,
          padding: 1,
        }),
      [param64([2, 3, 5, 4], g), param64([2, 3, 2, 2], g)],
    ));
});

describe('gradcheck: activations, dropout, linear, losses', () => {
  const x = (): Tensor => param64([3, 5], g);
  it('relu', () => check((t) => F.relu(t), [x()]));
  it('leakyRelu slope 0.01', () => check((t) => F.leakyRelu(t), [x()]));
  it('leakyRelu slope 0.3', () => check((t) => F.leakyRelu(t, 0.3), [x()]));
  it('sigmoid', () => check((t) => F.sigmoid(t), [x()]));
  it('tanh', () => check((t) => F.tanh(t), [x()]));
  it('softmax dim=1 of [2,3,4]', () => check((t) => F.softmax(t, 1), [param64([2, 3, 4], g)]));
  it('logSoftmax dim=-1', () => check((t) => F.logSoftmax(t, -1), [x()]));
  for (const mode of ['inverted', 'classic'] as const) {
    it(`dropout p=0.4 mode=${mode} (fixed mask)`, () => check((t) => F.dropout(t, { p: 0.4, mode, generator: new Generator(7) }), [x()]));
    it(`dropout p=0.4 mode=${mode} prediction`, () => check((t) => F.dropout(t, { p: 0.4, mode, training: false }), [x()]));
  }
  it('linear x=[4,3] w=[5,3] b=[5]', () =>
    check((a, w, b) => F.linear(a, w, b), [param64([4, 3], g), param64([5, 3], g), param64([5], g)]));
  it('linear x=[2,3,4] (batched) w=[2,4]', () => check((a, w) => F.linear(a, w), [param64([2, 3, 4], g), param64([2, 4], g)]));
  it('crossEntropy logits=[4,6]', () => check((t) => F.crossEntropy(t, [5, 0, 2, 2]), [param64([4, 6], g)]));
  it('crossEntropy reduction=sum', () => check((t) => F.crossEntropy(t, [1, 0], { reduction: 'sum' }), [param64([2, 3], g)]));
  it('mseLoss [3,4]', () => check((a, b) => F.mseLoss(a, b), [param64([3, 4], g), param64([3, 4], g)]));
});
