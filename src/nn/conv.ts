/**
 * Convolution layers: thin modules over `F.conv2d`, `F.convTranspose2d` and `F.linkedConv2d`. Their
 * output sizes are computed by the functions of src/geometry/output-size.ts, where the formulas
 * are written once.
 */
import type { Tensor } from '../tensor/tensor.js';
import { conv2d } from '../ops/conv.js';
import { convTranspose2d } from '../ops/conv-transpose.js';
import { type LinkTable, linkCount, linkMask, linkedConv2d } from '../ops/linked-conv.js';
import type { Conv2dOptions, ConvTranspose2dOptions } from '../geometry/conv.js';
import { type Size2d, checkPositiveInt, pair } from '../geometry/options.js';
import { Module, type ModuleSpec } from './module.js';
import { type InitOptions, uniformFanIn } from './init.js';
import { checkOptions } from '../tensor/arguments.js';

/** Options of the `Conv2d` layer: `conv2d`'s options plus bias and initialization. */
export interface Conv2dLayerOptions extends Conv2dOptions, InitOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/** Constructor options as JSON for a module spec: the defined ones, no generator, a float64 dtype kept. */
export function specOptions(options: object, weight: Tensor): Record<string, unknown> {
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k !== 'generator'));
  if (weight.dtype !== 'float32') out.dtype = weight.dtype;
  return out;
}

function describeOptions(options: object): string {
  return Object.entries(options)
    .filter(([k, v]) => v !== undefined && k !== 'generator' && k !== 'dtype' && k !== 'table')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
}

/**
 * Validates a convolution layer's channel counts, kernel size and groups; returns `[kh, kw, groups]`.
 */
/** The kernel's `[m, n]`, each a positive integer (`kernelSize` 5 or `[5, 3]`). */
function kernelPair(layer: string, kernelSize: Size2d): [number, number] {
  const [kh, kw] = pair(layer, 'kernelSize', kernelSize, 1, 2);
  if (![kh, kw].every((k) => Number.isInteger(k) && k >= 1)) {
    throw new Error(`${layer}: kernelSize must be a positive integer or a pair of them, got ${JSON.stringify(kernelSize)}`);
  }
  return [kh, kw];
}

function checkLayerShape(
  layer: string,
  inChannels: number,
  outChannels: number,
  kernelSize: Size2d,
  groupsOption: number | undefined,
): [number, number, number] {
  checkPositiveInt(layer, 'inChannels', inChannels);
  checkPositiveInt(layer, 'outChannels', outChannels);
  const [kh, kw] = kernelPair(layer, kernelSize);
  const groups = groupsOption ?? 1;
  checkPositiveInt(layer, 'groups', groups);
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(`${layer}: inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${groups}`);
  }
  return [kh, kw, groups];
}

/**
 * 2-D convolution layer (S6): `Y^p = Σ_d W^{p,d} ⊗ X^d + b^p`, with `conv2d`'s options.
 *
 * Shape:
 * - input `(N, Cin, H, W)` or `(Cin, H, W)`
 * - output `(N, Cout, H_out, W_out)` or `(Cout, H_out, W_out)`, each size by `convOutputSize`
 * - weight `(Cout, Cin/groups, m, n)`, bias `(Cout)`: `P·D·m·n + P` parameters (P = Cout,
 *   D = Cin/groups)
 */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly options: Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Size2d,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    checkOptions('Conv2d', options, ['stride', 'padding', 'dilation', 'groups', 'bias', 'generator', 'dtype']);
    const [kh, kw, groups] = checkLayerShape('Conv2d', inChannels, outChannels, kernelSize, options.groups);
    const fanIn = (inChannels / groups) * kh * kw;
    this.weight = this.registerParameter('weight', uniformFanIn([outChannels, inChannels / groups, kh, kw], fanIn, options));
    this.bias = options.bias === false ? null : this.registerParameter('bias', uniformFanIn([outChannels], fanIn, options));
    this.options = { stride: options.stride, padding: options.padding, dilation: options.dilation, groups: options.groups };
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options);
  }

  override spec(): ModuleSpec {
    const options = specOptions({ ...this.options, bias: this.bias !== null }, this.weight);
    return { type: 'Conv2d', args: [this.inChannels, this.outChannels, this.kernelSize, options] };
  }

  override describe(): string {
    const extra = describeOptions(this.options);
    return `Conv2d(${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)}${extra ? `, ${extra}` : ''})`;
  }
}

/** Options of the `ConvTranspose2d` layer: `convTranspose2d`'s options plus bias and initialization. */
export interface ConvTranspose2dLayerOptions extends ConvTranspose2dOptions, InitOptions {
  bias?: boolean;
}

/**
 * 2-D transposed convolution layer (S17, S18), with `convTranspose2d`'s options.
 *
 * Shape:
 * - input `(N, Cin, H, W)` or `(Cin, H, W)`
 * - output `(N, Cout, H_out, W_out)` or `(Cout, H_out, W_out)`, each size by `convTransposeOutputSize`
 * - weight `(Cin, Cout/groups, m, n)`, bias `(Cout)`
 */
export class ConvTranspose2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly options: ConvTranspose2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Size2d,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    checkOptions('ConvTranspose2d', options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias', 'generator', 'dtype']);
    const [kh, kw, groups] = checkLayerShape('ConvTranspose2d', inChannels, outChannels, kernelSize, options.groups);
    // PyTorch computes fan-in from weight.size(1) · m · n for transposed convolutions
    const fanIn = (outChannels / groups) * kh * kw;
    this.weight = this.registerParameter('weight', uniformFanIn([inChannels, outChannels / groups, kh, kw], fanIn, options));
    this.bias = options.bias === false ? null : this.registerParameter('bias', uniformFanIn([outChannels], fanIn, options));
    this.options = {
      stride: options.stride,
      padding: options.padding,
      outputPadding: options.outputPadding,
      dilation: options.dilation,
      groups: options.groups,
    };
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.options);
  }

  override spec(): ModuleSpec {
    const options = specOptions({ ...this.options, bias: this.bias !== null }, this.weight);
    return { type: 'ConvTranspose2d', args: [this.inChannels, this.outChannels, this.kernelSize, options] };
  }

  override describe(): string {
    const extra = describeOptions(this.options);
    return `ConvTranspose2d(${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)}${extra ? `, ${extra}` : ''})`;
  }
}

/** Options of the `LinkedConv2d` layer: the link table, `conv2d`'s options (no groups), bias and initialization. */
export interface LinkedConv2dLayerOptions extends Omit<Conv2dOptions, 'groups'>, InitOptions {
  /** The link table `T[P][D]` (S7): 1 where output map p sees input map d. */
  table: LinkTable;
  bias?: boolean;
}

/**
 * Convolution restricted by a link table (S7): `Y^p = Σ_{d: T[p][d]=1} W^{p,d} ⊗ X^d + b^p`.
 * The weight is stored dense; masked entries are zero, get zero gradient and are not counted in
 * `numParameters()`.
 *
 * Shape:
 * - input `(N, D, H, W)` or `(D, H, W)`
 * - output `(N, P, H_out, W_out)` or `(P, H_out, W_out)`, each size by `convOutputSize`
 * - weight `(P, D, m, n)`, bias `(P)`: `links·m·n + P` parameters
 */
export class LinkedConv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly table: LinkTable;
  readonly options: Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Size2d,
    options: LinkedConv2dLayerOptions,
  ) {
    super();
    checkOptions('LinkedConv2d', options, ['stride', 'padding', 'dilation', 'table', 'bias', 'generator', 'dtype']);
    checkPositiveInt('LinkedConv2d', 'inChannels', inChannels);
    checkPositiveInt('LinkedConv2d', 'outChannels', outChannels);
    const [kh, kw] = kernelPair('LinkedConv2d', kernelSize);
    const shape = [outChannels, inChannels, kh, kw];
    const mask = linkMask('LinkedConv2d', options.table, shape, options.dtype ?? 'float32');
    this.table = options.table;
    // PyTorch's U(−1/√fanIn, 1/√fanIn), where output map p's fan-in counts only its linked maps:
    // draw U(−1, 1), then scale row p by 1/√(links_p·m·n) and zero the masked entries
    const weight = uniformFanIn(shape, 1, options);
    const bias = uniformFanIn([outChannels], 1, options);
    const rowSize = inChannels * kh * kw;
    for (let p = 0; p < outChannels; p++) {
      const links = options.table[p].filter((v) => v === 1 || v === true).length;
      const bound = links > 0 ? 1 / Math.sqrt(links * kh * kw) : 0;
      for (let i = p * rowSize; i < (p + 1) * rowSize; i++) weight.data[i] *= bound * mask.data[i];
      bias.data[p] *= bound;
    }
    this.weight = this.registerParameter('weight', weight);
    this.bias = options.bias === false ? null : this.registerParameter('bias', bias);
    this.options = { stride: options.stride, padding: options.padding, dilation: options.dilation };
  }

  forward(x: Tensor): Tensor {
    return linkedConv2d(x, this.weight, this.bias, { ...this.options, table: this.table });
  }

  override spec(): ModuleSpec {
    const options = specOptions({ ...this.options, table: this.table, bias: this.bias !== null }, this.weight);
    return { type: 'LinkedConv2d', args: [this.inChannels, this.outChannels, this.kernelSize, options] };
  }

  override numParameters(): number {
    return linkCount(this.table) * this.weight.shape[2] * this.weight.shape[3] + (this.bias?.size ?? 0);
  }

  override describe(): string {
    const extra = describeOptions(this.options);
    return `LinkedConv2d(${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)}, links=${linkCount(this.table)}${extra ? `, ${extra}` : ''})`;
  }
}
