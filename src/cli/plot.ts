/** `convnet plot METRICS.jsonl`: the loss and accuracy curves of a metrics file, as PNG or SVG. */
import { readInputFile } from '../data/files.js';
import { type CommandSpec, numberOption } from './args.js';
import { CliError, usageError } from './errors.js';
import { pictureFormat, writePicture } from './draw/picture.js';
import { curvesScene, parseMetrics } from './metrics.js';
import { plural } from './progress.js';

/** The default size of a curves picture, in pixels (also that of `train --plot`). */
export const CURVES_WIDTH = 960;
export const CURVES_HEIGHT = 400;

/** Options and help of `convnet plot`. */
export const plotSpec: CommandSpec = {
  name: 'plot',
  brief: 'draw the loss and accuracy curves of a metrics file (PNG or SVG)',
  summary:
    "Draw the training curves of a metrics file written by 'convnet train --metrics': the train and\n" +
    'held-out loss beside the held-out accuracy, per epoch. The output is PNG or SVG, by its extension.',
  positionals: ['METRICS.jsonl'],
  options: {
    output: { type: 'string', short: 'o', value: 'FILE', help: 'the picture to write (.png or .svg)', default: 'curves.png' },
    width: { type: 'string', value: 'PIXELS', help: 'width of the picture', default: String(CURVES_WIDTH) },
    height: { type: 'string', value: 'PIXELS', help: 'height of the picture', default: String(CURVES_HEIGHT) },
  },
  examples: ['convnet plot metrics.jsonl -o curves.svg', 'convnet plot metrics.jsonl -o curves.png --width 640 --height 300'],
};

/** Throws a usage error unless `path` ends in .png or .svg; `option` names where it came from. */
export function checkPictureName(command: string, option: string, path: string): void {
  if (pictureFormat(path) === null) throw usageError(`${command}: ${option} must name a .png or .svg file, got '${path}'`, command);
}

/** Runs `convnet plot METRICS`; returns the exit code. */
export function runPlot(positionals: string[], values: Record<string, string | boolean | undefined>): number {
  const [path] = positionals;
  const output = typeof values.output === 'string' ? values.output : 'curves.png';
  checkPictureName('plot', '-o', output);
  const width = numberOption('plot', 'width', values.width, CURVES_WIDTH, { min: 200, max: 10000, integer: true });
  const height = numberOption('plot', 'height', values.height, CURVES_HEIGHT, { min: 150, max: 10000, integer: true });
  let records;
  try {
    records = parseMetrics(readInputFile(path, 'plot').toString('utf8'), path);
  } catch (e) {
    throw new CliError(`plot: ${(e as Error).message.replace(/^plot: /, '')}`);
  }
  writePicture(output, curvesScene(records, width, height), 'plot');
  process.stdout.write(`drew ${plural(records.length, 'epoch')} of ${path} to ${output} (${width}x${height})\n`);
  return 0;
}
