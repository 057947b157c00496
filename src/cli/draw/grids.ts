/**
 * The pictures of `convnet viz` as scenes: convolution filters and feature maps as grids of
 * gray tiles, a section per layer under its label. The scenes are made from plain arrays; reading
 * them out of a model is viz.ts's work.
 *
 * Layout, in pixels: a margin of `MARGIN` all round; a title line, then each section: its label
 * line (`LABEL_HEIGHT`), its tiles `GAP` apart (each framed by a 1-pixel line in the gap), and
 * `SECTION_GAP` before the next. The picture is as wide as its widest section or label.
 */
import { textWidth } from './font.js';
import type { Scene, Shape } from './scene.js';

export const MARGIN = 16;
export const GAP = 4;
/** Scale of the labels' bitmap font (6·2 pixels per character). */
export const TEXT_SCALE = 2;
/** Height of a label line: the text (8 font pixels at `TEXT_SCALE`) and 8 pixels below it. */
export const LABEL_HEIGHT = 8 * TEXT_SCALE + 8;
export const SECTION_GAP = 20;
/** Tiles wrap onto a new row past this width (a filter's input channels stay on one row). */
export const MAX_ROW_WIDTH = 960;

const TEXT = '#222222';
/** The frame drawn around each tile, in its gap, so that white cells show against the background. */
const FRAME = '#c0c0c0';

/** The cells of one tile (its section gives rows and columns), row-major values in 0..1 (NaN: none). */
export interface Tile {
  values: Float32Array;
}

/** A section: a label over tiles of `rows × cols` cells, `perRow` to a row; a null tile is left empty. */
interface Section {
  label: string;
  tiles: (Tile | null)[];
  rows: number;
  cols: number;
  cell: number;
  perRow: number;
}

/** Width and height in pixels of a section's tiles. */
function gridSize(s: Section): [number, number] {
  const perRow = Math.min(s.perRow, s.tiles.length);
  const rowsOfTiles = Math.ceil(s.tiles.length / s.perRow);
  return [perRow * (s.cols * s.cell + GAP) - GAP, rowsOfTiles * (s.rows * s.cell + GAP) - GAP];
}

/**
 * Tiles per row for `count` tiles `tileWidth` wide: as many as fit in `MAX_ROW_WIDTH` (at least
 * one), spread evenly over the rows that takes (16 tiles of which 15 fit: two rows of 8).
 */
export function tilesPerRow(count: number, tileWidth: number): number {
  const fit = Math.max(1, Math.floor((MAX_ROW_WIDTH + GAP) / (tileWidth + GAP)));
  return Math.ceil(count / Math.ceil(count / fit));
}

/** The scene of a title line over `sections`. */
function sectionsScene(title: string, sections: Section[]): Scene {
  const shapes: Shape[] = [];
  const label = (x: number, y: number, text: string): void => {
    shapes.push({ kind: 'text', x, y: y + 7 * TEXT_SCALE, text, color: TEXT, scale: TEXT_SCALE, anchor: 'start' });
  };
  let width = textWidth(title, TEXT_SCALE);
  label(MARGIN, MARGIN, title);
  let y = MARGIN + LABEL_HEIGHT;
  for (const s of sections) {
    const [w, h] = gridSize(s);
    width = Math.max(width, w, textWidth(s.label, TEXT_SCALE));
    label(MARGIN, y, s.label);
    y += LABEL_HEIGHT;
    const tileWidth = s.cols * s.cell;
    const tileHeight = s.rows * s.cell;
    s.tiles.forEach((tile, i) => {
      const x = MARGIN + (i % s.perRow) * (tileWidth + GAP);
      const ty = y + Math.floor(i / s.perRow) * (tileHeight + GAP);
      if (tile === null) return;
      shapes.push({ kind: 'rect', x: x - 1, y: ty - 1, width: tileWidth + 2, height: tileHeight + 2, stroke: FRAME });
      shapes.push({ kind: 'image', x, y: ty, rows: s.rows, cols: s.cols, cell: s.cell, values: tile.values });
    });
    y += h + SECTION_GAP;
  }
  const height = sections.length === 0 ? MARGIN + LABEL_HEIGHT + MARGIN : y - SECTION_GAP + MARGIN;
  return { width: width + 2 * MARGIN, height, background: '#ffffff', shapes };
}

/** One convolution layer's weight for `filtersScene`. */
export interface FilterLayer {
  label: string;
  /** The weight `(P, D, kh, kw)`, row-major: P filters over D input channels. */
  weight: Float32Array;
  shape: [number, number, number, number];
  /** `linked[p][d]`: whether filter p sees input channel d (a link table); all, when absent. */
  linked?: boolean[][];
}

/** Pixels per weight of a `kh × kw` kernel: tiles of about 40 pixels. */
export function filterCell(kh: number, kw: number): number {
  return Math.max(1, Math.round(40 / Math.max(kh, kw)));
}

/**
 * Filters as tiles: each filter's kernels side by side on a row (one tile per input channel), or,
 * for a layer with one input channel, the filters in rows of as many as fit. Each filter is
 * scaled by its largest |weight|: mid-gray is 0, white +max, black −max. A kernel that a link
 * table leaves out is an empty place in its row.
 */
export function filtersScene(title: string, layers: FilterLayer[]): Scene {
  const sections = layers.map(({ label, weight, shape, linked }): Section => {
    const [p, d, kh, kw] = shape;
    const kernel = kh * kw;
    // a row of many input channels gets smaller cells, down to one pixel per weight
    const fit = Math.floor(((MAX_ROW_WIDTH + GAP) / d - GAP) / kw);
    const cell = d === 1 ? filterCell(kh, kw) : Math.max(1, Math.min(filterCell(kh, kw), fit));
    const tiles: (Tile | null)[] = [];
    for (let i = 0; i < p; i++) {
      let max = 0;
      for (let j = 0; j < d; j++) {
        if (linked !== undefined && !linked[i][j]) continue;
        for (let k = 0; k < kernel; k++) max = Math.max(max, Math.abs(weight[(i * d + j) * kernel + k]));
      }
      for (let j = 0; j < d; j++) {
        if (linked !== undefined && !linked[i][j]) {
          tiles.push(null);
          continue;
        }
        const values = new Float32Array(kernel);
        for (let k = 0; k < kernel; k++) values[k] = max === 0 ? 0.5 : 0.5 + (0.5 * weight[(i * d + j) * kernel + k]) / max;
        tiles.push({ values });
      }
    }
    return { label, tiles, rows: kh, cols: kw, cell, perRow: d === 1 ? tilesPerRow(p, kw * cell) : d };
  });
  return sectionsScene(title, sections);
}

/** One layer's output for `featureMapsScene`. */
export interface MapLayer {
  label: string;
  /** The output for one image, row-major. */
  values: Float32Array;
  /** `[C, H, W]` for C maps of H × W, or `[F]` for a vector of F values. */
  shape: number[];
  /** Draw the values as they are (0..1: the input image) instead of scaled to their range. */
  asIs?: boolean;
}

/** Pixels per value of an `h × w` map: maps of about 56 pixels, 1 to 8 pixels per value. */
export function mapCell(h: number, w: number): number {
  return Math.min(8, Math.max(1, Math.round(56 / Math.max(h, w))));
}

/** Columns of a vector drawn as a block of cells: up to 64 to a row. */
export const VECTOR_COLUMNS = 64;

/** `values` scaled from `[lo, hi]` to `[0, 1]` (0.5 for an empty range). */
function stretch(values: Float32Array, lo: number, hi: number): Float32Array {
  return values.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5));
}

function range(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Feature maps as tiles, a section per layer: `[C, H, W]` outputs as C maps in rows of as many as
 * fit, each scaled from its own range to black..white (a map of one value, such as a 1×1 map,
 * from its layer's range); `[F]` vectors as one block of up to 64 cells a row (16-pixel cells for
 * at most 40 values, else 8), scaled from their range.
 */
export function featureMapsScene(title: string, layers: MapLayer[]): Scene {
  const sections = layers.map(({ label, values, shape, asIs }): Section => {
    if (shape.length === 3) {
      const [c, h, w] = shape;
      const [layerLo, layerHi] = range(values);
      const tiles: Tile[] = [];
      for (let i = 0; i < c; i++) {
        const map = values.subarray(i * h * w, (i + 1) * h * w);
        const [lo, hi] = range(map);
        tiles.push({ values: asIs ? map.slice() : hi > lo ? stretch(map, lo, hi) : stretch(map, layerLo, layerHi) });
      }
      const cell = mapCell(h, w);
      return { label, tiles, rows: h, cols: w, cell, perRow: tilesPerRow(c, w * cell) };
    }
    const n = values.length;
    const cols = Math.min(n, VECTOR_COLUMNS);
    const rows = Math.ceil(n / cols);
    const cells = new Float32Array(rows * cols).fill(NaN);
    const [lo, hi] = range(values);
    cells.set(asIs ? values : stretch(values, lo, hi));
    return { label, tiles: [{ values: cells }], rows, cols, cell: n <= 40 ? 16 : 8, perRow: 1 };
  });
  return sectionsScene(title, sections);
}
