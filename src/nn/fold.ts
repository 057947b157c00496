/**
 * Folding batch normalization into the convolution before it, for inference, as PyTorch's
 * `torch.nn.utils.fusion.fuse_conv_bn_eval` (which `torch.ao.quantization.fuse_modules` applies):
 * in evaluation a BatchNorm2d is a fixed affine map per channel, so a Conv2d followed by one is a
 * single convolution with
 *
 *     W'_o = W_o · s_o,   b'_o = (b_o − μ_o)·s_o + β_o,   s_o = γ_o / √(σ²_o + ε)
 *
 * (μ, σ² the running statistics; b = 0 for a convolution without bias, γ = 1 and β = 0 for a
 * BatchNorm without affine parameters), one pass over the feature maps fewer.
 */
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/engine.js';
import { type AnyModule, Module } from './module.js';
import { Conv2d } from './conv.js';
import { BatchNorm2d } from './batch-norm.js';
import { Identity, ModuleDict, ModuleList, Residual, Sequential } from './container.js';
import { buildModule } from './spec.js';

/**
 * An evaluation-mode copy of `model` in which every `Conv2d` directly followed by a `BatchNorm2d`
 * (with running statistics) in a `Sequential` — at any depth of Sequential, Residual, ModuleList
 * and ModuleDict containers — is replaced by one `Conv2d` with the folded weight and bias (see the
 * file comment), and the BatchNorm by an `Identity`, so layer indices stay as they were. Its
 * outputs equal the original's in evaluation mode up to float rounding. `model` is not changed.
 *
 * Built-in layers are copied (through their specs); a custom module (no spec) is shared with the
 * original, not copied, and not looked into: build a model from the containers to fold inside it.
 */
export function foldBatchNorm(model: AnyModule): AnyModule {
  return noGrad(() => fold(model)).eval();
}

function fold(m: AnyModule): AnyModule {
  if (m.constructor === Sequential) {
    const layers = [...(m as Sequential)].map(fold) as Module[];
    for (let i = 0; i + 1 < layers.length; i++) {
      const [conv, bn] = [layers[i], layers[i + 1]];
      if (conv.constructor === Conv2d && bn.constructor === BatchNorm2d && (bn as BatchNorm2d).runningMean !== null) {
        layers[i] = foldedConv(conv as Conv2d, bn as BatchNorm2d);
        layers[i + 1] = new Identity();
      }
    }
    return new Sequential(...layers);
  }
  if (m.constructor === Residual) {
    const r = m as Residual;
    return new Residual(fold(r.body) as Module, r.projection === null ? undefined : (fold(r.projection) as Module));
  }
  if (m.constructor === ModuleList) return new ModuleList([...(m as ModuleList)].map(fold));
  if (m.constructor === ModuleDict) return new ModuleDict(Object.fromEntries((m as ModuleDict).entries().map(([k, c]) => [k, fold(c)])));
  return copy(m);
}

/** A copy of a built-in module with its parameters and buffers (or `m` itself where it has no spec). */
function copy(m: AnyModule): AnyModule {
  const spec = m.spec();
  if (spec === null) return m;
  const out = buildModule(spec);
  out.loadStateDict(m.stateDict());
  return out;
}

/** The convolution `conv` followed by the evaluation-mode `bn`, as one convolution (see the file comment). */
function foldedConv(conv: Conv2d, bn: BatchNorm2d): Conv2d {
  const dtype = conv.weight.dtype === 'float64' ? 'float64' : 'float32';
  const out = new Conv2d(conv.inChannels, conv.outChannels, conv.kernelSize, { ...conv.options, bias: true, dtype });
  const value = (t: Tensor | null, o: number, dflt: number): number => (t === null ? dflt : t.data[o]);
  const w = conv.weight.data;
  const perChannel = w.length / conv.outChannels;
  for (let o = 0; o < conv.outChannels; o++) {
    const s = value(bn.weight, o, 1) / Math.sqrt(value(bn.runningVar, o, 1) + bn.eps);
    for (let i = o * perChannel; i < (o + 1) * perChannel; i++) out.weight.data[i] = w[i] * s;
    (out.bias as Tensor).data[o] = (value(conv.bias, o, 0) - value(bn.runningMean, o, 0)) * s + value(bn.bias, o, 0);
  }
  return out;
}
