/**
 * Panel 3, draw a digit: a canvas for the mouse, a pen or a finger (pointer events), the drawing
 * preprocessed as MNIST's digits were (preprocess.ts), and the model's class probabilities, live.
 */
import type { WorkerClient } from './client.js';
import { byId } from './dom.js';
import type { InsidePanel } from './inside-panel.js';
import { preprocessDrawing } from './preprocess.js';
import { drawGray, drawProbabilities } from './render.js';

/** The stroke width, in pixels of the 280×280 canvas (about two pixels of the 28×28 digit). */
const STROKE = 22;

/** The drawing panel. */
export class DrawPanel {
  private readonly canvas = byId('draw-canvas', HTMLCanvasElement);
  private readonly preview = byId('draw-preview', HTMLCanvasElement);
  private readonly prediction = byId('draw-prediction', HTMLElement);
  private readonly probs = byId('draw-probs', HTMLElement);
  private readonly ctx: CanvasRenderingContext2D;
  private last: [number, number] | null = null;
  private frameRequested = false;
  private nextId = 0;
  private latestId = -1;

  constructor(
    private readonly client: WorkerClient,
    private readonly inside: InsidePanel,
  ) {
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('page: no 2-D canvas context');
    this.ctx = ctx;
    this.clear();
    this.canvas.addEventListener('pointerdown', (e) => this.down(e));
    this.canvas.addEventListener('pointermove', (e) => this.move(e));
    this.canvas.addEventListener('pointerup', () => this.up());
    this.canvas.addEventListener('pointercancel', () => this.up());
    byId('btn-clear', HTMLButtonElement).addEventListener('click', () => this.clear());
    byId('btn-inspect-drawing', HTMLButtonElement).addEventListener('click', () => {
      this.inside.inspectDrawing();
      byId('inside', HTMLElement).scrollIntoView({ behavior: 'smooth' });
    });
    client.on('prediction', (m) => {
      if (m.id !== this.latestId) return;
      drawProbabilities(this.probs, m.probabilities);
      const best = m.probabilities.indexOf(Math.max(...m.probabilities));
      this.prediction.textContent = `${best} (${(m.probabilities[best] * 100).toFixed(1)}%)`;
      this.prediction.dataset.prediction = String(best);
    });
  }

  /** Empties the canvas (black, as MNIST's background). */
  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    drawGray(this.preview, new Float32Array(784), 28, 28);
    this.prediction.textContent = 'Draw a digit.';
    delete this.prediction.dataset.prediction;
    this.probs.replaceChildren();
    this.latestId = -1;
    this.inside.setDrawing(null);
  }

  /** The pointer's position in canvas pixels. */
  private point(e: PointerEvent): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    return [((e.clientX - rect.left) * this.canvas.width) / rect.width, ((e.clientY - rect.top) * this.canvas.height) / rect.height];
  }

  private down(e: PointerEvent): void {
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.last = this.point(e);
    this.stroke([this.last]);
  }

  private move(e: PointerEvent): void {
    if (this.last === null) return;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    this.stroke((events.length > 0 ? events : [e]).map((ev) => this.point(ev)));
  }

  private up(): void {
    this.last = null;
  }

  /** Draws a line from the last point through `points`, then updates the prediction (once per frame). */
  private stroke(points: [number, number][]): void {
    const ctx = this.ctx;
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineWidth = STROKE;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    let from = this.last ?? points[0];
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    for (const p of points) {
      ctx.lineTo(p[0], p[1]);
      from = p;
    }
    ctx.stroke();
    if (points.length === 1) {
      ctx.beginPath();
      ctx.arc(from[0], from[1], STROKE / 2, 0, 2 * Math.PI);
      ctx.fill();
    }
    this.last = from;
    if (!this.frameRequested) {
      this.frameRequested = true;
      requestAnimationFrame(() => this.update());
    }
  }

  /** Preprocesses the drawing and asks the worker for its class probabilities. */
  private update(): void {
    this.frameRequested = false;
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const gray = new Float32Array(width * height);
    for (let i = 0; i < gray.length; i++) gray[i] = rgba[4 * i] / 255;
    const digit = preprocessDrawing(gray, width, height);
    if (digit === null) return;
    drawGray(this.preview, digit, 28, 28);
    this.latestId = this.nextId++;
    this.client.send({ type: 'predict', id: this.latestId, pixels: digit.slice() });
    this.inside.setDrawing(digit);
  }
}
