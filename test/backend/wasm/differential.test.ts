/**
 * Every convolution kind on wasm (1 and 2 threads) against ref, exactly, over seeded random
 * configurations (differential.ts), and the configurations it once found wrong.
 *
 * `CONVNET_FUZZ_CASES` (default 1000) and `CONVNET_FUZZ_SEED` (default 1) set how many random cases
 * run and from which seed; `npm run fuzz:kernels` runs thousands.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmSkipReason } from '../../helpers.js';
import { type FuzzCase, checkCase, describeCase, drawCases, registerFuzzBackends } from './differential.js';

const COUNT = Number(process.env.CONVNET_FUZZ_CASES ?? 1000);
const SEED = Number(process.env.CONVNET_FUZZ_SEED ?? 1);

/** Configurations that disagreed once, each with what was wrong. */
const REGRESSIONS: { what: string; c: FuzzCase }[] = [
  {
    // the stride-1 input gradient run as a convolution padded dy's end by d·(k − 1) − pb, one
    // row short of the transposed output's outputPadding rows
    what: 'transposed convolution, stride 1, outputPadding 1 (allowed by dilation 2)',
    c: {
      kind: 'convTranspose2d',
      x: [2, 3, 4, 5],
      weight: [3, 2, 3, 3],
      bias: true,
      options: { stride: 1, dilation: 2, outputPadding: 1, padding: 3 },
    },
  },
  {
    what: 'transposed 1-D convolution, stride 1, asymmetric padding, outputPadding 1',
    c: {
      kind: 'convTranspose1d',
      x: [1, 3, 4],
      weight: [3, 1, 3],
      bias: true,
      options: { stride: 1, dilation: 2, padding: [2, 3], outputPadding: 1 },
    },
  },
];

const skip = wasmSkipReason();
if (skip !== null) {
  describe.skip(`differential test of the convolutions, wasm against ref — ${skip}`, () => {});
} else {
  describe('differential test of the convolutions, wasm (1 and 2 threads) against ref, exact', () => {
    beforeAll(registerFuzzBackends);

    for (const { what, c } of REGRESSIONS) {
      it(`regression: ${what}: ${describeCase(c)}`, () => {
        expect(checkCase(c, 7)).toEqual([]);
      });
    }

    it(`${COUNT} random configurations from seed ${SEED}, forward and every gradient`, () => {
      const failures: string[] = [];
      drawCases(SEED, COUNT).forEach((c, i) => {
        const problems = checkCase(c, SEED * 100_003 + i);
        if (problems.length > 0) failures.push(`${describeCase(c)}\n    ${problems.join('\n    ')}`);
      });
      expect(failures, `${failures.length} of ${COUNT} configurations disagree:\n${failures.join('\n')}`).toEqual([]);
    }, 600_000);
  });
}
