/**
 * The reference backend's fused convolution blocks equal its separate kernels bit for bit (the
 * wasm backend's are checked the same way in wasm/fused.test.ts).
 */
import { describe, it } from 'vitest';
import { refBackend } from '../../src/backend/ref/index.js';
import { type Conv2dOptions, convGeometry } from '../../src/geometry/conv.js';
import { Generator } from '../../src/tensor/random.js';
import type { Shape } from '../../src/tensor/shape.js';
import {
  EPILOGUES,
  NAN_PLANTINGS,
  SUBSAMPLING_STAGES,
  checkConvSubsampling,
  checkFusedBlock,
  epilogueFor,
  subsamplingSkip,
} from './fused-check.js';

const CASES: [string, Shape, Shape, Conv2dOptions][] = [
  ['LeNet C1', [3, 1, 28, 28], [6, 1, 5, 5], { padding: 2 }],
  ['LeNet C3', [3, 6, 14, 14], [16, 6, 5, 5], {}],
  ['stride 2, asymmetric padding, groups 2', [2, 4, 11, 9], [6, 2, 3, 3], { stride: 2, padding: [1, 0, 2, 1], groups: 2 }],
  ['dilation 2, odd sizes', [2, 3, 13, 10], [5, 3, 3, 2], { dilation: 2, padding: 1 }],
];

describe('ref fusedConv2d / fusedConv2dBackward = the separate kernels', () => {
  for (const [label, x, w, options] of CASES) {
    describe(`${label} x=${JSON.stringify(x)} w=${JSON.stringify(w)} ${JSON.stringify(options)}`, () => {
      const c = convGeometry('conv2d', x, w, options, 2);
      for (const ep of EPILOGUES) {
        for (const { nan, label: nanLabel } of NAN_PLANTINGS) {
          const name = `${ep.label}${nanLabel}`;
          const e = epilogueFor(c, ep.activation, ep.pool);
          if ('skip' in e) it.skip(`${name} — ${e.skip}`, () => {});
          else it(name, () => checkFusedBlock(refBackend, c, e.epilogue, new Generator(77), `${label}, ${name}`, nan));
        }
      }
    });
  }
});

describe('ref convSubsampling / convSubsamplingBackward = the separate kernels', () => {
  for (const [label, x, w, options] of CASES) {
    describe(`${label} x=${JSON.stringify(x)} w=${JSON.stringify(w)} ${JSON.stringify(options)}`, () => {
      const c = convGeometry('conv2d', x, w, options, 2);
      for (const stage of SUBSAMPLING_STAGES) {
        for (const activation of ['tanh', 'relu'] as const) {
          for (const { nan, label: nanLabel } of NAN_PLANTINGS) {
            const skip = subsamplingSkip(c, stage.pool);
            const name = `${activation}, subsampling ${stage.label}${nanLabel}`;
            if (skip !== null) it.skip(`${name} — ${skip}`, () => {});
            else it(name, () => checkConvSubsampling(refBackend, c, activation, stage, new Generator(78), `${label}, ${name}`, nan));
          }
        }
      }
    });
  }
});
