/**
 * The layering of src/ (README, "The layers"): every import points down the list of layers, so
 * that a layer can be read, tested and replaced knowing only what lies below it. The one
 * exception is Tensor's method aliases of the ops and the autograd engine (src/tensor/tensor.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Top to bottom; a file may import from its own layer and the layers below it. */
const LAYERS = ['cli', 'training', 'io', 'data', 'models', 'nn', 'optim', 'ops', 'autograd', 'backend', 'geometry', 'tensor'];

/** The documented exception: Tensor's methods call the ops and the autograd engine. */
const ALLOWED_UPWARD = new Set(['tensor/tensor.ts -> ops', 'tensor/tensor.ts -> autograd']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'assembly' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The layer of a file under src/ (null for the entry points src/index.ts and src/node.ts). */
function layerOf(file: string): string | null {
  const top = relative(SRC, file).split('/')[0];
  return LAYERS.includes(top) ? top : null;
}

/** The relative imports and re-exports of a file, resolved to paths under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]);
  return specs.map((spec) => resolve(dirname(file), spec));
}

describe('layering of src/', () => {
  const files = sourceFiles(SRC);

  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(importsOf(join(SRC, 'ops', 'conv.ts')).some((f) => f.includes('/geometry/'))).toBe(true);
  });

  it('every import points to the same layer or one below (but for the documented exception)', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (from === null) continue;
      for (const target of importsOf(file)) {
        const to = layerOf(target);
        if (to === null || LAYERS.indexOf(to) >= LAYERS.indexOf(from)) continue;
        const edge = `${relative(SRC, file)} -> ${to}`;
        if (!ALLOWED_UPWARD.has(edge)) upward.push(`${relative(SRC, file)} imports ${relative(SRC, target)} (${from} is below ${to})`);
      }
    }
    expect(upward).toEqual([]);
  });
});
