/**
 * Parameter groups for the usual exemption from weight decay: weights of convolutions and linear
 * layers decay, biases and normalization parameters (BatchNorm's γ and β) do not. As in most
 * PyTorch recipes (e.g. torchvision's `norm_weight_decay=0`), a parameter is exempt when it has
 * at most one dimension.
 */
import { Tensor } from '../tensor/tensor.js';
import { checkNonNegative, describeValue } from './optimizer.js';

/** What has parameters: a module (`nn.Module`, named structurally, since optim sits below nn). */
export interface HasParameters {
  parameters(): Tensor[];
}

/** The two groups of `splitWeightDecay`, ready for any optimizer with a `weightDecay` option. */
export type WeightDecayGroups = [{ params: Tensor[]; weightDecay: number }, { params: Tensor[]; weightDecay: number }];

/**
 * Splits the parameters of `model` (a module, or the parameters themselves) into two parameter
 * groups: those with two or more dimensions (weights) with `weightDecay`, and those with at most
 * one (biases, BatchNorm weights and biases) with weight decay 0. Either group may be empty.
 *
 *     const optimizer = new AdamW(splitWeightDecay(model, 0.05), { lr: 1e-3 });
 */
export function splitWeightDecay(model: HasParameters | Iterable<Tensor>, weightDecay: number): WeightDecayGroups {
  checkNonNegative('splitWeightDecay', 'weightDecay', weightDecay);
  const params: unknown[] =
    typeof model === 'object' && model !== null && 'parameters' in model && typeof model.parameters === 'function'
      ? model.parameters()
      : typeof model === 'object' && model !== null && Symbol.iterator in model
        ? [...model]
        : [];
  if (params.length === 0) throw new Error(`splitWeightDecay: expected a module or parameters, got ${describeValue(model)}`);
  const decay: Tensor[] = [];
  const noDecay: Tensor[] = [];
  params.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new Error(`splitWeightDecay: parameter ${i} is not a Tensor, got ${describeValue(p)}`);
    (p.shape.length <= 1 ? noDecay : decay).push(p);
  });
  return [
    { params: decay, weightDecay },
    { params: noDecay, weightDecay: 0 },
  ];
}
