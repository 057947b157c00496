/** Picture files: a scene written as PNG or SVG, the format chosen by the file's extension. */
import { extname } from 'node:path';
import { writeFileAtomic } from '../../data/files.js';
import { encodePng, rasterize } from './raster.js';
import type { Scene } from './scene.js';
import { sceneToSvg } from './svg.js';

/** The picture formats the CLI writes. */
export type PictureFormat = 'png' | 'svg';

/** The format of a picture file named `path` (by its extension, in any case), or null for another extension. */
export function pictureFormat(path: string): PictureFormat | null {
  const ext = extname(path).toLowerCase();
  return ext === '.png' ? 'png' : ext === '.svg' ? 'svg' : null;
}

/** The scene as the bytes of a file in `format`. */
export function encodePicture(scene: Scene, format: PictureFormat): Uint8Array {
  return format === 'png' ? encodePng(rasterize(scene)) : new TextEncoder().encode(sceneToSvg(scene));
}

/**
 * Writes `scene` to `path` as PNG or SVG (by its extension, which the caller has checked with
 * `pictureFormat`), atomically; a failed write throws `${what}: cannot write '…': …`.
 */
export function writePicture(path: string, scene: Scene, what: string): void {
  const format = pictureFormat(path);
  if (format === null) throw new Error(`${what}: '${path}' is not a .png or .svg file name`);
  writeFileAtomic(path, encodePicture(scene, format), what);
}
