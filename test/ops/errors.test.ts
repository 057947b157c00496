/**
 * Bad input: every op validates before computing and throws an Error naming the op, the
 * offending option or shape, and the sizes involved.
 */
import { describe, expect, it } from 'vitest';
import { F, matmul, ones, randn, tensor, zeros } from '../../src/index.js';

const x4 = (shape: number[]) => zeros(shape);

describe('conv2d rejects', () => {
  it('an input of the wrong rank', () => {
    expect(() => F.conv2d(zeros([2, 3]), zeros([1, 3, 1, 1]))).toThrow('conv2d: input must have rank 4 (N, C, H, W), got shape [2, 3]');
  });
  it('a weight of the wrong rank', () => {
    expect(() => F.conv2d(x4([1, 3, 5, 5]), zeros([3, 3]))).toThrow(
      'conv2d: weight must have rank 4 (Cout, Cin/groups, m, n), got shape [3, 3]',
    );
  });
  it('weight channels that do not match the input', () => {
    expect(() => F.conv2d(x4([1, 3, 5, 5]), zeros([4, 2, 3, 3]))).toThrow(
      'conv2d: weight [4, 2, 3, 3] with groups 1 expects 2 input channels, but input [1, 3, 5, 5] has 3',
    );
  });
  it('input channels not divisible by groups', () => {
    expect(() => F.conv2d(x4([1, 3, 5, 5]), zeros([4, 1, 3, 3]), null, { groups: 2 })).toThrow(
      'conv2d: input channels 3 are not divisible by groups 2',
    );
  });
  it('output channels not divisible by groups', () => {
    expect(() => F.conv2d(x4([1, 4, 5, 5]), zeros([3, 2, 3, 3]), null, { groups: 2 })).toThrow(
      'conv2d: output channels 3 (weight [3, 2, 3, 3]) are not divisible by groups 2',
    );
  });
  it('a kernel larger than the padded input (output size ≤ 0)', () => {
    expect(() => F.conv2d(x4([1, 1, 3, 3]), zeros([1, 1, 5, 5]))).toThrow(
      'conv2d: kernel 5x5 (dilation 1) is larger than padded input 3x3',
    );
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { dilation: 3 })).toThrow(
      'conv2d: kernel 3x3 (dilation 3) is larger than padded input 5x5',
    );
  });
  it('a stride that is not a positive integer', () => {
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { stride: 0 })).toThrow(
      'conv2d: stride must be a positive integer, got 0',
    );
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { stride: 1.5 })).toThrow(
      'conv2d: stride must be a positive integer, got 1.5',
    );
  });
  it('a negative or fractional padding', () => {
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { padding: -1 })).toThrow(
      'conv2d: padding must be a non-negative integer, got -1',
    );
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { padding: [1, 0.5] })).toThrow(
      'conv2d: padding must be a non-negative integer, got 0.5',
    );
  });
  it('a padding array of the wrong length, or an unknown name', () => {
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { padding: [1, 2, 3] as unknown as [number, number] })).toThrow(
      'conv2d: padding must be a number, [ph, pw] or [top, bottom, left, right] or a name, got [1,2,3]',
    );
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { padding: 'big' as 'same' })).toThrow(
      "conv2d: unknown padding 'big'",
    );
  });
  it('a dilation that is not a positive integer', () => {
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { dilation: 0 })).toThrow(
      'conv2d: dilation must be a positive integer, got 0',
    );
  });
  it("'same' with an even kernel, where it cannot be symmetric", () => {
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 2, 3]), null, { padding: 'same' })).toThrow(
      "conv2d: padding 'same' cannot be symmetric for kernel 2x3 (dilation 1x1): the effective kernel size must be odd",
    );
  });
  it("'same' with a stride", () => {
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { padding: 'equal', stride: 2 })).toThrow(
      "conv2d: padding 'equal' needs stride 1, got stride 2x2",
    );
  });
  it('a bias of the wrong size, and mixed dtypes', () => {
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([2, 1, 3, 3]), zeros([3]))).toThrow(
      'conv2d: bias must have shape [2] (one per output channel), got [3]',
    );
    expect(() => F.conv2d(x4([1, 1, 5, 5]), zeros([2, 1, 3, 3], { dtype: 'float64' }))).toThrow(
      'conv2d: weight dtype float64 differs from input dtype float32',
    );
  });
});

describe('1-D and true convolution name themselves', () => {
  it('conv1d: kernel larger than input', () => {
    expect(() => F.conv1d(zeros([1, 1, 3]), zeros([1, 1, 4]))).toThrow('conv1d: kernel 4 (dilation 1) is larger than padded input 3');
  });
  it('convolve2d: channel mismatch', () => {
    expect(() => F.convolve2d(x4([1, 2, 5, 5]), zeros([1, 3, 3, 3]))).toThrow(
      'convolve2d: weight [1, 3, 3, 3] with groups 1 expects 3 input channels, but input [1, 2, 5, 5] has 2',
    );
  });
  it("convolve1d: 'same' with an even kernel", () => {
    expect(() => F.convolve1d(zeros([1, 1, 6]), zeros([1, 1, 4]), null, { padding: 'same' })).toThrow(
      "convolve1d: padding 'same' cannot be symmetric for kernel 4",
    );
  });
});

describe('convTranspose2d rejects', () => {
  it('outputPadding ≥ both stride and dilation', () => {
    expect(() => F.convTranspose2d(x4([1, 1, 3, 3]), zeros([1, 1, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(
      'convTranspose2d: outputPadding 2x2 must be smaller than stride 2x2 or dilation 1x1',
    );
  });
  it('a weight whose first axis does not match the input channels', () => {
    expect(() => F.convTranspose2d(x4([1, 3, 3, 3]), zeros([2, 1, 3, 3]))).toThrow(
      'convTranspose2d: weight [2, 1, 3, 3] expects 2 input channels, but input [1, 3, 3, 3] has 3',
    );
  });
  it('an output size that is not positive', () => {
    expect(() => F.convTranspose2d(x4([1, 1, 1, 1]), zeros([1, 1, 1, 1]), null, { padding: 1 })).toThrow(
      'convTranspose2d: output size -1x-1 is not positive',
    );
  });
  it('a named padding', () => {
    expect(() => F.convTranspose1d(zeros([1, 1, 3]), zeros([1, 1, 3]), null, { padding: 'same' as unknown as number })).toThrow(
      "convTranspose1d: padding must be numeric, got 'same'",
    );
  });
});

describe('pooling rejects', () => {
  it('a missing or non-positive kernelSize', () => {
    expect(() => F.maxPool2d(x4([1, 1, 4, 4]), { kernelSize: 0 })).toThrow('maxPool2d: kernelSize must be a positive integer, got 0');
  });
  it('padding over half the window', () => {
    expect(() => F.avgPool2d(x4([1, 1, 4, 4]), { kernelSize: 2, padding: 2 })).toThrow(
      'avgPool2d: padding 2x2 must be at most half of kernelSize 2x2',
    );
  });
  it('a window larger than the input', () => {
    expect(() => F.maxPool2d(x4([1, 1, 2, 2]), { kernelSize: 3 })).toThrow('maxPool2d: kernel 3x3 is larger than padded input 2x2');
  });
  it('the wrong rank', () => {
    expect(() => F.avgPool2d(zeros([4, 4]), { kernelSize: 2 })).toThrow('avgPool2d: input must have rank 4 (N, C, H, W), got shape [4, 4]');
  });
});

describe('other ops reject', () => {
  it('linkedConv2d: a table of the wrong size, or a non-binary entry', () => {
    expect(() => F.linkedConv2d(x4([1, 6, 8, 8]), zeros([16, 6, 5, 5]), null, { table: [[1, 0]] })).toThrow(
      'linkedConv2d: link table must be 16x6 (output maps x input maps of weight [16, 6, 5, 5]), got 1x2',
    );
    expect(() => F.linkedConv2d(x4([1, 2, 4, 4]), zeros([1, 2, 3, 3]), null, { table: [[1, 2]] })).toThrow(
      'linkedConv2d: link table entry [0][1] must be 0 or 1, got 2',
    );
  });
  it('crossEntropy: labels out of range, fractional, or of the wrong count', () => {
    expect(() => F.crossEntropy(zeros([2, 10]), [3, 12])).toThrow('crossEntropy: label 12 at index 1 is out of range for 10 classes');
    expect(() => F.crossEntropy(zeros([2, 10]), [3, -1])).toThrow('crossEntropy: label -1 at index 1 is out of range for 10 classes');
    expect(() => F.crossEntropy(zeros([2, 10]), [0.5, 1])).toThrow('crossEntropy: label 0.5 at index 0 is out of range');
    expect(() => F.crossEntropy(zeros([2, 10]), [1])).toThrow('crossEntropy: got 1 labels for a batch of 2');
    expect(() => F.crossEntropy(zeros([10]), [1])).toThrow('crossEntropy: logits must have rank 2 (N, C), got shape [10]');
  });
  it('mseLoss: shapes that differ', () => {
    expect(() => F.mseLoss(zeros([2, 3]), zeros([3, 2]))).toThrow('mseLoss: input shape [2, 3] and target shape [3, 2] differ');
  });
  it('subsampling: a coefficient per channel', () => {
    expect(() => F.subsampling(x4([1, 3, 4, 4]), zeros([2]), zeros([3]))).toThrow(
      'subsampling: weight must have shape [3] (one per channel of input [1, 3, 4, 4]), got [2]',
    );
  });
  it('dropout: p outside [0, 1], or an unknown mode', () => {
    expect(() => F.dropout(ones([3]), { p: 1.5 })).toThrow('dropout: p must be a probability in [0, 1], got 1.5');
    expect(() => F.dropout(ones([3]), { mode: 'scaled' as 'classic' })).toThrow(
      "dropout: mode must be 'inverted' or 'classic', got 'scaled'",
    );
  });
  it('linear: feature count mismatch', () => {
    expect(() => F.linear(zeros([2, 3]), zeros([4, 5]))).toThrow('linear: input [2, 3] has 3 features but weight [4, 5] expects 5');
  });
  it('matmul: inner sizes that differ; broadcasting: incompatible shapes', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow('matmul: shapes [2, 3] and [4, 5] cannot be multiplied (2x3 and 4x5)');
    expect(() => zeros([2, 3]).add(zeros([4, 3]))).toThrow('add: shapes [2, 3] and [4, 3] cannot be broadcast (dimension -2 is 2 vs 4)');
  });
  it('reshape, tensor and leakyRelu', () => {
    expect(() => zeros([2, 3]).reshape(4, -1)).toThrow('reshape: shape [4, -1] is invalid for input of size 6 (shape [2, 3])');
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array');
    expect(() => F.leakyRelu(randn([2]), Number.NaN)).toThrow('leakyRelu: negativeSlope must be a finite number, got NaN');
  });
});
