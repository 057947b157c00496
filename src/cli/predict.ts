/** `convnet predict MODEL IMAGE.png`: class probabilities of one image. */
import { Tensor } from '../tensor/tensor.js';
import { loadModel } from '../io/files.js';
import { readImageForModel } from '../data/png.js';
import { predictProbabilities } from '../training/evaluate.js';
import { NO_NORMALIZATION } from '../data/normalization.js';
import { type CommandSpec, numberOption } from './args.js';
import { CliError } from './errors.js';
import { applyBackendOptions, backendOptions } from './backend.js';

/** Options and help of `convnet predict`. */
export const predictSpec: CommandSpec = {
  name: 'predict',
  brief: 'class probabilities of a PNG image',
  summary:
    'Print the class probabilities of a PNG image (grayscale or RGB, 28x28 or larger; it is converted\n' +
    'to grayscale and resized to the model input; dark-on-light drawings are inverted to match MNIST).',
  positionals: ['MODEL', 'IMAGE.png'],
  options: {
    top: { type: 'string', short: 'k', value: 'K', help: 'show the K most likely classes', default: 'all' },
    ...backendOptions,
  },
  examples: ['convnet predict lenet5.safetensors digit.png', 'convnet predict lenet5.safetensors digit.png --top 3'],
};

/** Runs `convnet predict MODEL IMAGE`; returns the exit code. */
export function runPredict(positionals: string[], values: Record<string, string | boolean | undefined>): number {
  const [modelPath, imagePath] = positionals;
  applyBackendOptions('predict', values);
  // all classes by default
  const top = numberOption('predict', 'top', values.top, Number.MAX_SAFE_INTEGER, { min: 1, integer: true });
  const { model, info } = loadModel(modelPath);
  // a model saved without its input shape is taken to read MNIST-sized images
  const [c, h, w] = info.inputShape ?? [1, 28, 28];
  if (c !== 1) throw new CliError(`predict: the model expects ${c}-channel images; only grayscale models are supported`);
  const pixels = readImageForModel(imagePath, h, w);
  const probs = predictProbabilities(model, new Tensor(pixels, [1, c, h, w]), info.normalization ?? NO_NORMALIZATION);
  const classNames = info.classNames ?? Array.from({ length: probs.size }, (_, i) => String(i));
  const ranked = [...probs.data]
    .map((p, i) => ({ p, i }))
    .sort((a, b) => b.p - a.p)
    .slice(0, top);
  const out = process.stdout;
  const width = Math.max(...classNames.map((n) => n.length));
  for (const { p, i } of ranked) out.write(`${classNames[i].padEnd(width)}  ${(p * 100).toFixed(2).padStart(6)}%\n`);
  out.write(`prediction: ${classNames[ranked[0].i]}\n`);
  return 0;
}
