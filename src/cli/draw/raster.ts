/**
 * Draws a `Scene` into RGBA pixels, and encodes those as PNG through `pngjs` (the library that
 * reads the images of `convnet predict`). Shapes are drawn without anti-aliasing: rectangles and
 * image cells on whole pixels, lines as squares of their width stamped along each segment, text
 * in the bitmap font of font.ts.
 */
import { PNG } from 'pngjs';
import { ADVANCE, GLYPH_DESCENT, GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows, textWidth } from './font.js';
import { type Color, type DotShape, type ImageShape, type LineShape, type Scene, type TextShape, parseColor } from './scene.js';

/** An RGBA image, row-major, 4 bytes per pixel. */
export interface Raster {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Paints pixel rectangles into a raster, clipped to its edges. */
class Painter {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4);
  }

  /** Fills the pixels `[x0, x1) × [y0, y1)` (rounded to whole pixels, clipped) with `rgb`. */
  fill(x0: number, y0: number, x1: number, y1: number, rgb: [number, number, number]): void {
    const left = Math.max(0, Math.round(x0));
    const right = Math.min(this.width, Math.round(x1));
    const top = Math.max(0, Math.round(y0));
    const bottom = Math.min(this.height, Math.round(y1));
    for (let y = top; y < bottom; y++) {
      for (let x = left; x < right; x++) {
        const i = 4 * (y * this.width + x);
        this.data[i] = rgb[0];
        this.data[i + 1] = rgb[1];
        this.data[i + 2] = rgb[2];
        this.data[i + 3] = 255;
      }
    }
  }
}

/** A polyline: a `width × width` square stamped every quarter pixel along each segment. */
function drawLine(p: Painter, line: LineShape): void {
  const rgb = parseColor(line.stroke);
  const half = line.width / 2;
  const stamp = (x: number, y: number): void => p.fill(x - half, y - half, x + half, y + half, rgb);
  if (line.points.length === 1) stamp(...line.points[0]);
  for (let i = 1; i < line.points.length; i++) {
    const [x0, y0] = line.points[i - 1];
    const [x1, y1] = line.points[i];
    const steps = Math.max(1, Math.ceil(4 * Math.hypot(x1 - x0, y1 - y0)));
    for (let s = 0; s <= steps; s++) stamp(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps);
  }
}

/** A disc: every pixel whose centre lies within the radius. */
function drawDot(p: Painter, dot: DotShape): void {
  const rgb = parseColor(dot.fill);
  const r = dot.radius;
  for (let y = Math.floor(dot.y - r); y <= Math.ceil(dot.y + r); y++) {
    for (let x = Math.floor(dot.x - r); x <= Math.ceil(dot.x + r); x++) {
      if ((x + 0.5 - dot.x) ** 2 + (y + 0.5 - dot.y) ** 2 <= r * r) p.fill(x, y, x + 1, y + 1, rgb);
    }
  }
}

/** Text in the bitmap font: each set font pixel a `scale × scale` square, the glyphs' bottom row on the baseline. */
function drawText(p: Painter, text: TextShape): void {
  const rgb = parseColor(text.color);
  const s = text.scale;
  const width = textWidth(text.text, s);
  const left = Math.round(text.anchor === 'start' ? text.x : text.anchor === 'middle' ? text.x - width / 2 : text.x - width);
  const top = Math.round(text.y) - GLYPH_HEIGHT * s;
  for (let c = 0; c < text.text.length; c++) {
    const rows = glyphRows(text.text[c]);
    const x0 = left + c * ADVANCE * s;
    for (let row = 0; row < GLYPH_HEIGHT + GLYPH_DESCENT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if ((rows[row] >> (GLYPH_WIDTH - 1 - col)) & 1) {
          p.fill(x0 + col * s, top + row * s, x0 + (col + 1) * s, top + (row + 1) * s, rgb);
        }
      }
    }
  }
}

/** An image: each cell a square of its gray level; NaN cells are left as they are. */
function drawImage(p: Painter, image: ImageShape): void {
  const { x, y, rows, cols, cell, values } = image;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = values[i * cols + j];
      if (Number.isNaN(v)) continue;
      const g = Math.round(Math.min(1, Math.max(0, v)) * 255);
      p.fill(x + j * cell, y + i * cell, x + (j + 1) * cell, y + (i + 1) * cell, [g, g, g]);
    }
  }
}

/** The scene's pixels: its background, then each shape in order. */
export function rasterize(scene: Scene): Raster {
  const p = new Painter(scene.width, scene.height);
  p.fill(0, 0, scene.width, scene.height, parseColor(scene.background));
  const outline = (x: number, y: number, w: number, h: number, color: Color): void => {
    const rgb = parseColor(color);
    p.fill(x, y, x + w, y + 1, rgb);
    p.fill(x, y + h - 1, x + w, y + h, rgb);
    p.fill(x, y, x + 1, y + h, rgb);
    p.fill(x + w - 1, y, x + w, y + h, rgb);
  };
  for (const shape of scene.shapes) {
    if (shape.kind === 'rect') {
      if (shape.fill !== undefined) p.fill(shape.x, shape.y, shape.x + shape.width, shape.y + shape.height, parseColor(shape.fill));
      if (shape.stroke !== undefined) outline(shape.x, shape.y, shape.width, shape.height, shape.stroke);
    } else if (shape.kind === 'line') drawLine(p, shape);
    else if (shape.kind === 'dot') drawDot(p, shape);
    else if (shape.kind === 'text') drawText(p, shape);
    else drawImage(p, shape);
  }
  return { width: p.width, height: p.height, data: p.data };
}

/** An RGBA raster as PNG bytes (8-bit RGB, or RGBA when `alpha`). */
export function encodePng(raster: Raster, alpha = false): Uint8Array {
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data.set(raster.data);
  return PNG.sync.write(png, { colorType: alpha ? 6 : 2 });
}
