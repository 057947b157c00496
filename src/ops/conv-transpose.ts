/**
 * Transposed ("fractionally strided", "deconvolution") convolution (SPEC S17, S18): the adjoint
 * of a convolution. If the convolution with geometry `g` is `z = C·x`, the transposed one is
 * `x = Cᵀ·z` — computed by the convolution's input-gradient kernel. With stride `s` it inserts
 * `s − 1` zeros between input elements and pads by `m − 1`: output length `s·(l − 1) + m`.
 *
 *     input  (N, Cin, H, W)        weight (Cin, Cout/groups, m, n)      bias (Cout)
 *     output (N, Cout, H_out, W_out)
 *
 * with H_out and W_out given by `convTransposeOutputSize` (src/geometry/output-size.ts).
 */
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import {
  type ConvTranspose1dOptions,
  type ConvTranspose2dOptions,
  checkUnbatchedChannels,
  convTransposeGeometry,
} from '../geometry/conv.js';
import { channelSum, checkConvTensors } from './conv.js';
import { withBatch } from './batch.js';
import { checkOptionalTensor, checkOptions, checkTensor } from '../tensor/arguments.js';

function convTransposeNd(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvTranspose2dOptions | ConvTranspose1dOptions,
  spatial: 1 | 2,
): Tensor {
  checkOptions(op, options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups']);
  checkUnbatchedChannels(op, x.shape, weight.shape, options.groups ?? 1, spatial, true);
  return withBatch(x, spatial + 1, (xb) => {
    // g describes the forward convolution (N, Cout, H_out, W_out) -> (N, Cin, H, W)
    const g = convTransposeGeometry(op, xb.shape, weight.shape, options, spatial);
    checkConvTensors(op, xb, weight, bias, g.cIn);
    const dtype = xb.dtype;
    const backend = backendFor(dtype);
    const out = allocate(dtype, g.n * g.cIn * g.h * g.w);
    backend.conv2dBackwardInput(xb.data, weight.data, g, out, true);
    if (bias) {
      const plane = g.h * g.w;
      for (let n = 0; n < g.n; n++)
        for (let c = 0; c < g.cIn; c++) for (let i = 0; i < plane; i++) out[(n * g.cIn + c) * plane + i] += bias.data[c];
    }
    const outShape = spatial === 1 ? [g.n, g.cIn, g.w] : [g.n, g.cIn, g.h, g.w];
    const inputs = bias ? [xb, weight, bias] : [xb, weight];
    return record(new Tensor(out, outShape), op, inputs, (dy) => {
      let dx: Tensor | null = null;
      let dw: Tensor | null = null;
      if (xb.requiresGrad) {
        // the adjoint of Cᵀ is C: a plain convolution of the output gradient
        const d = allocate(dtype, xb.size);
        backendFor(dtype).conv2d(dy.data, weight.data, null, g, d);
        dx = new Tensor(d, xb.shape);
      }
      if (weight.requiresGrad) {
        const d = allocate(dtype, weight.size);
        backendFor(dtype).conv2dBackwardWeight(dy.data, xb.data, g, d);
        dw = new Tensor(d, weight.shape);
      }
      return bias ? [dx, dw, bias.requiresGrad ? channelSum(dy) : null] : [dx, dw];
    });
  });
}

/**
 * 2-D transposed convolution (S17, S18).
 *
 * @param x `(N, Cin, H, W)` or `(Cin, H, W)`
 * @param weight `(Cin, Cout/groups, m, n)`
 * @param bias `(Cout)` or omitted
 * @returns `(N, Cout, H_out, W_out)`, each size by `convTransposeOutputSize` (src/geometry/output-size.ts)
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  checkTensor('convTranspose2d', 'input', x);
  checkTensor('convTranspose2d', 'weight', weight);
  checkOptionalTensor('convTranspose2d', 'bias', bias);
  return convTransposeNd('convTranspose2d', x, weight, bias, options, 2);
}

/**
 * 1-D transposed convolution (S17, S18).
 *
 * @param x `(N, Cin, L)` or `(Cin, L)`; weight `(Cin, Cout/groups, m)`; bias `(Cout)`
 * @returns `(N, Cout, L_out)`, `L_out` by `convTransposeOutputSize` (src/geometry/output-size.ts)
 */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose1dOptions = {}): Tensor {
  checkTensor('convTranspose1d', 'input', x);
  checkTensor('convTranspose1d', 'weight', weight);
  checkOptionalTensor('convTranspose1d', 'bias', bias);
  return convTransposeNd('convTranspose1d', x, weight, bias, options, 1);
}
