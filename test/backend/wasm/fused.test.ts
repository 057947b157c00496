/**
 * The wasm fused convolution block against the same backend's separate kernels, bit for bit
 * (fused-check.ts; the separate kernels are compared with ref in conv.test.ts and pool.test.ts).
 */
import { it } from 'vitest';
import {
  EPILOGUES,
  NAN_PLANTINGS,
  SUBSAMPLING_STAGES,
  checkConvSubsampling,
  checkFusedBlock,
  epilogueFor,
  subsamplingSkip,
} from '../fused-check.js';
import type { Activation } from '../../../src/backend/backend.js';
import { type KernelTests, type KernelsOf, describeWasm, seeded } from './compare.js';
import { CONV_CASES } from './conv-cases.js';

const tests: Record<KernelsOf<'fused'>, KernelTests> = {
  // both fused kernels are checked by one body: the forward, then the backward from its outputs
  fusedConv2d(wasm) {
    for (const { label, geometry: c } of CONV_CASES) {
      for (const ep of EPILOGUES) {
        for (const { nan, label: nanLabel } of NAN_PLANTINGS) {
          const name = `${label}, ${ep.label}${nanLabel}`;
          const e = epilogueFor(c, ep.activation, ep.pool);
          if ('skip' in e) it.skip(`${name} — ${e.skip}`, () => {});
          else it(name, () => checkFusedBlock(wasm, c, e.epilogue, seeded(name), name, nan));
        }
      }
    }
  },
  fusedConv2dBackward(wasm) {
    const c = { ...CONV_CASES.find((k) => k.label.includes('(LeNet C1)'))!.geometry, n: 64 };
    const e = epilogueFor(c, 'relu', { kernelSize: 2 });
    for (const { nan, label: nanLabel } of NAN_PLANTINGS) {
      const name = `LeNet C1 at batch 64, relu, maxPool 2${nanLabel}`;
      if ('skip' in e) throw new Error(`${name}: ${e.skip}`);
      it(name, () => checkFusedBlock(wasm, c, e.epilogue, seeded(name), name, nan));
    }
  },
  // both convolution + subsampling kernels are checked by one body too
  convSubsampling(wasm) {
    const stage = SUBSAMPLING_STAGES[0];
    const reluMax = SUBSAMPLING_STAGES.find((s) => s.spec.pool === 'max' && s.spec.activation === 'relu')!;
    for (const { label, geometry: c } of CONV_CASES) {
      for (const [activation, st, { nan, label: nanLabel }] of [
        ['tanh', stage, NAN_PLANTINGS[0]],
        ['relu', reluMax, NAN_PLANTINGS[2]],
      ] as const) {
        const name = `${label}, ${activation}, subsampling ${st.label}${nanLabel}`;
        const skip = subsamplingSkip(c, st.pool);
        if (skip !== null) it.skip(`${name} — ${skip}`, () => {});
        else it(name, () => checkConvSubsampling(wasm, c, activation, st, seeded(name), name, nan));
      }
    }
  },
  convSubsamplingBackward(wasm) {
    const activations: Activation[] = ['none', 'relu', 'tanh', 'sigmoid'];
    for (const lenet of ['LeNet C1', 'LeNet C3']) {
      const c = { ...CONV_CASES.find((k) => k.label.includes(`(${lenet})`))!.geometry, n: 16 };
      SUBSAMPLING_STAGES.forEach((stage, i) => {
        const activation = activations[i % activations.length];
        for (const { nan, label: nanLabel } of [NAN_PLANTINGS[0], NAN_PLANTINGS[2]]) {
          const name = `${lenet} at batch 16, ${activation}, subsampling ${stage.label}${nanLabel}`;
          it(name, () => checkConvSubsampling(wasm, c, activation, stage, seeded(name), name, nan));
        }
      });
    }
  },
};

describeWasm('fused convolution block', tests);
