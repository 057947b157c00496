/**
 * Model files: the parameters as safetensors (readable by PyTorch's `safetensors.torch.load_file`)
 * with the architecture, its options, the input normalization and class names in the header's
 * `__metadata__`, so that a file alone rebuilds the model. Browser-safe (bytes in, bytes out).
 */
import type { AnyModule } from '../nn/module.js';
import { buildModule, moduleSpec } from '../nn/spec.js';
import { MODULES_ARCHITECTURE, buildModel, builtFrom, findArchitecture } from '../models/registry.js';
import type { Normalization } from '../data/normalization.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

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
  const arch = architectureFor(model, options);
  const metadata: Record<string, string> = { format: 'pt', architecture: arch.architecture, options: JSON.stringify(arch.options) };
  if (arch.spec !== undefined) metadata.modules = arch.spec;
  if (options.inputShape !== undefined) metadata.inputShape = JSON.stringify(options.inputShape);
  if (options.normalization !== undefined) metadata.normalization = JSON.stringify(options.normalization);
  if (options.classNames !== undefined) metadata.classNames = JSON.stringify(options.classNames);
  for (const [k, v] of Object.entries(options.training ?? {})) metadata[`training.${k}`] = v;
  return encodeSafetensors(model.stateDict(), metadata);
}

function parseJson<T>(name: string, text: string, check: (v: unknown) => v is T): T {
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
const isNorm = (v: unknown): v is Normalization => isObject(v) && typeof v.mean === 'number' && typeof v.std === 'number' && v.std > 0;

/** Rebuilds the model recorded in safetensors `bytes` and loads its weights (names and shapes must match). */
export function decodeModel(bytes: Uint8Array): { model: AnyModule; info: ModelInfo } {
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
      model = buildModule(parseJson('modules', metadata.modules, isObject));
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
  return { model, info };
}
