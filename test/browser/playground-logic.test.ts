/**
 * The playground's page logic that runs without a browser: its digits file holds the CLI's bundled
 * digits value for value and splits them as the CLI does; the drawing is preprocessed as MNIST's
 * digits were; the explorer's formulas give the library's output sizes.
 */
import { describe, expect, it } from 'vitest';
import { encodeBundledDigits } from '../../playground/digits-asset.js';
import { decodeDigits } from '../../playground/src/digits-format.js';
import {
  type ExplorerParams,
  effectiveKernel,
  formulaOutputSize,
  formulas,
  resolvedPads,
  slideGrid,
  windowTaps,
} from '../../playground/src/explorer-geometry.js';
import { BOX, SIDE, centreOfMass, inkBox, preprocessDrawing } from '../../playground/src/preprocess.js';
import { BUNDLED_SPLIT_SEED, SPLIT_COUNTS } from '../../playground/src/split.js';
import { loadBundledDigits } from '../../src/data/mnist.js';
import { BUNDLED_SPLIT_SEED as LIBRARY_SPLIT_SEED, loadSplits } from '../../src/data/splits.js';
import { randomSplit } from '../../src/data/dataset.js';
import { convOutputSize, convTransposeOutputSize, poolOutputSize } from '../../src/geometry/output-size.js';

/** The first index where two arrays differ, or -1 (toEqual is slow on millions of elements). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

describe('the playground digits file', () => {
  const bytes = encodeBundledDigits();
  const page = decodeDigits(bytes);

  it('holds the 10,000 bundled digits of loadBundledDigits, every pixel and label equal, in 7.85 MB', () => {
    const node = loadBundledDigits();
    expect(bytes.length).toBe(8 + 10_000 + 10_000 * 784);
    expect(page.n).toBe(node.n);
    expect(firstDifference(page.labels, node.labels)).toBe(-1);
    expect(firstDifference(page.images, node.images)).toBe(-1);
  });

  it('is split 8,000 / 2,000 with the CLI seed, so that held-out digit k is the one convnet eval sees', () => {
    expect(BUNDLED_SPLIT_SEED).toBe(LIBRARY_SPLIT_SEED);
    expect(SPLIT_COUNTS).toEqual([8000, 2000]);
    const all = { images: page.images, labels: page.labels, n: page.n, channels: 1, height: 28, width: 28, classes: 10 };
    const [train, heldOut] = randomSplit(all, SPLIT_COUNTS, BUNDLED_SPLIT_SEED);
    const cli = loadSplits(undefined);
    expect(firstDifference(train.labels, cli.train.labels)).toBe(-1);
    expect(firstDifference(heldOut.images, cli.heldOut.images)).toBe(-1);
  });

  it('refuses a file of another format or size, saying so', () => {
    expect(() => decodeDigits(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]))).toThrow('not a CNTD file');
    expect(() => decodeDigits(bytes.subarray(0, 1000))).toThrow('expected 8 + n + n·784');
  });
});

/** A `height × width` image with a filled rectangle of ink. */
function rectangle(width: number, height: number, top: number, left: number, h: number, w: number): Float32Array {
  const img = new Float32Array(width * height);
  for (let y = top; y < top + h; y++) img.fill(1, y * width + left, y * width + left + w);
  return img;
}

describe('preprocessDrawing (MNIST: bounding box to 20×20, centred by centre of mass in 28×28)', () => {
  it('blank drawing=280x280 gives null', () => {
    expect(preprocessDrawing(new Float32Array(280 * 280), 280, 280)).toBeNull();
  });

  it('tall stroke=280x280 box=[20,200,160,40] is scaled to 20 rows and 5 columns, centred at (14, 14)', () => {
    const out = preprocessDrawing(rectangle(280, 280, 20, 200, 160, 40), 280, 280)!;
    expect(out.length).toBe(SIDE * SIDE);
    expect(inkBox(out, SIDE, SIDE)).toEqual([4, 12, 4 + BOX, 17]);
    const [cy, cx] = centreOfMass(out, SIDE, SIDE);
    expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...out)).toBe(1);
  });

  it('wide stroke=100x60 box=[10,0,5,100] keeps its aspect ratio: 20 columns, 1 row', () => {
    const out = preprocessDrawing(rectangle(100, 60, 10, 0, 5, 100), 100, 60)!;
    const [top, left, bottom, right] = inkBox(out, SIDE, SIDE)!;
    expect([bottom - top, right - left]).toEqual([1, BOX]);
  });

  it('a bottom-heavy shape is placed by its centre of mass, not its box', () => {
    const img = rectangle(200, 200, 0, 90, 200, 20); // a vertical bar
    img.set(rectangle(200, 200, 180, 60, 20, 80).subarray(180 * 200), 180 * 200); // a foot
    const out = preprocessDrawing(img, 200, 200)!;
    const [top, , bottom] = inkBox(out, SIDE, SIDE)!;
    expect(bottom - top).toBe(BOX);
    expect(top).toBeLessThan(4); // shifted up: the foot's mass is low
    expect(Math.abs(centreOfMass(out, SIDE, SIDE)[0] - 14)).toBeLessThanOrEqual(0.5);
  });
});

/** Explorer choices with everything else at its default. */
function params(p: Partial<ExplorerParams>): ExplorerParams {
  return {
    mode: 'xcorr',
    n: 7,
    m: 3,
    stride: 1,
    dilation: 1,
    paddingKind: 'narrow',
    padding: 0,
    pads: [0, 0, 0, 0],
    outputPadding: 0,
    ...p,
  };
}

describe("the explorer's formulas give the library's output sizes (src/geometry/output-size.ts)", () => {
  const cases: Partial<ExplorerParams>[] = [
    { paddingKind: 'narrow' },
    { paddingKind: 'wide', dilation: 2 },
    { paddingKind: 'equal', m: 5 },
    { paddingKind: 'number', padding: 2, stride: 3 },
    { paddingKind: 'asymmetric', pads: [1, 0, 2, 3], stride: 2 },
    { mode: 'convolve', paddingKind: 'wide', stride: 2 },
    { mode: 'transposed', paddingKind: 'number', padding: 1, stride: 2, outputPadding: 1, n: 4 },
    { mode: 'transposed', paddingKind: 'asymmetric', pads: [0, 2, 1, 0], stride: 3, dilation: 2, n: 3 },
    { mode: 'maxpool', paddingKind: 'number', padding: 1, stride: 2, m: 3 },
    { mode: 'avgpool', paddingKind: 'narrow', stride: 1, m: 2 },
  ];
  for (const c of cases) {
    const p = params(c);
    it(`mode=${p.mode} n=${p.n} m=${p.m} s=${p.stride} d=${p.dilation} padding=${p.paddingKind} ${JSON.stringify(resolvedPads(p))} op=${p.outputPadding}`, () => {
      const [t, b, l, r] = resolvedPads(p);
      const pool = p.mode.endsWith('pool');
      const expected =
        p.mode === 'transposed'
          ? [
              convTransposeOutputSize(p.n, p.m, p.stride, t, b, p.dilation, p.outputPadding),
              convTransposeOutputSize(p.n, p.m, p.stride, l, r, p.dilation, p.outputPadding),
            ]
          : pool
            ? [poolOutputSize(p.n, p.m, p.stride, t, false), poolOutputSize(p.n, p.m, p.stride, l, false)]
            : [convOutputSize(p.n, p.m, p.stride, t, b, p.dilation), convOutputSize(p.n, p.m, p.stride, l, r, p.dilation)];
      expect(formulaOutputSize(p)).toEqual(expected);
      // the size the formula box prints is the one computed
      const sizeLines = formulas(p).filter((f) => f.label.startsWith('output'));
      expect(sizeLines.map((f) => Number(f.value.split(' = ').at(-1)))).toEqual(sizeLines.length === 1 ? [expected[0]] : expected);
      // the last window of the grid ends inside it
      const grid = slideGrid(p)!;
      const taps = windowTaps(grid, p.m, expected[0] - 1, expected[1] - 1);
      const [y, x] = taps[taps.length - 1];
      expect(y).toBeLessThan(grid.rows);
      expect(x).toBeLessThan(grid.cols);
    });
  }

  it("effective kernel m' = m + (m − 1)(d − 1): m=3 d=2 gives 5, m=5 d=3 gives 13", () => {
    expect(effectiveKernel(3, 2)).toBe(5);
    expect(effectiveKernel(5, 3)).toBe(13);
  });

  it('equal-width padding of an even effective kernel is a fraction (the library refuses it), and gives no grid', () => {
    const p = params({ paddingKind: 'equal', m: 4 });
    expect(resolvedPads(p)).toEqual([1.5, 1.5, 1.5, 1.5]);
    expect(slideGrid(p)).toBeNull();
  });
});
