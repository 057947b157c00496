/** Activation layers (S14): `ReLU`, `LeakyReLU`, `Tanh`, `Sigmoid`. Any shape in, same shape out. */
import type { Tensor } from '../tensor/tensor.js';
import { leakyRelu, relu, sigmoid, tanh } from '../ops/activation.js';
import { Module, type ModuleSpec } from './module.js';

/** `max(0, x)` (S14). Shape: any, unchanged. */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
  override spec(): ModuleSpec {
    return { type: 'ReLU', args: [] };
  }
}

/** `max(0, x) + negativeSlope·min(0, x)` (S14; default slope 0.01). Shape: any, unchanged. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override spec(): ModuleSpec {
    return { type: 'LeakyReLU', args: [this.negativeSlope] };
  }
  override describe(): string {
    return `LeakyReLU(negativeSlope=${this.negativeSlope})`;
  }
}

/** `tanh(x)`. Shape: any, unchanged. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
  override spec(): ModuleSpec {
    return { type: 'Tanh', args: [] };
  }
}

/** `1/(1 + e^(−x))`. Shape: any, unchanged. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
  override spec(): ModuleSpec {
    return { type: 'Sigmoid', args: [] };
  }
}
