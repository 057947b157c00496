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
    // files written by hand: the encoder itself refuses to write such files (tested below)
    const metadata = (m: Record<string, string>): Record<string, string> => ({ format: 'pt', options: '{"modern":false}', ...m });
    expect(() => decodeModel(encodeSafetensors(modern.stateDict(), metadata({ architecture: 'lenet5' })))).toThrow(
      /^model file: weights do not fit architecture 'lenet5': state does not match the model: missing 2\.weight, 2\.bias, 5\.weight, 5\.bias$/,
    );
    expect(() => decodeModel(encodeSafetensors(modern.stateDict(), metadata({ architecture: 'vgg16' })))).toThrow(
      "model file: unknown architecture 'vgg16' (known: lenet5); a custom model must be registered with registerArchitecture('vgg16', build) in this program",
    );
    expect(() => decodeModel(encodeSafetensors({ w: tensor([1]) }))).toThrow(
      "model file: metadata has no 'architecture' (a file of weights alone? load it with loadSafetensors and model.loadStateDict)",
    );
    expect(() => decodeModel(encodeModel(modern, { ...info, options: { modern: true }, normalization: { mean: 0, std: 0 } }))).toThrow(
      "model file: metadata 'normalization' has the wrong form",
    );
  });
});
