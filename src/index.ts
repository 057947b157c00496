/**
 * convnet-ts: convolutional neural networks in TypeScript.
 *
 * - `Tensor` and its creation functions (`tensor`, `zeros`, `randn`, …), float32 by default.
 * - Autograd: `backward()`, `.grad`, `noGrad`, `gradcheck`.
 * - `F`: the functional ops of SPEC S1–S19 (convolutions, pooling, activations, losses, …).
 * - Backends: `setBackend`, `getBackend` (`wasm` by default where it loads, else `ref`), `setNumThreads`;
 *   `await ready()` first in a browser, where the wasm backend loads asynchronously.
 */
export { Tensor, type NestedArray, type BackwardOptions } from './tensor/tensor.js';
export { formatTensor, setPrintOptions, type PrintOptions } from './tensor/format.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export {
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  randn,
  rand,
  arange,
  type TensorOptions,
  type RandomOptions,
} from './tensor/creation.js';
export { Generator, type GeneratorState, manualSeed, defaultGenerator } from './tensor/random.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/engine.js';
export { gradcheck, type GradcheckOptions } from './autograd/gradcheck.js';
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled } from './autograd/anomaly.js';
export {
  add,
  sub,
  mul,
  div,
  neg,
  exp,
  log,
  sqrt,
  abs,
  square,
  pow,
  maximum,
  minimum,
  eq,
  gt,
  lt,
  clone,
  cast,
  allClose,
} from './ops/elementwise.js';
export { sum, mean, max, min, argmax, argmin, logsumexp, type ValuesIndices } from './ops/reduce.js';
export { reshape, view, expand, repeat, permute, transpose, flatten, squeeze, unsqueeze, flip } from './ops/shape.js';
export { cat, stack, split, chunk } from './ops/join.js';
export { narrow, select, slice, indexSelect, where, maskedFill, maskedSelect } from './ops/indexing.js';
export { clamp } from './ops/clamp.js';
export { topk } from './ops/topk.js';
export { pad, type PadMode } from './ops/pad.js';
export { oneHot } from './ops/one-hot.js';
export { matmul } from './ops/matmul.js';
export * as F from './ops/functional.js';
export { convOutputSize, convTransposeOutputSize, poolOutputSize } from './geometry/output-size.js';
export type {
  Conv1dOptions,
  Conv2dOptions,
  ConvTranspose1dOptions,
  ConvTranspose2dOptions,
  Padding1d,
  Padding2d,
  PaddingName,
} from './geometry/conv.js';
export type { Pool2dOptions } from './geometry/pool.js';
export type { Size2d } from './geometry/options.js';
export type { FusedConv2dOptions } from './ops/fused-conv.js';
export type { SubsamplingOptions, SubsamplingActivation } from './ops/subsampling.js';
export type { LinkTable } from './ops/linked-conv.js';
export type { DropoutOptions, Dropout2dOptions } from './ops/dropout.js';
export type { BatchNormOptions } from './ops/batch-norm.js';
export type { AdaptiveSize2d } from './ops/pool.js';
export type { Reduction, Labels, CrossEntropyOptions, NllLossOptions } from './ops/loss.js';
export {
  ready,
  setBackend,
  getBackend,
  listBackends,
  setNumThreads,
  getNumThreads,
  backendInfo,
  type BackendInfo,
} from './backend/registry.js';
export type { Backend } from './backend/backend.js';

/** Clears `.grad` of every tensor given (sets it to null). */
export function zeroGrad(tensors: Iterable<{ grad: unknown }>): void {
  for (const t of tensors) t.grad = null;
}

export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export { lenet5, type LeNet5Options } from './models/lenet5.js';
export { resnet, ZeroPadShortcut, type ResNetOptions, type ResNetShortcut } from './models/resnet.js';
export { vgg, VGG_LIMITS, type VggOptions } from './models/vgg.js';
export {
  ARCHITECTURES,
  MODEL_PRESETS,
  buildModel,
  registerArchitecture,
  architectureNames,
  type Architecture,
  type CustomArchitecture,
} from './models/registry.js';
export {
  encodeSafetensors,
  decodeSafetensors,
  type SafetensorsOptions,
  SAFETENSORS_MAX_HEADER_BYTES,
  SAFETENSORS_MAX_DEPTH,
  SAFETENSORS_MAX_TENSORS,
} from './io/safetensors.js';
export {
  encodeModel,
  decodeModel,
  type ModelInfo,
  type ModelFileOptions,
  MAX_INPUT_ELEMENTS,
  MAX_FORWARD_ELEMENTS,
} from './io/model-file.js';
export { RESNET_LIMITS } from './models/resnet.js';
export {
  fit,
  fitConfig,
  FIT_DEFAULTS,
  DivergedError,
  type FitConfig,
  type CompleteFitConfig,
  type FitOptions,
  type FitHooks,
  type FitResult,
  type FitState,
  type FitCheckpoint,
  type SavedTensor,
  type BatchProgress,
  type EpochResult,
} from './training/fit.js';
export { evaluate, predictProbabilities, type Evaluation } from './training/evaluate.js';
export { type Normalization, pixelStatistics } from './data/normalization.js';
