/** Model files: weights and architecture round-trip bit-exactly; mismatches are clear errors. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator, decodeModel, encodeModel, encodeSafetensors, lenet5, tensor, type ModelInfo } from '../../src/index.js';
import { loadModel, saveModel } from '../../src/node.js';

const info: ModelInfo = {
  architecture: 'lenet5',
  options: { modern: false },
  inputShape: [1, 28, 28],
  normalization: { mean: 0.13, std: 0.31 },
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  training: { epochs: '3' },
};

describe('model files', () => {
  it('stateDict round-trips through a safetensors file bit-exactly, with the architecture', () => {
    const model = lenet5({ generator: new Generator(3) });
    const path = join(mkdtempSync(join(tmpdir(), 'convnet-model-')), 'm.safetensors');
    saveModel(path, model, info);
    const loaded = loadModel(path);
    expect(loaded.info).toEqual(info);
    expect(loaded.model.namedParameters().map(([n]) => n)).toEqual(model.namedParameters().map(([n]) => n));
    loaded.model.parameters().forEach((p, i) => {
      const q = model.parameters()[i];
      expect(
        Buffer.compare(
          Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength),
          Buffer.from(q.data.buffer, q.data.byteOffset, q.data.byteLength),
        ),
      ).toBe(0);
    });
  });
  it('rejects weights that do not fit the architecture, an unknown architecture, and a plain safetensors file', () => {
    const modern = lenet5({ modern: true });
    expect(() => decodeModel(encodeModel(modern, info))).toThrow(
      /model file: weights do not fit architecture 'lenet5': .*'3.weight' has shape \[16, 6, 5, 5\]|model file: weights do not fit architecture 'lenet5'/,
    );
    expect(() => decodeModel(encodeModel(modern, { ...info, architecture: 'vgg16' }))).toThrow(
      "model file: unknown architecture 'vgg16' (known: lenet5)",
    );
    expect(() => decodeModel(encodeSafetensors({ w: tensor([1]) }))).toThrow(
      "model file: metadata has no 'architecture' (not a convnet-ts model file?)",
    );
    expect(() => decodeModel(encodeModel(modern, { ...info, normalization: { mean: 0, std: 0 } }))).toThrow(
      "model file: metadata 'normalization' has the wrong form",
    );
  });
});
