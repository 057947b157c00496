/**
 * The drawing pieces of `convnet plot` and `viz`: the bitmap font, the rasterizer and its PNG, the
 * SVG writer (well-formed, escaped, the same shapes), the tick choice of the charts.
 */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ADVANCE, GLYPH_DESCENT, GLYPH_HEIGHT, glyphRows, textWidth } from '../../../src/cli/draw/font.js';
import { encodePng, rasterize, type Raster } from '../../../src/cli/draw/raster.js';
import { escapeXml, sceneToSvg } from '../../../src/cli/draw/svg.js';
import { encodePicture, pictureFormat } from '../../../src/cli/draw/picture.js';
import { integerTicks, lineChart, niceTicks } from '../../../src/cli/draw/chart.js';
import type { Scene, Shape } from '../../../src/cli/draw/scene.js';
import { allElements, parseXml } from '../xml.js';

const scene = (width: number, height: number, shapes: Shape[]): Scene => ({ width, height, background: '#ffffff', shapes });

/** The `[r, g, b]` of pixel (x, y). */
function pixel(r: Raster, x: number, y: number): number[] {
  const i = 4 * (y * r.width + x);
  return [r.data[i], r.data[i + 1], r.data[i + 2]];
}

/** The pixels of a raster that are not white, as `x,y` strings. */
function inked(r: Raster): Set<string> {
  const out = new Set<string>();
  for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) if (pixel(r, x, y).some((v) => v !== 255)) out.add(`${x},${y}`);
  return out;
}

describe('bitmap font', () => {
  it('every printable ASCII character has 9 rows of 5 bits, all distinct but space', () => {
    const seen = new Map<string, string>();
    for (let code = 32; code <= 126; code++) {
      const rows = glyphRows(String.fromCharCode(code));
      expect(rows).toHaveLength(GLYPH_HEIGHT + GLYPH_DESCENT);
      for (const row of rows) expect(row >= 0 && row < 32).toBe(true);
      const key = rows.join(',');
      expect(seen.get(key), `${String.fromCharCode(code)} looks like ${seen.get(key)}`).toBeUndefined();
      seen.set(key, String.fromCharCode(code));
    }
    expect(glyphRows(' ').every((r) => r === 0)).toBe(true);
    // only the descenders reach below the baseline
    const below = [...'gjpqy,;'];
    for (let code = 33; code <= 126; code++) {
      const c = String.fromCharCode(code);
      expect(
        glyphRows(c)
          .slice(GLYPH_HEIGHT)
          .some((r) => r !== 0),
        c,
      ).toBe(below.includes(c));
    }
  });

  it("characters outside printable ASCII are drawn as '?'; widths are (6n - 1)·scale", () => {
    expect(glyphRows('×')).toEqual(glyphRows('?'));
    expect(glyphRows('\t')).toEqual(glyphRows('?'));
    expect(textWidth('', 2)).toBe(0);
    expect(textWidth('loss', 1)).toBe(4 * ADVANCE - 1);
    expect(textWidth('loss', 2)).toBe(2 * (4 * ADVANCE - 1));
  });
});

describe('rasterize', () => {
  it('rect 3x2 at (1,1): filled, and an outline on its edge pixels', () => {
    const r = rasterize(
      scene(8, 6, [
        { kind: 'rect', x: 1, y: 1, width: 3, height: 2, fill: '#ff0000' },
        { kind: 'rect', x: 4, y: 1, width: 4, height: 5, stroke: '#0000ff' },
      ]),
    );
    expect(pixel(r, 1, 1)).toEqual([255, 0, 0]);
    expect(pixel(r, 3, 2)).toEqual([255, 0, 0]);
    expect(pixel(r, 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(r, 1, 3)).toEqual([255, 255, 255]);
    expect(pixel(r, 4, 1)).toEqual([0, 0, 255]);
    expect(pixel(r, 7, 5)).toEqual([0, 0, 255]);
    expect(pixel(r, 5, 3)).toEqual([255, 255, 255]); // inside the outline
    expect(inked(r).size).toBe(6 + (2 * 4 + 2 * 3));
  });

  it('a horizontal line 2 px wide from (2,5) to (12,5) covers rows 4-5 from x=1 to x=12', () => {
    const r = rasterize(
      scene(16, 10, [
        {
          kind: 'line',
          points: [
            [2, 5],
            [12, 5],
          ],
          stroke: '#000000',
          width: 2,
        },
      ]),
    );
    const expected = new Set<string>();
    for (let x = 1; x <= 12; x++) for (const y of [4, 5]) expected.add(`${x},${y}`);
    expect(inked(r)).toEqual(expected);
  });

  it('a diagonal line stays connected and within its width', () => {
    const r = rasterize(
      scene(20, 20, [
        {
          kind: 'line',
          points: [
            [2, 2],
            [17, 12],
          ],
          stroke: '#000000',
          width: 2,
        },
      ]),
    );
    for (let x = 2; x <= 16; x++) {
      const ys = [...inked(r)].filter((p) => p.startsWith(`${x},`)).map((p) => Number(p.split(',')[1]));
      expect(ys.length, `column ${x}`).toBeGreaterThan(0);
      const centre = 2 + ((x + 0.5 - 2) * 10) / 15;
      for (const y of ys) expect(Math.abs(y + 0.5 - centre)).toBeLessThan(2.5);
    }
  });

  it('a dot of radius 2 at (5,5) is a disc of 12 pixels', () => {
    const r = rasterize(scene(10, 10, [{ kind: 'dot', x: 5, y: 5, radius: 2, fill: '#00ff00' }]));
    expect(inked(r).size).toBe(12);
    expect(pixel(r, 5, 5)).toEqual([0, 255, 0]);
  });

  it("text 'Hi' at scale 2: glyph pixels as 2x2 squares standing on the baseline, anchored start/middle/end", () => {
    const draw = (anchor: 'start' | 'middle' | 'end', x: number): Raster =>
      rasterize(scene(40, 24, [{ kind: 'text', x, y: 16, text: 'Hi', color: '#000000', scale: 2, anchor }]));
    const start = inked(draw('start', 4));
    const bitsSet = [...'Hi'].flatMap(glyphRows).reduce((n, row) => n + row.toString(2).split('1').length - 1, 0);
    expect(start.size).toBe(4 * bitsSet);
    const ys = [...start].map((p) => Number(p.split(',')[1]));
    const xs = [...start].map((p) => Number(p.split(',')[0]));
    expect(Math.min(...ys)).toBe(16 - 14);
    expect(Math.max(...ys)).toBe(15);
    expect(Math.min(...xs)).toBe(4);
    const width = textWidth('Hi', 2);
    expect(inked(draw('end', 4 + width))).toEqual(start);
    expect(inked(draw('middle', 4 + width / 2))).toEqual(start);
  });

  it('image 2x3 cells of 2 px: gray levels, NaN cells left as background', () => {
    const values = new Float32Array([0, 0.5, 1, NaN, 0.25, 2]);
    const r = rasterize(scene(8, 6, [{ kind: 'image', x: 1, y: 1, rows: 2, cols: 3, cell: 2, values }]));
    expect(pixel(r, 1, 1)).toEqual([0, 0, 0]);
    expect(pixel(r, 4, 2)).toEqual([128, 128, 128]);
    expect(pixel(r, 6, 1)).toEqual([255, 255, 255]);
    expect(pixel(r, 3, 4)).toEqual([64, 64, 64]);
    expect(pixel(r, 6, 4)).toEqual([255, 255, 255]); // clamped to 1
    expect(pixel(r, 1, 3)).toEqual([255, 255, 255]); // NaN
    expect(inked(r).size).toBe(3 * 4); // the cells 0, 0.5 and 0.25
  });

  it('encodePng gives a PNG that pngjs decodes to the same pixels', () => {
    const r = rasterize(scene(7, 5, [{ kind: 'rect', x: 2, y: 1, width: 3, height: 3, fill: '#123456' }]));
    const png = PNG.sync.read(Buffer.from(encodePng(r)));
    expect([png.width, png.height]).toEqual([7, 5]);
    expect(Buffer.from(png.data).equals(Buffer.from(r.data))).toBe(true);
  });
});

describe('sceneToSvg', () => {
  const shapes: Shape[] = [
    { kind: 'rect', x: 1, y: 2, width: 30, height: 20, fill: '#eeeeee', stroke: '#000000' },
    {
      kind: 'line',
      points: [
        [0, 0],
        [10.123, 5],
        [20, 7.5],
      ],
      stroke: '#1f77b4',
      width: 2,
      title: 'loss: <train> & "more"',
    },
    {
      kind: 'line',
      points: [
        [0, 0],
        [5, 5],
      ],
      stroke: '#1f77b4',
      width: 2,
    },
    { kind: 'dot', x: 3, y: 4, radius: 2, fill: '#ff0000' },
    { kind: 'text', x: 10, y: 20, text: 'a < b & c', color: '#222222', scale: 2, anchor: 'middle' },
    { kind: 'image', x: 0, y: 0, rows: 2, cols: 2, cell: 4, values: new Float32Array([0, 1, NaN, 0.5]) },
  ];
  const svg = sceneToSvg(scene(120, 80, shapes));

  it('is well-formed XML with the size, one element per shape, text and titles escaped', () => {
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attributes.width).toBe('120');
    expect(root.attributes.height).toBe('80');
    expect(root.attributes.viewBox).toBe('0 0 120 80');
    expect(root.children.map((c) => c.name)).toEqual(['rect', 'rect', 'polyline', 'polyline', 'circle', 'text', 'image']);
    const [polyline] = allElements(root).filter((e) => e.name === 'polyline');
    expect(polyline.attributes.points).toBe('0,0 10.12,5 20,7.5');
    expect(polyline.children[0].text).toBe('loss: <train> & "more"');
    const text = allElements(root).find((e) => e.name === 'text')!;
    expect(text.text).toBe('a < b & c');
    expect(text.attributes['font-size']).toBe('20');
    expect(text.attributes['text-anchor']).toBe('middle');
  });

  it('an image is an embedded PNG of one pixel per cell, NaN transparent', () => {
    const image = allElements(parseXml(svg)).find((e) => e.name === 'image')!;
    expect([image.attributes.width, image.attributes.height]).toEqual(['8', '8']);
    const href = image.attributes['xlink:href'];
    expect(href.startsWith('data:image/png;base64,')).toBe(true);
    const png = PNG.sync.read(Buffer.from(href.slice('data:image/png;base64,'.length), 'base64'));
    expect([png.width, png.height]).toEqual([2, 2]);
    expect([png.data[0], png.data[4], png.data[12]]).toEqual([0, 255, 128]);
    expect(png.data[11]).toBe(0); // alpha of the NaN cell
  });

  it('escapeXml escapes the four characters that matter', () => {
    expect(escapeXml(`<a href="x">&</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });

  it('the test parser rejects malformed XML', () => {
    for (const bad of ['<svg>', '<svg></g>', '<svg a="1" a="2"/>', '<svg>&nbsp;</svg>', '<svg/><svg/>', '<svg a="<"/>', '<svg a=1/>']) {
      expect(() => parseXml(bad), bad).toThrow(/^XML: /);
    }
  });
});

describe('pictures', () => {
  it('the format comes from the extension, in any case', () => {
    expect(pictureFormat('a/curves.png')).toBe('png');
    expect(pictureFormat('C.SVG')).toBe('svg');
    expect(pictureFormat('curves.jpg')).toBeNull();
    expect(pictureFormat('png')).toBeNull();
  });

  it('encodePicture writes the same scene as PNG and SVG', () => {
    const s = scene(50, 30, [{ kind: 'rect', x: 0, y: 0, width: 10, height: 10, fill: '#000000' }]);
    expect([...encodePicture(s, 'png').subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    expect(new TextDecoder().decode(encodePicture(s, 'svg'))).toBe(sceneToSvg(s));
  });
});

describe('chart ticks', () => {
  it.each([
    [0, 2.31, [0, 0.5, 1, 1.5, 2, 2.5]],
    [0.07, 0.68, [0, 0.2, 0.4, 0.6, 0.8]],
    [0.07, 0.38, [0, 0.1, 0.2, 0.3, 0.4]],
    [89.85, 98.55, [88, 90, 92, 94, 96, 98, 100]],
    [0, 0, [-1, -0.5, 0, 0.5, 1]],
  ])('niceTicks(%f, %f) → %j', (lo, hi, expected) => {
    expect(niceTicks(lo, hi).values).toEqual(expected);
  });

  it('niceTicks keeps a percentage within [0, 100]; integerTicks of epochs', () => {
    const t = niceTicks(100, 100, 5, [0, 100]);
    expect(t.hi).toBe(100);
    expect(Math.max(...t.values)).toBe(100);
    expect(niceTicks(0.5, 0.75).decimals).toBe(2);
    expect(integerTicks(1, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(integerTicks(1, 15)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(integerTicks(1, 100)).toEqual([20, 40, 60, 80, 100]);
  });

  it('lineChart: one polyline per series with its finite points, inside the picture', () => {
    const s = lineChart(
      [
        {
          title: 'a',
          series: [
            {
              label: 'x',
              title: 'a: x',
              color: '#000000',
              points: [
                [1, 1],
                [2, null],
                [3, NaN],
                [4, 0.5],
              ],
            },
          ],
        },
        { title: 'b', series: [] },
      ],
      { width: 400, height: 200, xLabel: 'epoch', xDomain: [1, 4] },
    );
    const lines = s.shapes.filter((sh) => sh.kind === 'line' && sh.title !== undefined);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    if (line.kind !== 'line') throw new Error('not a line');
    expect(line.points).toHaveLength(2);
    for (const [x, y] of line.points) expect(x >= 0 && x <= 200 && y >= 0 && y <= 200).toBe(true);
    expect(s.shapes.some((sh) => sh.kind === 'text' && sh.text === 'no data')).toBe(true);
  });
});
