/**
 * A PyTorch program ported line by line: a custom module whose layers are fields, a residual block
 * in a ModuleList, trained with SGD over a DataLoader of real digits, printed, then saved and
 * loaded through registerArchitecture. It must run unchanged.
 *
 *     class Block(nn.Module):
 *         def __init__(self, c):
 *             super().__init__()
 *             self.conv1 = nn.Conv2d(c, c, 3, padding=1)
 *             self.conv2 = nn.Conv2d(c, c, 3, padding=1)
 *         def forward(self, x):
 *             return F.relu(x + self.conv2(F.relu(self.conv1(x))))
 *
 *     class Net(nn.Module):
 *         def __init__(self, width=8, blocks=2): …
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { F, Tensor, data, manualSeed, nn, noGrad, optim, registerArchitecture } from '../../src/index.js';
import { loadModel, loadSplits, saveModel } from '../../src/node.js';

class Block extends nn.Module {
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  constructor(c: number) {
    super();
    this.conv1 = new nn.Conv2d(c, c, 3, { padding: 1 });
    this.conv2 = new nn.Conv2d(c, c, 3, { padding: 1 });
  }
  forward(x: Tensor): Tensor {
    return F.relu(x.add(this.conv2.forward(F.relu(this.conv1.forward(x)))));
  }
}

class Net extends nn.Module {
  stem: nn.Conv2d;
  blocks: nn.ModuleList;
  pool = new nn.MaxPool2d(2);
  head: nn.Linear;
  constructor(options: { width?: number; blocks?: number } = {}) {
    super();
    const width = options.width ?? 8;
    this.stem = new nn.Conv2d(1, width, 3, { padding: 1 });
    this.blocks = new nn.ModuleList(Array.from({ length: options.blocks ?? 2 }, () => new Block(width)));
    this.head = new nn.Linear(width * 7 * 7, 10);
  }
  forward(x: Tensor): Tensor {
    let y = this.pool.forward(F.relu(this.stem.forward(x)));
    for (const block of this.blocks) y = block.forward(y);
    return this.head.forward(this.pool.forward(y).flatten(1));
  }
}

it('a custom module with field layers and residual blocks trains, prints, saves and loads', () => {
  manualSeed(0);
  const model = new Net();
  expect(model.namedParameters().map(([name]) => name)).toEqual([
    'stem.weight',
    'stem.bias',
    'blocks.0.conv1.weight',
    'blocks.0.conv1.bias',
    'blocks.0.conv2.weight',
    'blocks.0.conv2.bias',
    'blocks.1.conv1.weight',
    'blocks.1.conv1.bias',
    'blocks.1.conv2.weight',
    'blocks.1.conv2.bias',
    'head.weight',
    'head.bias',
  ]);
  expect(String(model)).toContain('  (blocks): ModuleList(\n    (0): Block(\n      (conv1): Conv2d(8, 8, kernelSize=3, padding=1)');

  const { train } = loadSplits(undefined, 512);
  const loader = new data.DataLoader(train, { batchSize: 32, shuffle: true });
  const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    let total = 0;
    for (const { x, y } of loader) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      total += loss.item();
    }
    losses.push(total / loader.length);
  }
  expect(losses[2]).toBeLessThan(losses[0] * 0.7);

  registerArchitecture('porting-net', (options) => new Net(options));
  const path = join(mkdtempSync(join(tmpdir(), 'convnet-porting-')), 'net.safetensors');
  saveModel(path, model, { architecture: 'porting-net', options: { width: 8, blocks: 2 } });
  const loaded = loadModel(path).model as Net;
  const x = train.images.subarray(0, 4 * 784);
  const input = new Tensor(Float32Array.from(x), [4, 1, 28, 28]);
  model.eval();
  loaded.eval();
  expect(noGrad(() => loaded.forward(input)).toArray()).toEqual(noGrad(() => model.forward(input)).toArray());
});
