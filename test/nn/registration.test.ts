/**
 * Modules find their children and parameters in their fields, as PyTorch's do (`self.conv =
 * nn.Conv2d(…)`), in declaration order and with PyTorch's dotted names; `ModuleList`, `ModuleDict`,
 * buffers; a model prints as PyTorch prints it.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, nn, ones, optim, randn, tensor, zeros } from '../../src/index.js';

class Block extends nn.Module {
  conv = new nn.Conv2d(4, 4, 3, { padding: 1, generator: new Generator(1) });
  forward(x: Tensor): Tensor {
    return x.add(F.relu(this.conv.forward(x)));
  }
}

class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3, { padding: 1, generator: new Generator(2) });
  blocks = [new Block(), new Block()];
  scale = nn.Parameter(ones([1]));
  head = new nn.Linear(4 * 8 * 8, 10, { generator: new Generator(3) });
  notAModule = 3;
  plainTensor = zeros([2]);
  forward(x: Tensor): Tensor {
    let y = this.conv1.forward(x);
    for (const b of this.blocks) y = b.forward(y);
    return this.head.forward(y.flatten(1)).mul(this.scale);
  }
}

describe('modules held in fields', () => {
  it('are children, their parameters named by path, in declaration order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n, t]) => `${n} ${JSON.stringify(t.shape)}`)).toEqual([
      'scale [1]',
      'conv1.weight [4,1,3,3]',
      'conv1.bias [4]',
      'blocks.0.conv.weight [4,4,3,3]',
      'blocks.0.conv.bias [4]',
      'blocks.1.conv.weight [4,4,3,3]',
      'blocks.1.conv.bias [4]',
      'head.weight [10,256]',
      'head.bias [10]',
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['conv1', 'blocks.0', 'blocks.1', 'head']);
    expect(Object.keys(net.stateDict())).toEqual(net.namedParameters().map(([n]) => n));
    expect(net.numParameters()).toBe(1 + 40 + 2 * 148 + 2570);
  });

  it('train(), eval() and zeroGrad() reach them, and an optimizer trains them', () => {
    const net = new Net();
    net.eval();
    expect(net.blocks[1].conv.training).toBe(false);
    net.train();
    expect(net.blocks[1].conv.training).toBe(true);
    const before = Float32Array.from(net.blocks[1].conv.weight.data);
    const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
    const loss = F.crossEntropy(net.forward(randn([2, 1, 8, 8], { generator: new Generator(4) })), tensor([1, 2], { dtype: 'int32' }));
    loss.backward();
    expect(net.scale.grad).not.toBeNull();
    opt.step();
    expect(net.blocks[1].conv.weight.data).not.toEqual(before);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('a shared layer is listed once; a leaf tensor that requires gradients is a parameter; other tensors are not', () => {
    class Tied extends nn.Module {
      a = new nn.Linear(3, 3);
      b = this.a;
      w = randn([3], { requiresGrad: true });
      constant = randn([3]);
      forward(x: Tensor): Tensor {
        return this.b.forward(this.a.forward(x)).mul(this.w).add(this.constant);
      }
    }
    const m = new Tied();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['w', 'a.weight', 'a.bias']);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['a']);
  });

  it('registered names come first, and fields that hold them are not listed twice', () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    expect(s.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(new nn.Residual(new nn.Linear(2, 2)).namedParameters().map(([n]) => n)).toEqual(['body.weight', 'body.bias']);
  });
});

describe('ModuleList and ModuleDict', () => {
  it('name their modules by index and by key', () => {
    class M extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
      heads = new nn.ModuleDict({ digits: new nn.Linear(2, 10), letters: new nn.Linear(2, 26) });
      forward(x: Tensor): Tensor {
        for (const l of this.layers) x = l.forward(x);
        return this.heads.get('digits').forward(x);
      }
    }
    const m = new M();
    m.layers.append(new nn.Linear(2, 2));
    expect(m.layers.length).toBe(3);
    expect(m.layers.at(-1)).toBe(m.layers.at(2));
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
      'layers.2.weight',
      'layers.2.bias',
      'heads.digits.weight',
      'heads.digits.bias',
      'heads.letters.weight',
      'heads.letters.bias',
    ]);
    expect(m.forward(randn([4, 2])).shape).toEqual([4, 10]);
    expect(() => m.heads.get('words')).toThrow("ModuleDict.get: no module 'words' (keys: digits, letters)");
    expect(() => m.layers.at(5)).toThrow('ModuleList.at: index 5 is out of range for 3 modules');
    expect(() => (m.layers as unknown as nn.Module).forward(randn([1]))).toThrow(/ModuleList has no forward/);
  });
});

describe('buffers', () => {
  class Normalize extends nn.Module {
    readonly runningMean: Tensor;
    constructor() {
      super();
      this.runningMean = this.registerBuffer('runningMean', zeros([3]));
    }
    forward(x: Tensor): Tensor {
      return x.sub(this.runningMean);
    }
  }
  it('are saved and loaded with the state but are not parameters', () => {
    const m = new nn.Sequential(new nn.Linear(3, 3), new Normalize());
    expect(m.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias']);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['1.runningMean']);
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '1.runningMean']);
    const state: Record<string, Tensor> = { ...m.stateDict(), '1.runningMean': tensor([1, 2, 3]) };
    m.loadStateDict(state);
    expect([...(m.at(1) as Normalize).runningMean.data]).toEqual([1, 2, 3]);
    expect(() => m.loadStateDict({ '0.weight': state['0.weight'], '0.bias': state['0.bias'] })).toThrow(
      'loadStateDict: state does not match the model: missing 1.runningMean',
    );
  });
});

describe('printing', () => {
  it('prints a model as a tree, as PyTorch does, through toString and util.inspect', () => {
    const s = new nn.Sequential(new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.Tanh(), new nn.Flatten(), new nn.Linear(4704, 10));
    const expected = [
      'Sequential(',
      '  (0): Conv2d(1, 6, kernelSize=5, padding=2)',
      '  (1): Tanh()',
      '  (2): Flatten(startDim=1, endDim=-1)',
      '  (3): Linear(4704, 10)',
      ')',
    ].join('\n');
    expect(String(s)).toBe(expected);
    expect(inspect(s)).toBe(expected);
    expect(String(new Net())).toBe(
      [
        'Net(',
        '  (conv1): Conv2d(1, 4, kernelSize=3, padding=1)',
        '  (blocks.0): Block(',
        '    (conv): Conv2d(4, 4, kernelSize=3, padding=1)',
        '  )',
        '  (blocks.1): Block(',
        '    (conv): Conv2d(4, 4, kernelSize=3, padding=1)',
        '  )',
        '  (head): Linear(256, 10)',
        ')',
      ].join('\n'),
    );
  });
});

describe('forward with several arguments', () => {
  it('is typed by the Module type parameters, and call() passes them on', () => {
    class Gate extends nn.Module<[Tensor, Tensor], { out: Tensor; gate: Tensor }> {
      proj = new nn.Linear(3, 3, { generator: new Generator(8) });
      forward(x: Tensor, context: Tensor): { out: Tensor; gate: Tensor } {
        const gate = F.sigmoid(this.proj.forward(context));
        return { out: x.mul(gate), gate };
      }
    }
    const m = new Gate();
    const x = randn([2, 3], { generator: new Generator(9) });
    const c = randn([2, 3], { generator: new Generator(10) });
    const { out, gate } = m.call(x, c);
    expect(out.shape).toEqual([2, 3]);
    expect([...out.data]).toEqual([...x.mul(gate).data]);
    // @ts-expect-error: forward takes two tensors
    expect(() => m.call(x)).toThrow();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['proj.weight', 'proj.bias']);
  });
});

describe('summary of any model', () => {
  it('lists every layer that ran, named by its path, with output shapes', () => {
    const rows = nn.summaryRows(new Net(), [2, 1, 8, 8]);
    expect(rows.map((r) => `${r.name} ${r.layer} ${JSON.stringify(r.outputShape)} ${r.parameters}`)).toEqual([
      'conv1 Conv2d(1, 4, kernelSize=3, padding=1) [2,4,8,8] 40',
      'blocks.0.conv Conv2d(4, 4, kernelSize=3, padding=1) [2,4,8,8] 148',
      'blocks.1.conv Conv2d(4, 4, kernelSize=3, padding=1) [2,4,8,8] 148',
      'head Linear(256, 10) [2,10] 2570',
    ]);
    // a Sequential's layers one by one, fused or not
    const seq = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    expect(nn.summaryRows(seq, [1, 1, 6, 6]).map((r) => r.name)).toEqual(['0', '1', '2']);
  });
});
