/**
 * Model files: the parameters as safetensors (readable by PyTorch's `safetensors.torch.load_file`)
 * with the architecture, its options, the input normalization and class names in the header's
 * `__metadata__`, so that a file alone rebuilds the model. Browser-safe (bytes in, bytes out).
 */
import type { Module } from '../nn/module.js';
import { buildModel } from '../models/registry.js';
import type { Normalization } from '../data/normalization.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

/** What a model file records besides the weights. */
export interface ModelInfo {
  architecture: string;
  options: Record<string, unknown>;
  /** `[C, H, W]` of one input image. */
  inputShape: number[];
  normalization: Normalization;
  classNames: string[];
  /** Free-form facts about training (epochs, accuracy, …), as strings. */
  training?: Record<string, string>;
}

/** The model's parameters and `info` as safetensors bytes. */
export function encodeModel(model: Module, info: ModelInfo): Uint8Array {
  const metadata: Record<string, string> = {
    format: 'pt',
    architecture: info.architecture,
    options: JSON.stringify(info.options),
    inputShape: JSON.stringify(info.inputShape),
    normalization: JSON.stringify(info.normalization),
    classNames: JSON.stringify(info.classNames),
  };
  for (const [k, v] of Object.entries(info.training ?? {})) metadata[`training.${k}`] = v;
  return encodeSafetensors(model.stateDict(), metadata);
}

function parseJson<T>(name: string, text: string | undefined, check: (v: unknown) => v is T): T {
  if (text === undefined) throw new Error(`model file: metadata has no '${name}' (not a convnet-ts model file?)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`model file: metadata '${name}' is not valid JSON: ${text.slice(0, 80)}`);
  }
  if (!check(value)) throw new Error(`model file: metadata '${name}' has the wrong form: ${text.slice(0, 80)}`);
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isNorm = (v: unknown): v is Normalization => isObject(v) && typeof v.mean === 'number' && typeof v.std === 'number' && v.std > 0;

/** Rebuilds the model recorded in safetensors `bytes` and loads its weights (names and shapes must match). */
export function decodeModel(bytes: Uint8Array): { model: Module; info: ModelInfo } {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const architecture = metadata.architecture;
  if (architecture === undefined) throw new Error("model file: metadata has no 'architecture' (not a convnet-ts model file?)");
  const info: ModelInfo = {
    architecture,
    options: parseJson('options', metadata.options, isObject),
    inputShape: parseJson('inputShape', metadata.inputShape, isNumbers),
    normalization: parseJson('normalization', metadata.normalization, isNorm),
    classNames: parseJson('classNames', metadata.classNames, isStrings),
    training: Object.fromEntries(
      Object.entries(metadata)
        .filter(([k]) => k.startsWith('training.'))
        .map(([k, v]) => [k.slice(9), v]),
    ),
  };
  let model: Module;
  try {
    model = buildModel(architecture, info.options);
  } catch (e) {
    throw new Error(`model file: ${(e as Error).message}`);
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
