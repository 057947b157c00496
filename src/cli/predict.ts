/** `convnet predict MODEL IMAGE.png`: class probabilities of one image. */
import { Tensor } from '../tensor/tensor.js';
import { loadModel } from '../io/files.js';
import { readImageForModel } from '../data/png.js';
import { predictProbabilities } from '../training/evaluate.js';
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
  const { model, info } = loadModel(modelPath);
  const [c, h, w] = info.inputShape;
  if (c !== 1) throw new CliError(`predict: the model expects ${c}-channel images; only grayscale models are supported`);
  const top = numberOption('predict', 'top', values.top, info.classNames.length, { min: 1, integer: true });
  const pixels = readImageForModel(imagePath, h, w);
  const probs = predictProbabilities(model, new Tensor(pixels, [1, c, h, w]), info.normalization);
  const ranked = [...probs.data]
    .map((p, i) => ({ p, i }))
    .sort((a, b) => b.p - a.p)
    .slice(0, top);
  const out = process.stdout;
  const width = Math.max(...info.classNames.map((n) => n.length));
  for (const { p, i } of ranked) out.write(`${info.classNames[i].padEnd(width)}  ${(p * 100).toFixed(2).padStart(6)}%\n`);
  out.write(`prediction: ${info.classNames[ranked[0].i]}\n`);
  return 0;
}
