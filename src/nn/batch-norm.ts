/**
 * Batch normalization layers, thin modules over `F.batchNorm` with PyTorch's parameters, buffers
 * and state-dict names: `weight` (γ, ones) and `bias` (β, zeros) when `affine`; the buffers
 * `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked` (an int32 scalar) when
 * `trackRunningStats`. In training mode a layer normalises by the batch's statistics and updates
 * the running ones; in evaluation mode it uses the running ones (the batch's, without them).
 */
import { ones, zeros } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BatchNormBlockEpilogue, batchNormBlock } from '../ops/batch-norm.js';
import { checkPositiveInt } from '../geometry/options.js';
import { checkOptions } from '../tensor/arguments.js';
import { Module, type ModuleSpec } from './module.js';

/** Options of the batch normalization layers (PyTorch's, in camelCase). */
export interface BatchNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null: their cumulative average. */
  momentum?: number | null;
  /** Learn γ and β (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them evaluation uses the batch's. */
  trackRunningStats?: boolean;
  /** Parameter and statistics dtype (default float32). */
  dtype?: 'float32' | 'float64';
}

/** `1e-5` rather than `0.00001`, as PyTorch prints small numbers. */
function formatNumber(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
}

/** What BatchNorm1d and BatchNorm2d share: everything but the input ranks they accept. */
abstract class BatchNormBase extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    options: BatchNormLayerOptions,
  ) {
    super();
    const layer = new.target.name;
    checkOptions(layer, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    checkPositiveInt(layer, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    if (!(this.eps >= 0 && Number.isFinite(this.eps))) throw new Error(`${layer}: eps must be a non-negative number, got ${this.eps}`);
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`${layer}: momentum must be a number in [0, 1] or null, got ${JSON.stringify(this.momentum)}`);
    }
    const dtype = options.dtype ?? 'float32';
    this.weight = this.affine ? this.registerParameter('weight', ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? this.registerParameter('bias', zeros([numFeatures], { dtype })) : null;
    this.runningMean = this.trackRunningStats ? this.registerBuffer('running_mean', zeros([numFeatures], { dtype })) : null;
    this.runningVar = this.trackRunningStats ? this.registerBuffer('running_var', ones([numFeatures], { dtype })) : null;
    this.numBatchesTracked = this.trackRunningStats ? this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int32' })) : null;
  }

  /** The input ranks this layer takes, and how they read. */
  protected abstract readonly ranks: Record<number, string>;

  forward(x: Tensor): Tensor {
    return this.normalize(x, null);
  }

  /**
   * `forward(x)`, then the epilogue — a residual added, the relu — in the same op
   * (`batchNormBlock`): what `Sequential` runs for this layer followed by a `ReLU`, or closing a
   * `Residual`'s body followed by a `ReLU`. Values and gradients are those of the separate layers.
   */
  normalize(x: Tensor, epilogue: BatchNormBlockEpilogue | null): Tensor {
    const layer = this.constructor.name;
    if (!(x.ndim in this.ranks)) {
      const expected = Object.values(this.ranks).join(' or ');
      throw new Error(`${layer}: expected input of shape ${expected}, got ${shapeStr(x.shape)}`);
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(`${layer}: input ${shapeStr(x.shape)} has ${x.shape[1]} channels (axis 1), but the layer has ${this.numFeatures}`);
    }
    // as PyTorch: batch statistics in training, and in evaluation where there are no running ones
    const useBatch = this.training || this.runningMean === null;
    const running = this.training || !useBatch;
    const options = {
      training: useBatch,
      momentum: this.momentum,
      eps: this.eps,
      numBatchesTracked: this.training ? this.numBatchesTracked : null,
    };
    return batchNormBlock(
      x,
      running ? this.runningMean : null,
      running ? this.runningVar : null,
      this.weight,
      this.bias,
      options,
      epilogue,
    );
  }

  /** Zeroes γ (a residual block's last BN, so that the block starts as its skip path); returns this. */
  zeroInitWeight(): this {
    if (this.weight === null) throw new Error(`${this.constructor.name}: zeroInitWeight needs affine: true (there is no weight)`);
    this.weight.data.fill(0);
    return this;
  }

  override spec(): ModuleSpec {
    const options: BatchNormLayerOptions = {
      eps: this.eps,
      momentum: this.momentum,
      affine: this.affine,
      trackRunningStats: this.trackRunningStats,
    };
    if (this.weight?.dtype === 'float64' || this.runningMean?.dtype === 'float64') options.dtype = 'float64';
    return { type: this.constructor.name, args: [this.numFeatures, options] };
  }

  override describe(): string {
    const momentum = this.momentum === null ? 'null' : formatNumber(this.momentum);
    return (
      `${this.constructor.name}(${this.numFeatures}, eps=${formatNumber(this.eps)}, momentum=${momentum}, ` +
      `affine=${this.affine}, trackRunningStats=${this.trackRunningStats})`
    );
  }
}

/**
 * Batch normalization over a batch of vectors or sequences, as `torch.nn.BatchNorm1d`:
 * `y = (x − μ_c)/√(σ²_c + ε)·γ_c + β_c` per feature c (see `F.batchNorm`).
 *
 * Shape:
 * - input `(N, C)` or `(N, C, L)` → output of the same shape
 * - weight, bias `(C)` (`2·C` parameters when affine); buffers running_mean, running_var `(C)`,
 *   num_batches_tracked `[]`
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = { 2: '(N, C)', 3: '(N, C, L)' };
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}

/**
 * Batch normalization over the channels of a batch of feature maps, as `torch.nn.BatchNorm2d`:
 * `y = (x − μ_c)/√(σ²_c + ε)·γ_c + β_c`, the statistics over (N, H, W) (see `F.batchNorm`).
 *
 * Shape:
 * - input `(N, C, H, W)` → output `(N, C, H, W)`
 * - weight, bias `(C)` (`2·C` parameters when affine); buffers running_mean, running_var `(C)`,
 *   num_batches_tracked `[]`
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = { 4: '(N, C, H, W)' };
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}
