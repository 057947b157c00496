/** `convnet export MODEL -o MODEL.onnx`: a model file as an ONNX model, for ONNX Runtime and other engines. */
import { statSync } from 'node:fs';
import { loadModel } from '../io/files.js';
import { ONNX_OPSETS } from '../io/onnx/opsets.js';
import { type CommandSpec, numberOption } from './args.js';
import { CliError, usageError } from './errors.js';

/** Options and help of `convnet export`. */
export const exportSpec: CommandSpec = {
  name: 'export',
  brief: 'a model file as ONNX (for ONNX Runtime and other engines)',
  summary:
    'Export a model file as an ONNX model: its evaluation-mode forward in standard operators, float32,\n' +
    "input 'input' (N, C, H, W) with a dynamic batch N, output 'output' (N, classes). The input\n" +
    'normalization is recorded in the metadata (convnet.normalization), or folded into the graph.',
  positionals: ['MODEL'],
  options: {
    output: { type: 'string', short: 'o', value: 'FILE', help: 'where to write the ONNX model', default: 'MODEL with .onnx' },
    opset: { type: 'string', value: 'N', help: `ONNX operator set, ${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}`, default: '13' },
    'fold-normalization': { type: 'boolean', help: 'start the graph with (x − mean)/std, so that it takes raw pixels' },
    'input-shape': { type: 'string', value: 'CxHxW', help: 'the input shape, for a model file that does not record it' },
  },
  examples: ['convnet export lenet5.safetensors -o lenet5.onnx', 'convnet export resnet20.safetensors --opset 17 --fold-normalization'],
};

/** `CxHxW` as `[C, H, W]`. */
function parseShape(raw: string): number[] {
  const dims = raw.split('x').map((d) => (/^\d+$/.test(d) ? Number(d) : NaN));
  if (dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw usageError(`export: --input-shape must be CxHxW of positive integers (e.g. 1x28x28), got '${raw}'`, 'export');
  }
  return dims;
}

/** Runs `convnet export MODEL`; returns the exit code. */
export async function runExport(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const [path] = positionals;
  const opset = numberOption('export', 'opset', values.opset, 13, { min: ONNX_OPSETS.min, max: ONNX_OPSETS.max, integer: true });
  const output = typeof values.output === 'string' ? values.output : `${path.replace(/\.safetensors$/, '')}.onnx`;
  const given = typeof values['input-shape'] === 'string' ? parseShape(values['input-shape']) : undefined;
  const { model, info } = loadModel(path);
  const inputShape = given ?? info.inputShape;
  if (inputShape === undefined) {
    throw new CliError(`export: '${path}' does not record the model's input shape; give it with --input-shape CxHxW`);
  }
  const foldNormalization = values['fold-normalization'] === true;
  if (foldNormalization && info.normalization === undefined) {
    throw new CliError(`export: '${path}' records no input normalization to fold`);
  }
  // loaded here, not at start-up: the other commands need no protobuf encoder
  const { saveOnnx } = await import('../io/onnx/files.js');
  saveOnnx(output, model, { inputShape, opset, normalization: info.normalization, foldNormalization, classNames: info.classNames });
  const kb = (statSync(output).size / 1024).toFixed(1);
  const norm = info.normalization
    ? foldNormalization
      ? `, normalization (x − ${info.normalization.mean})/${info.normalization.std} folded in`
      : `, normalization (x − ${info.normalization.mean})/${info.normalization.std} recorded in the metadata`
    : '';
  process.stdout.write(`${output}: ONNX opset ${opset}, input (N, ${inputShape.join(', ')})${norm}, ${kb} KiB\n`);
  return 0;
}
