/**
 * `convnet export` as a subprocess (dist/, built by `npm test`): a model trained by `convnet train`
 * exported to ONNX, run in ONNX Runtime and compared with the library's forward of the same model
 * file and with what `convnet predict` prints; the normalization recorded or folded in; errors as
 * one line with a non-zero exit code.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator, Tensor, nn } from '../../src/index.js';
import { loadModel, saveModel } from '../../src/node.js';
import { readImageForModel, writeGrayPng } from '../../src/data/png.js';
import { loadSplits } from '../../src/data/splits.js';
import { decodeModelProto } from '../../src/io/onnx/schema.js';
import { expectAgreement, ort, ortMissing, randomInput, runOrt } from '../onnx/ort.js';
import { cliIn, expectCleanError } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'convnet-cli-export-'));
const convnet = cliIn(dir);
const at = (name: string) => join(dir, name);

beforeAll(() => {
  const r = convnet('train', '--limit', '256', '--epochs', '1', '-o', 'm.safetensors');
  expect(r.code, r.stderr).toBe(0);
  writeGrayPng(at('digit.png'), loadSplits(undefined, 1).heldOut.images.slice(0, 784), 28, 28);
}, 120_000);

describe.skipIf(ort === null)(`convnet export, checked by ONNX Runtime${ortMissing ? ` (skipped: ${ortMissing})` : ''}`, () => {
  it('convnet export m.safetensors -o m.onnx: agrees with the library on normalized inputs, batch 1 and 3', async () => {
    const r = convnet('export', 'm.safetensors', '-o', 'm.onnx');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^m\.onnx: ONNX opset 13, input \(N, 1, 28, 28\), normalization \(x − [\d.]+\)\/[\d.]+ recorded in the metadata, [\d.]+ KiB\n$/,
    );
    const bytes = new Uint8Array(readFileSync(at('m.onnx')));
    const { model, info } = loadModel(at('m.safetensors'));
    const meta = Object.fromEntries(decodeModelProto(bytes).metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(meta['convnet.normalization'])).toEqual(info.normalization);
    expect(meta['convnet.normalization_folded']).toBe('false');
    for (const batch of [1, 3]) await expectAgreement(bytes, model, randomInput(batch, [1, 28, 28], batch));
  });

  it("gives the probabilities convnet predict prints for a PNG digit (softmax of ORT's logits)", async () => {
    const r = convnet('export', 'm.safetensors', '--fold-normalization');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('folded in');
    const bytes = new Uint8Array(readFileSync(at('m.onnx')));
    // raw pixels in [0, 1]: the graph normalizes them itself
    const logits = (await runOrt(bytes, new Tensor(readImageForModel(at('digit.png')), [1, 1, 28, 28]))).data;
    const top = Math.max(...logits);
    const e = [...logits].map((v) => Math.exp(v - top));
    const probs = e.map((v) => (100 * v) / e.reduce((a, b) => a + b));
    const printed = convnet('predict', 'm.safetensors', 'digit.png');
    expect(printed.code, printed.stderr).toBe(0);
    const rows = printed.stdout.split('\n').filter((l) => /^\d+\s+[\d.]+%$/.test(l.trim()));
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      const [cls, pct] = row.trim().split(/\s+/);
      expect(Math.abs(probs[Number(cls)] - parseFloat(pct)), row).toBeLessThanOrEqual(0.0051);
    }
  });

  it('--opset 17 --input-shape: a model file without its input shape exports', async () => {
    const g = new Generator(2);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 2, 3, { generator: g }),
      new nn.ReLU(),
      new nn.Flatten(),
      new nn.Linear(2 * 6 * 6, 4, { generator: g }),
    );
    saveModel(at('bare.safetensors'), model);
    expectCleanError(
      convnet('export', 'bare.safetensors'),
      "export: 'bare.safetensors' does not record the model's input shape; give it with --input-shape CxHxW",
    );
    const r = convnet('export', 'bare.safetensors', '--opset', '17', '--input-shape', '1x8x8');
    expect(r.code, r.stderr).toBe(0);
    const bytes = new Uint8Array(readFileSync(at('bare.onnx')));
    expect(decodeModelProto(bytes).opsetImport[0].version).toBe(17);
    await expectAgreement(bytes, model, randomInput(3, [1, 8, 8]));
  });
});

describe('convnet export: errors are one line with a non-zero exit code', () => {
  it.each([
    [['export', 'missing.safetensors'], "model file: cannot read 'missing.safetensors'"],
    [['export', 'm.safetensors', '--opset', '12'], "export: --opset must be an integer in [13, 21], got '12'"],
    [
      ['export', 'm.safetensors', '--input-shape', '28x28'],
      "export: --input-shape must be CxHxW of positive integers (e.g. 1x28x28), got '28x28'",
    ],
    [['export'], 'export: expected MODEL, got none'],
    [['export', 'm.safetensors', '-o', join('no-such-dir', 'm.onnx')], "ONNX model: cannot write 'no-such-dir/m.onnx'"],
  ])('convnet %j', (args, message) => {
    expectCleanError(convnet(...args), message);
    expect(existsSync(at('no-such-dir'))).toBe(false);
  });
});
