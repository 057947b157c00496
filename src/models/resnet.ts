/**
 * ResNets for small images (He, Zhang, Ren & Sun, 2016, section 4.2: the CIFAR-10 networks), built
 * from residual units (S15) with batch normalization.
 *
 *   stem: conv 3×3, 16 channels → BN → ReLU
 *   stage 1: n basic blocks of 16 channels; stage 2: n blocks of 32, the first with stride 2;
 *   stage 3: n blocks of 64, the first with stride 2
 *   head: global average pooling → linear to the classes
 *
 * A basic block is `relu(x' + BN(conv3×3(relu(BN(conv3×3(x))))))` with `x' = x`, or, where the
 * block halves the size and doubles the channels, a shortcut: `'zero-pad'` (the paper's option A:
 * every second row and column of x, the new channels zero — no parameters) or `'projection'`
 * (option B: a strided 1×1 convolution and BN). The depth is 6n + 2: n = 1 gives `resnet8`
 * (75,002 parameters on 1-channel input), n = 3 `resnet20` (269,722 on 3-channel input, the
 * paper's 0.27 M).
 *
 * Shapes: (N, C, H, W) → stem (N, 16, H, W) → stage 2 (N, 32, ⌈H/2⌉, ⌈W/2⌉) → stage 3
 * (N, 64, ⌈H/4⌉, ⌈W/4⌉) → pooled (N, 64) → (N, classes). 28×28 digits and 32×32 colour images both fit.
 *
 * The tree is made of built-in containers — `Sequential(stem…, block…, AdaptiveAvgPool2d(1),
 * Flatten, Linear)`, each block `Sequential(Residual(body, shortcut), ReLU)` — so that its
 * parameter names are PyTorch's for the same nesting (`3.0.body.0.weight`, `3.0.body.1.running_mean`)
 * and `nn.foldBatchNorm` folds every convolution's BN for inference.
 *
 * Initialization, as is usual for these networks: Kaiming-normal convolutions (fan out, ReLU gain),
 * BN weights 1 and biases 0 — and, with `zeroInitResidual` (default true), the last BN of each
 * block starts at weight 0, so that every block starts as the identity (Goyal et al., 2017).
 */
import { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/random.js';
import { shapeStr } from '../tensor/shape.js';
import { pad } from '../ops/pad.js';
import { avgPool2d } from '../ops/pool.js';
import { Module, type ModuleSpec } from '../nn/module.js';
import { Flatten, Residual, Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/batch-norm.js';
import { Linear } from '../nn/linear.js';
import { AdaptiveAvgPool2d } from '../nn/pooling.js';
import { ReLU } from '../nn/activation.js';
import { kaimingNormal_, zeros_ } from '../nn/init.js';

/** The shortcut of a block that changes the shape (the paper's options A and B). */
export type ResNetShortcut = 'zero-pad' | 'projection';

/** The largest options `resnet` builds (ResNet-1202, the paper's deepest, has 200 blocks per stage). */
export const RESNET_LIMITS = Object.freeze({ blocksPerStage: 256, inChannels: 1024, classes: 100_000 });

/** Options of `resnet`. */
export interface ResNetOptions {
  /** Basic blocks per stage, n (depth 6n + 2); default 3 (ResNet-20). */
  blocksPerStage?: number;
  /** Input channels (1 for digits, 3 for colour images); default 1. */
  inChannels?: number;
  /** Classes; default 10. */
  classes?: number;
  /** Shortcut where a block halves the size and doubles the channels; default `'zero-pad'`. */
  shortcut?: ResNetShortcut;
  /** Start the last BN of every block at weight 0, so that each block starts as the identity; default true. */
  zeroInitResidual?: boolean;
  /** Seeded generator for the initial weights. */
  generator?: Generator;
}

/**
 * The paper's option A shortcut: `x[:, :, ::s, ::s]` with `extra` zero channels added (half before,
 * half after the input's), so that the identity path matches a block that strides by `s` and
 * widens by `extra` channels. No parameters.
 *
 * Shape: (N, C, H, W) → (N, C + extra, ⌈H/s⌉, ⌈W/s⌉).
 */
export class ZeroPadShortcut extends Module {
  constructor(
    readonly extra: number,
    readonly stride = 2,
  ) {
    super();
    if (!Number.isInteger(extra) || extra < 0) throw new Error(`ZeroPadShortcut: extra must be a non-negative integer, got ${extra}`);
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`ZeroPadShortcut: stride must be a positive integer, got ${stride}`);
  }
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4) throw new Error(`ZeroPadShortcut: expected input of shape (N, C, H, W), got ${shapeStr(x.shape)}`);
    // x[:, :, ::s, ::s] as a 1×1 average pooling with stride s: the same values, on the backend's pooling kernels
    const strided = this.stride === 1 ? x : avgPool2d(x, { kernelSize: 1, stride: this.stride });
    const before = Math.floor(this.extra / 2);
    return this.extra === 0 ? strided : pad(strided, [0, 0, 0, 0, before, this.extra - before]);
  }
  override spec(): ModuleSpec | null {
    return null;
  }
  override describe(): string {
    return `ZeroPadShortcut(extra=${this.extra}, stride=${this.stride})`;
  }
}

/** A 3×3 convolution without bias (BN follows), Kaiming-normal initialized (fan out, ReLU). */
function conv3x3(cin: number, cout: number, stride: number, generator: Generator | undefined): Conv2d {
  const conv = new Conv2d(cin, cout, 3, { stride, padding: 1, bias: false, generator });
  kaimingNormal_(conv.weight, { mode: 'fanOut', nonlinearity: 'relu', generator });
  return conv;
}

/** One basic block: `relu(shortcut(x) + BN(conv(relu(BN(conv(x))))))`. */
function basicBlock(
  cin: number,
  cout: number,
  stride: number,
  options: Required<Omit<ResNetOptions, 'generator'>> & ResNetOptions,
): Sequential {
  const g = options.generator;
  const lastBn = new BatchNorm2d(cout);
  if (options.zeroInitResidual && lastBn.weight !== null) zeros_(lastBn.weight);
  const body = new Sequential(conv3x3(cin, cout, stride, g), new BatchNorm2d(cout), new ReLU(), conv3x3(cout, cout, 1, g), lastBn);
  let shortcut: Module | undefined;
  if (stride !== 1 || cin !== cout) {
    if (options.shortcut === 'zero-pad') shortcut = new ZeroPadShortcut(cout - cin, stride);
    else {
      const projection = new Conv2d(cin, cout, 1, { stride, bias: false, generator: g });
      kaimingNormal_(projection.weight, { mode: 'fanOut', nonlinearity: 'relu', generator: g });
      shortcut = new Sequential(projection, new BatchNorm2d(cout));
    }
  }
  return new Sequential(new Residual(body, shortcut), new ReLU());
}

/** A CIFAR-style ResNet of depth 6n + 2 (see the file's header). */
export function resnet(options: ResNetOptions = {}): Sequential {
  const known = ['blocksPerStage', 'inChannels', 'classes', 'shortcut', 'zeroInitResidual', 'generator'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`resnet: unknown option '${key}' (known: ${known.join(', ')})`);
  }
  const o = {
    blocksPerStage: options.blocksPerStage ?? 3,
    inChannels: options.inChannels ?? 1,
    classes: options.classes ?? 10,
    shortcut: options.shortcut ?? 'zero-pad',
    zeroInitResidual: options.zeroInitResidual ?? true,
    generator: options.generator,
  };
  // bounded, so that a model file naming this architecture cannot ask for gigabytes of weights
  for (const key of ['blocksPerStage', 'inChannels', 'classes'] as const) {
    const max = RESNET_LIMITS[key];
    if (!Number.isInteger(o[key]) || o[key] < 1 || o[key] > max) {
      throw new Error(`resnet: ${key} must be an integer in [1, ${max}], got ${JSON.stringify(o[key])}`);
    }
  }
  if (o.shortcut !== 'zero-pad' && o.shortcut !== 'projection') {
    throw new Error(`resnet: shortcut must be 'zero-pad' or 'projection', got ${JSON.stringify(o.shortcut)}`);
  }
  const layers: Module[] = [conv3x3(o.inChannels, 16, 1, o.generator), new BatchNorm2d(16), new ReLU()];
  let cin = 16;
  for (const [cout, stride] of [
    [16, 1],
    [32, 2],
    [64, 2],
  ]) {
    for (let b = 0; b < o.blocksPerStage; b++) {
      layers.push(basicBlock(cin, cout, b === 0 ? stride : 1, o));
      cin = cout;
    }
  }
  layers.push(new AdaptiveAvgPool2d(1), new Flatten(), new Linear(64, o.classes, { generator: o.generator }));
  return new Sequential(...layers);
}
