/**
 * `nn.Normalize` (src/nn/normalize.ts), torchvision's `Normalize` as a layer: `(x − mean)/std`
 * with numbers or one value per channel, on every backend; its spec rebuilds it from a model
 * file; bad values are errors that name them.
 */
import { expect, it } from 'vitest';
import { nn, tensor } from '../../src/index.js';
import { describeEachBackend } from '../helpers.js';

describeEachBackend('nn.Normalize', () => {
  it('(x − mean)/std, for all channels or per channel, in float32 as the separate ops', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8]).reshape([1, 2, 2, 2]);
    expect(Array.from(new nn.Normalize(1, 2).forward(x).data)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    const perChannel = new nn.Normalize([1, 5], [2, 0.5]).forward(x);
    expect(perChannel.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(perChannel.data)).toEqual([0, 0.5, 1, 1.5, 0, 2, 4, 6]);
    // the same float32 rounding as x.sub(mean).div(std)
    const y = tensor([0.3, 0.7, 0.9]).reshape([3, 1]);
    expect(Array.from(new nn.Normalize(0.1307, 0.3081).forward(y).data)).toEqual(Array.from(y.sub(0.1307).div(0.3081).data));
  });

  it('rebuilds from its spec; describes itself', () => {
    const m = new nn.Normalize([0.5, 0.25], [2, 4]);
    expect(m.spec()).toEqual({
      type: 'Normalize',
      args: [
        [0.5, 0.25],
        [2, 4],
      ],
    });
    const rebuilt = nn.buildModule(m.spec()) as nn.Normalize;
    expect(rebuilt.mean).toEqual([0.5, 0.25]);
    expect(rebuilt.std).toEqual([2, 4]);
    expect(m.describe()).toBe('Normalize(mean=[0.5,0.25], std=[2,4])');
    expect(m.parameters()).toHaveLength(0);
  });

  it('bad values and shapes are errors that name them', () => {
    expect(() => new nn.Normalize(0, 0)).toThrow(/Normalize: std must be a finite number ≥ 1e-8 or an array of them, got 0/);
    expect(() => new nn.Normalize(Number.NaN, 1)).toThrow(/Normalize: mean must be a finite number or an array of them, got null/);
    expect(() => new nn.Normalize([0, 1], [1, 2, 3])).toThrow(/mean has 2 values but std has 3/);
    const x = tensor([1, 2, 3]).reshape([1, 3, 1, 1]);
    expect(() => new nn.Normalize([0, 1], [1, 1]).forward(x)).toThrow(/Normalize: input \[1, 3, 1, 1\] must have 2 channels on axis 1/);
  });
});
