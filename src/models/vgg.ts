/**
 * A small VGG-style network with batch normalization (Simonyan & Zisserman, 2014: stacks of 3×3
 * convolutions closed by max pooling; Ioffe & Szegedy, 2015: BN after each convolution) — the
 * "small BN CNN" for 28×28 images: more accurate on Fashion-MNIST than `resnet8` for the same
 * training time on a CPU, because its work is in a few wide layers rather than many narrow ones.
 *
 *   stage s (s = 1, 2): conv 3×3 → BN → ReLU, conv 3×3 → BN → ReLU (widths[s] channels), max pool 2×2
 *   head: flatten → dropout → linear to `hidden` → BN → ReLU → dropout → linear to the classes
 *
 * Shapes (defaults, 28×28 input): (N, 1, 28, 28) → stage 1 (N, 32, 14, 14) → stage 2
 * (N, 64, 7, 7) → (N, 3136) → (N, 128) → (N, 10). `vgg6` — six layers with weights — has
 * 468,138 parameters (as PyTorch counts the same layers) on 1-channel input.
 *
 * Built from the library's layers in one `Sequential`, so that the parameter names are PyTorch's
 * for the same layer list (`bench/torch_fashion.py`'s `VGG`), `Sequential` runs each BN → ReLU as
 * one op, and `nn.foldBatchNorm` folds the convolutions' BN for inference. Convolutions are
 * Kaiming-normal (fan out, ReLU gain) without bias (BN follows).
 */
import type { Generator } from '../tensor/random.js';
import { Module } from '../nn/module.js';
import { Flatten, Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/batch-norm.js';
import { Linear } from '../nn/linear.js';
import { MaxPool2d } from '../nn/pooling.js';
import { ReLU } from '../nn/activation.js';
import { Dropout } from '../nn/dropout.js';
import { kaimingNormal_ } from '../nn/init.js';

/** The largest options `vgg` builds, so that a model file naming it cannot ask for gigabytes of weights. */
export const VGG_LIMITS = Object.freeze({ width: 1024, hidden: 65_536, inChannels: 1024, size: 1024, classes: 100_000 });

/** Options of `vgg`. */
export interface VggOptions {
  /** Channels of the two stages; default [32, 64]. */
  widths?: [number, number];
  /** Width of the hidden linear layer; default 128. */
  hidden?: number;
  /** Dropout probability before each linear layer of the head; default 0.25. */
  dropout?: number;
  /** Input channels; default 1. */
  inChannels?: number;
  /** Input height and width (a multiple of 4); default 28. */
  size?: number;
  /** Classes; default 10. */
  classes?: number;
  /** Seeded generator for the initial weights (the dropout masks come from the global generator, which checkpoints save). */
  generator?: Generator;
}

function positiveInt(name: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new Error(`vgg: ${name} must be an integer in [1, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The small VGG-style BN network of the file's header. */
export function vgg(options: VggOptions = {}): Sequential {
  const known = ['widths', 'hidden', 'dropout', 'inChannels', 'size', 'classes', 'generator'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`vgg: unknown option '${key}' (known: ${known.join(', ')})`);
  }
  const widths = options.widths ?? [32, 64];
  if (!Array.isArray(widths) || widths.length !== 2)
    throw new Error(`vgg: widths must be two channel counts, got ${JSON.stringify(widths)}`);
  widths.forEach((w, i) => positiveInt(`widths[${i}]`, w, VGG_LIMITS.width));
  const hidden = positiveInt('hidden', options.hidden ?? 128, VGG_LIMITS.hidden);
  const inChannels = positiveInt('inChannels', options.inChannels ?? 1, VGG_LIMITS.inChannels);
  const size = positiveInt('size', options.size ?? 28, VGG_LIMITS.size);
  const classes = positiveInt('classes', options.classes ?? 10, VGG_LIMITS.classes);
  const dropout = options.dropout ?? 0.25;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw new Error(`vgg: dropout must be in [0, 1), got ${dropout}`);
  if (size % 4 !== 0) throw new Error(`vgg: size must be a multiple of 4 (two 2×2 poolings), got ${size}`);
  const generator = options.generator;
  const layers: Module[] = [];
  let cin = inChannels;
  for (const w of widths) {
    for (let k = 0; k < 2; k++) {
      const conv = new Conv2d(cin, w, 3, { padding: 1, bias: false, generator });
      kaimingNormal_(conv.weight, { mode: 'fanOut', nonlinearity: 'relu', generator });
      layers.push(conv, new BatchNorm2d(w), new ReLU());
      cin = w;
    }
    layers.push(new MaxPool2d(2));
  }
  const features = cin * (size / 4) * (size / 4);
  layers.push(
    new Flatten(),
    new Dropout(dropout),
    new Linear(features, hidden, { bias: false, generator }),
    new BatchNorm1d(hidden),
    new ReLU(),
    new Dropout(dropout),
    new Linear(hidden, classes, { generator }),
  );
  return new Sequential(...layers);
}
