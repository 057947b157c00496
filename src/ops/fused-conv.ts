/**
 * A convolution block in one op: convolution, then an optional activation (ReLU, tanh or the
 * sigmoid), then an optional max pooling — the `Conv → ReLU → MaxPool` unit of LeNet-style
 * networks, and the `Conv → tanh` of classic LeNet-5 (S6, S14, S8):
 *
 *     z = W ⊗ X + b,    a = f(z),    y = maxPool(a)
 *
 * Its value and gradients are exactly those of `maxPool2d(f(conv2d(x, w, b)))` — bit for bit
 * on every backend, which the tests check — but a backend computes the block in one call and
 * keeps `z` and `a` to itself: the wasm backend never copies the full-resolution activations
 * (or their gradients) out of its memory. `nn.Sequential` runs each `Conv2d` followed by an
 * activation layer and/or a `MaxPool2d` through this op.
 *
 * Shapes: x `(N, Cin, H, W)` or `(Cin, H, W)`, weight `(Cout, Cin/groups, m, n)`, bias `(Cout)`;
 * output `(N, Cout, H_out, W_out)` as `conv2d`, then as `maxPool2d` of that when pooled.
 */
import { type TypedArray, allocate } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import type { Activation, ConvEpilogue, ConvSubsamplingGrads, SubsamplingStage } from '../backend/backend.js';
import { backendFor } from '../backend/registry.js';
import { type Conv2dOptions, checkUnbatchedChannels, convGeometry } from '../geometry/conv.js';
import { type Pool2dOptions, poolGeometry } from '../geometry/pool.js';
import { checkConvTensors } from './conv.js';
import { withBatch } from './batch.js';
import { type SubsamplingOptions, subsamplingStage } from './subsampling.js';
import { checkOptionalTensor, checkOptions, checkTensor } from '../tensor/arguments.js';

const ACTIVATIONS: readonly Activation[] = ['none', 'relu', 'tanh', 'sigmoid'];

/** Options of `fusedConv2d`: `conv2d`'s, plus what follows the convolution. */
export interface FusedConv2dOptions extends Conv2dOptions {
  /** After the bias: `'relu'` (`max(0, ·)`), `'tanh'`, `'sigmoid'`, or `'none'` (the default). */
  activation?: Activation;
  /** Max pooling after the activation, with `maxPool2d`'s options; omitted or null: none. */
  maxPool?: Pool2dOptions | null;
}

/**
 * `maxPool2d(relu(conv2d(x, weight, bias, options)), options.maxPool)` in one op, each stage
 * optional (see the file comment).
 *
 * @param x `(N, Cin, H, W)` or `(Cin, H, W)`
 * @param weight `(Cout, Cin/groups, m, n)`
 * @param bias `(Cout)` or omitted
 * @returns `(N, Cout, H_out, W_out)` of the convolution, or of the pooling when `maxPool` is given
 */
export function fusedConv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: FusedConv2dOptions = {}): Tensor {
  checkOptions('fusedConv2d', options, ['stride', 'padding', 'dilation', 'groups', 'activation', 'maxPool']);
  checkTensor('fusedConv2d', 'input', x);
  checkTensor('fusedConv2d', 'weight', weight);
  checkOptionalTensor('fusedConv2d', 'bias', bias);
  return convBlock(FUSED, x, weight, bias ?? null, options, null);
}

/**
 * The names a convolution block reports: `op` for bad convolution operands and options, `poolOp`
 * for a bad pooling, `recorded` for the graph. `nn.Sequential` passes the names of the ops its
 * layers would have run one by one, so its errors read the same fused or not.
 */
export interface BlockNames {
  op: string;
  poolOp: string;
  recorded: string;
}

const FUSED: BlockNames = { op: 'fusedConv2d', poolOp: 'fusedConv2d', recorded: 'fusedConv2d' };

/**
 * The weight a link table leaves (S7): `w` itself where every unlinked weight is ±0 — they stay 0
 * in training, since their gradient is masked — else a copy with them zeroed, `w ⊙ mask`.
 */
function linkedWeight(w: TypedArray, mask: TypedArray): TypedArray {
  for (let i = 0; i < w.length; i++) {
    if (mask[i] === 0 && w[i] !== 0) return w.map((v, k) => v * mask[k]);
  }
  return w;
}

/**
 * `fusedConv2d` under the names `names`, with the convolution restricted by a link table's
 * `mask` (S7, `linkMask`, the weight's shape) when one is given: the weight is masked (see
 * `linkedWeight`) and so is its gradient, exactly as `conv2d(x, mul(weight, mask))` computes them,
 * without building `weight ⊙ mask` in the graph.
 */
export function convBlock(
  names: BlockNames,
  x: Tensor,
  weight: Tensor,
  b: Tensor | null,
  options: FusedConv2dOptions,
  mask: TypedArray | null,
): Tensor {
  const { op } = names;
  const activation = options.activation ?? 'none';
  if (!ACTIVATIONS.includes(activation)) {
    throw new Error(`${op}: activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(activation)}`);
  }
  checkUnbatchedChannels(op, x.shape, weight.shape, options.groups ?? 1, 2, false);
  return withBatch(x, 3, (xb) => {
    const g = convGeometry(op, xb.shape, weight.shape, options, 2);
    checkConvTensors(op, xb, weight, b, g.cOut);
    const pool = options.maxPool ? poolGeometry(names.poolOp, [g.n, g.cOut, g.hOut, g.wOut], options.maxPool) : null;
    const e: ConvEpilogue = { activation, pool };
    const outShape = pool ? [g.n, g.cOut, pool.hOut, pool.wOut] : [g.n, g.cOut, g.hOut, g.wOut];
    const dtype = xb.dtype;
    const out = allocate(dtype, sizeOf(outShape));
    const argmax = pool ? new Int32Array(out.length) : null;
    const w = mask === null ? weight.data : linkedWeight(weight.data, mask);
    backendFor(dtype).fusedConv2d(xb.data, w, b?.data ?? null, g, e, out, argmax);
    const inputs = b ? [xb, weight, b] : [xb, weight];
    return record(new Tensor(out, outShape), names.recorded, inputs, (dy) => {
      const dx = xb.requiresGrad ? allocate(dtype, xb.size) : null;
      const dw = weight.requiresGrad ? allocate(dtype, weight.size) : null;
      const db = b?.requiresGrad ? allocate(dtype, b.size) : null;
      backendFor(dtype).fusedConv2dBackward(xb.data, w, out, argmax, dy.data, g, e, dx, dw, db, true, b?.data ?? null);
      // the link table's mask on the weight gradient: unlinked weights get exactly ±0
      if (dw !== null && mask !== null) for (let i = 0; i < dw.length; i++) dw[i] *= mask[i];
      const grads = [dx && new Tensor(dx, xb.shape), dw && new Tensor(dw, weight.shape)];
      return b ? [...grads, db && new Tensor(db, b.shape)] : grads;
    });
  });
}

/** A convolution block's closing subsampling (S9): the `Subsampling` layer's parameters and options. */
export interface SubsamplingClose {
  weight: Tensor;
  bias: Tensor;
  options: SubsamplingOptions;
}

/**
 * Classic LeNet-5's `Conv → f → Subsampling` in one op (S6, S7, S9):
 *
 *     z = W ⊗ X + b,    a = f(z),    y = g(w_s · pool(a) + b_s)
 *
 * its value and gradients those of `subsampling(f(conv2d(x, weight, b)), s.weight, s.bias,
 * s.options)` bit for bit, with the link table's `mask` as in `convBlock`. The backend keeps z and
 * the gradients of a and z to itself. Errors are those of the ops run one by one, under `names`.
 *
 * @param x `(N, Cin, H, W)`
 * @returns `(N, Cout, H_s, W_s)`, the subsampling's pooled sizes of the convolution's output
 */
export function convSubsamplingBlock(
  names: BlockNames,
  x: Tensor,
  weight: Tensor,
  b: Tensor | null,
  options: Conv2dOptions & { activation: Activation },
  mask: TypedArray | null,
  s: SubsamplingClose,
): Tensor {
  const { op } = names;
  const g = convGeometry(op, x.shape, weight.shape, options, 2);
  checkConvTensors(op, x, weight, b, g.cOut);
  const zShape = [g.n, g.cOut, g.hOut, g.wOut];
  const dtype = x.dtype;
  const stage = subsamplingStage(zShape, dtype, s.weight, s.bias, s.options);
  const sg = stage.g;
  const outShape = [sg.n, sg.c, sg.hOut, sg.wOut];
  const out = allocate(dtype, sizeOf(outShape));
  const a = allocate(dtype, sizeOf(zShape));
  const pooled = allocate(dtype, out.length);
  const argmax = stage.spec.pool === 'max' ? new Int32Array(out.length) : null;
  const w = mask === null ? weight.data : linkedWeight(weight.data, mask);
  const backendStage: SubsamplingStage = { g: sg, spec: stage.spec, weight: s.weight.data, bias: s.bias.data };
  backendFor(dtype).convSubsampling(x.data, w, b?.data ?? null, g, options.activation, backendStage, out, a, pooled, argmax);
  const inputs = b ? [x, weight, b, s.weight, s.bias] : [x, weight, s.weight, s.bias];
  return record(new Tensor(out, outShape), names.recorded, inputs, (dy) => {
    const grads: ConvSubsamplingGrads = {
      dx: x.requiresGrad ? allocate(dtype, x.size) : null,
      dw: weight.requiresGrad ? allocate(dtype, weight.size) : null,
      db: b?.requiresGrad ? allocate(dtype, b.size) : null,
      dStageWeight: s.weight.requiresGrad ? allocate(dtype, s.weight.size) : null,
      dStageBias: s.bias.requiresGrad ? allocate(dtype, s.bias.size) : null,
    };
    backendFor(dtype).convSubsamplingBackward(x.data, w, out, a, pooled, argmax, dy.data, g, options.activation, backendStage, grads, true);
    const { dx, dw, db, dStageWeight, dStageBias } = grads;
    if (dw !== null && mask !== null) for (let i = 0; i < dw.length; i++) dw[i] *= mask[i];
    const conv = [dx && new Tensor(dx, x.shape), dw && new Tensor(dw, weight.shape), ...(b ? [db && new Tensor(db, b.shape)] : [])];
    return [...conv, dStageWeight && new Tensor(dStageWeight, s.weight.shape), dStageBias && new Tensor(dStageBias, s.bias.shape)];
  });
}
