/**
 * The loss options' errors: each names the op, the option or target, and the values and shapes
 * at fault, before anything is computed.
 */
import { describe, expect, it } from 'vitest';
import { F, tensor, zeros } from '../../src/index.js';
import type { Reduction } from '../../src/index.js';

describe('crossEntropy and nllLoss reject', () => {
  it('class probabilities that are not floating point, or with an ignoreIndex ≥ 0 (as PyTorch)', () => {
    expect(() => F.crossEntropy(zeros([2, 3]), zeros([2, 3], { dtype: 'int32' }))).toThrow(
      "crossEntropy: targets of the logits' shape [2, 3] are class probabilities and must be floating point, got int32",
    );
    expect(() => F.crossEntropy(zeros([2, 3]), zeros([2, 3]), { ignoreIndex: 0 })).toThrow(
      'crossEntropy: ignoreIndex (0) is not supported with class-probability targets',
    );
    // a negative ignoreIndex (the default −100 included) is accepted and has nothing to ignore
    expect(F.crossEntropy(zeros([2, 3]), zeros([2, 3]), { ignoreIndex: -5 }).item()).toBe(0);
  });
  it('targets of the wrong shape or count, naming both shapes', () => {
    expect(() => F.crossEntropy(zeros([3, 4]), zeros([2], { dtype: 'int32' }))).toThrow(
      "crossEntropy: targets must have shape [3] (class indices) or the input's shape [3, 4] (class probabilities), got [2]",
    );
    expect(() => F.crossEntropy(zeros([2, 4, 3, 5]), zeros([2, 3], { dtype: 'int32' }))).toThrow(
      "crossEntropy: targets must have shape [2, 3, 5] (class indices) or the input's shape [2, 4, 3, 5] (class probabilities), got [2, 3]",
    );
    expect(() => F.crossEntropy(zeros([2, 4, 3]), [0, 1, 2])).toThrow('crossEntropy: got 3 labels for targets of shape [2, 3] (6 values)');
    expect(() => F.nllLoss(zeros([2, 4, 3]), zeros([2, 4], { dtype: 'int32' }))).toThrow(
      'nllLoss: targets must have shape [2, 3] (class indices), got [2, 4]',
    );
    expect(() => F.nllLoss(zeros([2, 4]), zeros([2, 4]))).toThrow(
      "nllLoss: targets must be class indices of shape [2], got the input's shape [2, 4] (class probabilities are crossEntropy's)",
    );
  });
  it('a class out of range, at its position in spatial targets', () => {
    const t = tensor([0, 1, 2, 3, 0, 7], { shape: [2, 3], dtype: 'int32' });
    expect(() => F.crossEntropy(zeros([2, 4, 3]), t)).toThrow(
      'crossEntropy: label 7 at index [1, 2] is out of range for 4 classes (expected an integer in [0, 3], or the ignoreIndex -100)',
    );
    // the ignoreIndex itself may lie outside the classes
    expect(F.nllLoss(zeros([2, 4]), [255, 1], { ignoreIndex: 255, reduction: 'sum' }).item()).toBe(0);
    expect(() => F.nllLoss(zeros([2, 4]), [255, 1])).toThrow('nllLoss: label 255 at index 0 is out of range for 4 classes');
  });
  it('a weight that is not one per class, a labelSmoothing outside [0, 1], a fractional ignoreIndex, an unknown reduction', () => {
    expect(() => F.crossEntropy(zeros([2, 4]), [0, 1], { weight: zeros([3]) })).toThrow(
      'crossEntropy: weight must have shape [4] (one per class), got [3]',
    );
    expect(() => F.nllLoss(zeros([2, 4]), [0, 1], { weight: zeros([4], { dtype: 'int32' }) })).toThrow(
      'nllLoss: weight must be a floating-point tensor, got int32',
    );
    expect(() => F.crossEntropy(zeros([2, 4]), [0, 1], { labelSmoothing: 1.5 })).toThrow(
      'crossEntropy: labelSmoothing must be in [0, 1], got 1.5',
    );
    expect(() => F.crossEntropy(zeros([2, 4]), [0, 1], { labelSmoothing: -0.1 })).toThrow(
      'crossEntropy: labelSmoothing must be in [0, 1], got -0.1',
    );
    expect(() => F.nllLoss(zeros([2, 4]), [0, 1], { ignoreIndex: 0.5 })).toThrow('nllLoss: ignoreIndex must be an integer, got 0.5');
    expect(() => F.crossEntropy(zeros([2, 4]), [0, 1], { reduction: 'avg' as Reduction })).toThrow(
      "crossEntropy: reduction must be 'mean', 'sum' or 'none', got 'avg'",
    );
    expect(() => F.nllLoss(zeros([2, 4], { dtype: 'int32' }), [0, 1])).toThrow('nllLoss: input must be a floating-point tensor, got int32');
  });
});
