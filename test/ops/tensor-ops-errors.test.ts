/**
 * Bad arguments to the tensor ops: each throws an Error that names the op, the offending value
 * and the shapes involved, before computing anything.
 */
import { describe, expect, it } from 'vitest';
import {
  F,
  argmin,
  cat,
  chunk,
  clamp,
  expand,
  indexSelect,
  logsumexp,
  maskedFill,
  maskedSelect,
  max,
  min,
  narrow,
  repeat,
  select,
  slice,
  split,
  stack,
  tensor,
  topk,
  where,
  zeros,
  type PadMode,
} from '../../src/index.js';

const i32 = (values: number[]) => tensor(values, { dtype: 'int32' });

describe('cat and stack reject', () => {
  it('an empty list', () => {
    expect(() => cat([])).toThrow('cat: expected a non-empty array of tensors');
    expect(() => stack([])).toThrow('stack: expected a non-empty array of tensors');
  });
  it('tensors of different rank', () => {
    expect(() => cat([zeros([2, 3]), zeros([2])])).toThrow('cat: tensor 1 has rank 1 (shape [2]), but tensor 0 has rank 2 (shape [2, 3])');
  });
  it('sizes that differ outside dim', () => {
    expect(() => cat([zeros([2, 3]), zeros([2, 4])])).toThrow(
      'cat: sizes must match except in dim 0, but tensor 1 has shape [2, 4] and tensor 0 has [2, 3]',
    );
  });
  it('a dim out of range', () => {
    expect(() => cat([zeros([2, 3]), zeros([2, 3])], 2)).toThrow(
      'cat: dim 2 is out of range for shape [2, 3] (expected an integer in [-2, 1])',
    );
    expect(() => stack([zeros([2, 3])], 3)).toThrow(
      'stack: dim 3 is out of range for stacking tensors of shape [2, 3] (expected an integer in [-3, 2])',
    );
  });
  it('scalars in cat', () => {
    expect(() => cat([zeros([]), zeros([])])).toThrow('cat: tensor 0 is a scalar (shape []); cat needs at least one dimension');
  });
  it('tensors of different shapes in stack', () => {
    expect(() => stack([zeros([2, 3]), zeros([2, 4])])).toThrow(
      'stack: expects tensors of equal shape, but got [2, 3] at entry 0 and [2, 4] at entry 1',
    );
  });
});

describe('split and chunk reject', () => {
  it('sections that do not add up to the size', () => {
    expect(() => split(zeros([5, 2]), [2, 2])).toThrow('split: section sizes [2,2] add up to 4, but dim 0 of shape [5, 2] has size 5');
  });
  it('a split size of 0 or a negative section', () => {
    expect(() => split(zeros([5]), 0)).toThrow('split: splitSize must be a positive integer, got 0 (dim 0 of shape [5])');
    expect(() => split(zeros([5]), [6, -1])).toThrow('split: section sizes must be non-negative integers, got [6,-1]');
  });
  it('a chunk count that is not a positive integer', () => {
    expect(() => chunk(zeros([5]), 0)).toThrow('chunk: chunks must be a positive integer, got 0');
    expect(() => chunk(zeros([5]), 1.5)).toThrow('chunk: chunks must be a positive integer, got 1.5');
  });
  it('a scalar', () => {
    expect(() => split(zeros([]), 1)).toThrow('split: cannot be applied to a scalar (shape [])');
  });
});

describe('narrow, select, slice and indexSelect reject', () => {
  it('a range past the end', () => {
    expect(() => narrow(zeros([5]), 0, 4, 2)).toThrow('narrow: start 4 + length 2 exceeds size 5 of dim 0 (shape [5])');
    expect(() => narrow(zeros([5]), 0, -6, 1)).toThrow('narrow: start -6 is out of range for size 5 of dim 0 (shape [5])');
  });
  it('a dim out of range, and a scalar', () => {
    expect(() => narrow(zeros([5, 2]), 2, 0, 1)).toThrow('narrow: dim 2 is out of range for shape [5, 2] (expected an integer in [-2, 1])');
    expect(() => narrow(zeros([]), 0, 0, 1)).toThrow('narrow: cannot be applied to a scalar (shape [])');
  });
  it('an index out of range or not an integer', () => {
    expect(() => select(zeros([2, 5]), 1, 5)).toThrow('select: index 5 is out of range for size 5 of dim 1 (shape [2, 5])');
    expect(() => select(zeros([2, 5]), -1, -6)).toThrow('select: index -6 is out of range for size 5 of dim -1 (shape [2, 5])');
    expect(() => select(zeros([2, 5]), 1, 1.5)).toThrow('select: index must be an integer, got 1.5');
  });
  it('a step that is not positive, a fractional start', () => {
    expect(() => slice(zeros([5]), 0, 0, 5, 0)).toThrow('slice: step must be a positive integer, got 0');
    expect(() => slice(zeros([5]), 0, 0, 5, -1)).toThrow('slice: step must be a positive integer, got -1');
    expect(() => slice(zeros([5]), 0, 0.5)).toThrow('slice: start must be an integer, got 0.5');
  });
  it('an index tensor that is not int32 or not a vector', () => {
    expect(() => indexSelect(zeros([3, 2]), 0, tensor([1]))).toThrow('indexSelect: index must be an int32 tensor, got float32');
    expect(() => indexSelect(zeros([3, 2]), 0, tensor([[1]], { dtype: 'int32' }))).toThrow(
      'indexSelect: index must be a vector (rank 0 or 1), got shape [1, 1]',
    );
  });
  it('indices out of range (negative ones too, as PyTorch)', () => {
    expect(() => indexSelect(zeros([3, 2]), 0, i32([0, 3]))).toThrow(
      'indexSelect: index 3 at position 1 is out of range for size 3 of dim 0 (shape [3, 2]); expected [0, 2]',
    );
    expect(() => indexSelect(zeros([3, 2]), 1, i32([-1]))).toThrow(
      'indexSelect: index -1 at position 0 is out of range for size 2 of dim 1 (shape [3, 2]); expected [0, 1]',
    );
  });
});

describe('where, maskedFill and maskedSelect reject', () => {
  it('shapes that do not broadcast', () => {
    expect(() => where(zeros([2, 3]), zeros([4]), 0)).toThrow('where: shapes [2, 3] and [4] cannot be broadcast (dimension -1 is 3 vs 4)');
    expect(() => maskedSelect(zeros([3]), zeros([2]))).toThrow(
      'maskedSelect: shapes [3] and [2] cannot be broadcast (dimension -1 is 3 vs 2)',
    );
  });
  it('a mask that would grow the input', () => {
    expect(() => maskedFill(zeros([3]), zeros([2, 3]), 1)).toThrow(
      "maskedFill: mask of shape [2, 3] cannot be broadcast to the input's shape [3]",
    );
  });
  it('a fractional value for an int32 tensor', () => {
    expect(() => maskedFill(zeros([3], { dtype: 'int32' }), zeros([3]), 0.5)).toThrow(
      'maskedFill: value 0.5 cannot be stored in an int32 tensor',
    );
  });
});

describe('max, min, argmin, topk, logsumexp reject', () => {
  it('an empty tensor without a dim, an empty dim', () => {
    expect(() => max(zeros([0]))).toThrow('max: cannot reduce an empty tensor of shape [0] without a dim');
    expect(() => argmin(zeros([2, 0]))).toThrow('argmin: cannot reduce an empty tensor of shape [2, 0] without a dim');
    expect(() => max(zeros([2, 0]), 1)).toThrow('max: dimension 1 of shape [2, 0] is empty');
    expect(() => min(zeros([0, 3]), 0, true)).toThrow('min: dimension 0 of shape [0, 3] is empty');
  });
  it('a dim out of range', () => {
    expect(() => max(zeros([2, 3]), 2)).toThrow('max: dim 2 is out of range for shape [2, 3] (expected an integer in [-2, 1])');
    expect(() => min(zeros([2, 3]), -3)).toThrow('min: dim -3 is out of range for shape [2, 3] (expected an integer in [-2, 1])');
    expect(() => argmin(zeros([2, 3]), 5)).toThrow('argmin: dim 5 is out of range for shape [2, 3] (expected an integer in [-2, 1])');
    expect(() => topk(zeros([2, 3]), 1, 2)).toThrow('topk: dim 2 is out of range for shape [2, 3] (expected an integer in [-2, 1])');
    expect(() => logsumexp(zeros([2, 3]), [0, 2])).toThrow(
      'logsumexp: dim 2 is out of range for shape [2, 3] (expected an integer in [-2, 1])',
    );
  });
  it('k larger than the dim', () => {
    expect(() => topk(zeros([2, 3]), 4)).toThrow('topk: k 4 is out of range for size 3 of dim -1 (shape [2, 3]); expected [0, 3]');
    expect(() => topk(zeros([2, 3]), -1, 0)).toThrow('topk: k -1 is out of range for size 2 of dim 0 (shape [2, 3]); expected [0, 2]');
  });
  it('a dim that repeats', () => {
    expect(() => logsumexp(zeros([2, 3]), [1, -1])).toThrow('logsumexp: dim [1,-1] repeats an axis');
  });
});

describe('clamp rejects', () => {
  it('no bound at all', () => {
    expect(() => clamp(zeros([2]))).toThrow('clamp: at least one of min and max must be given');
    expect(() => clamp(zeros([2]), null, null)).toThrow('clamp: at least one of min and max must be given');
  });
});

describe('pad rejects', () => {
  it('an odd-length or fractional pad', () => {
    expect(() => F.pad(zeros([2, 3]), [1])).toThrow('pad: pad must list an even number of integers [left, right, top, bottom, …], got [1]');
    expect(() => F.pad(zeros([2, 3]), [1, 0.5])).toThrow('pad: pad must list an even number of integers');
  });
  it('more padded axes than the input has', () => {
    expect(() => F.pad(zeros([3]), [1, 1, 1, 1])).toThrow('pad: pad [1,1,1,1] pads 2 axes, but the input has shape [3]');
  });
  it('an unknown mode', () => {
    expect(() => F.pad(zeros([1, 3]), [1, 1], 'wrap' as PadMode)).toThrow(
      "pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got 'wrap'",
    );
  });
  it('reflect padding as large as the axis, circular padding larger', () => {
    expect(() => F.pad(zeros([1, 1, 3]), [3, 1], 'reflect')).toThrow(
      'pad: reflect padding (3, 1) of dim 2 must be smaller than its size 3 (input shape [1, 1, 3])',
    );
    expect(() => F.pad(zeros([1, 2]), [3, 0], 'circular')).toThrow(
      'pad: circular padding (3, 0) of dim 1 must not exceed its size 2 (input shape [1, 2])',
    );
  });
  it('replicate padding of an empty axis', () => {
    expect(() => F.pad(zeros([1, 0]), [1, 1], 'replicate')).toThrow(
      'pad: replicate padding (1, 1) of dim 1 needs a non-empty axis, got size 0 (input shape [1, 0])',
    );
  });
  it('negative padding that removes more than the axis', () => {
    expect(() => F.pad(zeros([1, 2]), [-2, -1])).toThrow(
      'pad: padding (-2, -1) of dim 1 of size 2 would leave -1 elements (input shape [1, 2])',
    );
  });
});

describe('repeat, expand and oneHot reject', () => {
  it('fewer repeat sizes than dimensions, a negative size', () => {
    expect(() => repeat(zeros([2, 3]), [2])).toThrow(
      'repeat: sizes [2] must have at least as many entries as the input has dimensions (shape [2, 3])',
    );
    expect(() => repeat(zeros([2, 3]), [2, -1])).toThrow('repeat: invalid shape [2, -1] (sizes must be non-negative integers)');
  });
  it('-1 for a new leading axis, a size that cannot broadcast', () => {
    expect(() => expand(zeros([2, 1]), [-1, -1, 3])).toThrow('expand: -1 is not allowed for the new leading dimension 0 of [-1, -1, 3]');
    expect(() => expand(zeros([2, 2]), [2, 3])).toThrow('expand: shapes [2, 2] and [2, 3] cannot be broadcast');
    expect(() => expand(zeros([2, 2]), [2])).toThrow("expand: shape [2] has fewer dimensions than the input's [2, 2]");
  });
  it('labels that are not int32 or out of range', () => {
    expect(() => F.oneHot(zeros([2]), 3)).toThrow('oneHot: labels must be an int32 tensor, got float32 of shape [2]');
    expect(() => F.oneHot(i32([0, 3]), 3)).toThrow('oneHot: label 3 at index 1 is out of range for 3 classes (labels of shape [2])');
    expect(() => F.oneHot(i32([-1]), 3)).toThrow('oneHot: label -1 at index 0 is out of range for 3 classes (labels of shape [1])');
  });
  it('no labels to count the classes from, a bad class count', () => {
    expect(() => F.oneHot(i32([]))).toThrow('oneHot: cannot infer the number of classes from empty labels of shape [0]');
    expect(() => F.oneHot(i32([1]), -2)).toThrow('oneHot: numClasses must be -1 or a non-negative integer, got -2');
  });
});

describe('methods that take sizes reject', () => {
  it('a mix of numbers and arrays', () => {
    const x = zeros([2, 3]);
    const mixed: (number | number[])[] = [2, [3]];
    expect(() => x.reshape(...(mixed as number[]))).toThrow('reshape: expected sizes as numbers or as one array, got [2,[3]]');
    expect(() => x.permute(...(mixed.reverse() as number[]))).toThrow('permute: expected sizes as numbers or as one array, got [[3],2]');
  });
});
