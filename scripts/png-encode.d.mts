// Types of png-encode.mjs, for the TypeScript tests that use it.
export const CHANNELS: Record<number, number>;
export const DEPTHS: Record<number, number[]>;
export function crc32(bytes: Uint8Array): number;
export function chunk(type: string, data?: Uint8Array): Uint8Array;
export function concat(parts: Uint8Array[]): Uint8Array;
export function fixCrcs(png: Uint8Array): Uint8Array;
export function ihdr(width: number, height: number, bitDepth: number, colorType: number, interlace?: number): Uint8Array;
export interface RawImage {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace?: number;
  samples: ArrayLike<number>;
  filters?: (row: number) => number;
}
export function scanlines(image: RawImage): Uint8Array;
export function encodePng(
  image: RawImage & { palette?: number[][]; trns?: number[]; idatSize?: number; level?: number; data?: Uint8Array },
): Uint8Array;
export function randomSamples(
  width: number,
  height: number,
  bitDepth: number,
  colorType: number,
  rand: () => number,
  entries?: number,
): number[];
