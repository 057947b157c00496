/**
 * The functional API, exported as the namespace `F` (as `torch.nn.functional`): every operation
 * of SPEC S1–S19 with PyTorch's option names in camelCase.
 */
export { conv1d, conv2d, convolve1d, convolve2d, rot180 } from './conv.js';
export { fusedConv2d } from './fused-conv.js';
export type { FusedConv2dOptions } from './fused-conv.js';
export { convTranspose1d, convTranspose2d } from './conv-transpose.js';
export { maxPool2d, avgPool2d, globalAvgPool2d, adaptiveAvgPool2d, type AdaptiveSize2d } from './pool.js';
export { subsampling } from './subsampling.js';
export { linkedConv2d, LENET5_C3_TABLE } from './linked-conv.js';
export { relu, leakyRelu, sigmoid, tanh, softmax, logSoftmax } from './activation.js';
export { dropout, dropout2d } from './dropout.js';
export { batchNorm, type BatchNormOptions } from './batch-norm.js';
export { linear } from './matmul.js';
export { crossEntropy, nllLoss, mseLoss } from './loss.js';
export { pad, type PadMode } from './pad.js';
export { oneHot } from './one-hot.js';
