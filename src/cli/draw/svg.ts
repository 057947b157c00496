/**
 * Writes a `Scene` as a standalone SVG document. Text is set in the viewer's monospace font at
 * a size whose advance matches the bitmap font's (6·scale pixels at `font-size` 10·scale), so
 * labels take the room the layout gave them; images are embedded as PNGs (one pixel per cell,
 * drawn scaled up without smoothing). Spaces in text are kept (`xml:space`), as the raster keeps them.
 */
import { PNG } from 'pngjs';
import type { ImageShape, Scene, Shape } from './scene.js';

/** `text` with `&`, `<`, `>` and `"` escaped, for XML text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number for an attribute: at most two decimals, no trailing zeros. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** The image's cells as a PNG of `cols × rows` pixels, gray with alpha (NaN cells transparent). */
function imagePng(image: ImageShape): Buffer {
  const png = new PNG({ width: image.cols, height: image.rows });
  for (let i = 0; i < image.values.length; i++) {
    const v = image.values[i];
    const g = Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(0, v)) * 255);
    png.data[4 * i] = g;
    png.data[4 * i + 1] = g;
    png.data[4 * i + 2] = g;
    png.data[4 * i + 3] = Number.isNaN(v) ? 0 : 255;
  }
  // no per-row filter search: it does not pay on images this small, and a grid may hold thousands of them
  return PNG.sync.write(png, { colorType: 4, filterType: 0 });
}

/** One shape as an SVG element. */
function element(shape: Shape): string {
  switch (shape.kind) {
    case 'rect': {
      // an outline is drawn half a pixel inside the box, as the raster draws it on the box's edge pixels
      const inset = shape.stroke === undefined ? 0 : 0.5;
      const paint = `fill="${shape.fill ?? 'none'}"${shape.stroke === undefined ? '' : ` stroke="${shape.stroke}" stroke-width="1"`}`;
      return (
        `<rect x="${num(shape.x + inset)}" y="${num(shape.y + inset)}" width="${num(shape.width - 2 * inset)}" ` +
        `height="${num(shape.height - 2 * inset)}" ${paint} shape-rendering="crispEdges"/>`
      );
    }
    case 'line': {
      const points = shape.points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
      const open = `<polyline points="${points}" fill="none" stroke="${shape.stroke}" stroke-width="${num(shape.width)}" stroke-linejoin="round" stroke-linecap="round"`;
      return shape.title === undefined ? `${open}/>` : `${open}><title>${escapeXml(shape.title)}</title></polyline>`;
    }
    case 'dot':
      return `<circle cx="${num(shape.x)}" cy="${num(shape.y)}" r="${num(shape.radius)}" fill="${shape.fill}"/>`;
    case 'text': {
      const anchor = shape.anchor === 'start' ? '' : ` text-anchor="${shape.anchor}"`;
      return (
        `<text x="${num(shape.x)}" y="${num(shape.y)}" font-family="monospace" font-size="${num(10 * shape.scale)}"${anchor} xml:space="preserve" ` +
        `fill="${shape.color}">${escapeXml(shape.text)}</text>`
      );
    }
    case 'image':
      return (
        `<image x="${num(shape.x)}" y="${num(shape.y)}" width="${shape.cols * shape.cell}" height="${shape.rows * shape.cell}" ` +
        `preserveAspectRatio="none" image-rendering="optimizeSpeed" style="image-rendering:pixelated" ` +
        `xlink:href="data:image/png;base64,${imagePng(shape).toString('base64')}"/>`
      );
  }
}

/** The scene as an SVG document of `scene.width × scene.height` pixels. */
export function sceneToSvg(scene: Scene): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}">`,
    `<rect width="100%" height="100%" fill="${scene.background}"/>`,
    ...scene.shapes.map(element),
    '</svg>',
    '',
  ].join('\n');
}
