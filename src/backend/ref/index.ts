/**
 * The reference backend: plain loops that read like SPEC.md's formulas. It runs every dtype and
 * is the specification every other backend is tested against.
 */
import type { Backend } from '../backend.js';
import { axpy, binary, unary, unaryBackward } from './elementwise.js';
import { argmax, logSoftmax, logSoftmaxBackward, permute, sum } from './reduce.js';
import { gemm, matmul } from './matmul.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { convSubsampling, convSubsamplingBackward, fusedConv2d, fusedConv2dBackward } from './fused-conv.js';
import { adamStep, sgdStep } from './optim.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { subsampling, subsamplingBackward } from './subsampling.js';
import { batchNorm, batchNormBackward, batchNormStats } from './batch-norm.js';

/** The reference backend: every kernel as a plain loop (see `Backend` for each contract). */
export const refBackend: Backend = {
  name: 'ref',
  unary,
  unaryBackward,
  binary,
  axpy,
  sum,
  argmax,
  permute,
  matmul,
  gemm,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  fusedConv2d,
  fusedConv2dBackward,
  convSubsampling,
  convSubsamplingBackward,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  subsampling,
  subsamplingBackward,
  batchNormStats,
  batchNorm,
  batchNormBackward,
  logSoftmax,
  logSoftmaxBackward,
  sgdStep,
  adamStep,
};
