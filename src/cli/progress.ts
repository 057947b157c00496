/**
 * The live progress line of `convnet train`: batches, loss, images/s and ETA, redrawn in place on
 * a terminal; on a pipe or file, a plain line every tenth of an epoch instead.
 */
import type { BatchProgress } from '../training/fit.js';

/** `1 epoch`, `15 epochs`, `60,850 parameters`: a count with its noun, singular for exactly one. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/** `83` → `1:23`, `3723` → `1:02:03`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The text of one progress line, e.g. `epoch 2/15 [#####-----] 63/125 loss 0.2104 812 img/s ETA 2:31`. */
export function progressLine(p: BatchProgress, width = 20): string {
  const filled = Math.round((p.batch / p.batches) * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const pad = String(p.batches).length;
  return (
    `epoch ${String(p.epoch).padStart(String(p.epochs).length)}/${p.epochs} [${bar}] ${String(p.batch).padStart(pad)}/${p.batches}` +
    ` loss ${p.loss.toFixed(4)} ${Math.round(p.imagesPerSecond)} img/s ETA ${formatDuration(p.etaSeconds)}`
  );
}

/** Draws `progressLine`s on a stream: in place on a terminal, every tenth of an epoch otherwise. */
export class ProgressBar {
  private lastLength = 0;
  private lastPlainDecile = -1;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(p: BatchProgress): void {
    const line = progressLine(p);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}${' '.repeat(Math.max(0, this.lastLength - line.length))}`);
      this.lastLength = line.length;
      return;
    }
    const decile = Math.floor((10 * p.batch) / p.batches);
    if (decile !== this.lastPlainDecile && (decile > 0 || p.batch === 1)) {
      this.lastPlainDecile = decile;
      this.stream.write(`${line}\n`);
    }
  }

  /** Clears the in-place line before a regular line is printed. */
  clear(): void {
    if (this.stream.isTTY && this.lastLength > 0) this.stream.write(`\r${' '.repeat(this.lastLength)}\r`);
    this.lastLength = 0;
    this.lastPlainDecile = -1;
  }
}
