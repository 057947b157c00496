/**
 * Sizes of built-in layers computed without building or running them, for checking what a model
 * file describes before it costs memory (src/io/model-file.ts):
 *
 * - `specWeightElements(spec)`: the weight elements a module spec creates, from its args alone
 *   (Linear `out·in`, Conv2d `out·in/groups·kh·kw`, ConvTranspose2d `in·out/groups·kh·kw`,
 *   LinkedConv2d `out·in·kh·kw`, Subsampling `2·channels`); biases are left out, so it never
 *   exceeds what the built module holds.
 * - `largestForwardTensor(model, inputShape)`: the largest tensor one forward pass makes, following
 *   the shapes through the layers with the geometry every op uses (`convGeometry`,
 *   `convTransposeGeometry`, `poolGeometry`).
 */
import { type Shape, sizeOf } from '../tensor/shape.js';
import { convGeometry, convTransposeGeometry } from '../geometry/conv.js';
import { poolGeometry } from '../geometry/pool.js';
import type { AnyModule } from './module.js';
import { Conv2d, ConvTranspose2d, LinkedConv2d } from './conv.js';
import { Linear } from './linear.js';
import { AvgPool2d, MaxPool2d, Subsampling } from './pooling.js';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from './activation.js';
import { Dropout, Dropout2d } from './dropout.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
import { Flatten, Identity, Residual, Sequential } from './container.js';

/** A positive finite number, else 0 (the constructor will reject what is not). */
function positive(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

/** `kh · kw` of a kernel size given as `k` or `[kh, kw]`. */
function kernelArea(v: unknown): number {
  if (typeof v === 'number') return positive(v) ** 2;
  return Array.isArray(v) && v.length === 2 ? positive(v[0]) * positive(v[1]) : 0;
}

/** The `groups` option of a conv spec's options (1 when absent or invalid). */
function groupsOf(options: unknown): number {
  const g = typeof options === 'object' && options !== null ? (options as { groups?: unknown }).groups : undefined;
  return Math.max(1, positive(g));
}

/**
 * The weight elements the module spec `spec` (the JSON of `Module.spec()`) would create when built,
 * summed over its tree, computed from the args alone; nesting deeper than `maxDepth` throws. A
 * weight the file holding the spec does not hold could not be loaded, so a spec describing more
 * than the file's tensors hold is refused before anything is built.
 */
export function specWeightElements(spec: unknown, maxDepth = 64, depth = 0): number {
  if (depth > maxDepth) throw new Error(`module spec nests deeper than ${maxDepth} levels`);
  if (typeof spec !== 'object' || spec === null) return 0;
  const { type, args, children } = spec as { type?: unknown; args?: unknown; children?: unknown };
  const a = Array.isArray(args) ? args : [];
  let own = 0;
  if (type === 'Linear') own = positive(a[0]) * positive(a[1]);
  else if (type === 'Conv2d') own = (positive(a[1]) * positive(a[0]) * kernelArea(a[2])) / groupsOf(a[3]);
  else if (type === 'ConvTranspose2d') own = (positive(a[0]) * positive(a[1]) * kernelArea(a[2])) / groupsOf(a[3]);
  else if (type === 'LinkedConv2d') own = positive(a[1]) * positive(a[0]) * kernelArea(a[2]);
  else if (type === 'Subsampling') own = 2 * positive(a[0]);
  const kids = Array.isArray(children) ? children : typeof children === 'object' && children !== null ? Object.values(children) : [];
  return kids.reduce((sum: number, c: unknown) => sum + specWeightElements(c, maxDepth, depth + 1), own);
}

/** The largest tensor of a forward pass: its element count, the layer that makes it, and whether every layer was followed. */
export interface LargestTensor {
  elements: number;
  layer: string;
  complete: boolean;
}

/** Modules whose output has their input's shape. */
const SHAPE_KEEPING = [ReLU, LeakyReLU, Tanh, Sigmoid, Dropout, Dropout2d, BatchNorm1d, BatchNorm2d, Identity];

/**
 * The largest tensor one forward pass of `model` on an input of `inputShape` makes — each layer's
 * output, and for a convolution its padded input too — found by following the shapes through the
 * layers without running them. It stops, with `complete: false`, at a module it does not know (a
 * custom one) or at shapes a layer would reject (the forward pass reports those in its own words);
 * what it found up to there still counts.
 */
export function largestForwardTensor(model: AnyModule, inputShape: Shape): LargestTensor {
  const largest: LargestTensor = { elements: sizeOf(inputShape), layer: 'the input', complete: true };
  const note = (shape: Shape | number, layer: string): void => {
    const elements = typeof shape === 'number' ? shape : sizeOf(shape);
    if (elements > largest.elements) [largest.elements, largest.layer] = [elements, layer];
  };
  /** The output shape of `m` on input `x`, or undefined where it cannot tell. */
  const walk = (m: AnyModule, x: Shape, path: string): Shape | undefined => {
    const name = `${path === '' ? 'the model' : `layer '${path}'`} (${m.constructor.name})`;
    const sub = (k: string | number): string => (path === '' ? String(k) : `${path}.${k}`);
    if (m instanceof Sequential) {
      let y: Shape | undefined = x;
      m.layers.forEach((layer, i) => (y = y === undefined ? undefined : walk(layer, y, sub(i))));
      return y;
    }
    if (m instanceof Residual) return walk(m.body, x, sub('body'));
    if (SHAPE_KEEPING.some((cls) => m instanceof cls)) return x;
    if (m instanceof Conv2d || m instanceof LinkedConv2d || m instanceof ConvTranspose2d) {
      const g =
        m instanceof ConvTranspose2d
          ? convTransposeGeometry('convTranspose2d', x, m.weight.shape, m.options, 2)
          : convGeometry('conv2d', x, m.weight.shape, m.options, 2);
      // a transposed conv's geometry is that of the forward conv it is the transpose of: its output is g's input
      const [h, w] = m instanceof ConvTranspose2d ? [g.h, g.w] : [g.hOut, g.wOut];
      const [padH, padW] = m instanceof ConvTranspose2d ? [g.hOut, g.wOut] : [g.h + g.padTop + g.padBottom, g.w + g.padLeft + g.padRight];
      note(x[0] * x[1] * padH * padW, `${name}, padded input`);
      const y = [x[0], m instanceof ConvTranspose2d ? g.cIn : g.cOut, h, w];
      note(y, name);
      return y;
    }
    if (m instanceof MaxPool2d || m instanceof AvgPool2d || m instanceof Subsampling) {
      const options = m instanceof Subsampling ? { kernelSize: m.options.kernelSize ?? 2, stride: m.options.stride } : m.options;
      const g = poolGeometry('pool', x, options);
      const y = [g.n, g.c, g.hOut, g.wOut];
      note(y, name);
      return y;
    }
    if (m instanceof Flatten) {
      const nd = x.length;
      const s = m.startDim < 0 ? m.startDim + nd : m.startDim;
      const e = m.endDim < 0 ? m.endDim + nd : m.endDim;
      if (nd === 0 || s < 0 || e >= nd || s > e) return undefined;
      return [...x.slice(0, s), sizeOf(x.slice(s, e + 1)), ...x.slice(e + 1)];
    }
    if (m instanceof Linear) {
      if (x.length === 0 || x[x.length - 1] !== m.weight.shape[1]) return undefined;
      const y = [...x.slice(0, -1), m.weight.shape[0]];
      note(y, name);
      return y;
    }
    return undefined;
  };
  try {
    largest.complete = walk(model, inputShape, '') !== undefined;
  } catch {
    // shapes a layer rejects: the forward pass reports them, naming the layer
    largest.complete = false;
  }
  return largest;
}
