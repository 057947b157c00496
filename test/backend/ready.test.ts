/**
 * `ready()` in Node (the synchronous path; the browser path is test/browser) and the asynchronously
 * compiled wasm backend behind it, which must compute exactly what the synchronous one does.
 */
import { describe, expect, it } from 'vitest';
import { createWasmBackend, createWasmBackendAsync } from '../../src/backend/wasm/index.js';
import { convGeometry } from '../../src/geometry/conv.js';
import { Generator, backendInfo, getBackend, getNumThreads, listBackends, ready, setBackend } from '../../src/index.js';
import { relaxedSimdAvailable } from '../../src/backend/wasm/module.js';
import { itNeedsWasm } from '../helpers.js';

describe('ready()', () => {
  it('resolves to the selected backend, wasm by default where it loads, and keeps a chosen one', async () => {
    const expected = listBackends().includes('wasm') ? 'wasm' : 'ref';
    expect(await ready()).toBe(expected);
    expect(getBackend()).toBe(expected);
    setBackend('ref');
    expect(await ready()).toBe('ref');
    setBackend(expected);
  });

  itNeedsWasm('createWasmBackendAsync computes what createWasmBackend does', async () => {
    const g = new Generator(5);
    const x = Float32Array.from({ length: 2 * 3 * 7 * 6 }, () => g.normal());
    const w = Float32Array.from({ length: 4 * 3 * 3 * 3 }, () => g.normal());
    const geometry = convGeometry('conv2d', [2, 3, 7, 6], [4, 3, 3, 3], { padding: 1 }, 2);
    const outputs = [createWasmBackend({ threads: 1 }), await createWasmBackendAsync({ threads: 1 })].map((b) => {
      const out = new Float32Array(2 * 4 * 7 * 6);
      b.conv2d(x, w, null, geometry, out);
      return out;
    });
    expect(outputs[1]).toEqual(outputs[0]);
  });
});

describe('backendInfo()', () => {
  it('names the selected backend, its threads and whether its kernels fuse multiply-adds', () => {
    const previous = getBackend();
    try {
      setBackend('ref');
      expect(backendInfo()).toMatchObject({ backend: 'ref', threads: 1, fma: false });
      if (listBackends().includes('wasm')) {
        setBackend('wasm');
        const info = backendInfo();
        expect(info.backend).toBe('wasm');
        expect(info.threads).toBe(getNumThreads());
        expect(info.fma).toBe(relaxedSimdAvailable() && process.env.CONVNET_WASM_FMA !== '0');
        expect(info.wasmUnavailable).toBeNull();
      }
    } finally {
      setBackend(previous);
    }
  });
});
