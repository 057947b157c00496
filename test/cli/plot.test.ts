/**
 * `convnet train --metrics --plot` and `convnet plot` as a user runs them (subprocesses of
 * dist/cli/main.js): the metrics file, and the curves as a valid PNG and SVG of the expected size
 * with the curves in them.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HELD_OUT_COLOR, TRAIN_COLOR } from '../../src/cli/metrics.js';
import { MAIN, type CliRun, cliIn, colorKey, expectCleanError, readPng } from './run-cli.js';
import { allElements, parseXml } from './xml.js';

const dir = mkdtempSync(join(tmpdir(), 'convnet-plot-'));
const convnet = cliIn(dir);

beforeAll(() => {
  expect(existsSync(MAIN), 'dist/cli/main.js: run npm run build first').toBe(true);
});

describe('convnet train --metrics --plot, then convnet plot', () => {
  let trained: CliRun;
  beforeAll(() => {
    trained = convnet(
      'train',
      '--limit',
      '256',
      '--epochs',
      '2',
      '--metrics',
      'metrics.jsonl',
      '--plot',
      'curves.png',
      '-o',
      'm.safetensors',
    );
  }, 120_000);

  it('train writes one JSON object per epoch and says where', () => {
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/^saved m\.safetensors, metrics\.jsonl, curves\.png \(\d+:\d\d training\)$/m);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => {
      const m = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(m)).toEqual([
        'epoch',
        'epochs',
        'trainLoss',
        'heldOutLoss',
        'heldOutAccuracy',
        'lr',
        'seconds',
        'imagesPerSecond',
      ]);
      expect([m.epoch, m.epochs]).toEqual([i + 1, 2]);
      for (const k of ['trainLoss', 'heldOutLoss', 'heldOutAccuracy', 'lr', 'seconds', 'imagesPerSecond'])
        expect(typeof m[k], k).toBe('number');
      expect(m.heldOutAccuracy as number).toBeLessThanOrEqual(1);
    });
    // the epoch lines on stdout print the same numbers
    const first = JSON.parse(lines[0]) as { trainLoss: number };
    expect(trained.stdout).toContain(`epoch 1/2  train loss ${first.trainLoss.toFixed(4)}`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('train --plot curves.png: a 960x400 PNG with both curves in it', () => {
    const { width, height, colors } = readPng(join(dir, 'curves.png'));
    expect([width, height]).toEqual([960, 400]);
    expect(colors.size).toBeGreaterThan(4);
    expect(colors.get(colorKey(TRAIN_COLOR)) ?? 0).toBeGreaterThan(50);
    expect(colors.get(colorKey(HELD_OUT_COLOR)) ?? 0).toBeGreaterThan(50);
    expect(colors.get('255,255,255')! / (width * height)).toBeGreaterThan(0.5);
  });

  it('plot -o curves.svg: well-formed SVG of 960x400, a polyline of 2 points per curve', () => {
    const r = convnet('plot', 'metrics.jsonl', '-o', 'curves.svg');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('drew 2 epochs of metrics.jsonl to curves.svg (960x400)\n');
    const root = parseXml(readFileSync(join(dir, 'curves.svg'), 'utf8'));
    expect([root.name, root.attributes.width, root.attributes.height]).toEqual(['svg', '960', '400']);
    const curves = allElements(root).filter((e) => e.name === 'polyline' && e.children.some((c) => c.name === 'title'));
    expect(curves.map((c) => c.children[0].text)).toEqual(['loss: train', 'loss: held-out', 'accuracy: held-out']);
    for (const c of curves) {
      const points = c.attributes.points.split(' ').map((p) => p.split(',').map(Number));
      expect(points).toHaveLength(2);
      for (const [x, y] of points) expect(x >= 0 && x <= 960 && y >= 0 && y <= 400, c.attributes.points).toBe(true);
    }
    const texts = allElements(root)
      .filter((e) => e.name === 'text')
      .map((e) => e.text);
    for (const t of ['loss', 'accuracy (%)', 'epoch', 'train', 'held-out', '1', '2']) expect(texts).toContain(t);
  });

  it('plot -o small.png --width 480 --height 240: a PNG of that size', () => {
    const r = convnet('plot', 'metrics.jsonl', '-o', 'small.png', '--width', '480', '--height', '240');
    expect(r.code, r.stderr).toBe(0);
    const { width, height, colors } = readPng(join(dir, 'small.png'));
    expect([width, height]).toEqual([480, 240]);
    expect(colors.get(colorKey(TRAIN_COLOR)) ?? 0).toBeGreaterThan(20);
  });

  it('plot reads a metrics file of many epochs, with gaps (null) in a curve', () => {
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({
        epoch: i + 1,
        epochs: 30,
        trainLoss: 2 / (i + 1),
        heldOutLoss: i === 4 ? null : 1.8 / (i + 1),
        heldOutAccuracy: 0.6 + i / 100,
      }),
    );
    writeFileSync(join(dir, 'long.jsonl'), `${lines.join('\n')}\n`);
    expect(convnet('plot', 'long.jsonl', '-o', 'long.svg').code).toBe(0);
    const curves = allElements(parseXml(readFileSync(join(dir, 'long.svg'), 'utf8'))).filter(
      (e) => e.name === 'polyline' && e.children.length > 0,
    );
    expect(curves.map((c) => c.attributes.points.split(' ').length)).toEqual([30, 29, 30]);
  });
});

describe('bad input: one clear line, non-zero exit', () => {
  it('plot: a missing file, a file that is not metrics, a bad picture name or size', () => {
    expectCleanError(convnet('plot', 'nowhere.jsonl'), 'convnet: plot: no such file nowhere.jsonl\n');
    writeFileSync(join(dir, 'bad.jsonl'), '{"epoch": 1, "trainLoss": 0.5}\nepoch 2 loss 0.4\n');
    expectCleanError(convnet('plot', 'bad.jsonl'), 'plot: bad.jsonl line 2 is not JSON: epoch 2 loss 0.4');
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expectCleanError(convnet('plot', 'empty.jsonl'), 'plot: empty.jsonl has no epochs');
    const jpg = convnet('plot', 'bad.jsonl', '-o', 'curves.jpg');
    expectCleanError(jpg, "plot: -o must name a .png or .svg file, got 'curves.jpg'");
    expect(jpg.code).toBe(2);
    expectCleanError(convnet('plot', 'bad.jsonl', '--width', '50'), "plot: --width must be an integer in [200, 10000], got '50'");
    expectCleanError(
      convnet('plot', 'metrics.jsonl', '-o', join(dir, 'no-such-dir', 'c.png')),
      /^convnet: plot: cannot write '.*c\.png': ENOENT/,
    );
  });

  it('train: --plot and --metrics are checked before training', () => {
    const jpg = convnet('train', '--limit', '64', '--epochs', '1', '--plot', 'curves.jpg');
    expectCleanError(jpg, "train: --plot must name a .png or .svg file, got 'curves.jpg'");
    expect(jpg.stdout).toBe('');
    const missing = join(dir, 'no-such-dir', 'm.jsonl');
    const r = convnet('train', '--limit', '64', '--epochs', '1', '--metrics', missing);
    expectCleanError(r, `train: cannot write the metrics to '${missing}': the directory '${join(dir, 'no-such-dir')}' does not exist`);
    expect(r.stdout).toBe('');
    mkdirSync(join(dir, 'a-directory.png'));
    expectCleanError(
      convnet('train', '--limit', '64', '--epochs', '1', '--plot', 'a-directory.png'),
      "train: cannot write the plot to 'a-directory.png': it is a directory",
    );
  });
});

describe('--help', () => {
  it('convnet plot --help, and convnet --help lists plot and viz', () => {
    const r = convnet('plot', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: convnet plot METRICS\.jsonl \[options\]/);
    expect(r.stdout).toContain('-o, --output FILE');
    const main = convnet('--help');
    expect(main.stdout).toMatch(/^ {2}plot {5}draw the loss and accuracy curves/m);
    expect(main.stdout).toMatch(/^ {2}viz {6}draw the filters and feature maps/m);
    expect(convnet('train', '--help').stdout).toContain('--metrics FILE');
  });
});
