/**
 * The convolutions every wasm convolution kernel is compared on: strides, paddings (asymmetric
 * too), dilations, groups, non-square and odd sizes that leave SIMD tails and partial register
 * tiles, batches > 1, the direct kernels' shapes, and transposed convolutions (as the forward
 * convolution they transpose). Used by conv.test.ts and fused.test.ts.
 */
import {
  type ConvGeometry,
  type Conv2dOptions,
  type ConvTranspose2dOptions,
  convGeometry,
  convTransposeGeometry,
} from '../../../src/geometry/conv.js';
import type { Shape } from '../../../src/tensor/shape.js';
import { optionsLabel } from './compare.js';

/** A convolution case: its name carries the op, shapes and options, then what it exercises. */
export interface ConvCase {
  label: string;
  geometry: ConvGeometry;
}

function caseLabel(op: string, x: Shape, w: Shape, options: object, what: string): string {
  return [op, `x=${JSON.stringify(x)}`, `w=${JSON.stringify(w)}`, optionsLabel(options), `(${what})`]
    .filter((part) => part !== '')
    .join(' ');
}

function conv(what: string, x: Shape, w: Shape, options: Conv2dOptions): ConvCase {
  return { label: caseLabel('conv2d', x, w, options, what), geometry: convGeometry('conv2d', x, w, options, 2) };
}

function convT(what: string, x: Shape, w: Shape, options: ConvTranspose2dOptions): ConvCase {
  return { label: caseLabel('convTranspose2d', x, w, options, what), geometry: convTransposeGeometry('convTranspose2d', x, w, options, 2) };
}

export const CONV_CASES: ConvCase[] = [
  conv('plain 3x3', [2, 3, 8, 8], [4, 3, 3, 3], {}),
  conv('asymmetric padding, kernel 3x2', [2, 3, 9, 11], [4, 3, 3, 2], { stride: [1, 2], padding: [1, 0, 2, 1] }),
  conv('contiguous-panel sizes', [2, 8, 16, 16], [16, 8, 3, 3], { stride: 2, padding: 1 }),
  conv('width a multiple of 8', [3, 5, 16, 32], [7, 5, 3, 3], { padding: 'same' }),
  conv('odd sizes, SIMD tails, partial tiles', [3, 17, 19, 21], [13, 17, 3, 3], { padding: 1 }),
  conv('dilation and groups', [2, 4, 12, 10], [6, 2, 3, 3], { dilation: 2, groups: 2, padding: 2 }),
  conv('depthwise, groups = channels', [2, 6, 9, 9], [6, 1, 3, 3], { groups: 6, padding: 1 }),
  conv('5 output channels per group', [1, 6, 7, 13], [15, 2, 2, 4], { groups: 3, stride: [2, 1], padding: [0, 1, 3, 0] }),
  conv('1x1 convolution', [2, 10, 6, 7], [9, 10, 1, 1], {}),
  conv('kernel as large as the input', [2, 2, 5, 5], [3, 2, 5, 5], {}),
  conv('wide', [2, 2, 5, 6], [3, 2, 3, 4], { padding: 'full' }),
  conv('dilation, stride and padding per axis', [2, 3, 15, 17], [5, 3, 3, 4], { dilation: [3, 1], stride: [2, 3], padding: [2, 1] }),
  conv('1-D as height 1', [3, 4, 1, 37], [5, 4, 1, 5], { padding: [0, 0, 2, 3], stride: [1, 2] }),
  conv('batch 1, threads split weight columns', [1, 12, 10, 10], [8, 12, 3, 3], { padding: 1 }),
  conv('LeNet C1', [4, 1, 28, 28], [6, 1, 5, 5], { padding: 2 }),
  conv('LeNet C3', [4, 6, 14, 14], [16, 6, 5, 5], {}),
  conv('LeNet C5', [4, 16, 5, 5], [120, 16, 5, 5], {}),
  conv('64 -> 64 channels 3x3', [2, 64, 12, 12], [64, 64, 3, 3], { padding: 1 }),
  conv('padding larger than the kernel: stride 1 input gradient by scattering', [2, 3, 6, 7], [4, 3, 2, 2], { padding: [2, 0, 1, 3] }),
  conv('batch 7 of tiny outputs, one K block of all images', [7, 3, 4, 4], [5, 3, 3, 3], {}),
  conv('K blocks of 3 images over a batch of 5', [5, 2, 12, 20], [3, 2, 3, 3], {}),
  conv('direct: one input channel, rows wider than a tile, odd output channels', [2, 1, 9, 37], [5, 1, 3, 4], { padding: [1, 2] }),
  conv('direct: one input channel, rows narrower than a vector', [3, 1, 6, 3], [2, 1, 2, 2], {}),
  conv('direct: depthwise 5x5, two outputs per group', [2, 4, 11, 19], [8, 1, 5, 5], { groups: 4, padding: 2 }),
  conv('direct: one input channel, 1x1', [2, 1, 5, 5], [3, 1, 1, 1], {}),
  convT('fractionally strided', [2, 4, 5, 6], [4, 3, 3, 3], { stride: 2, outputPadding: 1, padding: 1 }),
  convT('groups, dilation, asymmetric padding', [2, 4, 4, 5], [4, 2, 2, 3], { groups: 2, dilation: 2, padding: [1, 0, 0, 2] }),
];
