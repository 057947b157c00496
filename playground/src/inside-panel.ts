/**
 * Panel 2, inside the network: for a held-out digit (or the drawing), the input, every stage's
 * feature maps (LeNet-5's 6 C1 maps, 16 C3 maps, …), the C1 and C3 filters, C3's link table and
 * the class probabilities, redrawn as training changes the weights; and the held-out digits the
 * model gets wrong, one click away.
 */
import type { WorkerClient } from './client.js';
import type { DigitSplits } from './data.js';
import { byId, h } from './dom.js';
import type { FilterBank, Inspection, Misclassified, StageMaps } from './protocol.js';
import { drawGray, drawProbabilities, drawSigned, hasNegative, maxAbs } from './render.js';

/** At most this many misclassified digits are listed (the count says how many there are). */
const MAX_THUMBS = 120;

/** The inside-the-network panel. */
export class InsidePanel {
  private readonly index = byId('held-out-index', HTMLInputElement);
  private readonly fromHeldOut = byId('src-held-out', HTMLInputElement);
  private readonly fromDrawing = byId('src-drawing', HTMLInputElement);
  private readonly input = byId('inside-input', HTMLCanvasElement);
  private readonly caption = byId('inside-caption', HTMLElement);
  private readonly probs = byId('inside-probs', HTMLElement);
  private readonly stages = byId('stages', HTMLElement);
  private readonly filters = byId('filters', HTMLElement);
  private readonly linkTable = byId('link-table', HTMLElement);
  private readonly misclassifiedSummary = byId('misclassified-summary', HTMLElement);
  private readonly misclassifiedList = byId('misclassified-list', HTMLElement);
  private digits: DigitSplits | null = null;
  private drawing: Float32Array | null = null;
  /** The layout the stage and filter canvases were made for; they are reused while it holds. */
  private layout = '';

  constructor(private readonly client: WorkerClient) {
    this.index.addEventListener('change', () => this.showHeldOut(Number(this.index.value)));
    byId('btn-prev-digit', HTMLButtonElement).addEventListener('click', () => this.showHeldOut(Number(this.index.value) - 1));
    byId('btn-next-digit', HTMLButtonElement).addEventListener('click', () => this.showHeldOut(Number(this.index.value) + 1));
    byId('btn-random-digit', HTMLButtonElement).addEventListener('click', () =>
      this.showHeldOut(Math.floor(Math.random() * (this.digits?.heldOut.n ?? 1))),
    );
    this.fromHeldOut.addEventListener('change', () => this.showHeldOut(Number(this.index.value)));
    this.fromDrawing.addEventListener('change', () => this.inspectDrawing());
    client.on('inspection', (m) => this.draw(m.inspection));
    client.on('evaluation', (m) => this.listMisclassified(m.misclassified));
    client.on('error', (m) => {
      if (m.context === 'inspect') this.caption.textContent = m.message;
    });
  }

  /** The held-out digits, for the thumbnails of the misclassified ones. */
  setDigits(digits: DigitSplits): void {
    this.digits = digits;
    this.index.max = String(digits.heldOut.n - 1);
  }

  /** Inspects held-out digit `index` (wrapped into range). */
  showHeldOut(index: number): void {
    const n = this.digits?.heldOut.n ?? 2000;
    const i = Number.isInteger(index) ? ((index % n) + n) % n : 0;
    this.index.value = String(i);
    this.fromHeldOut.checked = true;
    this.client.send({ type: 'inspect', target: { kind: 'heldOut', index: i } });
  }

  /** The drawing changed: inspect it when the drawing is the input shown. */
  setDrawing(pixels: Float32Array | null): void {
    this.drawing = pixels;
    if (this.fromDrawing.checked) this.inspectDrawing();
  }

  /** Shows the drawing inside the network. */
  inspectDrawing(): void {
    this.fromDrawing.checked = true;
    if (this.drawing === null) {
      this.caption.textContent = 'Draw a digit first (panel 3).';
      return;
    }
    this.client.send({ type: 'inspect', target: { kind: 'drawing', pixels: this.drawing.slice() } });
  }

  private draw(ins: Inspection): void {
    drawGray(this.input, ins.input, 28, 28);
    const best = ins.probabilities.indexOf(Math.max(...ins.probabilities));
    const what = ins.target.kind === 'heldOut' ? `held-out digit ${ins.target.index}, a ${ins.target.label}` : 'your drawing';
    const verdict = ins.target.kind === 'heldOut' && best !== ins.target.label ? ' (wrong)' : '';
    this.caption.textContent = `${what}: predicted ${best}${verdict}, after ${ins.totalBatches} batches`;
    drawProbabilities(this.probs, ins.probabilities);
    const layout = JSON.stringify([ins.stages.map((s) => [s.name, s.shape]), ins.filters.map((f) => [f.name, f.shape, f.table])]);
    if (layout !== this.layout) {
      this.layout = layout;
      this.stages.replaceChildren(...ins.stages.map((s) => stageBlock(s)));
      this.filters.replaceChildren(...ins.filters.map((f) => filterBlock(f)));
      this.linkTable.replaceChildren(linkTableOf(ins.filters[1] ?? null));
    }
    ins.stages.forEach((s, k) => drawStage(this.stages.children[k], s));
    ins.filters.forEach((f, k) => drawFilters(this.filters.children[k], f));
  }

  private listMisclassified(list: Misclassified[]): void {
    const ds = this.digits?.heldOut;
    this.misclassifiedSummary.textContent = `Misclassified held-out digits: ${list.length}${list.length > MAX_THUMBS ? ` (the first ${MAX_THUMBS} shown)` : ''}`;
    if (ds === undefined) return;
    this.misclassifiedList.replaceChildren(
      ...list.slice(0, MAX_THUMBS).map((m) => {
        const button = h('button', 'thumb');
        button.type = 'button';
        button.setAttribute('aria-label', `held-out digit ${m.index}: a ${m.label}, predicted ${m.predicted}`);
        button.dataset.index = String(m.index);
        const canvas = h('canvas', 'pixelated');
        drawGray(canvas, ds.images.subarray(m.index * 784, (m.index + 1) * 784), 28, 28);
        button.append(canvas, h('span', '', `${m.label}→${m.predicted}`));
        button.addEventListener('click', () => this.showHeldOut(m.index));
        return button;
      }),
    );
  }
}

/** How a stage's output is laid out as pictures: C maps of H×W, or one picture of a vector's values in rows. */
function mapLayout(shape: number[]): { count: number; width: number; height: number } {
  if (shape.length === 3 && shape[1] * shape[2] > 1) return { count: shape[0], width: shape[2], height: shape[1] };
  const size = shape.reduce((a, b) => a * b, 1);
  const width = Math.min(size, 12);
  return { count: 1, width, height: Math.ceil(size / width) };
}

/** A stage's heading and canvases. */
function stageBlock(s: StageMaps): HTMLElement {
  const block = h('div', 'stage');
  block.dataset.stage = s.name;
  const { count, width, height } = mapLayout(s.shape);
  const dims = s.shape.length === 3 ? `${s.shape[0]}@${s.shape[1]}×${s.shape[2]}` : `${s.shape[0]}`;
  block.append(h('h4', '', `${s.name} · ${dims}`), h('p', 'layers', s.layers));
  const maps = h('div', 'maps');
  const px = Math.max(3, Math.min(8, Math.floor(84 / Math.max(width, height))));
  for (let c = 0; c < count; c++) {
    const canvas = h('canvas', 'pixelated map');
    canvas.width = width;
    canvas.height = height;
    canvas.style.width = `${width * px}px`;
    canvas.setAttribute('aria-label', `${s.name} map ${c}`);
    maps.append(canvas);
  }
  block.append(maps);
  return block;
}

/** Draws a stage's output into its block's canvases, on one colour scale for the stage. */
function drawStage(block: Element | undefined, s: StageMaps): void {
  if (block === undefined) return;
  const { width, height } = mapLayout(s.shape);
  const scale = maxAbs(s.data);
  const signed = hasNegative(s.data);
  const plane = width * height;
  const values = s.data.length < plane ? padTo(s.data, plane) : s.data;
  block.querySelectorAll('canvas').forEach((canvas, c) => drawSigned(canvas, values, width, height, scale, signed, c * plane));
}

/** `values` padded with zeros to `size` (a vector drawn in rows of 12). */
function padTo(values: Float32Array, size: number): Float32Array {
  const out = new Float32Array(size);
  out.set(values.subarray(0, size));
  return out;
}

/** A filter bank's heading and grid: a row per output map, a column per input map, a gap where the link table cuts the link. */
function filterBlock(f: FilterBank): HTMLElement {
  const [p, d, m] = f.shape;
  const block = h('div', 'filter-bank');
  block.dataset.bank = f.name;
  block.append(h('h4', '', `${f.name} filters · ${p}×${d} of ${m}×${m}${f.table === null ? '' : ', masked by the link table'}`));
  const grid = h('div', 'filter-grid');
  // one input map (C1): the filters in a row; several (C3): a row per output map
  grid.style.gridTemplateColumns = `repeat(${d === 1 ? p : d}, auto)`;
  const px = Math.max(4, Math.floor(40 / m));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < d; j++) {
      if (f.table !== null && f.table[i][j] === 0) {
        const gap = h('span', 'filter-gap');
        gap.style.width = `${m * px}px`;
        gap.style.height = `${m * px}px`;
        grid.append(gap);
        continue;
      }
      const canvas = h('canvas', 'pixelated filter');
      canvas.width = m;
      canvas.height = m;
      canvas.style.width = `${m * px}px`;
      canvas.dataset.out = String(i);
      canvas.dataset.in = String(j);
      canvas.setAttribute('aria-label', `${f.name} filter from input map ${j} to map ${i}`);
      grid.append(canvas);
    }
  }
  block.append(grid);
  return block;
}

/** Draws a bank's weights, on one colour scale for the bank. */
function drawFilters(block: Element | undefined, f: FilterBank): void {
  if (block === undefined) return;
  const m = f.shape[2];
  const scale = maxAbs(f.data);
  block.querySelectorAll('canvas').forEach((canvas) => {
    const i = Number(canvas.dataset.out);
    const j = Number(canvas.dataset.in);
    drawSigned(canvas, f.data, m, m, scale, true, (i * f.shape[1] + j) * m * m);
  });
}

/** C3's link table as a grid (a full one where the convolution has none). */
function linkTableOf(c3: FilterBank | null): HTMLElement {
  if (c3 === null) return h('p', 'hint', 'This model has no second convolution.');
  const [p, d] = c3.shape;
  const table = h('table', 'links');
  const caption = h(
    'caption',
    '',
    c3.table === null
      ? `Full: every one of ${c3.name}'s ${p} maps reads all ${d} input maps.`
      : `${c3.name}: ${c3.table.flat().filter((v) => v === 1).length} of ${p * d} links.`,
  );
  table.append(caption);
  const head = h('tr');
  head.append(h('th', '', ''));
  for (let j = 0; j < d; j++) {
    const th = h('th', '', String(j));
    th.scope = 'col';
    head.append(th);
  }
  table.append(head);
  for (let i = 0; i < p; i++) {
    const row = h('tr');
    const th = h('th', '', String(i));
    th.scope = 'row';
    row.append(th);
    for (let j = 0; j < d; j++) {
      const linked = c3.table === null || c3.table[i][j] === 1;
      const cell = h('td', linked ? 'on' : 'off', linked ? '●' : '');
      cell.setAttribute('aria-label', `map ${i} ${linked ? 'reads' : 'does not read'} input map ${j}`);
      row.append(cell);
    }
    table.append(row);
  }
  return table;
}
