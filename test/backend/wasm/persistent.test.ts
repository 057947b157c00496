/**
 * Persistent storage on the wasm backend: parameters and optimizer state kept in the kernels'
 * memory, read and updated in place, recycled once garbage collected — with the values plain
 * arrays would give.
 */
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import { F, Generator, getBackend, nn, optim, randn, setBackend } from '../../../src/index.js';
import { wasmSkipReason } from '../../helpers.js';

const skip = wasmSkipReason();

(skip === null ? describe : describe.skip)(`persistent storage on wasm${skip === null ? '' : ` — ${skip}`}`, () => {
  it('is zeroed, survives the memory growing, and is recycled by size once collected', async () => {
    const wasm = createWasmBackend({ threads: 1 });
    const a = wasm.persistentFloat32!(1000)!;
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.every((v) => v === 0)).toBe(true);
    a.fill(7);
    // a kernel call that needs 64 MiB of scratch grows the memory
    const big = new Float32Array(16 * 2 ** 20);
    wasm.unary('neg', big, big, 0);
    expect(a.every((v) => v === 7)).toBe(true);
    // an update in place through a kernel: θ −= lr·g
    const grad = new Float32Array(1000).fill(2);
    wasm.sgdStep(a, grad, null, { lr: 0.5, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, first: true });
    expect(a.every((v) => v === 6)).toBe(true);
    // collected views give their blocks back: a new one of the same size reuses one of them
    const offsets = new Set<number>();
    for (let i = 0; i < 20; i++) offsets.add(wasm.persistentFloat32!(1000)!.byteOffset);
    for (let round = 0; round < 20 && global.gc !== undefined; round++) {
      global.gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
      const again = wasm.persistentFloat32!(1000)!;
      if (offsets.has(again.byteOffset)) {
        expect(again.every((v) => v === 0)).toBe(true);
        return;
      }
    }
    expect.fail('no collected block was recycled (run with --expose-gc)');
  });

  it('holds a model’s parameters and its optimizer’s state, which train as plain arrays do', () => {
    const previous = getBackend();
    try {
      const build = (): nn.Sequential =>
        new nn.Sequential(
          new nn.Conv2d(1, 3, 3, { generator: new Generator(3) }),
          new nn.Tanh(),
          new nn.Flatten(),
          new nn.Linear(48, 5, { generator: new Generator(4) }),
        );
      const x = randn([4, 1, 6, 6], { generator: new Generator(5) });
      const labels = [0, 1, 2, 3];
      const train = (model: nn.Sequential): Float32Array[] => {
        const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-3 });
        for (let i = 0; i < 5; i++) {
          opt.zeroGrad();
          F.crossEntropy(model.forward(x), labels).backward();
          opt.step();
        }
        return model.parameters().map((p) => Float32Array.from(p.data));
      };
      setBackend('wasm');
      const persistent = build();
      expect(persistent.parameters().every((p) => p.data.buffer instanceof SharedArrayBuffer)).toBe(true);
      const trained = train(persistent);
      // the same model with its parameters moved to plain arrays, on the same backend
      const plain = build();
      for (const p of plain.parameters()) p.moveStorage(new Float32Array(p.size));
      expect(plain.parameters().some((p) => p.data.buffer instanceof SharedArrayBuffer)).toBe(false);
      train(plain).forEach((values, i) => expect(values, `parameter ${i}`).toEqual(trained[i]));
    } finally {
      setBackend(previous);
    }
  });
});
