/**
 * The wasm fused convolution block against the same backend's separate kernels, bit for bit
 * (fused-check.ts; the separate kernels are compared with ref in conv.test.ts and pool.test.ts).
 */
import { it } from 'vitest';
import { EPILOGUES, checkFusedBlock, epilogueFor } from '../fused-check.js';
import { type KernelTests, type KernelsOf, describeWasm, seeded } from './compare.js';
import { CONV_CASES } from './conv-cases.js';

const tests: Record<KernelsOf<'fused'>, KernelTests> = {
  // both fused kernels are checked by one body: the forward, then the backward from its outputs
  fusedConv2d(wasm) {
    for (const { label, geometry: c } of CONV_CASES) {
      for (const ep of EPILOGUES) {
        const name = `${label}, ${ep.label}`;
        const e = epilogueFor(c, ep.activation, ep.pool);
        if ('skip' in e) it.skip(`${name} — ${e.skip}`, () => {});
        else it(name, () => checkFusedBlock(wasm, c, e.epilogue, seeded(name), name));
      }
    }
  },
  fusedConv2dBackward(wasm) {
    const c = { ...CONV_CASES.find((k) => k.label.includes('(LeNet C1)'))!.geometry, n: 64 };
    const name = 'LeNet C1 at batch 64, relu, maxPool 2';
    const e = epilogueFor(c, 'relu', { kernelSize: 2 });
    if ('skip' in e) throw new Error(`${name}: ${e.skip}`);
    it(name, () => checkFusedBlock(wasm, c, e.epilogue, seeded(name), name));
  },
};

describeWasm('fused convolution block', tests);
