/**
 * LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998), the classic CNN of S16, for 28×28 digits.
 *
 * Classic (faithful): the 28×28 input is zero-padded to 32×32 (padding 2), then
 *   C1 conv 6@5×5 → tanh → S2 trainable subsampling 2×2 (S9) → C3 conv 16@5×5 over the C3 link
 *   table (S7, 60 of 96 connections) → tanh → S4 trainable subsampling → C5 conv 120@5×5 → tanh
 *   → F6 84 → tanh → 10 outputs (logits; the original RBF output layer is replaced by a linear
 *   layer with cross-entropy, as in modern reimplementations).
 * Modern: ReLU activations, 2×2 max pooling, and a full C3 (all 6 inputs to every map).
 *
 * Shapes: (N, 1, 28, 28) → C1 (N, 6, 28, 28) → S2 (N, 6, 14, 14) → C3 (N, 16, 10, 10)
 *   → S4 (N, 16, 5, 5) → C5 (N, 120, 1, 1) → F6 (N, 84) → (N, 10).
 */
import type { Generator } from '../tensor/random.js';
import { LENET5_C3_TABLE } from '../ops/linked-conv.js';
import { Sequential, Flatten } from '../nn/container.js';
import { Conv2d, LinkedConv2d } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';
import { MaxPool2d, Subsampling } from '../nn/pooling.js';
import { ReLU, Tanh } from '../nn/activation.js';

/** Options of `lenet5`. */
export interface LeNet5Options {
  /** ReLU, max pooling and a full C3 instead of tanh, trainable subsampling and the link table. */
  modern?: boolean;
  /** Seeded generator for the initial weights. */
  generator?: Generator;
}

/** LeNet-5 for `(N, 1, 28, 28)` inputs and 10 classes. */
export function lenet5(options: LeNet5Options = {}): Sequential {
  const init = { generator: options.generator };
  if (options.modern) {
    return new Sequential(
      new Conv2d(1, 6, 5, { padding: 2, ...init }), // C1
      new ReLU(),
      new MaxPool2d(2), // S2
      new Conv2d(6, 16, 5, init), // C3, full
      new ReLU(),
      new MaxPool2d(2), // S4
      new Conv2d(16, 120, 5, init), // C5
      new ReLU(),
      new Flatten(),
      new Linear(120, 84, init), // F6
      new ReLU(),
      new Linear(84, 10, init),
    );
  }
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2, ...init }), // C1 on the input padded to 32×32
    new Tanh(),
    new Subsampling(6, { kernelSize: 2, activation: 'tanh' }), // S2
    new LinkedConv2d(6, 16, 5, { table: LENET5_C3_TABLE, ...init }), // C3
    new Tanh(),
    new Subsampling(16, { kernelSize: 2, activation: 'tanh' }), // S4
    new Conv2d(16, 120, 5, init), // C5
    new Tanh(),
    new Flatten(),
    new Linear(120, 84, init), // F6
    new Tanh(),
    new Linear(84, 10, init),
  );
}
