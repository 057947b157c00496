/**
 * A picture as a list of shapes in pixel coordinates (origin top left, y down), drawn the same way
 * by two renderers: `sceneToSvg` (svg.ts) and `rasterize` (raster.ts, for PNG). The charts of
 * `convnet plot` and the grids of `convnet viz` build scenes; the renderers know nothing of them.
 */

/** A colour as `#rrggbb`. */
export type Color = string;

/** A filled and/or outlined (1 px, inside the box) rectangle. */
export interface RectShape {
  kind: 'rect';
  x: number;
  y: number;
  width: number;
  height: number;
  fill?: Color;
  stroke?: Color;
}

/** A polyline of `points` (`[x, y]` pairs), `width` pixels wide; `title` names a data series. */
export interface LineShape {
  kind: 'line';
  points: [number, number][];
  stroke: Color;
  width: number;
  title?: string;
}

/** A filled disc: a data point's marker. */
export interface DotShape {
  kind: 'dot';
  x: number;
  y: number;
  radius: number;
  fill: Color;
}

/**
 * One line of text in the 5×7 bitmap font (font.ts), `scale` pixels per font pixel; `(x, y)` is
 * the start, middle or end of its baseline (`anchor`).
 */
export interface TextShape {
  kind: 'text';
  x: number;
  y: number;
  text: string;
  color: Color;
  scale: number;
  anchor: 'start' | 'middle' | 'end';
}

/**
 * A grayscale image of `rows × cols` cells, row-major `values` in 0..1 (0 black, 1 white; NaN: no
 * cell, the background shows), each cell a `cell × cell` pixel square, top-left corner at `(x, y)`.
 */
export interface ImageShape {
  kind: 'image';
  x: number;
  y: number;
  rows: number;
  cols: number;
  cell: number;
  values: Float32Array;
}

/** Anything a scene holds. */
export type Shape = RectShape | LineShape | DotShape | TextShape | ImageShape;

/** A picture: its size in pixels, background and shapes, drawn in order. */
export interface Scene {
  width: number;
  height: number;
  background: Color;
  shapes: Shape[];
}

/** `#rrggbb` → `[r, g, b]`; anything else is an error (a programming error, not the user's). */
export function parseColor(color: Color): [number, number, number] {
  if (!/^#[0-9a-f]{6}$/i.test(color)) throw new Error(`parseColor: expected #rrggbb, got '${color}'`);
  const v = parseInt(color.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
