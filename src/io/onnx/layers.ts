/**
 * Each built-in layer as standard ONNX operators (the default domain, opset 13 or later), in
 * evaluation mode. A layer's emitter gets the value its input is in and writes the nodes that
 * compute its output; the shapes come from running the layer itself on a probe (a zero batch of
 * one), so that every padding, stride and size is the one the library computes (src/geometry/).
 *
 * | layer | ONNX |
 * |---|---|
 * | Conv2d | Conv (pads resolved, named ones included; strides, dilations, group) |
 * | LinkedConv2d | Conv with the masked weight mask ⊙ W |
 * | ConvTranspose2d | ConvTranspose (pads, output_padding, strides, dilations, group) |
 * | Linear | Gemm (transB = 1) on `(N, in)`; MatMul + Add on more axes |
 * | MaxPool2d, AvgPool2d | MaxPool, AveragePool (pads, count_include_pad; ceil mode as end padding, see `poolNode`) |
 * | AdaptiveAvgPool2d | GlobalAveragePool (output 1), AveragePool (sizes that divide the input) |
 * | Subsampling | AveragePool or MaxPool → Mul (weight as (C, 1, 1)) → Add (bias) → activation |
 * | BatchNorm1d, BatchNorm2d | BatchNormalization with the running statistics |
 * | ReLU, LeakyReLU, Tanh, Sigmoid | Relu, LeakyRelu (alpha), Tanh, Sigmoid |
 * | Flatten | Flatten (to 2-D), Reshape (other axes) |
 * | Residual | its body and projection, then Add |
 * | Sequential | its layers in order |
 * | ZeroPadShortcut | AveragePool (kernel 1, stride s) → Pad (the channel axis) |
 * | Dropout, Dropout2d, Identity | nothing (identity); a classic-mode Dropout: Mul by 1 − p |
 * | Normalize | Sub (mean) → Div (std), scalars or (C, 1, 1) |
 *
 * Layers are matched by exact class: a subclass, or a module of one's own, may compute something
 * else in its `forward`, and is reported as unsupported (so is true convolution, `F.convolve2d`,
 * which no built-in layer computes: its ONNX form would be a Conv with the kernel rotated 180°).
 */
import type { Tensor } from '../../tensor/tensor.js';
import { shapeStr } from '../../tensor/shape.js';
import { convGeometry, convTransposeGeometry } from '../../geometry/conv.js';
import { pair } from '../../geometry/options.js';
import { type Pool2dOptions, poolGeometry } from '../../geometry/pool.js';
import { linkMask } from '../../ops/linked-conv.js';
import type { AnyModule, Module } from '../../nn/module.js';
import { Conv2d, ConvTranspose2d, LinkedConv2d } from '../../nn/conv.js';
import { Linear } from '../../nn/linear.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, Subsampling } from '../../nn/pooling.js';
import { BatchNorm1d, BatchNorm2d } from '../../nn/batch-norm.js';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from '../../nn/activation.js';
import { Dropout, Dropout2d } from '../../nn/dropout.js';
import { Flatten, Identity, Residual, Sequential } from '../../nn/container.js';
import { Normalize } from '../../nn/normalize.js';
import { ZeroPadShortcut } from '../../models/resnet.js';
import { type Attribute, type GraphBuilder, float, int, ints } from './graph.js';

/** A value of the graph: its name, and the library's output for the probe (which gives its shape). */
export interface Value {
  name: string;
  probe: Tensor;
}

/** What an emitter writes into: the graph, and the layers found that cannot be exported. */
export interface EmitContext {
  graph: GraphBuilder;
  /** `path (Class): why` for each layer that cannot be exported. */
  unsupported: string[];
}

/** Writes the nodes of `m` (at `path` in the model) applied to `x`; returns its output value. */
type Emitter<M> = (m: M, path: string, x: Value, ctx: EmitContext) => Value;

/** The path of a layer as messages and node names show it (`(model)` for the root). */
export function layerName(path: string): string {
  return path === '' ? '(model)' : path;
}

/** A name under the layer's path: `3.0.body.0.weight`, `3.0.body.0/Conv`. */
function under(path: string, suffix: string, sep = '.'): string {
  return path === '' ? suffix : `${path}${sep}${suffix}`;
}

/** The float32 initializer of a parameter or buffer, named by its state-dict name. */
function param(ctx: EmitContext, path: string, name: string, t: Tensor, dims: readonly number[] = t.shape): string {
  return ctx.graph.float32(under(path, name), dims, t.data);
}

/** `m.forward(x.probe)`: the layer's own output for the probe. */
function probeOf(m: AnyModule, x: Value): Tensor {
  return (m as Module).forward(x.probe);
}

function conv(m: Conv2d | LinkedConv2d, path: string, x: Value, ctx: EmitContext): Value {
  const layer = m.constructor.name;
  const g = convGeometry(layer, x.probe.shape, m.weight.shape, m.options, 2);
  let weight: ArrayLike<number> = m.weight.data;
  if (m instanceof LinkedConv2d) {
    // mask ⊙ W: the weight the link table lets through (masked entries are zero already, kept so)
    const mask = linkMask(layer, m.table, m.weight.shape, 'float64').data;
    weight = Float64Array.from(m.weight.data, (v, i) => v * mask[i]);
  }
  const inputs = [x.name, ctx.graph.float32(under(path, 'weight'), m.weight.shape, weight)];
  if (m.bias !== null) inputs.push(param(ctx, path, 'bias', m.bias));
  const name = ctx.graph.node('Conv', inputs, under(path, 'Conv', '/'), {
    kernel_shape: ints([g.kh, g.kw]),
    strides: ints([g.strideH, g.strideW]),
    // ONNX orders pads as [top, left, bottom, right]
    pads: ints([g.padTop, g.padLeft, g.padBottom, g.padRight]),
    dilations: ints([g.dilationH, g.dilationW]),
    group: int(g.groups),
  });
  return { name, probe: probeOf(m, x) };
}

function convTranspose(m: ConvTranspose2d, path: string, x: Value, ctx: EmitContext): Value {
  const g = convTransposeGeometry('ConvTranspose2d', x.probe.shape, m.weight.shape, m.options, 2);
  const [oph, opw] = pair('ConvTranspose2d', 'outputPadding', m.options.outputPadding, 0, 2);
  const inputs = [x.name, param(ctx, path, 'weight', m.weight)];
  if (m.bias !== null) inputs.push(param(ctx, path, 'bias', m.bias));
  const name = ctx.graph.node('ConvTranspose', inputs, under(path, 'ConvTranspose', '/'), {
    kernel_shape: ints([g.kh, g.kw]),
    strides: ints([g.strideH, g.strideW]),
    pads: ints([g.padTop, g.padLeft, g.padBottom, g.padRight]),
    output_padding: ints([oph, opw]),
    dilations: ints([g.dilationH, g.dilationW]),
    group: int(g.groups),
  });
  return { name, probe: probeOf(m, x) };
}

function linear(m: Linear, path: string, x: Value, ctx: EmitContext): Value {
  const [out, inFeatures] = m.weight.shape;
  if (x.probe.ndim === 2) {
    const inputs = [x.name, param(ctx, path, 'weight', m.weight)];
    if (m.bias !== null) inputs.push(param(ctx, path, 'bias', m.bias));
    return { name: ctx.graph.node('Gemm', inputs, under(path, 'Gemm', '/'), { transB: int(1) }), probe: probeOf(m, x) };
  }
  // more than one leading axis: x · Wᵀ (+ b), Wᵀ stored (in, out)
  const wt = new Float64Array(inFeatures * out);
  for (let o = 0; o < out; o++) for (let i = 0; i < inFeatures; i++) wt[i * out + o] = m.weight.data[o * inFeatures + i];
  let name = ctx.graph.node(
    'MatMul',
    [x.name, ctx.graph.float32(under(path, 'weight_t'), [inFeatures, out], wt)],
    under(path, 'MatMul', '/'),
  );
  if (m.bias !== null) name = ctx.graph.node('Add', [name, param(ctx, path, 'bias', m.bias)], under(path, 'Add', '/'));
  return { name, probe: probeOf(m, x) };
}

/**
 * A pooling node (`MaxPool`, or `AveragePool` counting the padding in the divisor or not) with
 * `options` on `x`; returns its output's name.
 *
 * With `ceilMode` the library (as PyTorch) rounds the output size up but drops a last window that
 * would start inside the right padding, and an average's divisor counts the declared padding but
 * not the part of a last window beyond it. ONNX's ceil_mode shape formula has no such rule (ONNX
 * Runtime's kernels follow PyTorch, its shape inference does not), so ceil mode is written without
 * ceil_mode, as padding at the end that cannot change a value: −∞ for max, uncounted for average,
 * `pad_end = (H_out − 1)·s + k − H − p` (below k). An average that counts padding gets its
 * declared padding as a `Pad` node of zeros first (counted as input), then the end padding uncounted.
 */
function poolNode(layer: string, path: string, x: Value, options: Pool2dOptions, kind: 'max' | 'avg', ctx: EmitContext): string {
  const g = poolGeometry(layer, x.probe.shape, options);
  const countPad = kind === 'avg' && options.countIncludePad !== false;
  const op = kind === 'max' ? 'MaxPool' : 'AveragePool';
  const attributes: Record<string, Attribute> = { kernel_shape: ints([g.kh, g.kw]), strides: ints([g.strideH, g.strideW]) };
  let input = x.name;
  if (options.ceilMode !== true) {
    attributes.pads = ints([g.padH, g.padW, g.padH, g.padW]);
  } else {
    // the input's span the last window reaches, past the declared padding on the left
    const reachH = (g.hOut - 1) * g.strideH + g.kh - g.padH;
    const reachW = (g.wOut - 1) * g.strideW + g.kw - g.padW;
    if (countPad && (g.padH > 0 || g.padW > 0)) {
      const pads = ctx.graph.int64(under(path, 'pads'), [8], [0, 0, g.padH, g.padW, 0, 0, g.padH, g.padW]);
      input = ctx.graph.node('Pad', [input, pads], under(path, 'Pad', '/'), { mode: { string: 'constant' } });
      attributes.pads = ints([0, 0, Math.max(0, reachH - g.h - g.padH), Math.max(0, reachW - g.w - g.padW)]);
    } else {
      attributes.pads = ints([g.padH, g.padW, Math.max(g.padH, reachH - g.h), Math.max(g.padW, reachW - g.w)]);
    }
  }
  // ONNX's default does not count padding; the library's (PyTorch's) does
  if (kind === 'avg') attributes.count_include_pad = int(countPad && options.ceilMode !== true ? 1 : 0);
  return ctx.graph.node(op, [input], under(path, op, '/'), attributes);
}

function maxPool(m: MaxPool2d, path: string, x: Value, ctx: EmitContext): Value {
  return { name: poolNode('MaxPool2d', path, x, m.options, 'max', ctx), probe: probeOf(m, x) };
}

function avgPool(m: AvgPool2d, path: string, x: Value, ctx: EmitContext): Value {
  return { name: poolNode('AvgPool2d', path, x, m.options, 'avg', ctx), probe: probeOf(m, x) };
}

function adaptiveAvgPool(m: AdaptiveAvgPool2d, path: string, x: Value, ctx: EmitContext): Value {
  const probe = probeOf(m, x);
  const [h, w] = x.probe.shape.slice(-2);
  const [oh, ow] = probe.shape.slice(-2);
  if (x.probe.ndim !== 4) {
    ctx.unsupported.push(`${layerName(path)} (AdaptiveAvgPool2d): input ${shapeStr(x.probe.shape)} is not (N, C, H, W)`);
    return { name: x.name, probe };
  }
  if (oh === 1 && ow === 1) return { name: ctx.graph.node('GlobalAveragePool', [x.name], under(path, 'GlobalAveragePool', '/')), probe };
  if (h % oh !== 0 || w % ow !== 0) {
    ctx.unsupported.push(
      `${layerName(path)} (AdaptiveAvgPool2d): output ${oh}x${ow} does not divide the input ${h}x${w}, so its bins overlap ` +
        '(no standard ONNX operator pools that way; output 1, or sizes that divide the input, export)',
    );
    return { name: x.name, probe };
  }
  const kernel = [h / oh, w / ow];
  const name = ctx.graph.node('AveragePool', [x.name], under(path, 'AveragePool', '/'), {
    kernel_shape: ints(kernel),
    strides: ints(kernel),
  });
  return { name, probe };
}

/** The activation node of `kind` applied to `input` (none: `input` itself). */
function activation(kind: 'relu' | 'tanh' | 'sigmoid' | 'none', input: string, path: string, ctx: EmitContext): string {
  const op = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', none: null }[kind];
  return op === null ? input : ctx.graph.node(op, [input], under(path, op, '/'));
}

function subsampling(m: Subsampling, path: string, x: Value, ctx: EmitContext): Value {
  const pool = { kernelSize: m.options.kernelSize ?? 2, stride: m.options.stride };
  const pooled = poolNode('Subsampling', path, x, pool, m.options.pool === 'max' ? 'max' : 'avg', ctx);
  // (C) -> (C, 1, 1): broadcast over (N, C, H, W)
  const c = m.channels;
  const scaled = ctx.graph.node('Mul', [pooled, param(ctx, path, 'weight', m.weight, [c, 1, 1])], under(path, 'Mul', '/'));
  const shifted = ctx.graph.node('Add', [scaled, param(ctx, path, 'bias', m.bias, [c, 1, 1])], under(path, 'Add', '/'));
  return { name: activation(m.options.activation ?? 'sigmoid', shifted, path, ctx), probe: probeOf(m, x) };
}

function batchNorm(m: BatchNorm1d | BatchNorm2d, path: string, x: Value, ctx: EmitContext): Value {
  const probe = probeOf(m, x);
  if (m.runningMean === null || m.runningVar === null) {
    ctx.unsupported.push(
      `${layerName(path)} (${m.constructor.name}): without running statistics it normalizes by each batch's, which inference cannot`,
    );
    return { name: x.name, probe };
  }
  const c = m.numFeatures;
  const scale =
    m.weight !== null ? param(ctx, path, 'weight', m.weight) : ctx.graph.float32(under(path, 'weight'), [c], new Float32Array(c).fill(1));
  const bias = m.bias !== null ? param(ctx, path, 'bias', m.bias) : ctx.graph.float32(under(path, 'bias'), [c], new Float32Array(c));
  const inputs = [x.name, scale, bias, param(ctx, path, 'running_mean', m.runningMean), param(ctx, path, 'running_var', m.runningVar)];
  const name = ctx.graph.node('BatchNormalization', inputs, under(path, 'BatchNormalization', '/'), { epsilon: float(m.eps) });
  return { name, probe };
}

function flattenLayer(m: Flatten, path: string, x: Value, ctx: EmitContext): Value {
  const probe = probeOf(m, x);
  const rank = x.probe.ndim;
  const start = m.startDim < 0 ? m.startDim + rank : m.startDim;
  const end = m.endDim < 0 ? m.endDim + rank : m.endDim;
  if (start === 0) {
    ctx.unsupported.push(`${layerName(path)} (Flatten): it merges the batch axis, which the exported graph keeps dynamic`);
    return { name: x.name, probe };
  }
  // ONNX's Flatten always gives 2-D: (N, d1·…·dk)
  if (start === 1 && end === rank - 1)
    return { name: ctx.graph.node('Flatten', [x.name], under(path, 'Flatten', '/'), { axis: int(start) }), probe };
  // (N, d1, …, dk) -> (N, …, d_start·…·d_end, …): 0 keeps the (dynamic) batch, the rest are the probe's sizes
  const shape = [0, ...probe.shape.slice(1)];
  const target = ctx.graph.int64(under(path, 'shape'), [shape.length], shape);
  return { name: ctx.graph.node('Reshape', [x.name, target], under(path, 'Reshape', '/')), probe };
}

function zeroPadShortcut(m: ZeroPadShortcut, path: string, x: Value, ctx: EmitContext): Value {
  let name = x.name;
  // x[:, :, ::s, ::s] is a 1×1 average pooling of stride s
  if (m.stride !== 1) {
    const s = m.stride;
    name = ctx.graph.node('AveragePool', [name], under(path, 'AveragePool', '/'), { kernel_shape: ints([1, 1]), strides: ints([s, s]) });
  }
  if (m.extra > 0) {
    const before = Math.floor(m.extra / 2);
    // pads [N, C, H, W begins, then ends]: zero channels before and after the input's
    const pads = ctx.graph.int64(under(path, 'pads'), [8], [0, before, 0, 0, 0, m.extra - before, 0, 0]);
    name = ctx.graph.node('Pad', [name, pads], under(path, 'Pad', '/'), { mode: { string: 'constant' } });
  }
  return { name, probe: probeOf(m, x) };
}

function residual(m: Residual, path: string, x: Value, ctx: EmitContext): Value {
  const body = emitLayer(m.body, under(path, 'body'), x, ctx);
  const skip = m.projection === null ? x : emitLayer(m.projection, under(path, 'projection'), x, ctx);
  return { name: ctx.graph.node('Add', [skip.name, body.name], under(path, 'Add', '/')), probe: probeOf(m, x) };
}

function sequential(m: Sequential, path: string, x: Value, ctx: EmitContext): Value {
  return m.layers.reduce((y, layer, i) => emitLayer(layer, under(path, String(i)), y, ctx), x);
}

/** A layer that is the identity in evaluation mode. */
function identity(m: AnyModule, _path: string, x: Value): Value {
  return { name: x.name, probe: probeOf(m, x) };
}

function dropout(m: Dropout, path: string, x: Value, ctx: EmitContext): Value {
  // classic dropout predicts with (1 − p)·x; inverted dropout (the default) with x
  if (m.options.mode !== 'classic' || m.p === 0) return identity(m, path, x);
  const keep = ctx.graph.float32(under(path, 'keep'), [], [1 - m.p]);
  return { name: ctx.graph.node('Mul', [x.name, keep], under(path, 'Mul', '/')), probe: probeOf(m, x) };
}

/** `(x − mean)/std` as `Sub` then `Div`, with scalar or `(C, 1, …, 1)` constants. */
function normalize(m: Normalize, path: string, x: Value, ctx: EmitContext): Value {
  const probe = probeOf(m, x);
  const c = m.channels;
  const dims = c === null ? [] : [c, ...new Array<number>(x.probe.ndim - 2).fill(1)];
  const values = (v: number | number[]): number[] => (Array.isArray(v) ? v : c === null ? [v] : new Array<number>(c).fill(v));
  const mean = ctx.graph.float32(under(path, 'mean'), dims, values(m.mean));
  const std = ctx.graph.float32(under(path, 'std'), dims, values(m.std));
  const centred = ctx.graph.node('Sub', [x.name, mean], under(path, 'Sub', '/'));
  return { name: ctx.graph.node('Div', [centred, std], under(path, 'Div', '/')), probe };
}

function leakyRelu(m: LeakyReLU, path: string, x: Value, ctx: EmitContext): Value {
  const name = ctx.graph.node('LeakyRelu', [x.name], under(path, 'LeakyRelu', '/'), { alpha: float(m.negativeSlope) });
  return { name, probe: probeOf(m, x) };
}

/** An emitter for one activation operator. */
function unary(op: string): Emitter<AnyModule> {
  return (m, path, x, ctx) => ({ name: ctx.graph.node(op, [x.name], under(path, op, '/')), probe: probeOf(m, x) });
}

/** The layers that export, each by its exact class (a subclass may change what `forward` does). */
const EMITTERS = new Map<unknown, Emitter<never>>([
  [Sequential, sequential],
  [Residual, residual],
  [Conv2d, conv],
  [LinkedConv2d, conv],
  [ConvTranspose2d, convTranspose],
  [Linear, linear],
  [MaxPool2d, maxPool],
  [AvgPool2d, avgPool],
  [AdaptiveAvgPool2d, adaptiveAvgPool],
  [Subsampling, subsampling],
  [BatchNorm1d, batchNorm],
  [BatchNorm2d, batchNorm],
  [ReLU, unary('Relu')],
  [LeakyReLU, leakyRelu],
  [Tanh, unary('Tanh')],
  [Sigmoid, unary('Sigmoid')],
  [Flatten, flattenLayer],
  [Identity, identity],
  [Dropout, dropout],
  [Dropout2d, identity],
  [ZeroPadShortcut, zeroPadShortcut],
  [Normalize, normalize],
]);

/** The class names of the layers that export, for messages. */
export const EXPORTABLE_LAYERS: readonly string[] = [...EMITTERS.keys()].map((c) => (c as { name: string }).name);

/**
 * Writes the nodes of layer `m` (at `path`) applied to `x`; returns its output. A layer that does
 * not export is recorded in `ctx.unsupported` and run by the library alone (its output gets no
 * nodes), so that the walk goes on and finds every such layer.
 */
export function emitLayer(m: AnyModule, path: string, x: Value, ctx: EmitContext): Value {
  const emitter = EMITTERS.get(Object.getPrototypeOf(m)?.constructor) as Emitter<AnyModule> | undefined;
  if (emitter !== undefined) return emitter(m, path, x, ctx);
  const known = [...EMITTERS.keys()].find((c) => m instanceof (c as abstract new () => object));
  const why = known === undefined ? 'no ONNX mapping' : `a subclass of ${(known as { name: string }).name}, whose forward may differ`;
  ctx.unsupported.push(`${layerName(path)} (${m.constructor.name}): ${why}`);
  return { name: x.name, probe: probeOf(m, x) };
}
