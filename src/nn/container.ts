/** Containers and glue: `Sequential`, `Flatten`, `Residual` (S15). */
import { shapeStr, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from '../ops/elementwise.js';
import { flatten } from '../ops/shape.js';
import { Module } from './module.js';

/** Applies its modules in order: `y = f_k(… f_2(f_1(x)))`. Children are named `"0"`, `"1"`, …. */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((m, i) => this.registerModule(String(i), m));
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y);
    return y;
  }
}

/** Merges axes `startDim..endDim` (default 1..−1): `(N, C, H, W) → (N, C·H·W)`. */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/**
 * Residual unit (S15): `h(x) = x + f(x, θ)`, or `P(x) + f(x)` with a projection `P` (e.g. a
 * 1×1 convolution) when `f` changes the shape. Not limited to convolutions.
 */
export class Residual extends Module {
  readonly body: Module;
  readonly projection: Module | null;
  constructor(body: Module, projection?: Module) {
    super();
    this.body = this.registerModule('body', body);
    this.projection = projection ? this.registerModule('projection', projection) : null;
  }
  forward(x: Tensor): Tensor {
    const fx = this.body.forward(x);
    const skip = this.projection ? this.projection.forward(x) : x;
    if (!shapesEqual(fx.shape, skip.shape)) {
      throw new Error(
        `Residual: the body maps ${shapeStr(x.shape)} to ${shapeStr(fx.shape)}, but the skip path gives ${shapeStr(skip.shape)}; ` +
          'pass a projection that maps the input to the body\'s output shape',
      );
    }
    return add(skip, fx);
  }
}
