/** The viz grids: where the tiles go, how big the picture is, how weights and activations become grays. */
import { describe, expect, it } from 'vitest';
import {
  GAP,
  LABEL_HEIGHT,
  MARGIN,
  SECTION_GAP,
  featureMapsScene,
  filterCell,
  filtersScene,
  mapCell,
  tilesPerRow,
} from '../../../src/cli/draw/grids.js';
import type { ImageShape, Scene } from '../../../src/cli/draw/scene.js';
import { LENET5_C3_TABLE } from '../../../src/ops/linked-conv.js';

const images = (s: Scene): ImageShape[] => s.shapes.filter((sh): sh is ImageShape => sh.kind === 'image');

describe('filtersScene', () => {
  it('weight=[6,1,5,5]: one row of six 40-pixel tiles under the title and label', () => {
    const weight = Float32Array.from({ length: 6 * 25 }, (_, i) => Math.sin(i));
    const s = filtersScene('t', [{ label: 'c1', weight, shape: [6, 1, 5, 5] }]);
    expect(filterCell(5, 5)).toBe(8);
    const tiles = images(s);
    expect(tiles.map((t) => [t.x, t.y])).toEqual(Array.from({ length: 6 }, (_, i) => [MARGIN + i * (40 + GAP), MARGIN + 2 * LABEL_HEIGHT]));
    expect(s.height).toBe(MARGIN + 2 * LABEL_HEIGHT + 40 + MARGIN);
    expect(s.width).toBe(2 * MARGIN + 6 * 40 + 5 * GAP);
  });

  it('weight=[16,6,5,5] with the C3 link table: a row per filter, the 36 unlinked kernels left empty', () => {
    const weight = Float32Array.from({ length: 16 * 6 * 25 }, (_, i) => Math.cos(i));
    const linked = LENET5_C3_TABLE.map((row) => row.map((v) => v === 1 || v === true));
    const s = filtersScene('t', [{ label: 'c3', weight, shape: [16, 6, 5, 5], linked }]);
    const tiles = images(s);
    expect(tiles).toHaveLength(60);
    const top = MARGIN + 2 * LABEL_HEIGHT;
    const at = new Set(tiles.map((t) => `${(t.y - top) / (40 + GAP)},${(t.x - MARGIN) / (40 + GAP)}`));
    for (let p = 0; p < 16; p++) for (let d = 0; d < 6; d++) expect(at.has(`${p},${d}`), `${p},${d}`).toBe(linked[p][d]);
    expect(s.height).toBe(top + 16 * 40 + 15 * GAP + MARGIN);
  });

  it('each filter is scaled by its largest |weight|: 0 is mid-gray, +max white, -max black', () => {
    const weight = new Float32Array(2 * 1 * 1 * 3);
    weight.set([-2, 0, 1, 0, 0, 0]);
    const [a, b] = images(filtersScene('t', [{ label: 'x', weight, shape: [2, 1, 1, 3] }]));
    expect([...a.values]).toEqual([0, 0.5, 0.75]);
    expect([...b.values]).toEqual([0.5, 0.5, 0.5]); // all zero
  });

  it('several sections stack with SECTION_GAP between them; wide rows of input channels get smaller cells', () => {
    const s = filtersScene('t', [
      { label: 'a', weight: new Float32Array(2 * 25), shape: [2, 1, 5, 5] },
      { label: 'b', weight: new Float32Array(2 * 120 * 25), shape: [2, 120, 5, 5] },
    ]);
    const tiles = images(s);
    const second = MARGIN + 2 * LABEL_HEIGHT + 40 + SECTION_GAP + LABEL_HEIGHT;
    expect(tiles[2].y).toBe(second);
    expect(tiles[2].cell).toBe(1);
    expect(s.height).toBe(second + 2 * 5 + GAP + MARGIN);
  });
});

describe('featureMapsScene', () => {
  it('rows of maps spread evenly: 16 maps of which 15 fit → 2 rows of 8', () => {
    expect(mapCell(10, 10)).toBe(6);
    expect(tilesPerRow(16, 60)).toBe(8);
    expect(tilesPerRow(6, 56)).toBe(6);
    expect(tilesPerRow(120, 8)).toBe(60);
    const s = featureMapsScene('t', [{ label: 'c3', values: new Float32Array(16 * 100), shape: [16, 10, 10] }]);
    const ys = [...new Set(images(s).map((t) => t.y))];
    expect(ys).toHaveLength(2);
    expect(images(s).filter((t) => t.y === ys[0])).toHaveLength(8);
  });

  it('each map is scaled to its own range; a map of one value to its layer range; the input as it is', () => {
    const values = Float32Array.from([0, 1, 2, 3, /* constant map */ 1.5, 1.5, 1.5, 1.5]);
    const [m0, m1] = images(featureMapsScene('t', [{ label: 'l', values, shape: [2, 2, 2] }]));
    expect([...m0.values]).toEqual([0, 1 / 3, 2 / 3, 1].map((v) => Math.fround(v)));
    expect([...m1.values]).toEqual([0.5, 0.5, 0.5, 0.5]);
    const input = images(featureMapsScene('t', [{ label: 'in', values: Float32Array.from([0.2, 0.4]), shape: [1, 1, 2], asIs: true }]))[0];
    expect([...input.values]).toEqual([0.2, 0.4].map((v) => Math.fround(v)));
  });

  it('a vector of 84 values: 64 cells to a row, 8 px each, the rest of the last row empty (NaN)', () => {
    const values = Float32Array.from({ length: 84 }, (_, i) => i);
    const [v] = images(featureMapsScene('t', [{ label: 'f6', values, shape: [84] }]));
    expect([v.rows, v.cols, v.cell]).toEqual([2, 64, 8]);
    expect(v.values[0]).toBe(0);
    expect(v.values[83]).toBe(1);
    expect(v.values.slice(84).every(Number.isNaN)).toBe(true);
    const [small] = images(featureMapsScene('t', [{ label: 'out', values: new Float32Array(10), shape: [10] }]));
    expect([small.rows, small.cols, small.cell]).toEqual([1, 10, 16]);
  });
});
