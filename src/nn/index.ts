/** Layers and models with PyTorch's shapes and names (`torch.nn`), as the namespace `nn`. */
export { Module, Parameter, type AnyModule, type ModuleSpec } from './module.js';
export {
  Conv2d,
  ConvTranspose2d,
  LinkedConv2d,
  type Conv2dLayerOptions,
  type ConvTranspose2dLayerOptions,
  type LinkedConv2dLayerOptions,
} from './conv.js';
export { Linear } from './linear.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Subsampling } from './pooling.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions } from './batch-norm.js';
export { foldBatchNorm } from './fold.js';
export { ReLU, LeakyReLU, Tanh, Sigmoid } from './activation.js';
export { Dropout, Dropout2d } from './dropout.js';
export { Normalize } from './normalize.js';
export { Sequential, ModuleList, ModuleDict, Flatten, Identity, Residual } from './container.js';
export { buildModule, moduleSpec, BUILT_IN_MODULES } from './spec.js';
export { summary, summaryRows, type SummaryRow } from './summary.js';
export { uniformFanIn, type InitOptions, type KaimingOptions, type Nonlinearity } from './init.js';
export * as init from './init.js';
