/** `convnet train`: trains a model on the bundled digits (default) or IDX files, and saves it. */
import { Generator } from '../tensor/random.js';
import { getNumThreads } from '../backend/registry.js';
import { MODEL_PRESETS, buildModel, ARCHITECTURES } from '../models/registry.js';
import { saveModel } from '../io/files.js';
import type { ModelInfo } from '../io/model-file.js';
import { type FitConfig, fit } from '../training/fit.js';
import { type CommandSpec, choiceOption, numberOption } from './args.js';
import { CliError } from './errors.js';
import { applyBackendOptions, backendOptions } from './backend.js';
import { loadSplits } from '../data/splits.js';
import { pixelStatistics } from '../data/normalization.js';
import { ProgressBar, formatDuration } from './progress.js';

/** Options and help of `convnet train`. */
export const trainSpec: CommandSpec = {
  name: 'train',
  brief: 'train a model on the bundled digits or IDX files, save it',
  summary:
    'Train a convolutional network and save it as a safetensors model file. By default: LeNet-5 on the\n' +
    '10,000 bundled MNIST digits (8,000 for training, 2,000 held out), SGD with momentum, cosine\n' +
    'learning-rate schedule, weight decay and random shifts of up to 2 pixels, 15 epochs.',
  positionals: [],
  options: {
    model: { type: 'string', short: 'm', value: 'NAME', help: `model: ${Object.keys(MODEL_PRESETS).join(', ')}`, default: 'lenet5' },
    data: {
      type: 'string',
      short: 'd',
      value: 'DIR',
      help: 'directory with MNIST-format IDX files (train-*, t10k-*; plain or .gz)',
      default: 'the bundled digits',
    },
    epochs: { type: 'string', short: 'e', value: 'N', help: 'passes over the training data', default: '15' },
    'batch-size': { type: 'string', short: 'b', value: 'N', help: 'images per mini-batch', default: '64' },
    lr: { type: 'string', value: 'RATE', help: 'initial learning rate', default: '0.05 (sgd), 0.001 (adam)' },
    momentum: { type: 'string', value: 'BETA', help: 'SGD momentum', default: '0.9' },
    'weight-decay': { type: 'string', value: 'L2', help: 'weight decay', default: '0.0005' },
    optimizer: { type: 'string', value: 'NAME', help: 'sgd or adam', default: 'sgd' },
    schedule: { type: 'string', value: 'NAME', help: 'learning-rate schedule: cosine, step or none', default: 'cosine' },
    augment: { type: 'string', value: 'PIXELS', help: 'random shifts of up to this many pixels (0: off)', default: '2' },
    seed: { type: 'string', short: 's', value: 'N', help: 'seed of initialization, shuffling and augmentation', default: '0' },
    limit: { type: 'string', value: 'N', help: 'use only the first N training and N held-out images' },
    output: { type: 'string', short: 'o', value: 'FILE', help: 'where to save the model', default: '<model>.safetensors' },
    ...backendOptions,
  },
  examples: [
    'convnet train',
    'convnet train --model lenet5-modern --epochs 5',
    'convnet train --data /usr/share/datasets/fashion-mnist -o fashion.safetensors',
  ],
};

/** Runs `convnet train`; resolves to the exit code. */
export async function runTrain(values: Record<string, string | boolean | undefined>): Promise<number> {
  const cmd = 'train';
  const modelName = choiceOption(cmd, 'model', values.model, Object.keys(MODEL_PRESETS), 'lenet5');
  const optimizer = choiceOption(cmd, 'optimizer', values.optimizer, ['sgd', 'adam'] as const, 'sgd');
  const config: Omit<FitConfig, 'normalization'> = {
    epochs: numberOption(cmd, 'epochs', values.epochs, 15, { min: 1, integer: true }),
    batchSize: numberOption(cmd, 'batch-size', values['batch-size'], 64, { min: 1, integer: true }),
    lr: numberOption(cmd, 'lr', values.lr, optimizer === 'adam' ? 0.001 : 0.05, { min: 0 }),
    momentum: numberOption(cmd, 'momentum', values.momentum, 0.9, { min: 0, max: 1 }),
    weightDecay: numberOption(cmd, 'weight-decay', values['weight-decay'], 5e-4, { min: 0 }),
    optimizer,
    schedule: choiceOption(cmd, 'schedule', values.schedule, ['cosine', 'step', 'none'] as const, 'cosine'),
    augmentShift: numberOption(cmd, 'augment', values.augment, 2, { min: 0, max: 27, integer: true }),
    seed: numberOption(cmd, 'seed', values.seed, 0, { integer: true }),
  };
  const limit = values.limit === undefined ? undefined : numberOption(cmd, 'limit', values.limit, 0, { min: 1, integer: true });
  const output = typeof values.output === 'string' ? values.output : `${modelName}.safetensors`;
  const preset = MODEL_PRESETS[modelName];
  const arch = ARCHITECTURES[preset.architecture];

  const backend = applyBackendOptions(cmd, values);
  const data = loadSplits(typeof values.data === 'string' ? values.data : undefined, limit);
  const [c, h, w] = arch.inputShape;
  if (data.train.channels !== c || data.train.height !== h || data.train.width !== w) {
    throw new CliError(
      `train: the images are ${data.train.channels}x${data.train.height}x${data.train.width}, but ${modelName} expects ${c}x${h}x${w}`,
    );
  }
  if (data.train.classes > arch.classes)
    throw new CliError(`train: the data has ${data.train.classes} classes, but ${modelName} has ${arch.classes} outputs`);
  const normalization = pixelStatistics(data.train);
  const model = buildModel(preset.architecture, preset.options, new Generator(config.seed));

  const out = process.stdout;
  out.write(`training ${modelName} (${model.numParameters().toLocaleString('en-US')} parameters) on ${data.source}\n`);
  out.write(
    `${config.epochs} epochs, batch ${config.batchSize}, ${config.optimizer} lr ${config.lr}` +
      `${config.optimizer === 'sgd' ? ` momentum ${config.momentum}` : ''}, weight decay ${config.weightDecay}, ${config.schedule} schedule, ` +
      `shifts ±${config.augmentShift} px, seed ${config.seed}, backend ${backend}${backend === 'wasm' ? ` (${getNumThreads()} threads)` : ''}\n`,
  );

  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const bar = new ProgressBar(process.stderr);
  const started = performance.now();
  let lastAccuracy: number | null = null;
  let result;
  try {
    result = await fit(
      model,
      data.train,
      data.heldOut,
      { ...config, normalization },
      {
        onBatch: (p) => bar.update(p),
        onEpoch: (e) => {
          bar.clear();
          lastAccuracy = e.heldOut?.accuracy ?? null;
          out.write(
            `epoch ${String(e.epoch).padStart(String(config.epochs).length)}/${config.epochs}  train loss ${e.trainLoss.toFixed(4)}  ` +
              `held-out loss ${e.heldOut?.loss.toFixed(4)}  held-out accuracy ${((e.heldOut?.accuracy ?? 0) * 100).toFixed(2)}%  ` +
              `lr ${e.lr.toPrecision(3)}  ${e.seconds.toFixed(1)} s\n`,
          );
        },
        shouldStop: () => interrupted,
      },
    );
  } finally {
    process.off('SIGINT', onSigint);
    bar.clear();
  }

  const info: ModelInfo = {
    architecture: preset.architecture,
    options: preset.options,
    inputShape: arch.inputShape,
    normalization,
    classNames: data.train.classNames ?? Array.from({ length: arch.classes }, (_, i) => String(i)),
    training: {
      model: modelName,
      data: data.source,
      epochs: String(result.epochs.length),
      seed: String(config.seed),
      heldOutAccuracy: lastAccuracy === null ? 'n/a' : String(lastAccuracy),
    },
  };
  saveModel(output, model, info);
  const seconds = (performance.now() - started) / 1000;
  if (result.stopped) {
    out.write(`interrupted after ${result.epochs.length} complete epoch(s); saved the model to ${output}\n`);
    return 130;
  }
  out.write(`saved ${output} (${formatDuration(seconds)} training)\n`);
  out.write(`held-out accuracy: ${((lastAccuracy ?? 0) * 100).toFixed(1)}%\n`);
  return 0;
}
