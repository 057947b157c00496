/** The wasm optimizer updates against the reference: bit for bit (both compute in f64). */
import { it } from 'vitest';
import type { AdamStep, SgdStep } from '../../../src/backend/backend.js';
import { refBackend } from '../../../src/backend/ref/index.js';
import { type KernelTests, type KernelsOf, describeWasm, expectSame, randomF32, seeded } from './compare.js';

const SGD_SETTINGS: SgdStep[] = [
  { lr: 0.01, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, first: false },
  { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, first: true },
  { lr: 0.1, momentum: 0.5, dampening: 0.3, nesterov: false, weightDecay: 5e-4, first: false },
  { lr: 0.02, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-3, first: false },
  { lr: 0.3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0.01, first: true },
];

const tests: Record<KernelsOf<'optim'>, KernelTests> = {
  sgdStep(wasm) {
    for (const o of SGD_SETTINGS) {
      const label = Object.entries(o)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      it(label, () => {
        const g = seeded(`sgdStep ${label}`);
        for (const n of [1, 3, 4, 37, 1000]) {
          const theta = randomF32(n, g);
          const grad = randomF32(n, g);
          const buf = o.momentum === 0 ? null : randomF32(n, g);
          const [t1, t2] = [theta.slice(), theta.slice()];
          const [b1, b2] = [buf?.slice() ?? null, buf?.slice() ?? null];
          wasm.sgdStep(t1, grad, b1, o);
          refBackend.sgdStep(t2, grad, b2, o);
          expectSame(t1, t2, `sgdStep ${label} n ${n}: θ`);
          if (b1 !== null && b2 !== null) expectSame(b1, b2, `sgdStep ${label} n ${n}: momentum buffer`);
        }
      });
    }
  },
  adamStep(wasm) {
    for (const [decoupled, weightDecay] of [
      [false, 0],
      [false, 1e-2],
      [true, 1e-2],
    ] as const) {
      for (const t of [1, 7]) {
        const label = `decoupled=${decoupled} weightDecay=${weightDecay} step=${t}`;
        it(label, () => {
          const g = seeded(`adamStep ${label}`);
          const [beta1, beta2, lr] = [0.9, 0.999, 1e-3];
          const o: AdamStep = {
            beta1,
            beta2,
            eps: 1e-8,
            weightDecay,
            decoupled,
            stepSize: lr / (1 - beta1 ** t),
            bc2Sqrt: Math.sqrt(1 - beta2 ** t),
            decay: 1 - lr * weightDecay,
          };
          for (const n of [1, 5, 1000]) {
            const theta = randomF32(n, g);
            const grad = randomF32(n, g);
            const m = randomF32(n, g);
            const v = randomF32(n, g).map(Math.abs);
            const a = [theta.slice(), m.slice(), v.slice()];
            const r = [theta.slice(), m.slice(), v.slice()];
            wasm.adamStep(a[0], grad, a[1], a[2], o);
            refBackend.adamStep(r[0], grad, r[1], r[2], o);
            expectSame(a[0], r[0], `adamStep ${label} n ${n}: θ`);
            expectSame(a[1], r[1], `adamStep ${label} n ${n}: m`);
            expectSame(a[2], r[2], `adamStep ${label} n ${n}: v`);
          }
        });
      }
    }
  },
};

describeWasm('optimizer', tests);
