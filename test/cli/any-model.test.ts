/**
 * `convnet eval | predict | summary` on model files the library saved from any model: a
 * `Sequential` of built-in layers, with and without the input shape, normalization and class
 * names recorded. The CLI runs as a subprocess (dist/, built by `npm test`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator, nn } from '../../src/index.js';
import { saveModel } from '../../src/node.js';
import { writeGrayPng } from '../../src/data/png.js';
import { loadSplits } from '../../src/data/splits.js';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'convnet-cli-any-'));

function convnet(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small untrained CNN for 28×28 digits, of built-in layers only. */
function smallCnn(): nn.Sequential {
  const g = new Generator(11);
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 5, { generator: g }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(4 * 12 * 12, 10, { generator: g }),
  );
}

const bare = join(dir, 'bare.safetensors');
const described = join(dir, 'described.safetensors');
const png = join(dir, 'digit.png');

beforeAll(() => {
  expect(existsSync(main), 'dist/cli/main.js: run npm run build first').toBe(true);
  saveModel(bare, smallCnn());
  const classNames = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  saveModel(described, smallCnn(), { inputShape: [1, 28, 28], normalization: { mean: 0.13, std: 0.31 }, classNames });
  const { heldOut } = loadSplits(undefined, 1);
  writeGrayPng(png, heldOut.images.slice(0, 784), 28, 28);
});

describe('a Sequential saved by saveModel(path, model)', () => {
  it('summary prints the module tree and parameter count when no input shape was recorded', () => {
    const r = convnet('summary', bare);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${bare}: modules, input shape not recorded, class names not recorded`);
    expect(r.stdout).toContain('Sequential(\n  (0): Conv2d(1, 4, kernelSize=5)\n  (1): ReLU()\n  (2): MaxPool2d(kernelSize=2)');
    expect(r.stdout).toContain('total parameters: 5,874');
  });

  it('summary gives output shapes when the input shape was recorded', () => {
    const r = convnet('summary', described);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${described}: modules, input 1x28x28, 10 classes`);
    expect(r.stdout).toMatch(/Linear\(576, 10\) +\[1, 10\] +5,770 = 10·576 \+ 10/);
  });

  it('eval and predict run on both files', () => {
    for (const file of [bare, described]) {
      const e = convnet('eval', file, '--limit', '64');
      expect(e.code, e.stderr).toBe(0);
      expect(e.stdout).toMatch(/^accuracy: \d+\.\d\d% \(\d+\/64\)$/m);
      const p = convnet('predict', file, png, '--top', '3');
      expect(p.code, p.stderr).toBe(0);
      expect(p.stdout.trim().split('\n')).toHaveLength(4);
    }
    expect(convnet('predict', described, png).stdout).toMatch(/^prediction: (zero|one|two|three|four|five|six|seven|eight|nine)$/m);
    expect(convnet('predict', bare, png).stdout).toMatch(/^prediction: \d$/m);
  });
});
