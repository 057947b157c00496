/**
 * A convolution block in one op: convolution, then an optional ReLU, then an optional max
 * pooling — the `Conv → ReLU → MaxPool` unit of LeNet-style networks (S6, S14, S8):
 *
 *     z = W ⊗ X + b,    a = max(0, z),    y = maxPool(a)
 *
 * Its value and gradients are exactly those of `maxPool2d(relu(conv2d(x, w, b)))` — bit for bit
 * on every backend, which the tests check — but a backend computes the block in one call and
 * keeps `z` and `a` to itself: the wasm backend never copies the full-resolution activations
 * (or their gradients) out of its memory. `nn.Sequential` runs each `Conv2d, ReLU, MaxPool2d`
 * run of its layers through this op.
 *
 * Shapes: x `(N, Cin, H, W)` or `(Cin, H, W)`, weight `(Cout, Cin/groups, m, n)`, bias `(Cout)`;
 * output `(N, Cout, H_out, W_out)` as `conv2d`, then as `maxPool2d` of that when pooled.
 */
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import type { ConvEpilogue } from '../backend/backend.js';
import { backendFor } from '../backend/registry.js';
import { type Conv2dOptions, convGeometry } from '../geometry/conv.js';
import { type Pool2dOptions, poolGeometry } from '../geometry/pool.js';
import { checkConvTensors } from './conv.js';
import { withBatch } from './batch.js';

/** Options of `fusedConv2d`: `conv2d`'s, plus what follows the convolution. */
export interface FusedConv2dOptions extends Conv2dOptions {
  /** `'relu'`: `max(0, ·)` after the bias; `'none'` (default): no activation. */
  activation?: 'none' | 'relu';
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
  return convBlock('fusedConv2d', 'fusedConv2d', x, weight, bias ?? null, options);
}

/**
 * `fusedConv2d` reporting bad input under the names `op` (the convolution's operands and
 * options) and `poolOp` (the pooling's): `nn.Sequential` passes the names of the ops its layers
 * would have run one by one, so its errors read the same fused or not.
 */
export function convBlock(op: string, poolOp: string, x: Tensor, weight: Tensor, b: Tensor | null, options: FusedConv2dOptions): Tensor {
  const activation = options.activation ?? 'none';
  if (activation !== 'none' && activation !== 'relu') {
    throw new Error(`${op}: activation must be 'none' or 'relu', got ${JSON.stringify(activation)}`);
  }
  return withBatch(x, 3, (xb) => {
    const g = convGeometry(op, xb.shape, weight.shape, options, 2);
    checkConvTensors(op, xb, weight, b, g.cOut);
    const pool = options.maxPool ? poolGeometry(poolOp, [g.n, g.cOut, g.hOut, g.wOut], options.maxPool) : null;
    const e: ConvEpilogue = { relu: activation === 'relu', pool };
    const outShape = pool ? [g.n, g.cOut, pool.hOut, pool.wOut] : [g.n, g.cOut, g.hOut, g.wOut];
    const dtype = xb.dtype;
    const out = allocate(
      dtype,
      outShape.reduce((p, d) => p * d, 1),
    );
    const argmax = pool ? new Int32Array(out.length) : null;
    backendFor(dtype).fusedConv2d(xb.data, weight.data, b?.data ?? null, g, e, out, argmax);
    const inputs = b ? [xb, weight, b] : [xb, weight];
    return record(new Tensor(out, outShape), 'fusedConv2d', inputs, (dy) => {
      const dx = xb.requiresGrad ? allocate(dtype, xb.size) : null;
      const dw = weight.requiresGrad ? allocate(dtype, weight.size) : null;
      const db = b?.requiresGrad ? allocate(dtype, b.size) : null;
      backendFor(dtype).fusedConv2dBackward(xb.data, weight.data, out, argmax, dy.data, g, e, dx, dw, db, true);
      const grads = [dx && new Tensor(dx, xb.shape), dw && new Tensor(dw, weight.shape)];
      return b ? [...grads, db && new Tensor(db, b.shape)] : grads;
    });
  });
}
