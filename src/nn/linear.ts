/** Fully connected layer `y = x·Wᵀ + b`: input `(…, in)` → `(…, out)`; weight `(out, in)`. */
import type { Tensor } from '../tensor/tensor.js';
import { linear } from '../ops/matmul.js';
import { checkPositiveInt } from '../geometry/options.js';
import { Module } from './module.js';
import { type InitOptions, uniformFanIn } from './init.js';

/** `y = x·Wᵀ + b`, weight `(out, in)` and bias `(out)` initialized `U(−1/√in, 1/√in)`; parameters `out·in + out`. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: InitOptions & { bias?: boolean } = {},
  ) {
    super();
    checkPositiveInt('Linear', 'inFeatures', inFeatures);
    checkPositiveInt('Linear', 'outFeatures', outFeatures);
    this.weight = this.registerParameter('weight', uniformFanIn([outFeatures, inFeatures], inFeatures, options));
    this.bias = options.bias === false ? null : this.registerParameter('bias', uniformFanIn([outFeatures], inFeatures, options));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override describe(): string {
    return `Linear(${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'})`;
  }
}
