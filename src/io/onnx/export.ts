/**
 * ONNX export: a model made of built-in layers as an ONNX model (protobuf bytes) that ONNX
 * Runtime, PyTorch's importers or any ONNX engine runs. The graph computes the model's
 * evaluation-mode forward with standard operators of the default domain (the table is in
 * layers.ts), float32, with a dynamic batch axis `N`:
 *
 *     input  (N, C, H, W)  float32   (inputShape = [C, H, W])
 *     output (N, K)        float32   (the model's output for each input, logits for a classifier)
 *
 * The input normalization `(x − mean)/std` is recorded in the model's `metadata_props`
 * (`convnet.normalization` = `{"mean":…,"std":…}`, and `convnet.normalization_folded`), so that a
 * caller normalizes before running the graph; with `foldNormalization` the graph starts with
 * `Sub(mean)` and `Div(std)` and takes raw pixels. Browser-safe (bytes out); `saveOnnx` in
 * files.ts writes a file.
 */
import { ONNX_OPSETS } from './opsets.js';
import { zeros } from '../../tensor/creation.js';
import type { DType } from '../../tensor/dtype.js';
import { shapeStr } from '../../tensor/shape.js';
import { checkOptions } from '../../tensor/arguments.js';
import { noGrad } from '../../autograd/engine.js';
import { type AnyModule, Module } from '../../nn/module.js';
import { type Normalization, checkNormalization } from '../../data/normalization.js';
import { GraphBuilder } from './graph.js';
import { EXPORTABLE_LAYERS, emitLayer } from './layers.js';
import { DataType, type DimensionProto, type ModelProto, type ValueInfoProto, encodeModelProto } from './schema.js';

export { ONNX_OPSETS };

/** Options of `exportOnnx`. */
export interface ExportOnnxOptions {
  /** The shape of one input, without the batch axis: `[C, H, W]` for an image model. */
  inputShape: readonly number[];
  /** The ONNX operator set (default 13; 13 to 21). */
  opset?: number;
  /** The graph input's name (default `'input'`). */
  inputName?: string;
  /** The graph output's name (default `'output'`). */
  outputName?: string;
  /** The input normalization the model was trained with, recorded in the metadata (see the file's header). */
  normalization?: Normalization;
  /** Start the graph with `(x − mean)/std`, so that it takes raw pixels (default false; needs `normalization`). */
  foldNormalization?: boolean;
  /** The class names, recorded in the metadata as `convnet.class_names` (a JSON array). */
  classNames?: readonly string[];
}

/** The IR version that goes with an opset (ONNX's versioning table; ONNX Runtime checks the pair). */
function irVersion(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

/** The keys `exportOnnx` writes into `metadata_props`. */
export const ONNX_METADATA_KEYS = {
  inputShape: 'convnet.input_shape',
  normalization: 'convnet.normalization',
  normalizationFolded: 'convnet.normalization_folded',
  classNames: 'convnet.class_names',
} as const;

function checkExportOptions(options: ExportOnnxOptions): Required<Omit<ExportOnnxOptions, 'normalization' | 'classNames'>> {
  const op = 'exportOnnx';
  checkOptions(op, options, ['inputShape', 'opset', 'inputName', 'outputName', 'normalization', 'foldNormalization', 'classNames']);
  if (options === undefined || options === null) throw new Error(`${op}: options with an inputShape are required`);
  const shape = options.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: inputShape must be the shape of one input without the batch axis ([C, H, W]), got ${JSON.stringify(shape)}`);
  }
  const opset = options.opset ?? 13;
  if (!Number.isInteger(opset) || opset < ONNX_OPSETS.min || opset > ONNX_OPSETS.max) {
    throw new Error(`${op}: opset must be an integer from ${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}, got ${JSON.stringify(opset)}`);
  }
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  for (const [key, name] of [
    ['inputName', inputName],
    ['outputName', outputName],
  ]) {
    if (typeof name !== 'string' || name === '') throw new Error(`${op}: ${key} must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (inputName === outputName) throw new Error(`${op}: inputName and outputName must differ, both are '${inputName}'`);
  if (options.normalization !== undefined) checkNormalization(op, options.normalization);
  const foldNormalization = options.foldNormalization ?? false;
  if (foldNormalization && options.normalization === undefined)
    throw new Error(`${op}: foldNormalization needs a normalization { mean, std }`);
  const names = options.classNames;
  if (names !== undefined && (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))) {
    throw new Error(`${op}: classNames must be an array of strings, got ${JSON.stringify(names)?.slice(0, 80)}`);
  }
  return { inputShape: shape, opset, inputName, outputName, foldNormalization };
}

/** The dtype the model computes in (that of its first floating-point parameter or buffer; float32 if none). */
function modelDtype(model: AnyModule): DType {
  const t = Object.values(model.stateDict()).find((v) => v.dtype !== 'int32');
  return t?.dtype ?? 'float32';
}

/** A float32 tensor value whose first axis is the dynamic batch `N`. */
function batchedValue(name: string, shape: readonly number[]): ValueInfoProto {
  const dim: DimensionProto[] = [{ dimParam: 'N' }, ...shape.map((d) => ({ dimValue: d }))];
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

/**
 * The model as an ONNX model file (protobuf bytes): the graph of its evaluation-mode forward, in
 * float32, for inputs `(N, ...inputShape)` with a dynamic batch `N` (see the file's header for the
 * metadata and the input normalization). Every layer must be a built-in one that has an ONNX
 * mapping (layers.ts); otherwise one error lists each layer that has none, by path and class.
 * The model's training/evaluation modes are left as they were.
 *
 * @param model a module of built-in layers (e.g. `lenet5()`, `resnet()`, a `Sequential`)
 * @returns the bytes of the `.onnx` file
 */
export function exportOnnx(model: AnyModule, options: ExportOnnxOptions): Uint8Array {
  if (!(model instanceof Module)) throw new Error(`exportOnnx: model must be a Module, got ${String(model)}`);
  const o = checkExportOptions(options);
  const graph = new GraphBuilder();
  graph.reserve(o.inputName);
  graph.reserve(o.outputName);
  const ctx = { graph, unsupported: [] as string[] };
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  let out;
  try {
    model.eval();
    out = noGrad(() => {
      let x = { name: o.inputName, probe: zeros([1, ...o.inputShape], { dtype: modelDtype(model) }) };
      if (o.foldNormalization && options.normalization !== undefined) {
        const { mean, std } = options.normalization;
        const centred = graph.node('Sub', [x.name, graph.float32('normalization.mean', [], [mean])], 'normalization/Sub');
        x = { ...x, name: graph.node('Div', [centred, graph.float32('normalization.std', [], [std])], 'normalization/Div') };
      }
      return emitLayer(model, '', x, ctx);
    });
  } catch (e) {
    throw new Error(`exportOnnx: the model does not run on an input of shape ${shapeStr([1, ...o.inputShape])}: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
  if (ctx.unsupported.length > 0) {
    const n = ctx.unsupported.length;
    throw new Error(
      `exportOnnx: ${n} layer${n === 1 ? '' : 's'} cannot be exported to ONNX: ${ctx.unsupported.join('; ')} ` +
        `(layers that export: ${EXPORTABLE_LAYERS.join(', ')})`,
    );
  }
  if (!graph.renameLastOutput(out.name, o.outputName)) graph.node('Identity', [out.name], 'output/Identity', {}, o.outputName);

  const metadata: [string, string][] = [[ONNX_METADATA_KEYS.inputShape, JSON.stringify(o.inputShape)]];
  if (options.normalization !== undefined) {
    const { mean, std } = options.normalization;
    metadata.push([ONNX_METADATA_KEYS.normalization, JSON.stringify({ mean, std })]);
    metadata.push([ONNX_METADATA_KEYS.normalizationFolded, String(o.foldNormalization)]);
  }
  if (options.classNames !== undefined) metadata.push([ONNX_METADATA_KEYS.classNames, JSON.stringify(options.classNames)]);
  const proto: ModelProto = {
    irVersion: irVersion(o.opset),
    opsetImport: [{ domain: '', version: o.opset }],
    producerName: 'convnet-ts',
    docString: `Exported by convnet-ts from ${model.constructor.name}: input (N, ${o.inputShape.join(', ')}) float32`,
    graph: {
      node: graph.nodes,
      name: 'convnet',
      initializer: graph.initializers,
      input: [batchedValue(o.inputName, o.inputShape)],
      output: [batchedValue(o.outputName, out.probe.shape.slice(1))],
    },
    metadataProps: metadata.map(([key, value]) => ({ key, value })),
  };
  return encodeModelProto(proto);
}
