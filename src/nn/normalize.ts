/**
 * Input normalization as a layer, as torchvision's `transforms.Normalize` (an `nn.Module`):
 *
 *     y = (x − mean) / std
 *
 * with one mean and standard deviation for every channel (numbers, as the CLI's models use) or
 * one per channel (arrays of C values) of an input `(N, C, *)`. No parameters. What `importOnnx`
 * makes of the `Sub` → `Div` a graph exported with `foldNormalization` starts with, so that the
 * imported model takes raw pixels as the ONNX one does; and what `exportOnnx` writes for it.
 */
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { div, sub } from '../ops/elementwise.js';
import { Module, type ModuleSpec } from './module.js';

/** The smallest std: below it inputs blow up (the value of data/normalization.ts's MIN_STD, which sits a layer above). */
const MIN_STD = 1e-8;

/** `(x − mean)/std`, per channel or for all (see the file's header). Shape: any `(N, C, *)` (any shape with numbers), unchanged. */
export class Normalize extends Module {
  readonly mean: number | number[];
  readonly std: number | number[];
  constructor(mean: number | number[], std: number | number[]) {
    super();
    const check = (name: string, v: unknown, min: number): void => {
      const values = Array.isArray(v) ? v : [v];
      if (values.length === 0 || values.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < min)) {
        throw new Error(
          `Normalize: ${name} must be a finite number${min > -Infinity ? ` ≥ ${min}` : ''} or an array of them, got ${JSON.stringify(v)}`,
        );
      }
    };
    check('mean', mean, -Infinity);
    check('std', std, MIN_STD);
    if (Array.isArray(mean) && Array.isArray(std) && mean.length !== std.length) {
      throw new Error(`Normalize: mean has ${mean.length} values but std has ${std.length}`);
    }
    this.mean = Array.isArray(mean) ? [...mean] : mean;
    this.std = Array.isArray(std) ? [...std] : std;
  }

  /** The channel count the per-channel values need, or null for numbers. */
  get channels(): number | null {
    return Array.isArray(this.mean) ? this.mean.length : Array.isArray(this.std) ? this.std.length : null;
  }

  forward(x: Tensor): Tensor {
    const c = this.channels;
    if (c === null) return div(sub(x, this.mean as number), this.std as number);
    if (x.ndim < 2 || x.shape[1] !== c) {
      throw new Error(`Normalize: input ${shapeStr(x.shape)} must have ${c} channels on axis 1 (one mean and std per channel)`);
    }
    // (C, 1, …, 1): broadcast over the batch and the spatial axes
    const shape = [c, ...new Array<number>(x.ndim - 2).fill(1)];
    const perChannel = (v: number | number[]): Tensor =>
      new Tensor(Float32Array.from(Array.isArray(v) ? v : new Array<number>(c).fill(v)), shape).to(x.dtype);
    return div(sub(x, perChannel(this.mean)), perChannel(this.std));
  }

  override spec(): ModuleSpec {
    return { type: 'Normalize', args: [this.mean, this.std] };
  }

  override describe(): string {
    return `Normalize(mean=${JSON.stringify(this.mean)}, std=${JSON.stringify(this.std)})`;
  }
}
