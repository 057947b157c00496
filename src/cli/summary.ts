/** `convnet summary MODEL`: the layers, output shapes and parameter counts of a model file. */
import { loadModel } from '../io/files.js';
import { summary } from '../nn/summary.js';
import type { CommandSpec } from './args.js';
import { plural } from './progress.js';

/** Options and help of `convnet summary`. */
export const summarySpec: CommandSpec = {
  name: 'summary',
  brief: 'layers, output shapes and parameter counts of a model file',
  summary:
    "Print a model file's architecture: each layer with its output shape and parameter count\n(for convolutions the count P·D·m·n + P written out), and how it was trained.",
  positionals: ['MODEL'],
  options: {},
  examples: ['convnet summary lenet5.safetensors'],
};

/** Runs `convnet summary MODEL`; returns the exit code. */
export function runSummary(positionals: string[]): number {
  const [path] = positionals;
  const { model, info } = loadModel(path);
  const out = process.stdout;
  const input = info.inputShape ? `input ${info.inputShape.join('x')}` : 'input shape not recorded';
  const classes = info.classNames ? plural(info.classNames.length, 'class', 'classes') : 'class names not recorded';
  const options = info.architecture === 'modules' ? '' : ` ${JSON.stringify(info.options)}`;
  out.write(`${path}: ${info.architecture}${options}, ${input}, ${classes}\n`);
  for (const [k, v] of Object.entries(info.training ?? {})) out.write(`  ${k}: ${v}\n`);
  // without an input shape there are no output shapes to show: the module tree and its parameter count
  if (info.inputShape) out.write(`\n${summary(model, [1, ...info.inputShape])}\n`);
  else out.write(`\n${String(model)}\n\ntotal parameters: ${model.numParameters().toLocaleString('en-US')}\n`);
  return 0;
}
