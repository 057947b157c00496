/**
 * The wasm kernels' bytes load lazily: nothing in the static import graph of the package's entry
 * points imports the base64 kernels module (kernels.generated.ts), so a browser bundle keeps it in
 * a chunk of its own that only `ready()` loads (test/package checks a real bundle); Node reads the
 * `.wasm` files beside src/backend/wasm/module.ts synchronously, so that `setBackend('wasm')` and the
 * first op need no `await` and never import the base64 module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getBackend, listBackends, setBackend, tensor } from '../../src/index.js';
import { embeddedKernelsLoaded, loadWasmRuntime, loadWasmRuntimeAsync } from '../../src/backend/wasm/module.js';
import { itNeedsWasm } from '../helpers.js';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** The files in the static import graph of `entry` (import/export … from '…' statements; not `import()`). */
function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s(?:type\s)?[^;]*?\sfrom\s+'(\.[^']+)'/gm)) {
      if (/^(?:import|export)\s+type\s/.test(m[0])) continue; // erased at compile time
      // a .ts source, or a generated .js file kept as JavaScript (the ONNX coders)
      const ts = join(dirname(file), m[1].replace(/\.js$/, '.ts'));
      visit(existsSync(ts) ? ts : join(dirname(file), m[1]));
    }
  };
  visit(entry);
  return seen;
}

describe('lazy wasm kernels', () => {
  it('no entry point imports the base64 kernels statically; module.ts reaches them only through import()', () => {
    const kernels = join(SRC, 'backend/wasm/kernels.generated.ts');
    for (const entry of ['index.ts', 'node.ts']) {
      const graph = staticImports(join(SRC, entry));
      expect(graph.has(join(SRC, 'backend/wasm/module.ts')), entry).toBe(true);
      expect(graph.has(kernels), entry).toBe(false);
    }
    const module = readFileSync(join(SRC, 'backend/wasm/module.ts'), 'utf8');
    expect(module.match(/\bimport\('\.\/kernels\.generated\.js'\)/g)?.length).toBeGreaterThan(0);
  });

  itNeedsWasm('in Node the first op runs on wasm synchronously, reading the .wasm files, without the base64 module', () => {
    expect(listBackends()).toContain('wasm');
    setBackend('wasm');
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(x.mul(x).sum().item()).toBe(30);
    expect(getBackend()).toBe('wasm');
    expect(embeddedKernelsLoaded()).toBe(false);
  });

  itNeedsWasm('loadWasmRuntimeAsync imports the base64 module, whose kernels are the same bytes', async () => {
    const sync = loadWasmRuntime(false, false);
    const async = await loadWasmRuntimeAsync(false, false);
    expect(embeddedKernelsLoaded()).toBe(true);
    expect(WebAssembly.Module.exports(async.module)).toEqual(WebAssembly.Module.exports(sync.module));
    // once imported, the synchronous path uses it too: the same module again
    expect(WebAssembly.Module.exports(loadWasmRuntime(false, false).module)).toEqual(WebAssembly.Module.exports(sync.module));
  });
});
