/**
 * The wasm backend's kernels, compiled by scripts/build-wasm.mjs. Memory is imported and owned
 * by the JS side: every kernel takes byte offsets into it and allocates nothing.
 */
export { convPrepare, flipWeights, convPadTask, convForwardTask, convBackwardInputTask, convBackwardWeightTask, sumPartials } from './conv';
export { convDirectForwardTask, convDirectWeightTask } from './direct-conv';
export { matmulTask, gemmPack, gemmTask } from './matmul';
export { unary, unaryBackward, unaryTask, unaryBackwardTask, binary, axpy } from './elementwise';
export { sumInto, roundSums, permute, argmax, logSoftmax, logSoftmaxBackward } from './reduce';
export { sgdStep, adamStep } from './optim';
export { maxPoolBackward, maxPoolTask, maxPoolBackwardTask, scaleMaxima, avgPool, avgPoolBackward } from './pool';
export { subsamplingTask, subsamplingBackwardTask, subsamplingSums } from './subsampling';
export { batchNormStatsTask, batchNormTask, batchNormBackwardTask } from './batch-norm';

/** First free byte after the module's static data: where the JS side's arena may start. */
export function heapBase(): usize {
  return __heap_base;
}

/** Zeroes `bytes` bytes at `at` (bulk memory.fill). */
export function zeroFill(at: usize, bytes: usize): void {
  memory.fill(at, 0, bytes);
}
