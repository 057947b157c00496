/**
 * Panel 4, the convolution explorer (SPEC S1–S3, S8, S17–S19): choose n, m, s, the padding, d
 * and the mode; the input grid shows the window sliding (step or play), the output grid fills
 * with the values the library computes (in this page's own thread, on the `ref` backend: the
 * specification), and the formulas show the sizes with the numbers put in. A choice the library
 * refuses shows its error message.
 */
import { F, Generator, Tensor } from 'convnet-ts';
import { byId, h, numberValue } from './dom.js';
import {
  type ExplorerMode,
  type ExplorerParams,
  type PaddingKind,
  type SlideGrid,
  formulaOutputSize,
  formulas,
  hasDilation,
  libraryPadding,
  paddingKinds,
  resolvedPads,
  slideGrid,
  windowTaps,
} from './explorer-geometry.js';

const MODES: readonly ExplorerMode[] = ['xcorr', 'convolve', 'transposed', 'maxpool', 'avgpool'];
const PADDING_KINDS: readonly PaddingKind[] = ['narrow', 'wide', 'equal', 'number', 'asymmetric'];
/** The largest input and kernel the grids draw. */
const MAX_N = 12;
const MAX_M = 7;
const PLAY_MS = 600;

/** A number for a cell: integers as they are, others with two decimals. */
function formatValue(v: number): string {
  if (v === Number.NEGATIVE_INFINITY) return '−∞';
  const text = Number.isInteger(v) ? String(v) : v.toFixed(2);
  return text.replace('-', '−');
}

/** `(−2)` for negative terms of a sum, `3` otherwise. */
function term(v: number): string {
  return v < 0 ? `(${formatValue(v)})` : formatValue(v);
}

/** The kernel rotated by 180°: what slides in a true or transposed convolution. */
function rot180(w: number[], m: number): number[] {
  return w.map((_, k) => w[m * m - 1 - k]);
}

/** The library's result for the current choice. */
interface Output {
  rows: number;
  cols: number;
  values: Float32Array;
}

/** The explorer panel. */
export class ExplorerPanel {
  private readonly mode = byId('ex-mode', HTMLSelectElement);
  private readonly n = byId('ex-n', HTMLInputElement);
  private readonly m = byId('ex-m', HTMLInputElement);
  private readonly stride = byId('ex-stride', HTMLInputElement);
  private readonly dilation = byId('ex-dilation', HTMLInputElement);
  private readonly paddingKind = byId('ex-padding-kind', HTMLSelectElement);
  private readonly p = byId('ex-p', HTMLInputElement);
  private readonly pLabel = byId('ex-p-label', HTMLElement);
  private readonly pads = byId('ex-pads', HTMLFieldSetElement);
  private readonly padInputs = ['ex-pad-top', 'ex-pad-bottom', 'ex-pad-left', 'ex-pad-right'].map((id) => byId(id, HTMLInputElement));
  private readonly outputPadding = byId('ex-output-padding', HTMLInputElement);
  private readonly opLabel = byId('ex-op-label', HTMLElement);
  private readonly seed = byId('ex-seed', HTMLInputElement);
  private readonly formulaBox = byId('explorer-formulas', HTMLElement);
  private readonly size = byId('explorer-size', HTMLElement);
  private readonly error = byId('explorer-error', HTMLElement);
  private readonly sum = byId('explorer-sum', HTMLElement);
  private readonly inputGrid = byId('explorer-input', HTMLElement);
  private readonly inputCaption = byId('explorer-input-caption', HTMLElement);
  private readonly kernelGrid = byId('explorer-kernel', HTMLElement);
  private readonly kernelRotGrid = byId('explorer-kernel-rot', HTMLElement);
  private readonly kernelCaption = byId('explorer-kernel-caption', HTMLElement);
  private readonly kernelRotCaption = byId('explorer-kernel-rot-caption', HTMLElement);
  private readonly outputGrid = byId('explorer-output', HTMLElement);
  private readonly position = byId('ex-position', HTMLInputElement);
  private readonly playButton = byId('ex-play', HTMLButtonElement);
  private params: ExplorerParams | null = null;
  private x: number[] = [];
  private w: number[] = [];
  private grid: SlideGrid | null = null;
  private output: Output | null = null;
  private step = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private highlighted: HTMLElement[] = [];

  constructor() {
    byId('explorer-form', HTMLFormElement).addEventListener('input', () => this.update());
    byId('explorer-form', HTMLFormElement).addEventListener('submit', (e) => e.preventDefault());
    byId('ex-back', HTMLButtonElement).addEventListener('click', () => this.goTo(this.step - 1));
    byId('ex-step', HTMLButtonElement).addEventListener('click', () => this.goTo(this.step + 1));
    byId('ex-all', HTMLButtonElement).addEventListener('click', () => this.goTo(this.count() - 1));
    this.playButton.addEventListener('click', () => (this.timer === null ? this.play() : this.stop()));
    this.position.addEventListener('input', () => this.goTo(Number(this.position.value)));
    this.update();
  }

  /** The choice as entered (the mode's padding kinds and dilation enforced). */
  private read(): ExplorerParams {
    const mode = MODES.find((m) => m === this.mode.value) ?? 'xcorr';
    const kinds = paddingKinds(mode);
    for (const option of this.paddingKind.options) option.disabled = !kinds.some((k) => k === option.value);
    let kind = PADDING_KINDS.find((k) => k === this.paddingKind.value) ?? 'narrow';
    if (!kinds.includes(kind)) {
      kind = kinds.includes('number') && kind !== 'narrow' ? 'number' : kinds[0];
      this.paddingKind.value = kind;
    }
    this.dilation.disabled = !hasDilation(mode);
    this.pLabel.hidden = kind !== 'number';
    this.pads.hidden = kind !== 'asymmetric';
    this.opLabel.hidden = mode !== 'transposed';
    const [top, bottom, left, right] = this.padInputs.map(numberValue);
    return {
      mode,
      n: numberValue(this.n),
      m: numberValue(this.m),
      stride: numberValue(this.stride),
      dilation: hasDilation(mode) ? numberValue(this.dilation) : 1,
      paddingKind: kind,
      padding: numberValue(this.p),
      pads: [top, bottom, left, right],
      outputPadding: mode === 'transposed' ? numberValue(this.outputPadding) : 0,
    };
  }

  /** Recomputes everything for the current choice and goes back to the first output position. */
  update(): void {
    this.stop();
    const p = this.read();
    this.params = p;
    this.output = null;
    this.grid = null;
    this.showError(null);
    this.formulaBox.replaceChildren(
      ...formulas(p).map((f) => {
        const line = h('p', 'formula');
        line.append(h('span', 'formula-label', `${f.label}: `), h('code', '', f.formula), h('span', '', ' = '), h('code', '', f.value));
        return line;
      }),
    );
    if (!(Number.isInteger(p.n) && p.n >= 1 && p.n <= MAX_N) || !(Number.isInteger(p.m) && p.m >= 1 && p.m <= MAX_M)) {
      this.showError(`The explorer draws inputs of size n from 1 to ${MAX_N} and kernels of size m from 1 to ${MAX_M}.`);
      this.clearGrids();
      return;
    }
    const g = new Generator(Number.isInteger(numberValue(this.seed)) ? numberValue(this.seed) : 0);
    this.x = Array.from({ length: p.n * p.n }, () => g.randint(10));
    this.w = Array.from({ length: p.m * p.m }, () => g.randint(5) - 2);
    try {
      this.output = this.compute(p);
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
    }
    this.grid = this.output === null ? null : slideGrid(p);
    this.drawGrids(p);
    this.goTo(0);
  }

  /** The library's output for `p`: the op of the mode on the input and kernel drawn from the seed. */
  private compute(p: ExplorerParams): Output {
    const x = new Tensor(Float32Array.from(this.x), [1, 1, p.n, p.n]);
    const w = new Tensor(Float32Array.from(this.w), [1, 1, p.m, p.m]);
    const padding = libraryPadding(p);
    const convOptions = { stride: p.stride, padding, dilation: p.dilation };
    let y: Tensor;
    switch (p.mode) {
      case 'xcorr':
        y = F.conv2d(x, w, null, convOptions);
        break;
      case 'convolve':
        y = F.convolve2d(x, w, null, convOptions);
        break;
      case 'transposed':
        if (typeof padding === 'string') throw new Error(`a transposed convolution takes a numeric padding, not '${padding}'`);
        y = F.convTranspose2d(x, w, null, { stride: p.stride, padding, dilation: p.dilation, outputPadding: p.outputPadding });
        break;
      case 'maxpool':
        y = F.maxPool2d(x, { kernelSize: p.m, stride: p.stride, padding: resolvedPads(p)[0] });
        break;
      case 'avgpool':
        y = F.avgPool2d(x, { kernelSize: p.m, stride: p.stride, padding: resolvedPads(p)[0] });
        break;
    }
    const [, , rows, cols] = y.shape;
    return { rows, cols, values: Float32Array.from(y.data) };
  }

  /** Number of output positions. */
  private count(): number {
    return this.output === null ? 1 : Math.max(1, this.output.rows * this.output.cols);
  }

  private drawGrids(p: ExplorerParams): void {
    const out = this.output;
    const [fr, fc] = formulaOutputSize(p);
    if (out === null) {
      this.size.textContent = `Output: none (the formula gives ${fr} × ${fc})`;
      delete this.size.dataset.rows;
      delete this.size.dataset.cols;
    } else {
      this.size.textContent = `Output: ${out.rows} × ${out.cols}`;
      if (out.rows !== fr || out.cols !== fc) this.size.textContent += ` (the formula gives ${fr} × ${fc})`;
      this.size.dataset.rows = String(out.rows);
      this.size.dataset.cols = String(out.cols);
    }
    this.drawInputGrid(p);
    this.drawKernel(p);
    this.outputGrid.replaceChildren();
    if (out !== null) {
      setColumns(this.outputGrid, out.cols);
      for (let r = 0; r < out.rows; r++) {
        for (let c = 0; c < out.cols; c++) {
          const cell = h('div', 'cell out');
          cell.dataset.row = String(r);
          cell.dataset.col = String(c);
          this.outputGrid.append(cell);
        }
      }
    }
    this.position.max = String(this.count() - 1);
  }

  /** The grid the window slides over: padding, inserted zeros, removed rows marked. */
  private drawInputGrid(p: ExplorerParams): void {
    const grid = this.grid ?? slideGrid(p);
    this.inputGrid.replaceChildren();
    this.highlighted = [];
    const pool = p.mode === 'maxpool' || p.mode === 'avgpool';
    this.inputCaption.textContent =
      p.mode === 'transposed'
        ? `Input ${p.n}×${p.n}: s − 1 = ${p.stride - 1} zeros inserted between elements, m' − 1 around; crossed-out cells are removed by the padding`
        : `Input ${p.n}×${p.n}${pool ? `, padded with ${p.mode === 'maxpool' ? '−∞' : '0'}` : ', padded with zeros'}`;
    if (grid === null) {
      setColumns(this.inputGrid, p.n);
      this.x.forEach((v, k) => this.inputGrid.append(inputCell(v, Math.floor(k / p.n), k % p.n)));
      return;
    }
    setColumns(this.inputGrid, grid.cols);
    for (const cell of grid.cells) {
      if (cell.kind === 'input') {
        const el = inputCell(this.x[cell.i * p.n + cell.j], cell.i, cell.j);
        this.inputGrid.append(el);
      } else if (cell.kind === 'removed') {
        this.inputGrid.append(h('div', 'cell removed', ''));
      } else {
        this.inputGrid.append(h('div', `cell ${cell.kind}`, cell.kind === 'padding' && p.mode === 'maxpool' ? '−∞' : '0'));
      }
    }
  }

  private drawKernel(p: ExplorerParams): void {
    const pool = p.mode === 'maxpool' || p.mode === 'avgpool';
    this.kernelRotCaption.hidden = true;
    this.kernelGrid.replaceChildren();
    this.kernelRotGrid.replaceChildren();
    setColumns(this.kernelGrid, p.m);
    if (pool) {
      this.kernelCaption.textContent = `Window ${p.m}×${p.m}: ${p.mode === 'maxpool' ? 'the largest value' : 'the mean (padding counts as 0)'}`;
      for (let k = 0; k < p.m * p.m; k++) this.kernelGrid.append(h('div', 'cell window', '·'));
      return;
    }
    const flipped = p.mode !== 'xcorr';
    this.kernelCaption.textContent = flipped ? `Kernel w ${p.m}×${p.m}` : `Kernel w ${p.m}×${p.m}, which slides`;
    this.kernelRotCaption.hidden = !flipped;
    this.kernelRotCaption.textContent = 'rot180(w), which slides';
    for (const v of this.w) {
      const cell = h('div', 'cell kernel', formatValue(v));
      cell.dataset.value = String(v);
      this.kernelGrid.append(cell);
    }
    if (flipped) {
      setColumns(this.kernelRotGrid, p.m);
      for (const v of rot180(this.w, p.m)) this.kernelRotGrid.append(h('div', 'cell kernel rot', formatValue(v)));
    }
  }

  private clearGrids(): void {
    for (const g of [this.inputGrid, this.kernelGrid, this.kernelRotGrid, this.outputGrid]) g.replaceChildren();
    this.size.textContent = '';
    this.sum.textContent = '';
  }

  /** Moves the window to output position `k` (row-major), filling the outputs up to it. */
  private goTo(k: number): void {
    const count = this.count();
    this.step = Math.max(0, Math.min(count - 1, Number.isInteger(k) ? k : 0));
    this.position.value = String(this.step);
    const out = this.output;
    const p = this.params;
    for (const el of this.highlighted) el.classList.remove('tap', 'span');
    this.highlighted = [];
    if (out === null || p === null || out.rows * out.cols === 0) {
      this.sum.textContent = '';
      return;
    }
    this.outputGrid.querySelectorAll<HTMLElement>('.cell').forEach((cell, i) => {
      const shown = i <= this.step;
      cell.textContent = shown ? formatValue(out.values[i]) : '';
      if (shown) cell.dataset.value = String(out.values[i]);
      else delete cell.dataset.value;
      cell.classList.toggle('current', i === this.step);
    });
    const row = Math.floor(this.step / out.cols);
    const col = this.step % out.cols;
    const grid = this.grid;
    if (grid === null) return;
    const taps = windowTaps(grid, p.m, row, col);
    const cells = this.inputGrid.children;
    const [y0, x0] = taps[0];
    const [y1, x1] = taps[taps.length - 1];
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const el = cells[y * grid.cols + x];
        if (el instanceof HTMLElement) {
          el.classList.add('span');
          this.highlighted.push(el);
        }
      }
    }
    const values = taps.map(([y, x]) => {
      const el = cells[y * grid.cols + x];
      if (el instanceof HTMLElement) el.classList.add('tap');
      const cell = grid.cells[y * grid.cols + x];
      if (cell === undefined) return 0;
      if (cell.kind === 'input') return this.x[cell.i * p.n + cell.j];
      return cell.kind === 'padding' && p.mode === 'maxpool' ? Number.NEGATIVE_INFINITY : 0;
    });
    this.sum.textContent = `y[${row}, ${col}] = ${this.explain(p, values)} = ${formatValue(out.values[this.step])}`;
  }

  /** The computation of one output from the values under the window, written out. */
  private explain(p: ExplorerParams, values: number[]): string {
    if (p.mode === 'maxpool') return `max(${values.map(formatValue).join(', ')})`;
    if (p.mode === 'avgpool') return `(${values.map(formatValue).join(' + ')})/${values.length}`;
    const kernel = p.mode === 'xcorr' ? this.w : rot180(this.w, p.m);
    return values.map((v, k) => `${term(kernel[k])}·${term(v)}`).join(' + ');
  }

  private play(): void {
    if (this.step >= this.count() - 1) this.goTo(0);
    this.playButton.textContent = 'Pause';
    this.playButton.setAttribute('aria-pressed', 'true');
    this.timer = setInterval(() => {
      if (this.step >= this.count() - 1) this.stop();
      else this.goTo(this.step + 1);
    }, PLAY_MS);
  }

  private stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.playButton.textContent = 'Play';
    this.playButton.setAttribute('aria-pressed', 'false');
  }

  private showError(message: string | null): void {
    this.error.hidden = message === null;
    this.error.textContent = message ?? '';
  }
}

/** An input cell: its value, and its place in the input. */
function inputCell(v: number, i: number, j: number): HTMLElement {
  const cell = h('div', 'cell input', formatValue(v));
  cell.dataset.i = String(i);
  cell.dataset.j = String(j);
  cell.dataset.value = String(v);
  return cell;
}

/** Lays a grid element out in `cols` columns, with smaller cells for wide grids. */
function setColumns(el: HTMLElement, cols: number): void {
  el.style.gridTemplateColumns = `repeat(${cols}, var(--cell))`;
  el.style.setProperty('--cell', `${cols > 24 ? 16 : cols > 14 ? 22 : 30}px`);
}
