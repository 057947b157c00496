/**
 * Drawing numbers as pictures: digits and feature maps into canvases (one canvas pixel per value,
 * scaled up by CSS without smoothing), signed values in a diverging palette, and the class
 * probabilities as bars.
 */
import { h } from './dom.js';

/** A grayscale image (0 black … 1 white), `height × width` values, into `canvas`. */
export function drawGray(canvas: HTMLCanvasElement, values: ArrayLike<number>, width: number, height: number): void {
  paint(canvas, width, height, (i) => {
    const g = Math.round(255 * Math.min(1, Math.max(0, values[i])));
    return [g, g, g];
  });
}

/**
 * Signed values into `canvas`, `v / scale` in [−1, 1]: negative blue, zero white, positive red
 * (or, with `signed` false, 0 black … `scale` white).
 */
export function drawSigned(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  width: number,
  height: number,
  scale: number,
  signed: boolean,
  offset = 0,
): void {
  const inv = scale > 0 ? 1 / scale : 0;
  paint(canvas, width, height, (i) => {
    const v = Math.max(-1, Math.min(1, values[offset + i] * inv));
    if (!signed) {
      const g = Math.round(255 * Math.max(0, v));
      return [g, g, g];
    }
    const a = Math.abs(v);
    const fade = Math.round(255 * (1 - a));
    return v >= 0 ? [255, fade, fade] : [fade, fade, 255];
  });
}

/** Fills `canvas` (resized to `width × height`) with the colours `colour(i)` of its pixels, row-major. */
function paint(canvas: HTMLCanvasElement, width: number, height: number, colour: (i: number) => [number, number, number]): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = colour(i);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** The largest |v| of `values[start, end)` (1 where all are 0). */
export function maxAbs(values: ArrayLike<number>, start = 0, end = values.length): number {
  let m = 0;
  for (let i = start; i < end; i++) m = Math.max(m, Math.abs(values[i]));
  return m > 0 ? m : 1;
}

/** Whether any of `values` is negative. */
export function hasNegative(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] < 0) return true;
  return false;
}

/**
 * The probability bars of the ten classes into `container` (made once, then updated): a labelled
 * bar per class, the most probable one marked.
 */
export function drawProbabilities(container: HTMLElement, probabilities: readonly number[]): void {
  if (container.children.length !== probabilities.length) {
    container.replaceChildren(
      ...probabilities.map((_, k) => {
        const row = h('div', 'prob-row');
        const label = h('span', 'prob-label', String(k));
        const track = h('span', 'prob-track');
        track.append(h('span', 'prob-bar'));
        row.append(label, track, h('span', 'prob-value'));
        return row;
      }),
    );
  }
  let best = 0;
  probabilities.forEach((p, k) => {
    if (p > probabilities[best]) best = k;
  });
  probabilities.forEach((p, k) => {
    const row = container.children[k];
    if (!(row instanceof HTMLElement)) return;
    row.classList.toggle('best', k === best);
    row.dataset.probability = String(p);
    const bar = row.querySelector<HTMLElement>('.prob-bar');
    if (bar !== null) bar.style.width = `${(p * 100).toFixed(1)}%`;
    const value = row.querySelector<HTMLElement>('.prob-value');
    if (value !== null) value.textContent = `${(p * 100).toFixed(1)}%`;
  });
  container.dataset.prediction = String(best);
  container.setAttribute('aria-label', `prediction ${best} (${(probabilities[best] * 100).toFixed(1)}%)`);
}
