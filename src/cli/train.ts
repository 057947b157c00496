/** `convnet train`: trains a model on the bundled digits (default) or IDX files, and saves it. */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Generator } from '../tensor/random.js';
import { getNumThreads } from '../backend/registry.js';
import { MODEL_PRESETS, buildModel, ARCHITECTURES } from '../models/registry.js';
import { saveModel } from '../io/files.js';
import type { ModelInfo } from '../io/model-file.js';
import { DivergedError, type FitConfig, type FitResult, fit } from '../training/fit.js';
import { type CommandSpec, choiceOption, numberOption } from './args.js';
import { CliError } from './errors.js';
import { applyBackendOptions, backendOptions } from './backend.js';
import { loadSplits } from '../data/splits.js';
import { type ImageDataset, subset } from '../data/dataset.js';
import { errorMessage, writeFileAtomic } from '../data/files.js';
import { pixelStatistics } from '../data/normalization.js';
import { ProgressBar, formatDuration, plural } from './progress.js';
import { type EpochMetrics, curvesScene, epochMetrics, metricsText } from './metrics.js';
import { CURVES_HEIGHT, CURVES_WIDTH, checkPictureName } from './plot.js';
import { writePicture } from './draw/picture.js';
import { EXIT_INTERRUPTED, StopSignals, testDelay } from './signals.js';

/** Exit status of `convnet train` when training diverged (a NaN or infinite loss). */
export const EXIT_DIVERGED = 3;

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
    metrics: { type: 'string', value: 'FILE', help: 'write per-epoch metrics as JSON Lines (rewritten after each epoch)' },
    plot: { type: 'string', value: 'FILE', help: 'draw the loss and accuracy curves (.png or .svg; redrawn after each epoch)' },
    'save-diverged': {
      type: 'boolean',
      help: 'if training diverges (a NaN or infinite loss), save the weights from before that batch beside the output as NAME.diverged.safetensors',
    },
    ...backendOptions,
  },
  examples: [
    'convnet train',
    'convnet train --model lenet5-modern --epochs 5',
    'convnet train --data /usr/share/datasets/fashion-mnist -o fashion.safetensors',
    'convnet train --metrics metrics.jsonl --plot curves.png',
  ],
  epilogue: [
    'Ctrl-C (SIGINT) or SIGTERM stops training after the current batch and saves the model trained so far;',
    'while the data loads it stops before training and writes nothing; during a save it lets the save finish.',
    'If the loss turns NaN or infinite, training stops and the output file is not written (nor overwritten).',
    '',
    'Exit status:',
    '  0    trained and saved',
    '  1    error (bad data, a file that cannot be read or written)',
    '  2    usage error (bad option or value)',
    `  ${EXIT_DIVERGED}    training diverged: nothing saved, unless --save-diverged (then NAME.diverged.safetensors)`,
    `  ${EXIT_INTERRUPTED}  stopped by SIGINT or SIGTERM (the model trained so far is saved, if training had started)`,
  ].join('\n'),
};

/** Runs `convnet train`; resolves to the exit code. */
export async function runTrain(values: Record<string, string | boolean | undefined>): Promise<number> {
  const cmd = 'train';
  const modelName = choiceOption(cmd, 'model', values.model, Object.keys(MODEL_PRESETS), 'lenet5');
  const optimizer = choiceOption(cmd, 'optimizer', values.optimizer, ['sgd', 'adam'] as const, 'sgd');
  const config: Omit<FitConfig, 'normalization'> = {
    epochs: numberOption(cmd, 'epochs', values.epochs, 15, { min: 1, integer: true }),
    batchSize: numberOption(cmd, 'batch-size', values['batch-size'], 64, { min: 1, integer: true }),
    lr: numberOption(cmd, 'lr', values.lr, optimizer === 'adam' ? 0.001 : 0.05, { positive: true }),
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
  const metricsPath = typeof values.metrics === 'string' ? values.metrics : undefined;
  const plotPath = typeof values.plot === 'string' ? values.plot : undefined;
  if (plotPath !== undefined) checkPictureName(cmd, '--plot', plotPath);

  checkWritable(output, 'the model');
  if (metricsPath !== undefined) checkWritable(metricsPath, 'the metrics');
  if (plotPath !== undefined) checkWritable(plotPath, 'the plot');

  const saveDiverged = values['save-diverged'] === true;
  const out = process.stdout;
  const bar = new ProgressBar(process.stderr);
  // from here to the end SIGINT and SIGTERM only ask to stop: what is trained is saved, a save finishes
  let phase: 'load' | 'train' | 'save' = 'load';
  const signals = new StopSignals((signal, count) => {
    if (phase === 'load') return; // reported once the data is loaded, below
    bar.clear();
    const what =
      phase === 'train' && count === 1
        ? `stopping after the current batch; the model trained so far will be saved to ${output}`
        : `${count === 1 ? '' : 'still stopping: '}the model is being saved to ${output}; exiting when it is saved`;
    process.stderr.write(`convnet: ${signal}: ${what}\n`);
  }).listen();
  try {
    const backend = applyBackendOptions(cmd, values);
    const dataDir = typeof values.data === 'string' ? values.data : undefined;
    testDelay('CONVNET_TEST_DELAY_LOAD_MS', 'loading the data');
    const data = limitSplits(loadSplits(dataDir), dataDir, limit);
    const [c, h, w] = arch.inputShape;
    if (data.train.channels !== c || data.train.height !== h || data.train.width !== w) {
      throw new CliError(
        `train: the images are ${data.train.channels}x${data.train.height}x${data.train.width}, but ${modelName} expects ${c}x${h}x${w}`,
      );
    }
    if (data.train.classes > arch.classes) {
      throw new CliError(
        `train: the data has ${plural(data.train.classes, 'class', 'classes')}, but ${modelName} has ${plural(arch.classes, 'output')}`,
      );
    }
    const normalization = pixelStatistics(data.train);
    const model = buildModel(preset.architecture, preset.options, new Generator(config.seed));
    await signals.settle();
    if (signals.stopRequested) {
      process.stderr.write(`convnet: ${signals.received[0]} while loading the data: stopped before training; nothing was written\n`);
      return EXIT_INTERRUPTED;
    }

    out.write(`training ${modelName} (${plural(model.numParameters(), 'parameter')}) on ${data.source}\n`);
    out.write(
      `${plural(config.epochs, 'epoch')}, batch ${config.batchSize}, ${config.optimizer} lr ${config.lr}` +
        `${config.optimizer === 'sgd' ? ` momentum ${config.momentum}` : ''}, weight decay ${config.weightDecay}, ${config.schedule} schedule, ` +
        `shifts ±${config.augmentShift} px, seed ${config.seed}, backend ${backend}${backend === 'wasm' ? ` (${plural(getNumThreads(), 'thread')})` : ''}\n`,
    );

    phase = 'train';
    const started = performance.now();
    let lastAccuracy: number | null = null;
    const records: EpochMetrics[] = [];
    const info = (training: Record<string, string> = {}): ModelInfo => ({
      architecture: preset.architecture,
      options: preset.options,
      inputShape: arch.inputShape,
      normalization,
      classNames: data.train.classNames ?? Array.from({ length: arch.classes }, (_, i) => String(i)),
      training: {
        model: modelName,
        data: data.source,
        epochs: String(records.length),
        seed: String(config.seed),
        heldOutAccuracy: lastAccuracy === null ? 'n/a' : String(lastAccuracy),
        ...training,
      },
    });
    let result: FitResult;
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
            // written after every epoch, so that an interrupted or diverged run keeps its metrics and curves so far
            records.push(epochMetrics(e, config.epochs, data.train.n));
            if (metricsPath !== undefined) writeFileAtomic(metricsPath, new TextEncoder().encode(metricsText(records)), cmd);
            if (plotPath !== undefined) writePicture(plotPath, curvesScene(records, CURVES_WIDTH, CURVES_HEIGHT), cmd);
          },
          shouldStop: () => signals.stopRequested,
        },
      );
    } catch (e) {
      if (!(e instanceof DivergedError)) throw e;
      bar.clear();
      phase = 'save';
      process.stderr.write(`convnet: train: ${e.message.replace(/^fit: /, '')}\n`);
      let kept = ' (--save-diverged keeps the weights)';
      if (saveDiverged) {
        const path = divergedPath(output);
        try {
          saveModel(path, model, info({ diverged: `epoch ${e.epoch}, batch ${e.batch}` }));
          kept = `; the weights before that batch are saved to ${path}`;
        } catch (x) {
          kept = `; the weights could not be saved either: ${errorMessage(x)}`;
        }
      }
      process.stderr.write(`convnet: ${output} was not written${kept}; try a smaller --lr than ${config.lr}\n`);
      return EXIT_DIVERGED;
    }
    bar.clear();

    phase = 'save';
    testDelay('CONVNET_TEST_DELAY_SAVE_MS', `saving the model to ${output}`);
    saveModel(output, model, info());
    const seconds = (performance.now() - started) / 1000;
    await signals.settle();
    if (result.stopped || signals.stopRequested) {
      out.write(`interrupted after ${plural(result.epochs.length, 'complete epoch')}; saved the model to ${output}\n`);
      return EXIT_INTERRUPTED;
    }
    const saved = [output, metricsPath, plotPath].filter((f) => f !== undefined).join(', ');
    out.write(`saved ${saved} (${formatDuration(seconds)} training)\n`);
    out.write(`held-out accuracy: ${((lastAccuracy ?? 0) * 100).toFixed(1)}%\n`);
    return 0;
  } finally {
    signals.finish();
    bar.clear();
  }
}

/** Where `--save-diverged` saves: `NAME.diverged.safetensors` beside `output` (`NAME` without `.safetensors`). */
export function divergedPath(output: string): string {
  return join(dirname(output), `${basename(output).replace(/\.safetensors$/, '')}.diverged.safetensors`);
}

/**
 * The splits with only the first `limit` images of each part, described with the counts used
 * (`the bundled MNIST digits (256 of 8,000 train / 256 of 2,000 held out)`).
 */
function limitSplits(
  data: { train: ImageDataset; heldOut: ImageDataset },
  dir: string | undefined,
  limit: number | undefined,
): { train: ImageDataset; heldOut: ImageDataset; source: string } {
  const first = (ds: ImageDataset): ImageDataset =>
    limit === undefined || limit >= ds.n
      ? ds
      : subset(
          ds,
          Int32Array.from({ length: limit }, (_, i) => i),
        );
  const train = first(data.train);
  const heldOut = first(data.heldOut);
  const count = (used: ImageDataset, all: ImageDataset): string =>
    used.n === all.n ? used.n.toLocaleString('en-US') : `${used.n.toLocaleString('en-US')} of ${all.n.toLocaleString('en-US')}`;
  const where = dir === undefined ? 'the bundled MNIST digits' : dir;
  const heldOutName = dir === undefined ? 'held out' : 'test';
  return { train, heldOut, source: `${where} (${count(train, data.train)} train / ${count(heldOut, data.heldOut)} ${heldOutName})` };
}

/**
 * Throws a CliError unless a file can be written at `path`: its directory exists and takes a new
 * file (tried with an empty probe file, removed at once), and `path` is not a directory. Checked
 * before training, so that a mistyped `-o` (or `--metrics`, `--plot`) does not cost the whole run;
 * `what` names the file in the message (`the model`).
 */
function checkWritable(path: string, what: string): void {
  const dir = dirname(path);
  const fail = (why: string): never => {
    throw new CliError(`train: cannot write ${what} to '${path}': ${why}`);
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return fail(`the directory '${dir}' does not exist`);
  }
  if (!stat.isDirectory()) fail(`'${dir}' is not a directory`);
  if (fs.existsSync(path) && fs.statSync(path).isDirectory()) fail('it is a directory');
  const probe = join(dir, `.${basename(path)}.${process.pid}.probe.tmp`);
  try {
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.rmSync(probe);
  } catch (e) {
    fail(errorMessage(e));
  }
}
