/**
 * The PyTorch round trip of model files (no ONNX), scripts/torch_roundtrip.py:
 * - PyTorch → convnet-ts, without Python: the committed files in test/fixtures/torch-roundtrip/
 *   were written by the script from state dicts trained in PyTorch; `loadModel` accepts them and
 *   its evaluation-mode output agrees with PyTorch's recorded one (rtol 1e-5, atol 1e-6).
 * - convnet-ts → PyTorch, where /usr/bin/python3 with torch exists (skipped, saying so, where not):
 *   a model file written by `saveModel` loads into the PyTorch twin and gives the library's outputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator, buildModel, tensor } from '../../src/index.js';
import { loadModel, saveModel } from '../../src/node.js';
import { libraryForward, randomInput, randomizeVectors } from '../onnx/ort.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/torch-roundtrip/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/torch_roundtrip.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

describe('PyTorch → convnet-ts: model files written from PyTorch state dicts load and agree', () => {
  it.each(['lenet5-modern', 'resnet8'])('%s', (preset) => {
    const { model, info } = loadModel(join(FIXTURES, `${preset}.safetensors`));
    const io = JSON.parse(readFileSync(join(FIXTURES, `${preset}.json`), 'utf8')) as {
      inputShape: number[];
      input: number[];
      output: number[];
    };
    expect(info.inputShape).toEqual([1, 28, 28]);
    const y = libraryForward(model, tensor(Float32Array.from(io.input), { shape: io.inputShape }));
    let worst = 0;
    for (let i = 0; i < y.size; i++) {
      const d = Math.abs(y.data[i] - io.output[i]);
      worst = Math.max(worst, d);
      expect(d, `[${i}] ${y.data[i]} vs PyTorch ${io.output[i]}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(io.output[i]));
    }
    console.log(`${preset}: max |convnet-ts − PyTorch| = ${worst.toExponential(2)}`);
  });
});

const torchMissing = ((): string => {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.error !== undefined ? `${PYTHON} is not here` : r.status !== 0 ? `${PYTHON} has no torch` : '';
})();

describe.skipIf(torchMissing !== '')(
  `convnet-ts → PyTorch: scripts/torch_roundtrip.py load${torchMissing ? ` (skipped: ${torchMissing})` : ''}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'torch-roundtrip-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each([
      ['lenet5-modern', 'lenet5', { modern: true }],
      ['resnet8', 'resnet', { blocksPerStage: 1 }],
    ] as const)('%s: PyTorch gives the library’s outputs', (preset, architecture, options) => {
      const model = buildModel(architecture, options, new Generator(8));
      randomizeVectors(model);
      const file = join(dir, `${preset}.safetensors`);
      saveModel(file, model, { inputShape: [1, 28, 28] });
      const x = randomInput(3, [1, 28, 28], 4);
      const y = libraryForward(model, x);
      const io = join(dir, `${preset}.json`);
      writeFileSync(io, JSON.stringify({ inputShape: x.shape, input: [...x.data], output: [...y.data] }));
      const r = spawnSync(PYTHON, [SCRIPT, 'load', file, '--check', io], { encoding: 'utf8', timeout: 120_000 });
      console.log(r.stdout.trim());
      expect(r.status, r.stderr).toBe(0);
    });
  },
);
