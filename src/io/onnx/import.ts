/**
 * ONNX import: an ONNX model file (protobuf bytes) as a module of the library's own layers, for
 * the operator subset that `exportOnnx` writes and that `torch.onnx.export` writes for the same
 * kinds of layers. The result is an `nn.Sequential` (with `nn.Residual` units where the graph
 * forks and joins at an `Add`), so it runs on every backend, its parameters are trainable, its
 * `stateDict()` / `loadStateDict()` work, and `model.train()` fine-tunes it.
 *
 *     input  (N, C, H, W)  float32, one graph input (the batch axis may be dynamic)
 *     output the graph's one output
 *
 * | ONNX | layer |
 * |---|---|
 * | Conv (pads, strides, dilations, group; bias optional) | Conv2d |
 * | ConvTranspose (pads, output_padding, strides, dilations, group) | ConvTranspose2d |
 * | Gemm (transB 0 or 1, alpha = beta = 1), MatMul (+ Add of a constant) | Linear |
 * | MaxPool, AveragePool (pads symmetric, count_include_pad, ceil_mode) | MaxPool2d, AvgPool2d |
 * | MaxPool, AveragePool with more padding at the end (how exportOnnx writes ceil mode) | MaxPool2d, AvgPool2d with ceilMode |
 * | MaxPool or AveragePool → Mul (C, 1, 1) → Add (C, 1, 1) [→ Relu, Tanh, Sigmoid] | Subsampling |
 * | GlobalAveragePool | AdaptiveAvgPool2d(1) |
 * | Relu, LeakyRelu, Tanh, Sigmoid | ReLU, LeakyReLU, Tanh, Sigmoid |
 * | Flatten (axis 1), Reshape to (N, −1) or (0, k) | Flatten |
 * | BatchNormalization (evaluation: running statistics) | BatchNorm2d, BatchNorm1d on (N, C) |
 * | a fork joined by Add | Residual(body, projection) |
 * | [AveragePool kernel 1, stride s →] Pad of the channel axis (zeros) | ZeroPadShortcut |
 * | Pad of H and W (zeros, symmetric) → AveragePool (PyTorch's count_include_pad) | AvgPool2d |
 * | Dropout, Identity | nothing |
 * | Sub (constant mean) → Div (constant std), scalars or (C, 1, 1) | Normalize (exportOnnx's folded normalization) |
 *
 * Constants come from initializers or `Constant` nodes. Anything else (an operator, an attribute
 * such as `auto_pad` other than NOTSET, an input that is not 4-D) is one error that lists every
 * node it concerns, by operator and name. Browser-safe: bytes in, module out.
 */
import { shapeStr } from '../../tensor/shape.js';
import { zeros } from '../../tensor/creation.js';
import { noGrad } from '../../autograd/engine.js';
import type { Module } from '../../nn/module.js';
import { Conv2d, ConvTranspose2d } from '../../nn/conv.js';
import { Linear } from '../../nn/linear.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, Subsampling } from '../../nn/pooling.js';
import { BatchNorm1d, BatchNorm2d } from '../../nn/batch-norm.js';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from '../../nn/activation.js';
import { Flatten, Residual, Sequential } from '../../nn/container.js';
import { ZeroPadShortcut } from '../../models/resnet.js';
import { Normalize } from '../../nn/normalize.js';
import { DataType, type NodeProto, decodeModelProto } from './schema.js';
import { Attributes, type Constant, Graph, IMPORTABLE_OPERATORS, fill, nodeName, nodeProblems, transpose2d } from './import-graph.js';

/** A layer made from one node or a run of nodes: the layer (null: identity), the nodes used, the output's rank. */
interface Matched {
  layer: Module | null;
  nodes: NodeProto[];
  rank: number;
}

/** The output shape of `layer` (without the batch axis) for inputs of `shape`, by running it once on zeros; null when unknown. */
function probeShape(layer: Module, shape: number[] | null): number[] | null {
  if (shape === null) return null;
  const training = layer.training;
  layer.eval(); // BatchNorm on one value per channel needs its running statistics
  try {
    return noGrad(() => layer.forward(zeros([1, ...shape]))).shape.slice(1);
  } finally {
    layer.train(training);
  }
}

/** ONNX pads `[top, left, bottom, right]` as the library's padding: `[ph, pw]`, or `[top, bottom, left, right]`. */
function padding(pads: number[]): [number, number] | [number, number, number, number] {
  const [top, left, bottom, right] = pads;
  return top === bottom && left === right ? [top, left] : [top, bottom, left, right];
}

function convLayer(g: Graph, n: NodeProto, a: Attributes): Module {
  const w = g.constant(n, 1) as Constant;
  const b = g.constant(n, 2);
  const groups = a.int('group', 1);
  const transposed = n.opType === 'ConvTranspose';
  // Conv weight (Cout, Cin/groups, kh, kw); ConvTranspose weight (Cin, Cout/groups, kh, kw)
  const [w0, w1, kh, kw] = w.dims;
  const common = {
    stride: a.ints('strides', [1, 1]) as [number, number],
    padding: padding(a.ints('pads', [0, 0, 0, 0])),
    dilation: a.ints('dilations', [1, 1]) as [number, number],
    groups,
    bias: b !== null,
  };
  const layer = transposed
    ? new ConvTranspose2d(w0, w1 * groups, [kh, kw], { ...common, outputPadding: a.ints('output_padding', [0, 0]) as [number, number] })
    : new Conv2d(w1 * groups, w0, [kh, kw], common);
  fill(layer.weight, w, `${nodeName(n)}'s weight`);
  if (b !== null) fill(layer.bias, b, `${nodeName(n)}'s bias`);
  return layer;
}

/** Gemm, or MatMul followed (or not) by an Add of a constant bias, as a Linear. */
function linearLayer(g: Graph, n: NodeProto, a: Attributes): { layer: Linear; nodes: NodeProto[] } {
  const b = g.constant(n, 1) as Constant;
  // Linear's weight is (out, in): Gemm's B with transB = 1; Bᵀ for MatMul or transB = 0
  const weight = n.opType === 'Gemm' && a.int('transB', 0) === 1 ? b : transpose2d(b);
  const nodes = [n];
  let bias = n.opType === 'Gemm' ? g.constant(n, 2) : null;
  const add = n.opType === 'MatMul' ? g.soleNext(n, ['Add']) : null;
  if (add !== null && !g.isJoin(add)) {
    bias = g.constant(add, add.input[0] === n.output[0] ? 1 : 0);
    nodes.push(add);
  }
  const [out, inFeatures] = weight.dims;
  if (bias !== null && bias.values.length !== out) {
    throw new Error(`importOnnx: ${nodeName(nodes.at(-1) as NodeProto)}: bias of shape ${shapeStr(bias.dims)} for ${out} outputs`);
  }
  const layer = new Linear(inFeatures, out, { bias: bias !== null });
  fill(layer.weight, weight, `${nodeName(n)}'s weight`);
  if (bias !== null) fill(layer.bias, bias, `${nodeName(n)}'s bias`);
  return { layer, nodes };
}

/** A channel `Pad` `[0, before, 0, 0, 0, after, 0, 0]` with `after − before` 0 or 1: ZeroPadShortcut's extra channels, or null. */
function channelPad(g: Graph, n: NodeProto): number | null {
  const pads = g.constant(n, 1);
  const value = g.constant(n, 2);
  if (pads === null || pads.values.length !== 8 || (value !== null && value.values.some((v) => v !== 0))) return null;
  const p = [...pads.values];
  const [before, after] = [p[1], p[5]];
  const others = p.filter((_, i) => i !== 1 && i !== 5);
  return others.every((v) => v === 0) && after - before >= 0 && after - before <= 1 ? before + after : null;
}

/**
 * `Pad` of the spatial axes with zeros, the same before and after, then an `AveragePool` without
 * pads: an average pooling that counts its padding (how PyTorch exports `count_include_pad=True`).
 */
function paddedAvgPool(g: Graph, n: NodeProto, shape: number[] | null): Matched | null {
  const pads = g.constant(n, 1);
  const value = g.constant(n, 2);
  const pool = g.soleNext(n, ['AveragePool']);
  if (pool === null || pads === null || pads.values.length !== 8 || (value !== null && value.values.some((v) => v !== 0))) return null;
  // pads [N, C, H, W begins, then ends]
  const [n0, c0, top, left, n1, c1, bottom, right] = pads.values;
  const a = new Attributes(pool);
  if (n0 !== 0 || c0 !== 0 || n1 !== 0 || c1 !== 0 || top !== bottom || left !== right) return null;
  const inner = a.ints('pads', [0, 0, 0, 0]);
  if (inner[0] !== 0 || inner[1] !== 0 || a.int('ceil_mode', 0) !== 0 || a.int('count_include_pad', 0) !== 0) return null;
  const kernel = a.ints('kernel_shape', []) as [number, number];
  const options = {
    stride: a.ints('strides', [1, 1]) as [number, number],
    padding: [top, left] as [number, number],
    countIncludePad: true,
  };
  if (inner[2] === 0 && inner[3] === 0) return { layer: new AvgPool2d(kernel, options), nodes: [n, pool], rank: 4 };
  // uncounted padding at the end only: how exportOnnx writes a ceil-mode average that counts its declared padding
  const layer = ceilModePool(g, pool, 'avg', kernel, options, [top + inner[2], left + inner[3]], shape);
  return layer === null ? null : { layer, nodes: [n, pool], rank: 4 };
}

/**
 * The ceil-mode pooling that the ONNX pooling `n` computes with end padding `end` (`[bottom,
 * right]`, beyond the declared `options.padding`) — the way exportOnnx writes ceil mode — or null
 * (with a note in `g.unsupported` when the input's size is unknown). The end padding cannot change
 * a value (−∞ for max; uncounted for average), so the two agree exactly when they give the same
 * output size, which is checked on the input's `shape`.
 */
function ceilModePool(
  g: Graph,
  n: NodeProto,
  kind: 'max' | 'avg',
  kernel: [number, number],
  options: { stride: [number, number]; padding: [number, number]; countIncludePad?: boolean },
  end: [number, number],
  shape: number[] | null,
): MaxPool2d | AvgPool2d | null {
  if (shape === null || shape.length !== 3) {
    g.unsupported.push(
      `${nodeName(n)}: more padding at the end than at the start, on an input whose height and width the graph does not fix`,
    );
    return null;
  }
  const { countIncludePad, ...common } = options;
  const layer =
    kind === 'max'
      ? new MaxPool2d(kernel, { ...common, ceilMode: true })
      : new AvgPool2d(kernel, { ...common, countIncludePad, ceilMode: true });
  const [, h, w] = shape;
  const onnx = [0, 1].map((i) => Math.floor(([h, w][i] + options.padding[i] + end[i] - kernel[i]) / options.stride[i]) + 1);
  const ours = probeShape(layer, shape) as number[];
  if (ours[1] !== onnx[0] || ours[2] !== onnx[1]) {
    g.unsupported.push(
      `${nodeName(n)}: pads ${JSON.stringify([...options.padding, ...end])} on a ${h}×${w} input (padding larger at the end is imported only as ceil mode, which gives ${ours[1]}×${ours[2]} here, not ${onnx[0]}×${onnx[1]})`,
    );
    return null;
  }
  return layer;
}

function poolLayer(g: Graph, n: NodeProto, a: Attributes, shape: number[] | null): Matched {
  const kernel = a.ints('kernel_shape', []) as [number, number];
  const stride = a.ints('strides', [1, 1]) as [number, number];
  const pads = a.ints('pads', [0, 0, 0, 0]);
  const isMax = n.opType === 'MaxPool';
  // AveragePool 1×1 (no padding) → Pad of the channels: the ResNet zero-padding shortcut
  const pad =
    !isMax && kernel.every((k) => k === 1) && pads.every((p) => p === 0) && stride[0] === stride[1] ? g.soleNext(n, ['Pad']) : null;
  const extra = pad === null ? null : channelPad(g, pad);
  if (pad !== null && extra !== null) return { layer: new ZeroPadShortcut(extra, stride[0]), nodes: [n, pad], rank: 4 };
  // pooling → Mul (C, 1, 1) → Add (C, 1, 1) [→ activation]: LeNet-5's Subsampling
  const mul = pads.every((p) => p === 0) && a.int('ceil_mode', 0) === 0 ? g.soleNext(n, ['Mul']) : null;
  const add = mul === null ? null : g.soleNext(mul, ['Add']);
  const w = mul === null ? null : g.constant(mul, mul.input[0] === n.output[0] ? 1 : 0);
  const b = add === null || g.isJoin(add) ? null : g.constant(add, add.input[0] === mul?.output[0] ? 1 : 0);
  if (mul !== null && add !== null && w !== null && b !== null && w.dims.length === 3 && w.dims[1] === 1 && w.dims[2] === 1) {
    const next = g.soleNext(add, ['Relu', 'Tanh', 'Sigmoid']);
    const activation = next === null ? 'none' : ({ Relu: 'relu', Tanh: 'tanh', Sigmoid: 'sigmoid' } as const)[next.opType as 'Relu'];
    const layer = new Subsampling(w.dims[0], { kernelSize: kernel, stride, pool: isMax ? 'max' : 'avg', activation });
    fill(layer.weight, w, `${nodeName(mul)}'s weight`);
    fill(layer.bias, b, `${nodeName(add)}'s bias`);
    return { layer, nodes: next === null ? [n, mul, add] : [n, mul, add, next], rank: 4 };
  }
  const countPad = a.int('count_include_pad', 0) === 1;
  if (
    (pads[0] !== pads[2] || pads[1] !== pads[3]) &&
    a.int('ceil_mode', 0) === 0 &&
    pads[2] >= pads[0] &&
    pads[3] >= pads[1] &&
    !countPad
  ) {
    const options = { stride, padding: [pads[0], pads[1]] as [number, number], countIncludePad: false };
    const layer = ceilModePool(g, n, isMax ? 'max' : 'avg', kernel, options, [pads[2], pads[3]], shape);
    return { layer, nodes: [n], rank: 4 };
  }
  if (pads[0] !== pads[2] || pads[1] !== pads[3]) {
    g.unsupported.push(`${nodeName(n)}: pads ${JSON.stringify(pads)} differ at the start and the end (pooling pads are symmetric)`);
  }
  const options = { stride, padding: [pads[0], pads[1]] as [number, number], ceilMode: a.int('ceil_mode', 0) === 1 };
  const layer = isMax ? new MaxPool2d(kernel, options) : new AvgPool2d(kernel, { ...options, countIncludePad: countPad });
  return { layer, nodes: [n], rank: 4 };
}

/** `Sub(x, mean)` → `Div(·, std)` with scalar or per-channel `(C, 1, 1)` constants: a Normalize layer (as exportOnnx's folded normalization), or null. */
function normalizeLayer(g: Graph, n: NodeProto, shape: number[] | null): Matched | null {
  const div = g.soleNext(n, ['Div']);
  if (div === null || n.input[0] === div.input[1]) return null;
  const mean = g.constant(n, 1);
  const std = g.constant(div, 1);
  if (mean === null || std === null || div.input[0] !== n.output[0]) return null;
  const perChannel = (c: Constant): boolean => c.dims.length >= 2 && c.dims.slice(c.dims.length === 4 ? 2 : 1).every((d) => d === 1);
  const values = (c: Constant): number | number[] | null =>
    c.values.length === 1 && c.dims.every((d) => d === 1) ? c.values[0] : perChannel(c) ? [...c.values] : null;
  const [m, s] = [values(mean), values(std)];
  if (m === null || s === null) return null;
  const channels = [m, s].find((v): v is number[] => Array.isArray(v))?.length ?? null;
  if (channels !== null && shape !== null && shape[0] !== channels) return null;
  try {
    return { layer: new Normalize(m, s), nodes: [n, div], rank: 4 };
  } catch {
    return null; // a std below the library's smallest, or values that do not match
  }
}

function batchNormLayer(g: Graph, n: NodeProto, a: Attributes, rank: number): Module {
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => g.constant(n, i) as Constant);
  const c = scale.values.length;
  const layer = rank === 2 ? new BatchNorm1d(c, { eps: a.float('epsilon', 1e-5) }) : new BatchNorm2d(c, { eps: a.float('epsilon', 1e-5) });
  fill(layer.weight, scale, `${nodeName(n)}'s scale`);
  fill(layer.bias, bias, `${nodeName(n)}'s B`);
  fill(layer.runningMean, mean, `${nodeName(n)}'s input_mean`);
  fill(layer.runningVar, variance, `${nodeName(n)}'s input_var`);
  return layer;
}

/** The layer that node `n` (and, for a pattern, the nodes after it) computes on an input of rank `rank`. */
function match(g: Graph, n: NodeProto, rank: number, shape: number[] | null): Matched {
  const a = new Attributes(n);
  const one = (layer: Module | null, outRank = rank): Matched => ({ layer, nodes: [n], rank: outRank });
  const needs4d = ['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Pad'];
  if (needs4d.includes(n.opType) && rank !== 4) {
    g.unsupported.push(`${nodeName(n)}: input of rank ${rank} (only (N, C, H, W))`);
    return one(null);
  }
  switch (n.opType) {
    case 'Conv':
    case 'ConvTranspose':
      return one(convLayer(g, n, a));
    case 'Gemm':
    case 'MatMul': {
      const { layer, nodes } = linearLayer(g, n, a);
      return { layer, nodes, rank };
    }
    case 'MaxPool':
    case 'AveragePool':
      return poolLayer(g, n, a, shape);
    case 'GlobalAveragePool':
      return one(new AdaptiveAvgPool2d(1));
    case 'Relu':
      return one(new ReLU());
    case 'LeakyRelu':
      return one(new LeakyReLU(a.float('alpha', 0.01)));
    case 'Tanh':
      return one(new Tanh());
    case 'Sigmoid':
      return one(new Sigmoid());
    case 'Flatten': {
      const axis = a.int('axis', 1);
      if (axis !== 1 && axis !== 1 - rank) g.unsupported.push(`${nodeName(n)}: axis ${axis} (only 1: (N, C, H, W) -> (N, C·H·W))`);
      return one(new Flatten(), 2);
    }
    case 'Reshape': {
      // (N, …) -> (N, −1): the batch kept (0) and the rest merged (−1, or its size)
      const shape = [...(g.constant(n, 1) as Constant).values];
      if (shape.length !== 2 || shape[0] !== 0 || !(shape[1] === -1 || shape[1] > 0)) {
        g.unsupported.push(`${nodeName(n)}: shape ${JSON.stringify(shape)} (only [0, −1] or [0, k]: a flatten that keeps the batch)`);
      }
      return one(new Flatten(), 2);
    }
    case 'BatchNormalization':
      if (rank !== 4 && rank !== 2) g.unsupported.push(`${nodeName(n)}: input of rank ${rank} (only 2 or 4)`);
      return one(batchNormLayer(g, n, a, rank));
    case 'Dropout':
    case 'Identity':
      return one(null);
    case 'Sub': {
      const normalized = normalizeLayer(g, n, shape);
      if (normalized !== null) return normalized;
      g.unsupported.push(
        `${nodeName(n)}: not a normalization (Sub of a constant mean, then Div by a constant std; scalars or one per channel)`,
      );
      return one(null);
    }
    case 'Pad': {
      const pooled = paddedAvgPool(g, n, shape);
      if (pooled !== null) return pooled;
      const extra = channelPad(g, n);
      if (extra === null)
        g.unsupported.push(
          `${nodeName(n)}: pads other than zero channels split evenly before and after (ZeroPadShortcut), nor spatial zeros before an AveragePool`,
        );
      return one(new ZeroPadShortcut(extra ?? 0, 1));
    }
    default:
      // Add of a constant not after MatMul, Mul not in a Subsampling pattern
      g.unsupported.push(`${nodeName(n)}: not part of a pattern that maps to a layer (MatMul → Add, pooling → Mul → Add, a residual Add)`);
      return one(null);
  }
}

/** A run of layers from value `value` to `end`; `join` is the residual `Add` it stopped at, if any. */
interface Chain {
  layers: Module[];
  end: string;
  rank: number;
  /** The shape of `end` without the batch axis, where the graph fixes the input's (else null). */
  shape: number[] | null;
  join: NodeProto | null;
}

/**
 * The layers from value `v` (of rank `rank`, `shape` without the batch axis or null) on (through
 * `first` when given), until the graph's end or a residual `Add` (a join). A fork into two paths
 * that join at one `Add` is a `Residual`: the path with more layers is the body, the other the
 * projection (none when it is `v` itself).
 */
function walk(g: Graph, v: string, rank: number, shape: number[] | null, first: NodeProto | null): Chain {
  const layers: Module[] = [];
  let value = v;
  let r = rank;
  let s = shape;
  let forced = first;
  for (;;) {
    const users = forced !== null ? [forced] : g.usersOf(value);
    forced = null;
    if (users.length === 0) return { layers, end: value, rank: r, shape: s, join: null };
    if (users.length === 1) {
      const n = users[0];
      if (g.isJoin(n)) return { layers, end: value, rank: r, shape: s, join: n };
      if (g.visited.has(n)) throw new Error(`importOnnx: ${nodeName(n)} is reached twice (the graph is not a chain of residual units)`);
      const m = match(g, n, r, s);
      for (const used of m.nodes) g.visited.add(used);
      if (m.layer !== null) {
        layers.push(m.layer);
        s = g.unsupported.length > 0 ? null : probeShape(m.layer, s);
      }
      value = (m.nodes.at(-1) as NodeProto).output[0];
      r = m.rank;
      continue;
    }
    if (users.length !== 2) {
      throw new Error(
        `importOnnx: value '${value}' feeds ${users.length} nodes (${users.map(nodeName).join(', ')}); only a two-way residual fork is supported`,
      );
    }
    const [a, b] = users.map((u) => walk(g, value, r, s, u));
    if (a.join === null || a.join !== b.join) {
      throw new Error(`importOnnx: the two paths from '${value}' do not meet at one Add (the graph is not a chain of residual units)`);
    }
    const [body, skip] = a.layers.length >= b.layers.length ? [a, b] : [b, a];
    const projection = skip.layers.length === 0 ? undefined : skip.layers.length === 1 ? skip.layers[0] : new Sequential(...skip.layers);
    layers.push(new Residual(new Sequential(...body.layers), projection));
    g.visited.add(a.join);
    value = a.join.output[0];
    r = body.rank;
    s = body.shape;
  }
}

/**
 * The model in an ONNX file as an `nn.Sequential` of the library's layers (see the file's header
 * for the operators): float32 parameters and buffers with the file's values, in training mode as
 * every new module is (call `eval()` for inference: BatchNorm then uses the running statistics).
 *
 * @param bytes the `.onnx` file's bytes (from `exportOnnx`, `torch.onnx.export`, …)
 * @returns a module computing the graph on inputs `(N, C, H, W)`
 */
export function importOnnx(bytes: Uint8Array): Sequential {
  if (!(bytes instanceof Uint8Array)) throw new Error(`importOnnx: bytes must be a Uint8Array, got ${typeof bytes}`);
  let proto;
  try {
    proto = decodeModelProto(bytes);
  } catch (e) {
    throw new Error(`importOnnx: not an ONNX model file: ${(e as Error).message}`, { cause: e });
  }
  const graphProto = proto.graph;
  if (graphProto === undefined || graphProto === null) throw new Error('importOnnx: the model has no graph');
  const domains = (proto.opsetImport ?? []).filter((o) => o.domain === '' || o.domain === 'ai.onnx');
  const opset = domains.length > 0 ? Number(domains[0].version) : 0;
  if (opset !== 0 && opset < 11)
    throw new Error(`importOnnx: opset ${opset} (11 or later is supported; Pad takes its pads as an input from 11)`);
  const g = new Graph(graphProto);
  const problems = (graphProto.node ?? []).flatMap((n) => nodeProblems(n, (name) => g.constants.has(name)));
  const inputs = (graphProto.input ?? []).filter((i) => !g.constants.has(i.name));
  if (inputs.length !== 1) throw new Error(`importOnnx: the graph has ${inputs.length} inputs besides its constants; one is supported`);
  if ((graphProto.output ?? []).length !== 1)
    throw new Error(`importOnnx: the graph has ${(graphProto.output ?? []).length} outputs; one is supported`);
  const elemType = inputs[0].type?.tensorType?.elemType;
  const dims = inputs[0].type?.tensorType?.shape?.dim ?? [];
  if (elemType !== undefined && elemType !== DataType.FLOAT)
    problems.push(`input '${inputs[0].name}': element type ${elemType} (only float32)`);
  if (dims.length !== 4) problems.push(`input '${inputs[0].name}': ${dims.length} axes (only (N, C, H, W))`);
  const fail = (list: string[]): never => {
    const k = list.length;
    throw new Error(
      `importOnnx: ${k} unsupported node${k === 1 ? '' : 's'} or attribute${k === 1 ? '' : 's'}: ${list.join('; ')} (operators that import: ${IMPORTABLE_OPERATORS.join(', ')})`,
    );
  };
  if (problems.length > 0) fail(problems);
  // the input's (C, H, W) where the graph fixes them (the batch may be dynamic): pooling checks sizes on it
  const fixed = dims.slice(1).map((d) => ('dimValue' in d && Number(d.dimValue) > 0 ? Number(d.dimValue) : null));
  const shape = fixed.length === 3 && fixed.every((d) => d !== null) ? (fixed as number[]) : null;
  const chain = walk(g, inputs[0].name, 4, shape, null);
  if (chain.join !== null)
    throw new Error(`importOnnx: ${nodeName(chain.join)} adds a value that does not fork from its other input's path`);
  const output = graphProto.output[0].name;
  if (chain.end !== output)
    throw new Error(`importOnnx: the path from the input ends at '${chain.end}', not at the graph's output '${output}'`);
  const unreached = (graphProto.node ?? []).filter((n) => n.opType !== 'Constant' && !g.visited.has(n));
  g.unsupported.push(...unreached.map((n) => `${nodeName(n)}: not on the path from the input to the output`));
  if (g.unsupported.length > 0) fail(g.unsupported);
  return new Sequential(...chain.layers);
}
