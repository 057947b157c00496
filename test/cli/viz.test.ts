/**
 * `convnet viz` as a user runs it (subprocesses of dist/cli/main.js) on model files the library
 * saved: LeNet-5 (built-in architecture, with its C3 link table) and a `Sequential` of built-in
 * layers without input shape. The pictures are valid PNG and SVG of the size their grids give,
 * with the tiles where the layout puts them.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator, nn } from '../../src/index.js';
import { saveModel } from '../../src/node.js';
import { buildModel } from '../../src/models/registry.js';
import { writeGrayPng } from '../../src/data/png.js';
import { loadSplits } from '../../src/data/splits.js';
import { LENET5_C3_TABLE } from '../../src/ops/linked-conv.js';
import { textWidth } from '../../src/cli/draw/font.js';
import { GAP, LABEL_HEIGHT, MARGIN, SECTION_GAP, TEXT_SCALE } from '../../src/cli/draw/grids.js';
import { MAIN, cliIn, expectCleanError, readPng } from './run-cli.js';
import { type XmlElement, allElements, parseXml } from './xml.js';

const dir = mkdtempSync(join(tmpdir(), 'convnet-viz-'));
const convnet = cliIn(dir);

/** The SVG at `name` in the test directory, parsed (it must be well-formed). */
function svg(name: string): XmlElement {
  return parseXml(readFileSync(join(dir, name), 'utf8'));
}

/** The width a picture of tiles `gridWidth` wide with these labels has. */
function widthFor(gridWidth: number, texts: string[]): number {
  return 2 * MARGIN + Math.max(gridWidth, ...texts.map((t) => textWidth(t, TEXT_SCALE)));
}

beforeAll(() => {
  expect(existsSync(MAIN), 'dist/cli/main.js: run npm run build first').toBe(true);
  const classNames = Array.from({ length: 10 }, (_, i) => String(i));
  saveModel(join(dir, 'lenet5.safetensors'), buildModel('lenet5', { modern: false }, new Generator(3)), {
    inputShape: [1, 28, 28],
    normalization: { mean: 0.13, std: 0.31 },
    classNames,
  });
  const g = new Generator(5);
  const small = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { generator: g }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(4 * 13 * 13, 10, { generator: g }),
  );
  saveModel(join(dir, 'small.safetensors'), small);
  saveModel(join(dir, 'linear.safetensors'), new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 10, { generator: g })));
  writeGrayPng(join(dir, 'digit.png'), loadSplits(undefined, 1).heldOut.images.slice(0, 784), 28, 28);
  writeFileSync(join(dir, 'fake.png'), 'GIF89a and so on');
});

describe('convnet viz MODEL --filters', () => {
  it('lenet5: C1 (6 filters 1x5x5 in a row) and C3 (16 rows of 6 kernels, the unlinked ones empty), PNG and SVG alike', () => {
    const r = convnet('viz', 'lenet5.safetensors', '--filters', 'filters.png');
    expect(r.code, r.stderr).toBe(0);
    const s = convnet('viz', 'lenet5.safetensors', '--filters', 'filters.svg');
    expect(s.code, s.stderr).toBe(0);
    const root = svg('filters.svg');
    const texts = allElements(root)
      .filter((e) => e.name === 'text')
      .map((e) => e.text);
    expect(texts).toEqual([
      'lenet5.safetensors: filters (gray 0, white +max, black -max per filter)',
      '0: Conv2d(1, 6, kernelSize=5, padding=2)  6 filters of 1x5x5',
      '3: LinkedConv2d(6, 16, kernelSize=5, links=60)  16 filters of 6x5x5',
    ]);
    // 5x5 kernels at 8 px a weight: 40-pixel tiles, GAP apart
    const tile = 40 + GAP;
    const height = MARGIN + LABEL_HEIGHT + (LABEL_HEIGHT + 40 + SECTION_GAP) + (LABEL_HEIGHT + 16 * tile - GAP) + MARGIN;
    const width = widthFor(6 * tile - GAP, texts);
    expect([root.attributes.width, root.attributes.height]).toEqual([String(width), String(height)]);
    expect(r.stdout).toBe(`drew the filters of layers 0, 3 to filters.png (${width}x${height})\n`);
    const images = allElements(root).filter((e) => e.name === 'image');
    expect(images).toHaveLength(6 + 60);

    const { width: w, height: h, colors, png } = readPng(join(dir, 'filters.png'));
    expect([w, h]).toEqual([width, height]);
    const grays = [...colors.keys()].filter((k) => k.split(',').every((v, _, a) => v === a[0]));
    expect(grays.length).toBeGreaterThan(100);
    // each C3 kernel: a tile of several grays where the link table has a 1, background where it has 0
    const top = MARGIN + LABEL_HEIGHT + LABEL_HEIGHT + 40 + SECTION_GAP + LABEL_HEIGHT;
    for (let p = 0; p < 16; p++) {
      for (let d = 0; d < 6; d++) {
        const levels = new Set<number>();
        for (let y = 0; y < 40; y += 8)
          for (let x = 0; x < 40; x += 8) levels.add(png.data[4 * ((top + p * tile + y) * w + MARGIN + d * tile + x)]);
        if (LENET5_C3_TABLE[p][d]) expect(levels.size, `C3 kernel ${p},${d}`).toBeGreaterThan(3);
        else expect([...levels], `C3 kernel ${p},${d}`).toEqual([255]);
      }
    }
  });

  it('--layers 3,0 draws C3 then C1', () => {
    const r = convnet('viz', 'lenet5.safetensors', '--filters', 'c3-c1.svg', '--layers', '3,0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^drew the filters of layers 3, 0 to c3-c1\.svg/);
    const root = svg('c3-c1.svg');
    const labels = allElements(root)
      .filter((e) => e.name === 'text')
      .map((e) => e.text.split(':')[0]);
    expect(labels.slice(1)).toEqual(['3', '0']);
    const c3 = LABEL_HEIGHT + 16 * (40 + GAP) - GAP + SECTION_GAP;
    expect(Number(root.attributes.height)).toBe(MARGIN + LABEL_HEIGHT + c3 + LABEL_HEIGHT + 40 + MARGIN);
  });
});

describe('convnet viz MODEL --feature-maps --input IMAGE -o FILE', () => {
  it('lenet5: the input and the output of each of its 12 layers, with the prediction', () => {
    const r = convnet('viz', 'lenet5.safetensors', '--feature-maps', '--input', 'digit.png', '-o', 'maps.svg');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^drew the input and the outputs of 12 layers to maps\.svg \(\d+x\d+\)\n$/);
    const root = svg('maps.svg');
    const texts = allElements(root)
      .filter((e) => e.name === 'text')
      .map((e) => e.text);
    expect(texts[0]).toMatch(/^lenet5\.safetensors on digit\.png: prediction \d \(\d+\.\d%\)$/);
    expect(texts.slice(1)).toEqual([
      'input: digit.png  1x28x28',
      '0: Conv2d(1, 6, kernelSize=5, padding=2)  6x28x28',
      '1: Tanh()  6x28x28',
      '2: Subsampling(6, kernelSize=2, pool=avg, activation=tanh)  6x14x14',
      '3: LinkedConv2d(6, 16, kernelSize=5, links=60)  16x10x10',
      '4: Tanh()  16x10x10',
      '5: Subsampling(16, kernelSize=2, pool=avg, activation=tanh)  16x5x5',
      '6: Conv2d(16, 120, kernelSize=5)  120x1x1',
      '7: Tanh()  120x1x1',
      '8: Flatten(startDim=1, endDim=-1)  120',
      '9: Linear(120, 84)  84',
      '10: Tanh()  84',
      '11: Linear(84, 10)  10',
    ]);
    // one image per map: the input, 6 + 6 + 6 + 16 + 16 + 16 + 120 + 120 maps, 4 vectors
    expect(allElements(root).filter((e) => e.name === 'image')).toHaveLength(1 + 306 + 4);

    const p = convnet('viz', 'lenet5.safetensors', '--feature-maps', '--input', 'digit.png', '-o', 'maps.png');
    expect(p.code, p.stderr).toBe(0);
    const { width, height, colors } = readPng(join(dir, 'maps.png'));
    expect([String(width), String(height)]).toEqual([root.attributes.width, root.attributes.height]);
    expect(colors.size).toBeGreaterThan(100);
    expect(colors.get('0,0,0')).toBeGreaterThan(100); // the input's black background, among others
  });

  it('--filters and --feature-maps in one run; default output feature-maps.png', () => {
    const r = convnet('viz', 'lenet5.safetensors', '--filters', 'both.svg', '--feature-maps', '--input', 'digit.png');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(readPng(join(dir, 'feature-maps.png')).colors.size).toBeGreaterThan(100);
  });

  it('a Sequential saved without input shape: filters of its one convolution, maps of a 28x28 image', () => {
    const r = convnet(
      'viz',
      'small.safetensors',
      '--filters',
      'small-filters.png',
      '--feature-maps',
      '--input',
      'digit.png',
      '-o',
      'small-maps.svg',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('drew the filters of layer 0 to small-filters.png');
    expect(r.stdout).toContain('drew the input and the outputs of 5 layers to small-maps.svg');
    const root = svg('small-maps.svg');
    const texts = allElements(root)
      .filter((e) => e.name === 'text')
      .map((e) => e.text);
    expect(texts).toContain('0: Conv2d(1, 4, kernelSize=3)  4x26x26');
    expect(texts).toContain('3: Flatten(startDim=1, endDim=-1)  676');
    // 3x3 kernels: 13 px a weight, 39-pixel tiles
    const { width, height, colors } = readPng(join(dir, 'small-filters.png'));
    expect(height).toBe(MARGIN + 2 * LABEL_HEIGHT + 39 + MARGIN);
    expect(width).toBeGreaterThanOrEqual(2 * MARGIN + 4 * 39 + 3 * GAP);
    expect(colors.size).toBeGreaterThan(10);
  });
});

describe('bad input: one clear line, non-zero exit', () => {
  it('nothing to draw, options that go together, picture names', () => {
    const cases: [string[], string][] = [
      [[], 'viz: nothing to draw: give --filters FILE, or --feature-maps --input IMAGE.png -o FILE'],
      [['--feature-maps'], 'viz: --feature-maps needs --input IMAGE.png'],
      [['--filters', 'f.png', '--input', 'digit.png'], 'viz: --input goes with --feature-maps'],
      [['--feature-maps', '--input', 'digit.png', '-o', 'maps'], "viz: -o must name a .png or .svg file, got 'maps'"],
    ];
    for (const [args, message] of cases) {
      const r = convnet('viz', 'lenet5.safetensors', ...args);
      expectCleanError(r, `convnet: ${message} (see 'convnet viz --help')`);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('a missing model, an image that is not a PNG, a model without convolutions, an unknown layer', () => {
    expectCleanError(convnet('viz', 'missing.safetensors', '--filters', 'f.png'), /cannot read .*missing\.safetensors.*ENOENT/);
    expectCleanError(convnet('viz', 'lenet5.safetensors', '--feature-maps', '--input', 'fake.png'), /fake\.png is not a PNG file/);
    expectCleanError(
      convnet('viz', 'linear.safetensors', '--filters', 'f.png'),
      'viz: linear.safetensors has no convolution layers (Conv2d, LinkedConv2d, ConvTranspose2d): there are no filters to draw',
    );
    expectCleanError(
      convnet('viz', 'lenet5.safetensors', '--filters', 'f.png', '--layers', '0,1'),
      "viz: --layers: no convolution layer '1' in lenet5.safetensors (its convolution layers: 0, 3, 6)",
    );
    expect(existsSync(join(dir, 'f.png'))).toBe(false);
  });

  it('convnet viz --help', () => {
    const r = convnet('viz', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: convnet viz MODEL \[options\]/);
    for (const o of ['--filters FILE', '--layers NAMES', '--feature-maps', '--input IMAGE.png', '-o, --output FILE'])
      expect(r.stdout).toContain(o);
  });
});
