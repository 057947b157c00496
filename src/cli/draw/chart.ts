/**
 * Line charts as scenes: panels side by side, each with a title, a frame, horizontal grid lines
 * at "nice" ticks (1, 2 or 5 times a power of ten), integer ticks on the shared x axis, a legend
 * and one polyline (with a marker on each point, when there are few) per data series.
 */
import { textWidth } from './font.js';
import type { Color, Scene, Shape } from './scene.js';

/** One curve: its points `[x, y]` (a null or non-finite y is left out), legend label and colour. */
export interface Series {
  label: string;
  /** Names the polyline in the SVG (its `<title>`), e.g. `loss: train`. */
  title: string;
  color: Color;
  points: [number, number | null][];
}

/** One panel of a chart. */
export interface Panel {
  title: string;
  series: Series[];
  /** Values the y axis must include besides the data's (0 for a loss, say). */
  yInclude?: number[];
  /** Bounds the y axis never goes past (`[0, 100]` for a percentage). */
  yLimits?: [number, number];
  /** Where the legend sits: in the top (default) or bottom right corner of the plot. */
  legend?: 'top' | 'bottom';
}

/** The size and x axis of a chart. */
export interface ChartOptions {
  width: number;
  height: number;
  xLabel: string;
  /** The x range shown, `[first, last]` (integers; the ticks are integers). */
  xDomain: [number, number];
}

/** Ticks from `lo` to `hi` (both multiples of `step`) and the decimals that print them. */
export interface Ticks {
  lo: number;
  hi: number;
  step: number;
  values: number[];
  decimals: number;
}

/** The smallest of 1, 2, 5 or 10 times a power of ten that is ≥ `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/**
 * About `count` evenly spaced ticks covering `[lo, hi]`, at a nice step: the range widened to
 * multiples of the step (`niceTicks(0.07, 2.3)` → 0, 0.5, …, 2.5). An empty range is widened
 * around its value first. `limits` caps the widening (a percentage stays within `[0, 100]`).
 */
export function niceTicks(lo: number, hi: number, count = 5, limits: [number, number] = [-Infinity, Infinity]): Ticks {
  if (!(hi > lo)) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    [lo, hi] = [lo - d, hi + d];
  }
  const step = niceStep((hi - lo) / count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const round = (v: number): number => Number(v.toFixed(decimals));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const values: number[] = [];
  for (let k = first; k <= last; k++) {
    const v = round(k * step);
    if (v >= limits[0] - 1e-9 && v <= limits[1] + 1e-9) values.push(v);
  }
  return { lo: Math.max(round(first * step), limits[0]), hi: Math.min(round(last * step), limits[1]), step, values, decimals };
}

/** Integer ticks within `[lo, hi]`, about `count` of them (every integer when there is room). */
export function integerTicks(lo: number, hi: number, count = 8): number[] {
  const step = Math.max(1, niceStep(Math.max(hi - lo, 1) / count));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(v);
  return out;
}

const TEXT = '#222222';
const FRAME = '#555555';
const GRID = '#e4e4e4';
/** Markers are drawn on the points of a series with at most this many points. */
const MAX_MARKED_POINTS = 40;

/**
 * The panels side by side in a `width × height` picture: each with its title above, y tick labels
 * on the left, the x ticks and `xLabel` below, its series as polylines and a legend. Text is at
 * scale 2 in pictures of at least 640×320 pixels, at scale 1 in smaller ones.
 */
export function lineChart(panels: Panel[], options: ChartOptions): Scene {
  const { width, height, xLabel } = options;
  const s = width >= 640 && height >= 320 ? 2 : 1;
  const lineHeight = 8 * s;
  const shapes: Shape[] = [];
  const text = (x: number, y: number, t: string, anchor: 'start' | 'middle' | 'end', color = TEXT): void => {
    shapes.push({ kind: 'text', x, y, text: t, color, scale: s, anchor });
  };
  let [xLo, xHi] = options.xDomain;
  if (!(xHi > xLo)) [xLo, xHi] = [xLo - 1, xHi + 1];
  const xTicks = integerTicks(xLo, xHi);
  const panelWidth = width / panels.length;

  panels.forEach((panel, index) => {
    const ys = panel.series.flatMap((se) => se.points.map(([, y]) => y).filter((y): y is number => y !== null && Number.isFinite(y)));
    const all = [...ys, ...(panel.yInclude ?? [])];
    const ticks = all.length === 0 ? niceTicks(0, 1) : niceTicks(Math.min(...all), Math.max(...all), 5, panel.yLimits);
    const labels = ticks.values.map((v) => v.toFixed(ticks.decimals));
    const x0 = index * panelWidth;
    const left = Math.round(x0 + 8 * s + Math.max(...labels.map((l) => textWidth(l, s))) + 6 * s);
    const right = Math.round(x0 + panelWidth - 10 * s);
    const top = Math.round(6 * s + lineHeight + 8 * s);
    const bottom = Math.round(height - 2 * lineHeight - 14 * s);
    const px = (x: number): number => left + ((x - xLo) / (xHi - xLo)) * (right - left);
    const py = (y: number): number => bottom - ((y - ticks.lo) / (ticks.hi - ticks.lo)) * (bottom - top);

    text((left + right) / 2, 6 * s + lineHeight, panel.title, 'middle');
    ticks.values.forEach((v, i) => {
      const y = Math.round(py(v));
      shapes.push({ kind: 'rect', x: left, y, width: right - left, height: 1, fill: GRID });
      text(left - 6 * s, y + 3.5 * s, labels[i], 'end');
    });
    for (const x of xTicks) {
      const tx = Math.round(px(x));
      shapes.push({ kind: 'rect', x: tx, y: bottom, width: 1, height: 3 * s, fill: FRAME });
      text(tx, bottom + 4 * s + 7 * s, String(x), 'middle');
    }
    text((left + right) / 2, bottom + 8 * s + 7 * s + lineHeight, xLabel, 'middle');
    shapes.push({ kind: 'rect', x: left, y: top, width: right - left + 1, height: bottom - top + 1, stroke: FRAME });

    for (const se of panel.series) {
      const points = se.points
        .filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]))
        .map(([x, y]): [number, number] => [px(x), py(y)]);
      if (points.length === 0) continue;
      shapes.push({ kind: 'line', points, stroke: se.color, width: s === 2 ? 2.5 : 1.5, title: se.title });
      if (points.length <= MAX_MARKED_POINTS)
        for (const [x, y] of points) shapes.push({ kind: 'dot', x, y, radius: 1 + s, fill: se.color });
    }
    if (ys.length === 0) text((left + right) / 2, (top + bottom) / 2, 'no data', 'middle', FRAME);
    legend(shapes, panel, { left, right, top, bottom }, s);
  });
  return { width, height, background: '#ffffff', shapes };
}

/** The legend of a panel: a line sample and a label per series, in a framed box in a corner of the plot. */
function legend(shapes: Shape[], panel: Panel, plot: { left: number; right: number; top: number; bottom: number }, s: number): void {
  if (panel.series.length === 0) return;
  const row = 8 * s + 4 * s;
  const sample = 14 * s;
  const boxWidth = 6 * s + sample + 4 * s + Math.max(...panel.series.map((se) => textWidth(se.label, s))) + 6 * s;
  const boxHeight = panel.series.length * row + 4 * s;
  const x = plot.right - 6 * s - boxWidth;
  const y = panel.legend === 'bottom' ? plot.bottom - 6 * s - boxHeight : plot.top + 6 * s;
  shapes.push({ kind: 'rect', x, y, width: boxWidth, height: boxHeight, fill: '#ffffff', stroke: GRID });
  panel.series.forEach((se, i) => {
    const baseline = y + 4 * s + i * row + 7 * s + s;
    const mid = baseline - 3.5 * s;
    shapes.push({
      kind: 'line',
      points: [
        [x + 6 * s, mid],
        [x + 6 * s + sample, mid],
      ],
      stroke: se.color,
      width: s === 2 ? 2.5 : 1.5,
    });
    shapes.push({ kind: 'text', x: x + 6 * s + sample + 4 * s, y: baseline, text: se.label, color: TEXT, scale: s, anchor: 'start' });
  });
}
