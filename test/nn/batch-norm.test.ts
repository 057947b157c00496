/**
 * BatchNorm1d / BatchNorm2d against PyTorch (test/fixtures/gen_batch_norm_fixtures.py): outputs,
 * the gradients of x, weight and bias, and the running statistics after the call, in training and
 * evaluation mode over momentum, eps, affine and trackRunningStats, on 2-D, 3-D and 4-D inputs, on
 * every backend; PyTorch's error for one value per channel; the state-dict names; a state dict
 * saved by PyTorch that gives PyTorch's outputs; Conv → BN folding; the model-file round trip.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, decodeModel, encodeModel, nn, noGrad, randn, tensor } from '../../src/index.js';
import { describeEachBackend, expectClose, fromJson } from '../helpers.js';

interface Json {
  shape: number[];
  data: number[];
}
interface Settings {
  momentum: number | null;
  eps: number;
  affine: boolean;
  trackRunningStats: boolean;
  training: boolean;
}
interface Case {
  name: string;
  layer: 'BatchNorm1d' | 'BatchNorm2d';
  options: Settings;
  inputs: { x: Json; weight?: Json; bias?: Json; runningMean?: Json; runningVar?: Json; numBatchesTracked?: number };
  gradOutput: Json;
  output: Json;
  grads: { x: Json; weight?: Json; bias?: Json };
  after: { runningMean?: Json; runningVar?: Json; numBatchesTracked?: number };
}
interface NetFixture {
  repr: string;
  state: Record<string, Json & { dtype: 'int' | 'float' }>;
  input: Json;
  evalOutput: Json;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'batch-norm');
const fixture = JSON.parse(readFileSync(join(dir, 'batchNorm.json'), 'utf8')) as {
  cases: Case[];
  oneValuePerChannel: { shape: number[]; layer: string; error: string | null }[];
};
const net = JSON.parse(readFileSync(join(dir, 'convBnNet.json'), 'utf8')) as NetFixture;

/** float32 against PyTorch's float64: the normalisation divides by σ, so allow a little more than the op fixtures' 1e-6. */
const RTOL = 1e-5;
const ATOL = 1e-5;

/** A layer of the case's type with the fixture's parameters and statistics. */
function layerFor(c: Case): nn.BatchNorm1d | nn.BatchNorm2d {
  const { momentum, eps, affine, trackRunningStats } = c.options;
  const Layer = c.layer === 'BatchNorm2d' ? nn.BatchNorm2d : nn.BatchNorm1d;
  const bn = new Layer(c.inputs.x.shape[1], { momentum, eps, affine, trackRunningStats });
  if (c.inputs.weight) bn.weight?.data.set(c.inputs.weight.data);
  if (c.inputs.bias) bn.bias?.data.set(c.inputs.bias.data);
  if (c.inputs.runningMean) bn.runningMean?.data.set(c.inputs.runningMean.data);
  if (c.inputs.runningVar) bn.runningVar?.data.set(c.inputs.runningVar.data);
  if (c.inputs.numBatchesTracked !== undefined && bn.numBatchesTracked) bn.numBatchesTracked.data[0] = c.inputs.numBatchesTracked;
  return bn.train(c.options.training);
}

function expectAfter(c: Case, runningMean: Tensor | null, runningVar: Tensor | null, numBatchesTracked: Tensor | null): void {
  if (c.after.runningMean) expectClose(runningMean, c.after.runningMean, RTOL, ATOL, 'running_mean');
  if (c.after.runningVar) expectClose(runningVar, c.after.runningVar, RTOL, ATOL, 'running_var');
  if (c.after.numBatchesTracked !== undefined) expect(numBatchesTracked?.item()).toBe(c.after.numBatchesTracked);
}

describeEachBackend('BatchNorm against PyTorch', () => {
  for (const c of fixture.cases) {
    it(`${c.layer} ${c.name}`, () => {
      const bn = layerFor(c);
      const x = fromJson(c.inputs.x, 'float32', true);
      const y = bn.call(x);
      expectClose(y, c.output, RTOL, ATOL, 'output');
      y.backward(fromJson(c.gradOutput));
      expectClose(x.grad, c.grads.x, RTOL, ATOL, 'grad x');
      if (c.grads.weight) expectClose(bn.weight?.grad ?? null, c.grads.weight, RTOL, ATOL, 'grad weight');
      if (c.grads.bias) expectClose(bn.bias?.grad ?? null, c.grads.bias, RTOL, ATOL, 'grad bias');
      expectAfter(c, bn.runningMean, bn.runningVar, bn.numBatchesTracked);
    });
  }
  // the functional form with the layer's tensors: the same numbers
  for (const c of fixture.cases.filter((k) => k.options.trackRunningStats)) {
    it(`F.batchNorm ${c.name}`, () => {
      const t = (j: Json | undefined, grad = false): Tensor | null => (j === undefined ? null : fromJson(j, 'float32', grad));
      const [x, weight, bias] = [t(c.inputs.x, true) as Tensor, t(c.inputs.weight, true), t(c.inputs.bias, true)];
      const [runningMean, runningVar] = [t(c.inputs.runningMean), t(c.inputs.runningVar)];
      const numBatchesTracked = tensor(c.inputs.numBatchesTracked ?? 0, { dtype: 'int32' });
      const { training, momentum, eps } = c.options;
      const y = F.batchNorm(x, runningMean, runningVar, weight, bias, { training, momentum, eps, numBatchesTracked });
      expectClose(y, c.output, RTOL, ATOL, 'output');
      y.backward(fromJson(c.gradOutput));
      expectClose(x.grad, c.grads.x, RTOL, ATOL, 'grad x');
      if (c.grads.weight) expectClose(weight?.grad ?? null, c.grads.weight, RTOL, ATOL, 'grad weight');
      if (c.grads.bias) expectClose(bias?.grad ?? null, c.grads.bias, RTOL, ATOL, 'grad bias');
      expectAfter(c, runningMean, runningVar, numBatchesTracked);
    });
  }
});

describe('BatchNorm with one value per channel', () => {
  for (const { shape, layer, error } of fixture.oneValuePerChannel) {
    it(`${layer} x=${JSON.stringify(shape)}: ${error === null ? 'runs' : 'an error in training'}, as PyTorch`, () => {
      const bn = layer === 'BatchNorm2d' ? new nn.BatchNorm2d(shape[1]) : new nn.BatchNorm1d(shape[1]);
      const x = randn(shape, { generator: new Generator(1) });
      if (error === null) expect(() => bn.call(x)).not.toThrow();
      else expect(() => bn.call(x)).toThrow(error.replace(/torch\.Size\((\[.*\])\)/, '$1'));
      expect(() => bn.eval().call(x)).not.toThrow(); // the running statistics need no batch
    });
  }
});

describe('BatchNorm layers', () => {
  it("state dict under PyTorch's names: weight, bias, running_mean, running_var, num_batches_tracked", () => {
    const bn = new nn.BatchNorm2d(3);
    const state = bn.stateDict();
    expect(Object.keys(state)).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect([...state.weight.data]).toEqual([1, 1, 1]);
    expect([...state.bias.data]).toEqual([0, 0, 0]);
    expect([...state.running_mean.data]).toEqual([0, 0, 0]);
    expect([...state.running_var.data]).toEqual([1, 1, 1]);
    expect(state.num_batches_tracked.shape).toEqual([]);
    expect(state.num_batches_tracked.dtype).toBe('int32');
    expect(bn.parameters()).toEqual([bn.weight, bn.bias]);
    expect(bn.numParameters()).toBe(6);
    expect(bn.namedBuffers().map(([k]) => k)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(Object.keys(new nn.BatchNorm1d(3, { affine: false, trackRunningStats: false }).stateDict())).toEqual([]);
    expect(Object.keys(new nn.BatchNorm1d(3, { affine: false }).stateDict())).toEqual([
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
  });

  it('prints like PyTorch, in the house style', () => {
    expect(String(new nn.BatchNorm2d(16))).toBe('BatchNorm2d(16, eps=1e-5, momentum=0.1, affine=true, trackRunningStats=true)');
    expect(String(new nn.BatchNorm1d(4, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false }))).toBe(
      'BatchNorm1d(4, eps=0.001, momentum=null, affine=false, trackRunningStats=false)',
    );
  });

  it('train() updates the running statistics and counts batches; eval() uses them and changes nothing', () => {
    const bn = new nn.BatchNorm2d(2);
    const x = randn([4, 2, 3, 3], { generator: new Generator(3) });
    bn.call(x);
    bn.call(x);
    expect(bn.numBatchesTracked?.item()).toBe(2);
    const before = Float32Array.from(bn.runningMean?.data ?? []);
    bn.eval();
    const y = bn.call(x);
    expect(bn.numBatchesTracked?.item()).toBe(2);
    expect([...(bn.runningMean?.data ?? [])]).toEqual([...before]);
    // y = (x − running_mean)/√(running_var + ε)
    const rm = bn.runningMean?.data ?? [];
    const rv = bn.runningVar?.data ?? [];
    expect(y.data[0]).toBeCloseTo((x.data[0] - rm[0]) / Math.sqrt(rv[0] + 1e-5), 5);
  });

  it('momentum null: the running mean is the plain average of the batch means', () => {
    const bn = new nn.BatchNorm1d(3, { momentum: null });
    const g = new Generator(5);
    const means = [0, 0, 0];
    for (let k = 0; k < 4; k++) {
      const x = randn([6, 3], { generator: g });
      for (let i = 0; i < x.size; i++) means[i % 3] += x.data[i] / 6 / 4;
      bn.call(x);
    }
    for (let c = 0; c < 3; c++) expect(bn.runningMean?.data[c]).toBeCloseTo(means[c], 6);
  });

  it('trackRunningStats false: evaluation normalises by the batch', () => {
    const bn = new nn.BatchNorm2d(2, { trackRunningStats: false }).eval();
    const x = randn([3, 2, 2, 2], { generator: new Generator(6) });
    const y = bn.call(x);
    expect(Math.abs(y.mean().item())).toBeLessThan(1e-6);
  });

  it('errors name the layer and the shape: channels, rank', () => {
    const bn = new nn.BatchNorm2d(16);
    expect(() => bn.call(randn([2, 8, 4, 4]))).toThrow('BatchNorm2d: input [2, 8, 4, 4] has 8 channels (axis 1), but the layer has 16');
    expect(() => bn.call(randn([2, 16]))).toThrow('BatchNorm2d: expected input of shape (N, C, H, W), got [2, 16]');
    expect(() => new nn.BatchNorm1d(4).call(randn([2, 4, 3, 3]))).toThrow(
      'BatchNorm1d: expected input of shape (N, C) or (N, C, L), got [2, 4, 3, 3]',
    );
    expect(() => new nn.BatchNorm1d(0)).toThrow('BatchNorm1d');
    expect(() => new nn.BatchNorm1d(3, { momentum: 2 })).toThrow('momentum');
    expect(() => new nn.BatchNorm1d(3, { bogus: 1 } as never)).toThrow("BatchNorm1d: unknown option 'bogus'");
  });

  it('zeroInitWeight zeroes γ (the last BN of a residual block)', () => {
    const bn = new nn.BatchNorm2d(3).zeroInitWeight();
    expect([...(bn.weight?.data ?? [])]).toEqual([0, 0, 0]);
    expect(() => new nn.BatchNorm2d(3, { affine: false }).zeroInitWeight()).toThrow('affine');
  });
});

/** The fixture's Conv-BN-ReLU net, built with our layers. */
function convBnNet(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1, bias: false }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.Conv2d(4, 6, 3, { stride: 2 }),
    new nn.BatchNorm2d(6, { momentum: 0.2 }),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new nn.Flatten(),
    new nn.Linear(6, 3),
  );
}

/** The state dict PyTorch saved, as tensors (num_batches_tracked, int64 there, as int32). */
function torchState(): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(net.state))
    out[k] = tensor(v.data, { shape: v.shape, dtype: v.dtype === 'int' ? 'int32' : 'float32' });
  return out;
}

/** A residual network of Conv-BN pairs (a projection shortcut too), its BN statistics trained away from the initial ones. */
function residualNet(): nn.Sequential {
  const g = new Generator(11);
  const model = new nn.Sequential(
    new nn.Conv2d(2, 4, 3, { padding: 1, bias: false, generator: g }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.Residual(
      new nn.Sequential(
        new nn.Conv2d(4, 6, 3, { padding: 1, stride: 2, bias: false, generator: g }),
        new nn.BatchNorm2d(6),
        new nn.ReLU(),
        new nn.Conv2d(6, 6, 3, { padding: 1, generator: g }),
        new nn.BatchNorm2d(6, { affine: false }),
      ),
      new nn.Sequential(new nn.Conv2d(4, 6, 1, { stride: 2, bias: false, generator: g }), new nn.BatchNorm2d(6)),
    ),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d([1, 1]),
    new nn.Flatten(),
  );
  for (const [name, t] of model.namedParameters())
    if (/\d\.(weight|bias)$/.test(name) && t.ndim === 1) t.data.set(randn(t.shape, { generator: g }).data);
  noGrad(() => {
    for (let k = 0; k < 3; k++) model.call(randn([5, 2, 6, 6], { generator: g }).mul(2).add(0.5));
  });
  return model;
}

describeEachBackend('BatchNorm models', () => {
  it("a state dict saved by PyTorch loads under its names and gives PyTorch's evaluation outputs", () => {
    const model = convBnNet();
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(net.state));
    model.loadStateDict(torchState());
    model.eval();
    expectClose(
      noGrad(() => model.call(fromJson(net.input))),
      net.evalOutput,
      1e-5,
      1e-5,
      'eval output',
    );
    expect(String(model.at(1))).toBe('BatchNorm2d(4, eps=1e-5, momentum=0.1, affine=true, trackRunningStats=true)');
    expect(net.repr).toContain('(1): BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  });

  it('foldBatchNorm: each Conv2d → BatchNorm2d becomes one Conv2d (and an Identity), equal in evaluation mode', () => {
    const model = convBnNet();
    model.loadStateDict(torchState());
    const folded = nn.foldBatchNorm(model) as nn.Sequential;
    expect(folded.training).toBe(false);
    expect(model.training).toBe(true); // the original is not changed
    expect(folded.at(1)).toBeInstanceOf(nn.Identity);
    expect(folded.at(4)).toBeInstanceOf(nn.Identity);
    expect((folded.at(0) as nn.Conv2d).bias).not.toBeNull();
    const x = fromJson(net.input);
    expectClose(
      noGrad(() => folded.call(x)),
      net.evalOutput,
      1e-5,
      1e-5,
      'folded',
    );
    expect(model.at(1)).toBeInstanceOf(nn.BatchNorm2d);
  });

  it('foldBatchNorm inside residual blocks (body and projection), BN with and without affine', () => {
    const model = residualNet();
    const x = randn([3, 2, 6, 6], { generator: new Generator(12) });
    const expected = noGrad(() => model.eval().call(x));
    const folded = nn.foldBatchNorm(model);
    const kinds = folded.namedModules().map(([, m]) => m.constructor.name);
    expect(kinds).not.toContain('BatchNorm2d');
    expect(kinds.filter((k) => k === 'Identity')).toHaveLength(4);
    expectClose(
      noGrad(() => folded.call(x)),
      expected,
      1e-5,
      1e-5,
      'folded residual net',
    );
  });

  it('saveModel/loadModel round trip (encodeModel/decodeModel): the spec, the buffers, the outputs', () => {
    const model = residualNet();
    const { model: loaded } = decodeModel(encodeModel(model));
    const state = loaded.stateDict();
    for (const [k, t] of Object.entries(model.stateDict())) expect([...state[k].data], k).toEqual([...t.data]);
    expect(state['1.num_batches_tracked'].item()).toBe(3);
    expect(String(loaded)).toBe(String(model));
    const x = randn([2, 2, 6, 6], { generator: new Generator(13) });
    expectClose(
      noGrad(() => loaded.eval().call(x)),
      noGrad(() => model.eval().call(x)),
      0,
      0,
      'loaded',
    );
  });
});
