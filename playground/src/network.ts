/**
 * The worker's view of a network: building LeNet-5 as the CLI does, grouping a Sequential's
 * layers into stages (a layer and the activation after it: LeNet-5's C1, S2, C3, …), and running
 * one image through them to get every stage's feature maps, the filters and the class
 * probabilities that "Inside the network" draws.
 */
import { F, Generator, MODEL_PRESETS, Tensor, buildModel, nn, noGrad } from 'convnet-ts';
import type { FilterBank, Inspection, ModelName, StageMaps } from './protocol.js';

/** LeNet-5's names for its stages, in order. */
const LENET5_STAGES = ['C1', 'S2', 'C3', 'S4', 'C5', 'F6', 'output'];

/** LeNet-5 (classic or modern) with its initial weights drawn from `seed`, as `convnet train --model NAME --seed SEED` builds it. */
export function buildLeNet5(name: ModelName, seed: number): nn.Module {
  const preset = MODEL_PRESETS[name];
  return buildModel(preset.architecture, preset.options, new Generator(seed));
}

/** Whether `layer` is an activation, drawn together with the layer before it. */
function isActivation(layer: nn.Module): boolean {
  return layer instanceof nn.Tanh || layer instanceof nn.ReLU || layer instanceof nn.LeakyReLU || layer instanceof nn.Sigmoid;
}

/** A stage: the layers run for it (a Flatten before it included), and its name. */
interface Stage {
  name: string;
  layers: nn.Module[];
}

/** The stages of a Sequential: each layer with the activation after it; Flatten joins the next stage. */
export function stagesOf(model: nn.Sequential, lenet5: boolean): Stage[] {
  const stages: Stage[] = [];
  let pending: nn.Module[] = [];
  for (const layer of model.layers) {
    const last = stages.at(-1);
    if (isActivation(layer) && pending.length === 0 && last !== undefined && !last.layers.some(isActivation)) {
      last.layers.push(layer);
      continue;
    }
    pending.push(layer);
    if (layer instanceof nn.Flatten) continue;
    stages.push({ name: `${stages.length + 1}`, layers: pending });
    pending = [];
  }
  if (pending.length > 0) stages.push({ name: `${stages.length + 1}`, layers: pending });
  const named = lenet5 && stages.length === LENET5_STAGES.length;
  return stages.map((s, i) => ({ ...s, name: named ? LENET5_STAGES[i] : `layer ${s.name}` }));
}

/** A one-line description of a stage's layers, Flatten left out: `Conv2d(1, 6, kernelSize=5, padding=2) → Tanh`. */
function describeStage(stage: Stage): string {
  return stage.layers
    .filter((l) => !(l instanceof nn.Flatten))
    .map((l) => l.describe())
    .join(' → ');
}

/** Its values copied out (a parameter's storage may be a view of the kernels' shared memory, which must not be posted). */
function copy(t: Tensor): Float32Array {
  return Float32Array.from(t.data);
}

/** The first two convolutions' weights (LeNet-5's C1 and C3) with C3's link table. */
function filterBanks(stages: Stage[]): FilterBank[] {
  const banks: FilterBank[] = [];
  for (const stage of stages) {
    for (const layer of stage.layers) {
      if (banks.length === 2 || !(layer instanceof nn.Conv2d || layer instanceof nn.LinkedConv2d)) continue;
      const [p, d, kh, kw] = layer.weight.shape;
      if (kh !== kw) continue;
      const table = layer instanceof nn.LinkedConv2d ? layer.table.map((row) => row.map((v) => (v === true || v === 1 ? 1 : 0))) : null;
      banks.push({ name: stage.name, shape: [p, d, kh, kw], data: copy(layer.weight), table });
    }
  }
  return banks;
}

/**
 * Runs `image` (28×28, 0..1) through `model` stage by stage, without gradients and in evaluation
 * mode: each stage's output, the filters of C1 and C3, and the class probabilities.
 */
export function inspect(
  model: nn.Module,
  image: Float32Array,
  normalization: { mean: number; std: number },
  lenet5: boolean,
): Omit<Inspection, 'target' | 'totalBatches'> {
  const x = new Tensor(
    image.map((v) => (v - normalization.mean) / normalization.std),
    [1, 1, 28, 28],
  );
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      if (!(model instanceof nn.Sequential)) {
        return { input: image, stages: [], filters: [], probabilities: probabilities(model.forward(x)) };
      }
      const stages = stagesOf(model, lenet5);
      const maps: StageMaps[] = [];
      let y: Tensor = x;
      for (const stage of stages) {
        for (const layer of stage.layers) y = layer.forward(y);
        maps.push({ name: stage.name, layers: describeStage(stage), shape: y.shape.slice(1), data: copy(y) });
      }
      return { input: image, stages: maps, filters: filterBanks(stages), probabilities: probabilities(y) };
    });
  } finally {
    model.train(wasTraining);
  }
}

/** softmax of `(1, classes)` logits, as numbers. */
function probabilities(logits: Tensor): number[] {
  return Array.from(F.softmax(logits, 1).data);
}
