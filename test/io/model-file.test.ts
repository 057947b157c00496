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
      "model file: unknown architecture 'vgg16' (known: lenet5, resnet, vgg); a custom model must be registered with registerArchitecture('vgg16', build) in this program",
    );
    expect(() => decodeModel(encodeSafetensors({ w: tensor([1]) }))).toThrow(
      "model file: metadata has no 'architecture' (a file of weights alone? load it with loadSafetensors and model.loadStateDict)",
    );
    expect(() => encodeModel(modern, { ...info, options: { modern: true }, normalization: { mean: 0, std: 0 } })).toThrow(
      'cannot save the model: normalization std must be finite and at least 1e-8, got 0',
    );
  });

  it('checks the metadata against the model it describes', () => {
    const model = lenet5({ generator: new Generator(4) });
    const file = (m: Record<string, string>): Uint8Array =>
      encodeSafetensors(model.stateDict(), { format: 'pt', architecture: 'lenet5', options: '{"modern":false}', ...m });
    expect(() => decodeModel(file({ normalization: '{"mean":0,"std":1e-320}' }))).toThrow(
      'model file: normalization std must be finite and at least 1e-8, got 1e-320',
    );
    expect(() => decodeModel(file({ inputShape: '[1,20000,20000]' }))).toThrow(
      'model file: inputShape [1, 20000, 20000] has 400000000 elements, more than the 16777216 a model file allows',
    );
    expect(() => decodeModel(file({ inputShape: '[1,28]' }))).toThrow(
      'model file: inputShape must be [C, H, W] of positive integers, got [1,28]',
    );
    expect(() => decodeModel(file({ inputShape: '[3,28,28]' }))).toThrow(
      /^model file: the model does not accept its inputShape \[3, 28, 28\]: conv2d: /,
    );
    expect(() => decodeModel(file({ inputShape: '[1,28,28]', classNames: '["a","b"]' }))).toThrow(
      'model file: 2 class names for a model with 10 outputs',
    );
    expect(() => decodeModel(file({ classNames: '[]' }))).toThrow(
      'model file: classNames must be a non-empty array of non-empty strings, got []',
    );
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(() => decodeModel(file({ architecture: name }))).toThrow(`model file: unknown architecture '${name}' (known: lenet5`);
    }
    expect(decodeModel(file({ inputShape: '[1,28,28]', classNames: JSON.stringify([...'0123456789']) })).info.inputShape).toEqual([
      1, 28, 28,
    ]);
  });
});
