/**
 * `exportOnnx`'s options, metadata and errors, and `saveOnnx`: the names of the graph's input and
 * output, the input normalization (recorded, or folded into the graph), float64 models, one error
 * listing every layer that cannot be exported, and atomic files.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator, Tensor, nn } from '../../src/index.js';
import { ZeroPadShortcut } from '../../src/models/resnet.js';
import { buildModel } from '../../src/models/registry.js';
import { exportOnnx } from '../../src/io/onnx/export.js';
import { saveOnnx } from '../../src/io/onnx/files.js';
import { decodeModelProto } from '../../src/io/onnx/schema.js';
import { expectAgreement, libraryForward, ort, ortMissing, randomInput, runOrt } from './ort.js';

const g = new Generator(5);
const small = (): nn.Sequential =>
  new nn.Sequential(
    new nn.Conv2d(1, 2, 3, { generator: g }),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(2 * 4 * 4, 3, { generator: g }),
  );

/** A module of its own, which has no ONNX mapping. */
class Doubler extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.mul(2);
  }
}

/** A subclass of a built-in layer: its forward may differ, so it does not export as its parent. */
class ShiftedReLU extends nn.ReLU {}

describe('exportOnnx: the model file', () => {
  it('records the opset, IR version, producer, dynamic batch N and the metadata', () => {
    const bytes = exportOnnx(small(), {
      inputShape: [1, 6, 6],
      normalization: { mean: 0.1307, std: 0.3081 },
      classNames: ['a', 'b', 'c'],
    });
    const proto = decodeModelProto(bytes);
    expect(proto.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(proto.irVersion).toBe(7);
    expect(proto.producerName).toBe('convnet-ts');
    const dims = (v: (typeof proto.graph.input)[0]) => v.type.tensorType.shape.dim;
    expect(proto.graph.input.map((v) => [v.name, dims(v)])).toEqual([
      ['input', [{ dimParam: 'N' }, { dimValue: 1 }, { dimValue: 6 }, { dimValue: 6 }]],
    ]);
    expect(proto.graph.output.map((v) => [v.name, dims(v)])).toEqual([['output', [{ dimParam: 'N' }, { dimValue: 3 }]]]);
    expect(proto.graph.node.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'Flatten', 'Gemm']);
    expect(proto.graph.initializer.map((t) => [t.name, t.dims])).toEqual([
      ['0.weight', [2, 1, 3, 3]],
      ['0.bias', [2]],
      ['3.weight', [3, 32]],
      ['3.bias', [3]],
    ]);
    expect(Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]))).toEqual({
      'convnet.input_shape': '[1,6,6]',
      'convnet.normalization': '{"mean":0.1307,"std":0.3081}',
      'convnet.normalization_folded': 'false',
      'convnet.class_names': '["a","b","c"]',
    });
  });

  it('opset 17 and 21 get IR versions 8 and 10', () => {
    expect(decodeModelProto(exportOnnx(small(), { inputShape: [1, 6, 6], opset: 17 })).irVersion).toBe(8);
    expect(decodeModelProto(exportOnnx(small(), { inputShape: [1, 6, 6], opset: 21 })).irVersion).toBe(10);
  });

  it('rejects bad options with one message each', () => {
    const m = small();
    expect(() => exportOnnx(m, { inputShape: [1, 6, 6], opset: 12 })).toThrow('exportOnnx: opset must be an integer from 13 to 21, got 12');
    expect(() => exportOnnx(m, { inputShape: [1, 0, 6] })).toThrow('exportOnnx: inputShape must be the shape of one input');
    expect(() => exportOnnx(m, { inputShape: [1, 6, 6], inputName: 'x', outputName: 'x' })).toThrow('inputName and outputName must differ');
    expect(() => exportOnnx(m, { inputShape: [1, 6, 6], foldNormalization: true })).toThrow('foldNormalization needs a normalization');
    expect(() => exportOnnx(m, { inputShape: [1, 6, 6], normalization: { mean: 0, std: 0 } })).toThrow('normalization std must be finite');
    expect(() => exportOnnx(m, { inputShape: [1, 6, 6], batch: 2 } as never)).toThrow("exportOnnx: unknown option 'batch'");
    expect(() => exportOnnx(m, undefined as never)).toThrow('exportOnnx: options with an inputShape are required');
    expect(() => exportOnnx(m, null as never)).toThrow('exportOnnx: options must be an object');
    expect(() => exportOnnx(null as never, { inputShape: [1] })).toThrow('exportOnnx: model must be a Module');
    expect(() => exportOnnx(m, { inputShape: [1, 6, 6], classNames: 'abc' as never })).toThrow(
      'exportOnnx: classNames must be an array of strings',
    );
    expect(() => exportOnnx(m, { inputShape: [1, 2, 2] })).toThrow(
      /^exportOnnx: the model does not run on an input of shape \[1, 1, 2, 2\]: /,
    );
  });

  it('lists every layer that cannot be exported, by path and class, in one error', () => {
    const model = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1, generator: g }),
      new Doubler(),
      new nn.Residual(new nn.Sequential(new ShiftedReLU(), new nn.BatchNorm2d(4, { trackRunningStats: false }))),
      new nn.AdaptiveAvgPool2d(3),
      new nn.Flatten(0),
    );
    let message = '';
    try {
      exportOnnx(model, { inputShape: [1, 7, 7] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^exportOnnx: 5 layers cannot be exported to ONNX: /);
    expect(message).toContain('1 (Doubler): no ONNX mapping');
    expect(message).toContain('2.body.0 (ShiftedReLU): a subclass of ReLU, whose forward may differ');
    expect(message).toContain('2.body.1 (BatchNorm2d): without running statistics');
    expect(message).toContain('3 (AdaptiveAvgPool2d): output 3x3 does not divide the input 7x7');
    expect(message).toContain('4 (Flatten): it merges the batch axis');
    expect(message).toContain('(layers that export: Sequential, Residual, Conv2d,');
    expect(() => exportOnnx(new Doubler(), { inputShape: [3] })).toThrow(
      'exportOnnx: 1 layer cannot be exported to ONNX: (model) (Doubler)',
    );
  });

  it('leaves the modes of the model and its layers as they were', () => {
    const model = small();
    model.train();
    model.layers[1].eval();
    exportOnnx(model, { inputShape: [1, 6, 6] });
    expect(model.namedModules().map(([, m]) => m.training)).toEqual([true, true, false, true, true]);
  });
});

describe.skipIf(ort === null)(`exportOnnx options in ONNX Runtime${ortMissing ? ` (skipped: ${ortMissing})` : ''}`, () => {
  it('inputName and outputName name the graph input and output', async () => {
    const model = small();
    const bytes = exportOnnx(model, { inputShape: [1, 6, 6], inputName: 'pixels', outputName: 'logits' });
    await expectAgreement(bytes, model, randomInput(2, [1, 6, 6]), { input: 'pixels', output: 'logits' });
  });

  it('foldNormalization: the graph takes raw pixels and computes the model of (x − mean)/std', async () => {
    const model = small();
    const norm = { mean: 0.25, std: 0.5 };
    const bytes = exportOnnx(model, { inputShape: [1, 6, 6], normalization: norm, foldNormalization: true });
    const proto = decodeModelProto(bytes);
    expect(proto.graph.node.slice(0, 2).map((n) => n.opType)).toEqual(['Sub', 'Div']);
    expect(proto.metadataProps.find((p) => p.key === 'convnet.normalization_folded')?.value).toBe('true');
    const raw = randomInput(3, [1, 6, 6]);
    const normalized = raw.sub(norm.mean).div(norm.std);
    const want = libraryForward(model, normalized);
    const got = await runOrt(bytes, raw);
    const scale = Math.max(...want.data.map(Math.abs));
    got.data.forEach((v, i) => expect(Math.abs(v - want.data[i])).toBeLessThanOrEqual(1e-5 * Math.abs(want.data[i]) + 1e-5 * scale));
  });

  it('a float64 model exports in float32 and agrees', async () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3, { dtype: 'float64', generator: g }), new nn.Tanh(), new ZeroPadShortcut(2, 2));
    const bytes = exportOnnx(model, { inputShape: [1, 7, 7] });
    const x = randomInput(2, [1, 7, 7]);
    const want = libraryForward(model, x.to('float64'));
    const got = await runOrt(bytes, x);
    expect(got.dims).toEqual(want.shape);
    got.data.forEach((v, i) => expect(Math.abs(v - want.data[i])).toBeLessThan(1e-6));
  });

  it('saveOnnx writes the file atomically; a model that does not export writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convnet-onnx-'));
    const model = buildModel('lenet5', { modern: true }, new Generator(9));
    const path = join(dir, 'lenet5.onnx');
    saveOnnx(path, model, { inputShape: [1, 28, 28] });
    await expectAgreement(new Uint8Array(readFileSync(path)), model, randomInput(2, [1, 28, 28]));
    const bad = join(dir, 'bad.onnx');
    expect(() => saveOnnx(bad, new Doubler(), { inputShape: [3] })).toThrow(
      `saveOnnx: 1 layer cannot be exported to ONNX: (model) (Doubler): no ONNX mapping (layers that export:`,
    );
    expect(existsSync(bad)).toBe(false);
  });
});
