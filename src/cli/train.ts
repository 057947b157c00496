/** `convnet train`: trains a model on the bundled digits (default) or IDX files, and saves it. */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Generator } from '../tensor/random.js';
import { getNumThreads } from '../backend/registry.js';
import { MODEL_PRESETS, buildModel, ARCHITECTURES } from '../models/registry.js';
import { saveModel } from '../io/files.js';
import type { ModelInfo } from '../io/model-file.js';
import { DivergedError, type FitCheckpoint, type FitConfig, type FitResult, fit } from '../training/fit.js';
import { loadCheckpoint, saveCheckpoint } from '../training/checkpoint.js';
import { FASHION_MNIST_CLASSES } from '../data/idx-files.js';
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
    'batch-size': { type: 'string', short: 'b', value: 'N', help: 'images per mini-batch', default: '64 (resnet, vgg: 128)' },
    lr: {
      type: 'string',
      value: 'RATE',
      help: 'initial (onecycle: peak) learning rate',
      default: '0.05 (sgd), 0.001 (adam, adamw); resnet, vgg: 0.1',
    },
    momentum: { type: 'string', value: 'BETA', help: 'SGD momentum', default: '0.9' },
    'weight-decay': { type: 'string', value: 'L2', help: 'weight decay (decoupled for adamw)', default: '0.0005 (adamw: 0.05)' },
    'decay-norm-bias': {
      type: 'string',
      value: 'on|off',
      help: 'apply weight decay to BatchNorm weights and biases too',
      default: 'on (resnet, vgg: off)',
    },
    optimizer: { type: 'string', value: 'NAME', help: 'sgd, adam or adamw', default: 'sgd' },
    schedule: {
      type: 'string',
      value: 'NAME',
      help: 'learning-rate schedule: cosine, step, none, onecycle or warmup-cosine',
      default: 'cosine (resnet, vgg: onecycle)',
    },
    'warmup-epochs': { type: 'string', value: 'N', help: 'epochs of linear warmup for warmup-cosine', default: '1' },
    'label-smoothing': { type: 'string', value: 'EPS', help: 'label smoothing of the cross-entropy', default: '0 (resnet, vgg: 0.1)' },
    augment: { type: 'string', value: 'PIXELS', help: 'random shifts of up to this many pixels (0: off)', default: '2 (resnet, vgg: 0)' },
    crop: {
      type: 'string',
      value: 'PIXELS',
      help: 'random crop after zero padding of this many pixels per side (0: off)',
      default: '0 (resnet, vgg: 2)',
    },
    flip: { type: 'string', value: 'on|off', help: 'random horizontal flips', default: 'on for Fashion-MNIST, off for digits' },
    seed: { type: 'string', short: 's', value: 'N', help: 'seed of initialization, shuffling and augmentation', default: '0' },
    limit: { type: 'string', value: 'N', help: 'use only the first N training and N held-out images' },
    output: { type: 'string', short: 'o', value: 'FILE', help: 'where to save the model', default: '<model>.safetensors' },
    metrics: { type: 'string', value: 'FILE', help: 'write per-epoch metrics as JSON Lines (rewritten after each epoch)' },
    log: { type: 'string', value: 'FILE', help: 'the same as --metrics' },
    'checkpoint-dir': {
      type: 'string',
      value: 'DIR',
      help: 'write a checkpoint (model, optimizer, schedule, data order, metrics) after every epoch',
    },
    resume: {
      type: 'string',
      value: 'DIR',
      help: "continue the run of that checkpoint directory exactly (its options are the run's; checkpoints go on there)",
    },
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
    'convnet train --model resnet8 --data /usr/share/datasets/fashion-mnist --checkpoint-dir run1',
    'convnet train --resume run1',
  ],
  epilogue: [
    'Ctrl-C (SIGINT) or SIGTERM stops training after the current batch and saves the model trained so far;',
    'while the data loads it stops before training and writes nothing; during a save it lets the save finish.',
    'If the loss turns NaN or infinite, training stops and the output file is not written (nor overwritten).',
    'With --checkpoint-dir, a checkpoint is written after every epoch and when Ctrl-C stops an epoch in its',
    'middle: --resume DIR continues from it (with the next batch) with the same options, and ends with the',
    'same weights and metrics as an uninterrupted run.',
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
export async function runTrain(given: Record<string, string | boolean | undefined>): Promise<number> {
  const cmd = 'train';
  const resumeDir = typeof given.resume === 'string' ? given.resume : undefined;
  let resumeFrom: FitCheckpoint | undefined;
  let values = given;
  if (resumeDir !== undefined) {
    ({ resumeFrom, values } = resumedRun(resumeDir, given));
  }
  const modelName = choiceOption(cmd, 'model', values.model, Object.keys(MODEL_PRESETS), 'lenet5');
  const recipe = recipeDefaults(MODEL_PRESETS[modelName].architecture);
  const optimizer = choiceOption(cmd, 'optimizer', values.optimizer, ['sgd', 'adam', 'adamw'] as const, 'sgd');
  const config: Omit<FitConfig, 'normalization'> = {
    epochs: numberOption(cmd, 'epochs', values.epochs, 15, { min: 1, integer: true }),
    batchSize: numberOption(cmd, 'batch-size', values['batch-size'], recipe.batchSize, { min: 1, integer: true }),
    lr: numberOption(cmd, 'lr', values.lr, optimizer === 'sgd' ? recipe.lr : 0.001, { positive: true }),
    momentum: numberOption(cmd, 'momentum', values.momentum, 0.9, { min: 0, max: 1 }),
    weightDecay: numberOption(cmd, 'weight-decay', values['weight-decay'], optimizer === 'adamw' ? 0.05 : 5e-4, { min: 0 }),
    optimizer,
    schedule: choiceOption(
      cmd,
      'schedule',
      values.schedule,
      ['cosine', 'step', 'none', 'onecycle', 'warmup-cosine'] as const,
      recipe.schedule,
    ),
    warmupEpochs: numberOption(cmd, 'warmup-epochs', values['warmup-epochs'], 1, { min: 0, integer: true }),
    labelSmoothing: numberOption(cmd, 'label-smoothing', values['label-smoothing'], recipe.labelSmoothing, { min: 0, max: 1 }),
    noDecayOnNormAndBias:
      choiceOption(cmd, 'decay-norm-bias', values['decay-norm-bias'], ['on', 'off'] as const, recipe.decayNormBias) === 'off',
    augmentShift: numberOption(cmd, 'augment', values.augment, recipe.augmentShift, { min: 0, max: 27, integer: true }),
    augmentCrop: numberOption(cmd, 'crop', values.crop, recipe.augmentCrop, { min: 0, max: 27, integer: true }),
    seed: numberOption(cmd, 'seed', values.seed, 0, { integer: true }),
  };
  const flipChoice = values.flip === undefined ? undefined : choiceOption(cmd, 'flip', values.flip, ['on', 'off'] as const, 'off');
  const limit = values.limit === undefined ? undefined : numberOption(cmd, 'limit', values.limit, 0, { min: 1, integer: true });
  const output = typeof values.output === 'string' ? values.output : `${modelName}.safetensors`;
  if (typeof values.metrics === 'string' && typeof values.log === 'string' && values.metrics !== values.log) {
    throw new CliError(`train: --metrics and --log name the same file; give one of them (got '${values.metrics}' and '${values.log}')`);
  }
  const checkpointDir = typeof values['checkpoint-dir'] === 'string' ? values['checkpoint-dir'] : resumeDir;
  const preset = MODEL_PRESETS[modelName];
  const arch = ARCHITECTURES[preset.architecture];
  const metricsPath = typeof values.metrics === 'string' ? values.metrics : typeof values.log === 'string' ? values.log : undefined;
  const plotPath = typeof values.plot === 'string' ? values.plot : undefined;
  if (plotPath !== undefined) checkPictureName(cmd, '--plot', plotPath);

  checkWritable(output, 'the model');
  if (metricsPath !== undefined) checkWritable(metricsPath, 'the metrics');
  if (plotPath !== undefined) checkWritable(plotPath, 'the plot');
  if (checkpointDir !== undefined) checkCheckpointDir(checkpointDir);

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
    // horizontal flips suit clothes, not digits (a flipped 2 is not a 2)
    const isFashion = data.train.classNames?.[0] === FASHION_MNIST_CLASSES[0];
    config.augmentFlip = flipChoice === undefined ? isFashion : flipChoice === 'on';
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
        `${augmentationText(config)}, seed ${config.seed}, backend ${backend}${backend === 'wasm' ? ` (${plural(getNumThreads(), 'thread')})` : ''}\n`,
    );
    if (resumeFrom !== undefined) {
      const where =
        resumeFrom.partial === undefined
          ? `after epoch ${resumeFrom.epoch}`
          : `epoch ${resumeFrom.epoch + 1} after batch ${resumeFrom.partial.batch}`;
      out.write(`resuming ${where} from ${resumeDir}\n`);
    }

    phase = 'train';
    const started = performance.now();
    let lastAccuracy: number | null = null;
    const records: EpochMetrics[] = (resumeFrom?.epochs ?? []).map((e) => epochMetrics(e, config.epochs, data.train.n));
    lastAccuracy = resumeFrom?.epochs.at(-1)?.heldOut?.accuracy ?? null;
    const recorded = recordedArgs(values);
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
    let stoppedAt: string | null = null;
    try {
      result = await fit(
        model,
        data.train,
        data.heldOut,
        { ...config, normalization, resumeFrom },
        {
          onBatch: (p) => {
            bar.update(p);
            testDelay('CONVNET_TEST_DELAY_BATCH_MS', `batch ${p.batch} of epoch ${p.epoch}`);
          },
          onEpoch: (e, state) => {
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
            if (checkpointDir !== undefined) saveCheckpoint(checkpointDir, state.checkpoint(), { args: recorded });
          },
          shouldStop: () => signals.stopRequested,
          // Ctrl-C in the middle of an epoch: a checkpoint from which --resume continues with the next batch
          onStop: (state) => {
            if (checkpointDir === undefined) return;
            const checkpoint = state.checkpoint();
            if (checkpoint.partial === undefined) return; // the epoch had just ended: its checkpoint is written
            bar.clear();
            saveCheckpoint(checkpointDir, checkpoint, { args: recorded });
            stoppedAt = `epoch ${checkpoint.epoch + 1}, batch ${checkpoint.partial.batch}`;
          },
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
      const kept = stoppedAt === null ? '' : `; a checkpoint of ${stoppedAt} is in ${checkpointDir} (--resume ${checkpointDir} continues)`;
      out.write(`interrupted after ${plural(result.epochs.length, 'complete epoch')}; saved the model to ${output}${kept}\n`);
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

/** The options that define a run: with `--resume` they come from the checkpoint, and giving one is an error. */
const RUN_OPTIONS = [
  'model',
  'data',
  'epochs',
  'batch-size',
  'lr',
  'momentum',
  'weight-decay',
  'decay-norm-bias',
  'optimizer',
  'schedule',
  'warmup-epochs',
  'label-smoothing',
  'augment',
  'crop',
  'flip',
  'seed',
  'limit',
];

/** Where a run writes: recorded in the checkpoint too, but `--resume` may be given others. */
const FILE_OPTIONS = ['output', 'metrics', 'log', 'plot', 'save-diverged'];

/** The options of this run that a checkpoint records (those given; defaults are derived again). */
function recordedArgs(values: Record<string, string | boolean | undefined>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const key of [...RUN_OPTIONS, ...FILE_OPTIONS]) {
    const v = values[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * The checkpoint in `dir` and the options of its run: those it recorded, with the file options
 * given now taking precedence. A run option given with `--resume` is an error (the run would not
 * be the one checkpointed).
 */
function resumedRun(
  dir: string,
  given: Record<string, string | boolean | undefined>,
): { resumeFrom: FitCheckpoint; values: Record<string, string | boolean | undefined> } {
  const clash = RUN_OPTIONS.filter((k) => given[k] !== undefined);
  if (clash.length > 0) {
    throw new CliError(
      `train: --resume continues the run recorded in ${dir} with its own options; drop ${clash.map((k) => `--${k}`).join(', ')} ` +
        '(to train differently, start a new run)',
    );
  }
  let loaded;
  try {
    loaded = loadCheckpoint(dir);
  } catch (e) {
    throw new CliError(`train: cannot resume: ${errorMessage(e).replace(/^loadCheckpoint: /, '')}`);
  }
  const args = loaded.extra.args;
  if (typeof args !== 'object' || args === null)
    throw new CliError(`train: cannot resume: the checkpoint in ${dir} records no options of its run`);
  const values: Record<string, string | boolean | undefined> = {};
  for (const [k, v] of Object.entries(args)) {
    if ((RUN_OPTIONS.includes(k) || FILE_OPTIONS.includes(k)) && (typeof v === 'string' || typeof v === 'boolean')) values[k] = v;
  }
  for (const [k, v] of Object.entries(given)) if (v !== undefined) values[k] = v;
  return { resumeFrom: loaded.checkpoint, values };
}

/** The training recipe's defaults for an architecture: LeNet-5's as before; the BN networks' (ResNets, VGG) as in bench/torch_fashion.py. */
function recipeDefaults(architecture: string): {
  batchSize: number;
  lr: number;
  schedule: 'cosine' | 'onecycle';
  labelSmoothing: number;
  decayNormBias: 'on' | 'off';
  augmentShift: number;
  augmentCrop: number;
} {
  if (architecture === 'resnet' || architecture === 'vgg') {
    return { batchSize: 128, lr: 0.1, schedule: 'onecycle', labelSmoothing: 0.1, decayNormBias: 'off', augmentShift: 0, augmentCrop: 2 };
  }
  return { batchSize: 64, lr: 0.05, schedule: 'cosine', labelSmoothing: 0, decayNormBias: 'on', augmentShift: 2, augmentCrop: 0 };
}

/** The augmentation and loss settings in the run's header line: `shifts ±2 px`, `crop pad 2, flips, label smoothing 0.1`. */
function augmentationText(config: Omit<FitConfig, 'normalization'>): string {
  const parts: string[] = [];
  if (config.augmentShift > 0 || (config.augmentCrop ?? 0) === 0) parts.push(`shifts ±${config.augmentShift} px`);
  if ((config.augmentCrop ?? 0) > 0) parts.push(`crop pad ${config.augmentCrop}`);
  if (config.augmentFlip === true) parts.push('flips');
  if ((config.labelSmoothing ?? 0) > 0) parts.push(`label smoothing ${config.labelSmoothing}`);
  if (config.noDecayOnNormAndBias === true) parts.push('no decay on BN and biases');
  return parts.join(', ');
}

/** Throws a CliError unless `dir` is a directory (or can be made one) that takes new files. */
function checkCheckpointDir(dir: string): void {
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
    throw new CliError(`train: --checkpoint-dir '${dir}' is a file, not a directory`);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`train: cannot make the checkpoint directory '${dir}': ${errorMessage(e)}`);
  }
  checkWritable(join(dir, 'checkpoint.json'), 'checkpoints');
}
