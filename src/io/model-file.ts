/**
 * Model files: the parameters as safetensors (readable by PyTorch's `safetensors.torch.load_file`)
 * with the architecture, its options, the input normalization and class names in the header's
 * `__metadata__`, so that a file alone rebuilds the model. Browser-safe (bytes in, bytes out).
 */
import type { AnyModule, Module } from '../nn/module.js';
import { buildModule, moduleSpec } from '../nn/spec.js';
import { MODULES_ARCHITECTURE, buildModel, builtFrom, findArchitecture } from '../models/registry.js';
import { type Normalization, checkNormalization } from '../data/normalization.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { noGrad } from '../autograd/engine.js';
import { checkOptions } from '../tensor/arguments.js';
import { shapeStr, sizeOf } from '../tensor/shape.js';
import { largestForwardTensor, specWeightElements } from '../nn/sizes.js';
import { SAFETENSORS_MAX_DEPTH, decodeSafetensors, encodeSafetensors } from './safetensors.js';

/**
 * What a model file records besides the weights. `architecture` is a name given to
 * `registerArchitecture` (or a built-in one, `lenet5`) with its `options`, or `'modules'` for a
 * tree of built-in layers stored as a spec (`Module.spec()`).
 */
export interface ModelInfo {
  architecture: string;
  options: Record<string, unknown>;
  /** `[C, H, W]` of one input image, where known. */
  inputShape?: number[];
  /** How input pixels are normalized, where known (none: the model takes pixels as they are). */
  normalization?: Normalization;
  /** The class names, where known (none: classes are their indices). */
  classNames?: string[];
  /** Free-form facts about training (epochs, accuracy, …), as strings. */
  training?: Record<string, string>;
}

/** What `encodeModel` / `saveModel` take besides the model: every field optional (see `ModelInfo`). */
export type ModelFileOptions = Partial<ModelInfo>;

const HOW_TO_SAVE =
  "register the model's architecture with registerArchitecture(name, (options) => new YourModel(options)) and pass " +
  '{ architecture: name, options } when saving (or build it with buildModel(name, options)); ' +
  'or save the weights alone with saveSafetensors(path, model.stateDict())';

/** The most elements one input image of a model file may have (`C·H·W`): 2²⁴, a 4096×4096 image. */
export const MAX_INPUT_ELEMENTS = 2 ** 24;

/**
 * The most elements of any tensor one forward pass of one input of a model file's `inputShape` may
 * make (2²³ = 8,388,608: 32 MB, 64 channels of 362×362), found from the layers' shapes before the
 * model is run, so that a small file cannot describe a convolution whose padding or stride makes
 * gigabytes — nor, since a deep network holds several such tensors at once, an input shape that
 * does (a ResNet-8 on a 28×65536 input held 1 GB at the earlier 2²⁵).
 */
export const MAX_FORWARD_ELEMENTS = 2 ** 23;

/**
 * Throws unless the optional facts of `info` fit `model`: an input shape of three positive
 * integers of at most `MAX_INPUT_ELEMENTS` elements that the model accepts (one forward pass of
 * zeros, in evaluation mode) with an output of shape `[1, K]`; `K` class names, when given, each a
 * non-empty string; a normalization with a finite mean and std ≥ 1e-8. `where` starts the message.
 */
function checkModelInfo(model: AnyModule, info: ModelFileOptions, where: string): void {
  if (info.normalization !== undefined) checkNormalization(where, info.normalization);
  const names = info.classNames;
  if (names !== undefined) {
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n.length > 0 && n.length <= 200)) {
      throw new Error(`${where}: classNames must be a non-empty array of non-empty strings, got ${JSON.stringify(names)?.slice(0, 80)}`);
    }
  }
  const shape = info.inputShape;
  if (shape === undefined) return;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${where}: inputShape must be [C, H, W] of positive integers, got ${JSON.stringify(shape)}`);
  }
  const elements = shape[0] * shape[1] * shape[2];
  if (elements > MAX_INPUT_ELEMENTS) {
    throw new Error(
      `${where}: inputShape ${shapeStr(shape)} has ${elements} elements, more than the ${MAX_INPUT_ELEMENTS} a model file allows`,
    );
  }
  const largest = largestForwardTensor(model, [1, ...shape]);
  if (largest.elements > MAX_FORWARD_ELEMENTS) {
    throw new Error(
      `${where}: one input of shape ${shapeStr(shape)} makes a tensor of ${largest.elements} elements in ${largest.layer}, ` +
        `more than the ${MAX_FORWARD_ELEMENTS} a model file allows`,
    );
  }
  const wasTraining = model.training;
  let out: unknown;
  try {
    model.eval();
    out = noGrad(() => (model as Module).forward(zeros([1, ...shape])));
  } catch (e) {
    throw new Error(`${where}: the model does not accept its inputShape ${shapeStr(shape)}: ${(e as Error).message}`);
  } finally {
    model.train(wasTraining);
  }
  if (!(out instanceof Tensor) || out.ndim !== 2 || out.shape[0] !== 1) {
    const got = out instanceof Tensor ? `shape ${shapeStr(out.shape)}` : 'not a tensor';
    throw new Error(`${where}: the model's output for one input of shape ${shapeStr(shape)} must be [1, classes], got ${got}`);
  }
  if (names !== undefined && names.length !== out.shape[1]) {
    throw new Error(`${where}: ${names.length} class names for a model with ${out.shape[1]} outputs`);
  }
}

/** The parameter and buffer names and shapes of a model, for comparing two builds. */
function layout(model: AnyModule): Map<string, string> {
  return new Map(Object.entries(model.stateDict()).map(([k, t]: [string, Tensor]) => [k, `${shapeStr(t.shape)} ${t.dtype}`]));
}

/** Throws unless `rebuilt` has exactly `model`'s names, shapes and dtypes. */
function checkSameLayout(model: AnyModule, rebuilt: AnyModule, what: string): void {
  const [want, got] = [layout(model), layout(rebuilt)];
  for (const [name, desc] of want) {
    if (got.get(name) !== desc) {
      throw new Error(
        `cannot save the model: ${what} gives ${got.has(name) ? `'${name}' as ${got.get(name)}` : `no '${name}'`}, but the model has ${desc}`,
      );
    }
  }
  for (const name of got.keys())
    if (!want.has(name)) throw new Error(`cannot save the model: ${what} has '${name}', which the model does not`);
}

/**
 * How the file will rebuild `model`: the architecture named in `options` (checked by building it),
 * the one `buildModel` built it from, or its spec when it is made of built-in modules only. Throws,
 * before anything is written, when none of these rebuilds it.
 */
function architectureFor(
  model: AnyModule,
  options: ModelFileOptions,
): { architecture: string; options: Record<string, unknown>; spec?: string } {
  if (options.architecture !== undefined && options.architecture !== MODULES_ARCHITECTURE) {
    const name = options.architecture;
    const archOptions = options.options ?? {};
    if (findArchitecture(name) === undefined) {
      throw new Error(`cannot save the model: architecture '${name}' is not registered; ${HOW_TO_SAVE}`);
    }
    checkSameLayout(model, buildModel(name, archOptions), `architecture '${name}' with options ${JSON.stringify(archOptions)}`);
    return { architecture: name, options: archOptions };
  }
  const from = options.architecture === undefined ? builtFrom(model) : null;
  if (from !== null) return from;
  let spec;
  try {
    spec = moduleSpec(model);
  } catch (e) {
    throw new Error(`cannot save the model: ${(e as Error).message}; ${HOW_TO_SAVE}`);
  }
  checkSameLayout(model, buildModule(spec), 'its module spec');
  return { architecture: MODULES_ARCHITECTURE, options: {}, spec: JSON.stringify(spec) };
}

/**
 * The model's parameters and buffers as safetensors bytes, with what rebuilds it in the header's
 * metadata (see `architectureFor`) and the optional input shape, normalization, class names and
 * training facts. Fails, before producing anything, for a model the file could not rebuild.
 */
export function encodeModel(model: AnyModule, options: ModelFileOptions = {}): Uint8Array {
  checkOptions('encodeModel', options, ['architecture', 'options', 'inputShape', 'normalization', 'classNames', 'training']);
  const arch = architectureFor(model, options);
  checkModelInfo(model, options, 'cannot save the model');
  const metadata: Record<string, string> = { format: 'pt', architecture: arch.architecture, options: JSON.stringify(arch.options) };
  if (arch.spec !== undefined) metadata.modules = arch.spec;
  if (options.inputShape !== undefined) metadata.inputShape = JSON.stringify(options.inputShape);
  if (options.normalization !== undefined) metadata.normalization = JSON.stringify(options.normalization);
  if (options.classNames !== undefined) metadata.classNames = JSON.stringify(options.classNames);
  for (const [k, v] of Object.entries(options.training ?? {})) metadata[`training.${k}`] = v;
  return encodeSafetensors(model.stateDict(), metadata);
}

/** Throws unless the arrays and objects of the JSON `text` nest at most `SAFETENSORS_MAX_DEPTH` deep (checked before it is parsed). */
function checkJsonDepth(name: string, text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > SAFETENSORS_MAX_DEPTH)
        throw new Error(`model file: metadata '${name}' nests deeper than ${SAFETENSORS_MAX_DEPTH} levels`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

function parseJson<T>(name: string, text: string, check: (v: unknown) => v is T): T {
  checkJsonDepth(name, text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`model file: metadata '${name}' is not valid JSON: ${text.slice(0, 80)}`);
  }
  if (!check(value)) throw new Error(`model file: metadata '${name}' has the wrong form: ${text.slice(0, 80)}`);
  return value;
}

/** A metadata entry parsed when present. */
function optionalJson<T>(metadata: Record<string, string>, name: string, check: (v: unknown) => v is T): T | undefined {
  return metadata[name] === undefined ? undefined : parseJson(name, metadata[name], check);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isNorm = (v: unknown): v is Normalization => isObject(v) && typeof v.mean === 'number' && typeof v.std === 'number';

/**
 * Rebuilds the model recorded in safetensors `bytes` and loads its weights (names and shapes must
 * match). What the file describes is checked before it costs memory: a module spec may not describe
 * more weights than the file holds, nor nest deeper than 64 levels, and one input of its
 * `inputShape` (at most `MAX_INPUT_ELEMENTS`) may not make a tensor of more than
 * `MAX_FORWARD_ELEMENTS` in the model.
 */
export function decodeModel(bytes: Uint8Array): { model: AnyModule; info: ModelInfo } {
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(
      `decodeModel: bytes must be a Uint8Array, got ${bytes === null ? 'null' : Array.isArray(bytes) ? 'an array' : typeof bytes}`,
    );
  }
  const { tensors, metadata } = decodeSafetensors(bytes);
  const architecture = metadata.architecture;
  if (architecture === undefined) {
    throw new Error(
      "model file: metadata has no 'architecture' (a file of weights alone? load it with loadSafetensors and model.loadStateDict)",
    );
  }
  const info: ModelInfo = {
    architecture,
    options: optionalJson(metadata, 'options', isObject) ?? {},
    inputShape: optionalJson(metadata, 'inputShape', isNumbers),
    normalization: optionalJson(metadata, 'normalization', isNorm),
    classNames: optionalJson(metadata, 'classNames', isStrings),
    training: Object.fromEntries(
      Object.entries(metadata)
        .filter(([k]) => k.startsWith('training.'))
        .map(([k, v]) => [k.slice(9), v]),
    ),
  };
  let model: AnyModule;
  try {
    if (architecture === MODULES_ARCHITECTURE) {
      if (metadata.modules === undefined) throw new Error("metadata has no 'modules' spec");
      const spec = parseJson('modules', metadata.modules, isObject);
      const weights = specWeightElements(spec);
      const held = Object.values(tensors).reduce((n, t) => n + sizeOf(t.shape), 0);
      if (weights > held) throw new Error(`the module spec describes ${weights} weights, but the file holds ${held} tensor elements`);
      model = buildModule(spec);
    } else model = buildModel(architecture, info.options);
  } catch (e) {
    throw new Error(`model file: ${(e as Error).message.replace(/^model file: /, '')}`);
  }
  try {
    model.loadStateDict(tensors);
  } catch (e) {
    throw new Error(
      `model file: weights do not fit architecture '${architecture}': ${(e as Error).message.replace(/^loadStateDict: /, '')}`,
    );
  }
  checkModelInfo(model, info, 'model file');
  return { model, info };
}
