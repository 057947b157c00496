/** Fully connected layer `y = x·Wᵀ + b`: input `(…, in)` → `(…, out)`; weight `(out, in)`. */
import type { Tensor } from '../tensor/tensor.js';
import { linear } from '../ops/matmul.js';
import { checkPositiveInt } from '../geometry/options.js';
import { Module, type ModuleSpec } from './module.js';
import { specOptions } from './conv.js';
import { type InitOptions, uniformFanIn } from './init.js';
import { checkOptions } from '../tensor/arguments.js';

/**
 * Fully connected layer `y = x·Wᵀ + b`, initialized `U(−1/√in, 1/√in)` as PyTorch does.
 *
 * Shape:
 * - input `(…, in)` → output `(…, out)` (any number of leading dimensions)
 * - weight `(out, in)`, bias `(out)`: `out·in + out` parameters
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: InitOptions & { bias?: boolean } = {},
  ) {
    super();
    checkOptions('Linear', options, ['bias', 'generator', 'dtype']);
    checkPositiveInt('Linear', 'inFeatures', inFeatures);
    checkPositiveInt('Linear', 'outFeatures', outFeatures);
    this.weight = this.registerParameter('weight', uniformFanIn([outFeatures, inFeatures], inFeatures, options));
    this.bias = options.bias === false ? null : this.registerParameter('bias', uniformFanIn([outFeatures], inFeatures, options));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override spec(): ModuleSpec {
    return { type: 'Linear', args: [this.inFeatures, this.outFeatures, specOptions({ bias: this.bias !== null }, this.weight)] };
  }

  override describe(): string {
    return `Linear(${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'})`;
  }
}
