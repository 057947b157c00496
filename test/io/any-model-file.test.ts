/**
 * Any model saves and loads: a tree of built-in layers from the file alone, a custom model
 * through `registerArchitecture`; a model a file could not rebuild is refused before anything is
 * written, with the way out in the message.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, buildModel, decodeModel, encodeModel, nn, noGrad, randn, registerArchitecture } from '../../src/index.js';
import { loadModel, saveModel } from '../../src/node.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'convnet-any-model-'));

/** The model's output on `x` in evaluation mode, without a graph. */
function outputOf(model: nn.Module, x: Tensor): Float32Array | Float64Array {
  model.eval();
  return noGrad(() => model.forward(x)).data as Float32Array | Float64Array;
}

/** Saves and loads `model` through a file; the loaded model must give the same outputs and state, bit for bit. */
function roundTrip(model: nn.Module, x: Tensor): nn.Module {
  const path = join(dir(), 'model.safetensors');
  saveModel(path, model);
  const { model: loaded, info } = loadModel(path);
  expect(info.architecture).toBe('modules');
  expect(String(loaded)).toBe(String(model));
  expect(Object.keys(loaded.stateDict())).toEqual(Object.keys(model.stateDict()));
  expect(outputOf(loaded as nn.Module, x)).toEqual(outputOf(model, x));
  return loaded as nn.Module;
}

describe('a tree of built-in layers', () => {
  it('is rebuilt from the file alone: every built-in layer and container', () => {
    const g = new Generator(5);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2, generator: g }),
      new nn.Tanh(),
      new nn.Subsampling(6, { kernelSize: 2, activation: 'tanh' }),
      new nn.LinkedConv2d(6, 16, 5, { table: F.LENET5_C3_TABLE, generator: g }),
      new nn.LeakyReLU(0.2),
      new nn.MaxPool2d(2, { stride: 2 }),
      new nn.Residual(
        new nn.Sequential(new nn.Conv2d(16, 8, 3, { padding: 'same', bias: false, generator: g }), new nn.Sigmoid()),
        new nn.Conv2d(16, 8, 1, { generator: g }),
      ),
      new nn.ConvTranspose2d(8, 4, 2, { stride: 2, generator: g }),
      new nn.AvgPool2d(2),
      new nn.ReLU(),
      new nn.Dropout(0.3),
      new nn.Flatten(),
      new nn.Linear(4 * 5 * 5, 10, { generator: g }),
    );
    roundTrip(model, randn([2, 1, 28, 28], { generator: new Generator(6) }));
  });

  it('keeps float64 weights float64, and ModuleList / ModuleDict inside a Sequential', () => {
    const model = new nn.Sequential(new nn.Linear(3, 4, { dtype: 'float64' }), new nn.Tanh());
    const loaded = roundTrip(model, randn([2, 3], { dtype: 'float64' }));
    expect(loaded.parameters()[0].dtype).toBe('float64');
    const holder = new nn.ModuleList([new nn.Linear(2, 2), new nn.ModuleDict({ a: new nn.Linear(2, 3) })]);
    const encoded = decodeModel(encodeModel(holder));
    expect(Object.keys(encoded.model.stateDict())).toEqual(['0.weight', '0.bias', '1.a.weight', '1.a.bias']);
  });

  it('records the input shape, normalization and class names when given', () => {
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(4, 2));
    const { info } = decodeModel(
      encodeModel(model, { inputShape: [1, 2, 2], normalization: { mean: 0.5, std: 2 }, classNames: ['no', 'yes'] }),
    );
    expect(info).toMatchObject({
      architecture: 'modules',
      inputShape: [1, 2, 2],
      normalization: { mean: 0.5, std: 2 },
      classNames: ['no', 'yes'],
    });
    expect(decodeModel(encodeModel(model)).info.inputShape).toBeUndefined();
  });
});

class TinyNet extends nn.Module {
  conv: nn.Conv2d;
  head: nn.Linear;
  constructor(readonly width = 4) {
    super();
    this.conv = new nn.Conv2d(1, width, 3);
    this.head = new nn.Linear(width * 6 * 6, 3);
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(F.relu(this.conv.forward(x)).flatten(1));
  }
}

describe('a custom model', () => {
  it('is refused before anything is written, with the way to register it', () => {
    const path = join(dir(), 'tiny.safetensors');
    expect(() => saveModel(path, new TinyNet())).toThrow(
      /^saveModel: cannot save the model: the model itself \(TinyNet\) is not a built-in module, so a file cannot rebuild it; register the model's architecture with registerArchitecture\(name, \(options\) => new YourModel\(options\)\).*saveSafetensors\(path, model.stateDict\(\)\).*'.*tiny.safetensors' was not written\)$/,
    );
    expect(existsSync(path)).toBe(false);
    // nested: the message names the layer
    expect(() => encodeModel(new nn.Sequential(new nn.Linear(36, 36), new TinyNet()))).toThrow(
      /^cannot save the model: layer '1' \(TinyNet\) is not a built-in module/,
    );
  });

  it('saves and loads through registerArchitecture, by name and options or as built by buildModel', () => {
    registerArchitecture('tiny-net', (options) => new TinyNet(options.width as number), { inputShape: [1, 8, 8], classes: 3 });
    const x = randn([2, 1, 8, 8], { generator: new Generator(7) });
    const direct = new TinyNet(5);
    const path = join(dir(), 'tiny.safetensors');
    saveModel(path, direct, { architecture: 'tiny-net', options: { width: 5 } });
    const loaded = loadModel(path);
    expect(loaded.info).toMatchObject({ architecture: 'tiny-net', options: { width: 5 } });
    expect(loaded.model).toBeInstanceOf(TinyNet);
    expect(outputOf(loaded.model as nn.Module, x)).toEqual(outputOf(direct, x));

    const built = buildModel('tiny-net', { width: 2 }) as nn.Module;
    const again = decodeModel(encodeModel(built));
    expect(again.info).toMatchObject({ architecture: 'tiny-net', options: { width: 2 } });
    expect(outputOf(again.model as nn.Module, x)).toEqual(outputOf(built, x));
  });

  it('is refused when the registered build does not give its parameters, or the name is unknown', () => {
    registerArchitecture('tiny-net', (options) => new TinyNet(options.width as number));
    expect(() => encodeModel(new TinyNet(5), { architecture: 'tiny-net', options: { width: 4 } })).toThrow(
      `cannot save the model: architecture 'tiny-net' with options {"width":4} gives 'conv.weight' as [4, 1, 3, 3] float32, but the model has [5, 1, 3, 3] float32`,
    );
    expect(() => encodeModel(new TinyNet(), { architecture: 'small-net' })).toThrow(
      /^cannot save the model: architecture 'small-net' is not registered; register the model's architecture/,
    );
    expect(() => registerArchitecture('lenet5', () => new TinyNet())).toThrow(
      "registerArchitecture: 'lenet5' is a built-in architecture and cannot be replaced",
    );
  });
});
