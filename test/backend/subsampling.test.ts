/**
 * The reference backend's subsampling kernels equal its separate kernels bit for bit (the wasm
 * backend's are checked the same way in wasm/pool.test.ts).
 */
import { describe, it } from 'vitest';
import { refBackend } from '../../src/backend/ref/index.js';
import { poolGeometry } from '../../src/geometry/pool.js';
import { Generator } from '../../src/tensor/random.js';
import { SPECS, checkSubsampling } from './subsampling-check.js';

describe('ref subsampling / subsamplingBackward = the separate kernels', () => {
  for (const [label, x, kernelSize, stride] of [
    ['LeNet S2', [3, 6, 28, 28], 2, 2],
    ['LeNet S4', [3, 16, 10, 10], 2, 2],
    ['3x3 windows, stride 2, odd sizes', [2, 3, 9, 11], 3, 2],
    ['overlapping 2x2 windows, stride 1', [2, 2, 5, 6], 2, 1],
  ] as const) {
    for (const s of SPECS) {
      for (const nanFraction of [0, 0.05]) {
        const name = `${label} x=${JSON.stringify(x)} kernelSize=${kernelSize} stride=${stride} pool=${s.pool} activation=${s.activation}${nanFraction > 0 ? ` NaN fraction ${nanFraction}` : ''}`;
        it(name, () => {
          const g = poolGeometry(s.pool === 'max' ? 'maxPool2d' : 'avgPool2d', x, { kernelSize, stride });
          checkSubsampling(refBackend, g, s, new Generator(11), name, nanFraction);
        });
      }
    }
  }
});
