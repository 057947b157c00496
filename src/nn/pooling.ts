/**
 * Pooling layers (S8, S9): `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d`, and LeNet-5's trainable `Subsampling`. Their
 * output sizes are computed by `poolOutputSize` (src/geometry/output-size.ts).
 */
import { ones, zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { type AdaptiveSize2d, adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../ops/pool.js';
import type { Pool2dOptions } from '../geometry/pool.js';
import { type SubsamplingOptions, subsampling } from '../ops/subsampling.js';
import { checkPositiveInt } from '../geometry/options.js';
import { Module, type ModuleSpec } from './module.js';
import { specOptions } from './conv.js';
import { checkOptions } from '../tensor/arguments.js';

function describePool(name: string, options: Pool2dOptions): string {
  const parts = Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}(${parts.join(', ')})`;
}

/**
 * Max pooling over windows of `kernelSize` (stride defaults to the window: no overlap), with
 * `maxPool2d`'s options.
 *
 * Shape: input `(N, C, H, W)` or `(C, H, W)` → output `(N, C, H_out, W_out)` or `(C, H_out, W_out)`,
 * each size by `poolOutputSize`.
 */
export class MaxPool2d extends Module {
  readonly options: Pool2dOptions;
  constructor(kernelSize: Pool2dOptions['kernelSize'], options: Omit<Pool2dOptions, 'kernelSize' | 'countIncludePad'> = {}) {
    super();
    checkOptions('MaxPool2d', options, ['stride', 'padding', 'ceilMode']);
    this.options = { kernelSize, ...options };
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options);
  }
  override spec(): ModuleSpec {
    const { kernelSize, ...rest } = this.options;
    return { type: 'MaxPool2d', args: [kernelSize, rest] };
  }
  override describe(): string {
    return describePool('MaxPool2d', this.options);
  }
}

/**
 * Average pooling over windows of `kernelSize`, with `avgPool2d`'s options.
 *
 * Shape: input `(N, C, H, W)` or `(C, H, W)` → output `(N, C, H_out, W_out)` or `(C, H_out, W_out)`,
 * each size by `poolOutputSize`.
 */
export class AvgPool2d extends Module {
  readonly options: Pool2dOptions;
  constructor(kernelSize: Pool2dOptions['kernelSize'], options: Omit<Pool2dOptions, 'kernelSize'> = {}) {
    super();
    checkOptions('AvgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    this.options = { kernelSize, ...options };
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }
  override spec(): ModuleSpec {
    const { kernelSize, ...rest } = this.options;
    return { type: 'AvgPool2d', args: [kernelSize, rest] };
  }
  override describe(): string {
    return describePool('AvgPool2d', this.options);
  }
}

/**
 * Average pooling to a fixed output size whatever the input's, as `torch.nn.AdaptiveAvgPool2d`
 * (`AdaptiveAvgPool2d(1)` is a ResNet's global average pooling); the bins by `adaptivePoolBin`.
 *
 * Shape: input `(N, C, H, W)` or `(C, H, W)` → output `(N, C, outH, outW)` or `(C, outH, outW)`
 * (a null size keeps the input's).
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize2d) {
    super();
    const sizes = typeof outputSize === 'number' ? [outputSize] : Array.isArray(outputSize) && outputSize.length === 2 ? outputSize : [NaN];
    if (!sizes.every((v) => v === null || (Number.isInteger(v) && (v as number) >= 1))) {
      throw new Error(
        `AdaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (or null), got ${JSON.stringify(outputSize)}`,
      );
    }
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override spec(): ModuleSpec {
    return { type: 'AdaptiveAvgPool2d', args: [this.outputSize] };
  }
  override describe(): string {
    return `AdaptiveAvgPool2d(outputSize=${JSON.stringify(this.outputSize)})`;
  }
}

/**
 * LeNet-5's trainable subsampling (S9): `Y'^d = f(w^d · pool(X^d) + b^d)`, one learnable
 * coefficient and bias per channel. Starts as plain pooling: w = 1, b = 0.
 *
 * Shape:
 * - input `(N, C, H, W)` → output `(N, C, H_out, W_out)`, each size by `poolOutputSize`
 * - weight `(C)`, bias `(C)`: `2·C` parameters
 */
export class Subsampling extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly options: SubsamplingOptions;
  constructor(
    readonly channels: number,
    options: SubsamplingOptions & { dtype?: 'float32' | 'float64' } = {},
  ) {
    super();
    checkOptions('Subsampling', options, ['kernelSize', 'stride', 'pool', 'activation', 'dtype']);
    checkPositiveInt('Subsampling', 'channels', channels);
    const { dtype, ...rest } = options;
    this.options = rest;
    this.weight = this.registerParameter('weight', ones([channels], { dtype }));
    this.bias = this.registerParameter('bias', zeros([channels], { dtype }));
  }
  forward(x: Tensor): Tensor {
    return subsampling(x, this.weight, this.bias, this.options);
  }
  override spec(): ModuleSpec {
    return { type: 'Subsampling', args: [this.channels, specOptions(this.options, this.weight)] };
  }
  override describe(): string {
    const o = this.options;
    return `Subsampling(${this.channels}, kernelSize=${JSON.stringify(o.kernelSize ?? 2)}, pool=${o.pool ?? 'avg'}, activation=${o.activation ?? 'sigmoid'})`;
  }
}
