/**
 * `convnet viz MODEL`: pictures of what a model file holds — its convolution filters as tiles
 * (`--filters FILE`), and the feature maps of every layer for one image (`--feature-maps --input
 * IMAGE.png -o FILE`), as PNG or SVG.
 */
import { basename } from 'node:path';
import { noGrad } from '../autograd/engine.js';
import { Tensor } from '../tensor/tensor.js';
import { type AnyModule, observeForwards } from '../nn/module.js';
import { Conv2d, ConvTranspose2d, LinkedConv2d } from '../nn/conv.js';
import { loadModel } from '../io/files.js';
import { readImageForModel } from '../data/png.js';
import { NO_NORMALIZATION } from '../data/normalization.js';
import type { ModelInfo } from '../io/model-file.js';
import type { CommandSpec } from './args.js';
import { CliError, usageError } from './errors.js';
import { applyBackendOptions, backendOptions } from './backend.js';
import { checkPictureName } from './plot.js';
import { writePicture } from './draw/picture.js';
import { type FilterLayer, type MapLayer, featureMapsScene, filtersScene } from './draw/grids.js';
import type { Scene } from './draw/scene.js';
import { plural } from './progress.js';

/** Options and help of `convnet viz`. */
export const vizSpec: CommandSpec = {
  name: 'viz',
  brief: 'draw the filters and feature maps of a model file (PNG or SVG)',
  summary:
    'Draw what a model file holds. --filters FILE draws the weights of its convolution layers (by default\n' +
    'the first two: C1 and C3 of LeNet-5), one tile per kernel, each filter scaled by its largest |weight|\n' +
    '(gray 0, white +max, black -max). --feature-maps --input IMAGE.png draws the image as the model sees\n' +
    'it and the output of every layer for it, each map scaled to its own range. PNG or SVG, by the extension.',
  positionals: ['MODEL'],
  options: {
    filters: { type: 'string', value: 'FILE', help: 'draw the convolution filters to FILE (.png or .svg)' },
    layers: {
      type: 'string',
      value: 'NAMES',
      help: "the convolution layers whose filters to draw, by name as 'convnet summary' lists them, comma-separated",
      default: 'the first two',
    },
    'feature-maps': { type: 'boolean', help: "draw every layer's output for the --input image to -o FILE" },
    input: { type: 'string', value: 'IMAGE.png', help: 'the image for --feature-maps (converted as predict converts it)' },
    output: { type: 'string', short: 'o', value: 'FILE', help: 'where --feature-maps draws (.png or .svg)', default: 'feature-maps.png' },
    ...backendOptions,
  },
  examples: [
    'convnet viz lenet5.safetensors --filters filters.png',
    'convnet viz lenet5.safetensors --feature-maps --input digit.png -o maps.svg',
    'convnet viz lenet5.safetensors --filters c5.png --layers 6',
  ],
};

/** The layers whose weights are filters: 2-D convolutions, transposed ones and those with a link table. */
function convolutionLayers(model: AnyModule): [string, Conv2d | LinkedConv2d | ConvTranspose2d][] {
  const seen = new Set<AnyModule>();
  const out: [string, Conv2d | LinkedConv2d | ConvTranspose2d][] = [];
  for (const [name, m] of model.namedModules()) {
    if (seen.has(m)) continue;
    seen.add(m);
    if (m instanceof Conv2d || m instanceof LinkedConv2d || m instanceof ConvTranspose2d) out.push([name, m]);
  }
  return out;
}

/** The filters picture of the layers named in `names` (comma-separated), or of the first two convolution layers. */
function filtersPicture(model: AnyModule, modelPath: string, names: string | undefined): { scene: Scene; drawn: string[] } {
  const convs = convolutionLayers(model);
  if (convs.length === 0) {
    throw new CliError(`viz: ${modelPath} has no convolution layers (Conv2d, LinkedConv2d, ConvTranspose2d): there are no filters to draw`);
  }
  let chosen = convs.slice(0, 2);
  if (names !== undefined) {
    chosen = names.split(',').map((raw) => {
      const name = raw.trim();
      const found = convs.find(([n]) => n === name);
      if (found === undefined) {
        throw new CliError(
          `viz: --layers: no convolution layer '${name}' in ${modelPath} (its convolution layers: ${convs.map(([n]) => n).join(', ')})`,
        );
      }
      return found;
    });
  }
  const layers = chosen.map(([name, m]): FilterLayer => {
    const [p, d, kh, kw] = m.weight.shape;
    const what = m instanceof ConvTranspose2d ? `weight ${p}x${d}x${kh}x${kw}` : `${plural(p, 'filter')} of ${d}x${kh}x${kw}`;
    return {
      label: `${name}: ${m.describe()}  ${what}`,
      weight: Float32Array.from(m.weight.data),
      shape: [p, d, kh, kw],
      linked: m instanceof LinkedConv2d ? m.table.map((row) => row.map((v) => v === 1 || v === true)) : undefined,
    };
  });
  const title = `${basename(modelPath)}: filters (gray 0, white +max, black -max per filter)`;
  return { scene: filtersScene(title, layers), drawn: chosen.map(([n]) => n) };
}

/** The feature-maps picture of `model` for the image at `imagePath`: the input and every layer's output. */
function featureMapsPicture(model: AnyModule, info: ModelInfo, modelPath: string, imagePath: string): { scene: Scene; layers: number } {
  // a model saved without its input shape is taken to read MNIST-sized images, as predict does
  const [c, h, w] = info.inputShape ?? [1, 28, 28];
  if (c !== 1) throw new CliError(`viz: the model expects ${c}-channel images; only grayscale models are supported`);
  const pixels = readImageForModel(imagePath, h, w);
  const { mean, std } = info.normalization ?? NO_NORMALIZATION;
  const x = new Tensor(
    pixels.map((v) => (v - mean) / std),
    [1, c, h, w],
  );
  const names = new Map<AnyModule, string>();
  for (const [name, m] of model.namedModules()) if (!names.has(m)) names.set(m, name);
  const layers: MapLayer[] = [{ label: `input: ${basename(imagePath)}  ${c}x${h}x${w}`, values: pixels, shape: [c, h, w], asIs: true }];
  const wasTraining = model.training;
  model.eval();
  let output: unknown;
  try {
    output = observeForwards(
      () => noGrad(() => model.forward(x)),
      (m, y) => {
        // layers without children, as the summary lists them; containers only pass their children's outputs on
        if (m.children().length > 0 || !(y instanceof Tensor)) return;
        const shape = y.shape.slice(1);
        layers.push({
          label: `${names.get(m) ?? m.constructor.name}: ${m.describe()}  ${shape.join('x')}`,
          values: Float32Array.from(y.data),
          shape: shape.length === 3 ? shape : [shape.reduce((a, b) => a * b, 1)],
        });
      },
    );
  } finally {
    model.train(wasTraining);
  }
  return {
    scene: featureMapsScene(`${basename(modelPath)} on ${basename(imagePath)}${prediction(output, info)}`, layers),
    layers: layers.length - 1,
  };
}

/** `: prediction 7 (98.1%)` for an output of one image's class scores, else nothing. */
function prediction(output: unknown, info: ModelInfo): string {
  if (!(output instanceof Tensor) || output.shape.length !== 2 || output.shape[0] !== 1) return '';
  const logits = Array.from(output.data, Number);
  const top = logits.indexOf(Math.max(...logits));
  if (top < 0) return '';
  const sum = logits.reduce((s, v) => s + Math.exp(v - logits[top]), 0);
  return `: prediction ${info.classNames?.[top] ?? top} (${(100 / sum).toFixed(1)}%)`;
}

/** Runs `convnet viz MODEL`; returns the exit code. */
export function runViz(positionals: string[], values: Record<string, string | boolean | undefined>): number {
  const [modelPath] = positionals;
  const filtersPath = typeof values.filters === 'string' ? values.filters : undefined;
  const maps = values['feature-maps'] === true;
  const inputPath = typeof values.input === 'string' ? values.input : undefined;
  const layerNames = typeof values.layers === 'string' ? values.layers : undefined;
  if (filtersPath === undefined && !maps) {
    throw usageError('viz: nothing to draw: give --filters FILE, or --feature-maps --input IMAGE.png -o FILE', 'viz');
  }
  if (maps && inputPath === undefined) throw usageError('viz: --feature-maps needs --input IMAGE.png', 'viz');
  if (!maps && (inputPath !== undefined || values.output !== undefined)) {
    throw usageError(`viz: ${inputPath !== undefined ? '--input' : '-o'} goes with --feature-maps`, 'viz');
  }
  if (filtersPath === undefined && layerNames !== undefined) throw usageError('viz: --layers goes with --filters', 'viz');
  const mapsPath = typeof values.output === 'string' ? values.output : 'feature-maps.png';
  if (filtersPath !== undefined) checkPictureName('viz', '--filters', filtersPath);
  if (maps) checkPictureName('viz', '-o', mapsPath);
  applyBackendOptions('viz', values);

  const { model, info } = loadModel(modelPath);
  const out = process.stdout;
  if (filtersPath !== undefined) {
    const { scene, drawn } = filtersPicture(model, modelPath, layerNames);
    writePicture(filtersPath, scene, 'viz');
    out.write(
      `drew the filters of ${drawn.length === 1 ? 'layer' : 'layers'} ${drawn.join(', ')} to ${filtersPath} (${scene.width}x${scene.height})\n`,
    );
  }
  if (maps && inputPath !== undefined) {
    const { scene, layers } = featureMapsPicture(model, info, modelPath, inputPath);
    writePicture(mapsPath, scene, 'viz');
    out.write(`drew the input and the outputs of ${plural(layers, 'layer')} to ${mapsPath} (${scene.width}x${scene.height})\n`);
  }
  return 0;
}
