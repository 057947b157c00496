/**
 * Porting `torch.save(model)` / `torch.load` / predict: a Sequential of built-in layers is saved
 * with saveModel(path, model) alone, loaded in a fresh module graph from the file, and predicts the
 * same classes; the CLI reads the same file. It must run unchanged.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Generator, argmax, fit, nn, noGrad, tensor } from '../../src/index.js';
import { loadModel, loadSplits, saveModel } from '../../src/node.js';

it('save → load → predict of a custom Sequential', async () => {
  const g = new Generator(1);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1, generator: g }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Dropout(0.1),
    new nn.Residual(new nn.Sequential(new nn.Conv2d(8, 8, 3, { padding: 1, generator: g }), new nn.Tanh())),
    new nn.AvgPool2d(2),
    new nn.Flatten(),
    new nn.Linear(8 * 7 * 7, 10, { generator: g }),
  );
  const { train, heldOut } = loadSplits(undefined, 256);
  await fit(model, train, null, { epochs: 2, batchSize: 32 });

  const path = join(mkdtempSync(join(tmpdir(), 'convnet-porting-')), 'model.safetensors');
  saveModel(path, model);
  const { model: loaded, info } = loadModel(path);
  expect(info.architecture).toBe('modules');
  expect(String(loaded)).toBe(String(model));

  const images = tensor(heldOut.images.slice(0, 16 * 784), { shape: [16, 1, 28, 28] });
  model.eval();
  loaded.eval();
  const expected = noGrad(() => argmax(model.forward(images), 1));
  const predicted = noGrad(() => argmax(loaded.forward(images), 1));
  expect(predicted.toArray()).toEqual(expected.toArray());
});
