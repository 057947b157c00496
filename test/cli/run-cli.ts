/** Running the built `convnet` (dist/cli/main.js) as a subprocess, and reading the pictures it writes. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { expect } from 'vitest';

export const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'main.js');

/** What a run of the CLI gave. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A function that runs `convnet ARGS…` in `dir`. */
export function cliIn(dir: string): (...args: string[]) => CliRun {
  return (...args) => {
    const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}

/** Asserts a clean failure: non-zero exit, one line on stderr starting with `convnet:`, no stack trace. */
export function expectCleanError(r: CliRun, message: string | RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stderr.startsWith('convnet: '), r.stderr).toBe(true);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

/** A decoded PNG file: its size, and its distinct colours as `r,g,b` strings with their pixel counts. */
export function readPng(path: string): { width: number; height: number; colors: Map<string, number>; png: PNG } {
  const png = PNG.sync.read(readFileSync(path));
  const colors = new Map<string, number>();
  for (let i = 0; i < png.data.length; i += 4) {
    const key = `${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`;
    colors.set(key, (colors.get(key) ?? 0) + 1);
  }
  return { width: png.width, height: png.height, colors, png };
}

/** `#rrggbb` as the `r,g,b` key of `readPng`'s colours. */
export function colorKey(hex: string): string {
  const v = parseInt(hex.slice(1), 16);
  return `${(v >> 16) & 255},${(v >> 8) & 255},${v & 255}`;
}
