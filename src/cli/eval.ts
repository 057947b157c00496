/** `convnet eval MODEL`: held-out accuracy and a confusion matrix. */
import { loadModel } from '../io/files.js';
import { evaluate } from '../training/evaluate.js';
import { type CommandSpec, numberOption } from './args.js';
import { CliError } from './errors.js';
import { applyBackendOptions, backendOptions } from './backend.js';
import { loadSplits } from '../data/splits.js';
import { NO_NORMALIZATION } from '../data/normalization.js';
import { plural } from './progress.js';

/** Options and help of `convnet eval`. */
export const evalSpec: CommandSpec = {
  name: 'eval',
  brief: 'accuracy and confusion matrix of a model file on held-out data',
  summary:
    'Evaluate a model file on held-out data: the 2,000 held-out bundled digits (default), or the\ntest split (t10k-*) of an IDX directory. Prints the accuracy and the confusion matrix.',
  positionals: ['MODEL'],
  options: {
    data: { type: 'string', short: 'd', value: 'DIR', help: 'directory with MNIST-format IDX files', default: 'the bundled digits' },
    limit: { type: 'string', value: 'N', help: 'evaluate only the first N held-out images' },
    'batch-size': { type: 'string', short: 'b', value: 'N', help: 'images per batch', default: '256' },
    ...backendOptions,
  },
  examples: ['convnet eval lenet5.safetensors', 'convnet eval fashion.safetensors --data /usr/share/datasets/fashion-mnist'],
};

/** The confusion matrix as a table: rows are true labels (index and name), columns predicted indices. */
export function confusionTable(confusion: number[][], names: string[]): string {
  const width = Math.max(5, ...confusion.flat().map((v) => String(v).length + 1));
  const rowLabels = confusion.map((_, i) => (names[i] === undefined || names[i] === String(i) ? String(i) : `${i} ${names[i]}`));
  const labelWidth = Math.max('true\\pred'.length, ...rowLabels.map((l) => l.length)) + 1;
  const header = `${'true\\pred'.padEnd(labelWidth)}${confusion.map((_, i) => String(i).padStart(width)).join('')}`;
  const rows = confusion.map((row, i) => `${rowLabels[i].padEnd(labelWidth)}${row.map((v) => String(v).padStart(width)).join('')}`);
  return [header, ...rows].join('\n');
}

/** Runs `convnet eval MODEL`; returns the exit code. */
export function runEval(positionals: string[], values: Record<string, string | boolean | undefined>): number {
  const [path] = positionals;
  applyBackendOptions('eval', values);
  const limit = values.limit === undefined ? undefined : numberOption('eval', 'limit', values.limit, 0, { min: 1, integer: true });
  const batchSize = numberOption('eval', 'batch-size', values['batch-size'], 256, { min: 1, integer: true });
  const { model, info } = loadModel(path);
  const data = loadSplits(typeof values.data === 'string' ? values.data : undefined, limit);
  const ds = data.heldOut;
  // a model saved without its input shape is given the images as they are
  const [c, h, w] = info.inputShape ?? [ds.channels, ds.height, ds.width];
  if (ds.channels !== c || ds.height !== h || ds.width !== w) {
    throw new CliError(`eval: the images are ${ds.channels}x${ds.height}x${ds.width}, but the model expects ${c}x${h}x${w}`);
  }
  const result = evaluate(model, ds, info.normalization ?? NO_NORMALIZATION, batchSize);
  const out = process.stdout;
  const options = info.architecture === 'modules' ? '' : ` ${JSON.stringify(info.options)}`;
  out.write(`${path}: ${info.architecture}${options} on ${plural(ds.n, 'held-out image')} of ${data.source}\n\n`);
  out.write(`${confusionTable(result.confusion, info.classNames ?? [])}\n\n`);
  out.write(`loss: ${result.loss.toFixed(4)}\n`);
  out.write(`accuracy: ${(result.accuracy * 100).toFixed(2)}% (${Math.round(result.accuracy * ds.n)}/${ds.n})\n`);
  return 0;
}
