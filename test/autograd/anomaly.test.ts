/**
 * Anomaly detection: with it on, the first op output or gradient holding a NaN or an infinity
 * throws, naming the op and the layer (by its path in the model) it ran in.
 */
import { afterEach, expect, it } from 'vitest';
import { F, Generator, Tensor, detectAnomaly, isAnomalyEnabled, nn, randn, setDetectAnomaly, tensor } from '../../src/index.js';
import { describeEachBackend } from '../helpers.js';

/** A layer whose backward gives NaN: sqrt at 0 has an infinite derivative, times 0. */
class SqrtAtZero extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.mul(0).sqrt();
  }
}

class Block extends nn.Module {
  conv = new nn.Conv2d(2, 2, 3, { padding: 1, generator: new Generator(1) });
  bad = new SqrtAtZero();
  forward(x: Tensor): Tensor {
    return this.bad.forward(this.conv.forward(x));
  }
}

afterEach(() => setDetectAnomaly(false));

describeEachBackend('anomaly detection', () => {
  it('names the op and the layer whose output holds a NaN', () => {
    const model = new nn.Sequential(
      new nn.Conv2d(1, 2, 3, { padding: 1, generator: new Generator(2) }),
      new nn.ReLU(),
      new nn.Flatten(),
      new nn.Linear(2 * 4 * 4, 3),
    );
    const x = randn([2, 1, 4, 4], { generator: new Generator(3) });
    x.data[5] = NaN;
    // off: the NaN flows through silently
    expect(Number.isNaN(model.forward(x).sum().item())).toBe(true);
    setDetectAnomaly(true);
    // Conv2d → ReLU runs as one fused op, attributed to the convolution
    expect(() => model.forward(x)).toThrow("anomaly: fusedConv2d in layer '0' produced NaN in its output (shape [2, 2, 4, 4])");
  });

  it('names the backward op and the nested layer path whose gradient holds a NaN', () => {
    const net = new nn.Sequential(new nn.Conv2d(2, 2, 1, { generator: new Generator(4) }), new Block());
    const y = detectAnomaly(() => net.forward(randn([1, 2, 3, 3], { generator: new Generator(5) })));
    // d sqrt(u)/du = 1/(2·sqrt(u)) is infinite at u = ±0
    expect(() => detectAnomaly(() => y.sum().backward())).toThrow(
      /^anomaly: backward of sqrt in layer '1\.bad' produced -?Infinity in the gradient of input 0 \(shape \[1, 2, 3, 3\]\)$/,
    );
  });

  it('outside any module, names only the op; infinities count too', () => {
    setDetectAnomaly(true);
    expect(() => tensor([1, 0]).log()).toThrow('anomaly: log produced -Infinity in its output (shape [2])');
    expect(() => F.mseLoss(tensor([1e30]), tensor([-1e30]))).toThrow(/^anomaly: .* produced Infinity in its output/);
  });

  it('detectAnomaly restores the previous setting, also when fn throws or returns a promise', async () => {
    expect(isAnomalyEnabled()).toBe(false);
    expect(() => detectAnomaly(() => tensor([-1]).sqrt())).toThrow(/anomaly: sqrt produced NaN/);
    expect(isAnomalyEnabled()).toBe(false);
    const p = detectAnomaly(async () => {
      await Promise.resolve();
      return isAnomalyEnabled();
    });
    expect(await p).toBe(true);
    expect(isAnomalyEnabled()).toBe(false);
  });
});
