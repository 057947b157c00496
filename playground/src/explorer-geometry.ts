/**
 * The convolution explorer's geometry (SPEC S1–S3, S8, S17–S19), for one square input `n × n`,
 * a square kernel `m × m`, stride `s`, dilation `d` and paddings: the grid the window slides over,
 * the cells each output reads, and the output-size formulas with the numbers put in. The output
 * values themselves come from the library (F.conv2d, F.convolve2d, F.convTranspose2d,
 * F.maxPool2d, F.avgPool2d); this only explains them. No imports: the page and the tests use it.
 */

/** What the explorer computes. */
export type ExplorerMode = 'xcorr' | 'convolve' | 'transposed' | 'maxpool' | 'avgpool';

/** How the padding is given: by name (S3), one number for every side, or each side. */
export type PaddingKind = 'narrow' | 'wide' | 'equal' | 'number' | 'asymmetric';

/** The explorer's choices. */
export interface ExplorerParams {
  mode: ExplorerMode;
  /** Input size n (the input is n × n). */
  n: number;
  /** Kernel (or pooling window) size m. */
  m: number;
  stride: number;
  dilation: number;
  paddingKind: PaddingKind;
  /** The padding p of kind 'number'. */
  padding: number;
  /** `[top, bottom, left, right]` of kind 'asymmetric'. */
  pads: [number, number, number, number];
  /** Transposed only: extra rows and columns at the bottom and right. */
  outputPadding: number;
}

/** The padding kinds each mode takes (the library's options: pooling pads symmetrically, a transposed convolution by numbers). */
export function paddingKinds(mode: ExplorerMode): PaddingKind[] {
  if (mode === 'transposed') return ['number', 'asymmetric'];
  if (mode === 'maxpool' || mode === 'avgpool') return ['narrow', 'number'];
  return ['narrow', 'wide', 'equal', 'number', 'asymmetric'];
}

/** Whether the mode takes a dilation (pooling does not, in the library). */
export function hasDilation(mode: ExplorerMode): boolean {
  return mode !== 'maxpool' && mode !== 'avgpool';
}

/** The effective kernel size `m' = m + (m − 1)(d − 1)` (S19). */
export function effectiveKernel(m: number, d: number): number {
  return m + (m - 1) * (d - 1);
}

/**
 * The paddings `[top, bottom, left, right]` the choice stands for: narrow 0, wide `m' − 1`,
 * equal-width `(m' − 1)/2` (a fraction when `m'` is even: the library refuses it), or the numbers given.
 */
export function resolvedPads(p: ExplorerParams): [number, number, number, number] {
  const e = effectiveKernel(p.m, hasDilation(p.mode) ? p.dilation : 1) - 1;
  switch (p.paddingKind) {
    case 'narrow':
      return [0, 0, 0, 0];
    case 'wide':
      return [e, e, e, e];
    case 'equal':
      return [e / 2, e / 2, e / 2, e / 2];
    case 'number':
      return [p.padding, p.padding, p.padding, p.padding];
    case 'asymmetric':
      return [...p.pads];
  }
}

/** The `padding` option given to the library: a name, a number, or `[top, bottom, left, right]`. */
export function libraryPadding(p: ExplorerParams): 'narrow' | 'wide' | 'equal' | number | [number, number, number, number] {
  if (p.paddingKind === 'number') return p.padding;
  if (p.paddingKind === 'asymmetric') return [...p.pads];
  return p.paddingKind;
}

/** The output size `[rows, cols]` by the formulas (see `formulas`), before the library checks the choice. */
export function formulaOutputSize(p: ExplorerParams): [number, number] {
  const [t, b, l, r] = resolvedPads(p);
  const d = hasDilation(p.mode) ? p.dilation : 1;
  const mEff = effectiveKernel(p.m, d);
  if (p.mode === 'transposed') {
    const size = (before: number, after: number): number => p.stride * (p.n - 1) + mEff - before - after + p.outputPadding;
    return [size(t, b), size(l, r)];
  }
  const size = (before: number, after: number): number => Math.floor((p.n - mEff + before + after) / p.stride) + 1;
  return [size(t, b), size(l, r)];
}

/** One line of the formula box: what it is, the formula, and the formula with the numbers put in. */
export interface FormulaLine {
  label: string;
  formula: string;
  value: string;
}

const sub = (a: number): string => (a < 0 ? `(${a})` : String(a));

/** The formulas of the current choice with the numbers put in (S3, S8, S17–S19). */
export function formulas(p: ExplorerParams): FormulaLine[] {
  const { n, m, stride: s } = p;
  const d = hasDilation(p.mode) ? p.dilation : 1;
  const mEff = effectiveKernel(m, d);
  const [t, b, l, r] = resolvedPads(p);
  const [rows, cols] = formulaOutputSize(p);
  const lines: FormulaLine[] = [];
  if (hasDilation(p.mode)) {
    lines.push({ label: 'effective kernel (S19)', formula: "m' = m + (m − 1)(d − 1)", value: `${m} + ${m - 1}·${d - 1} = ${mEff}` });
  }
  if (p.paddingKind === 'wide') lines.push({ label: 'wide padding (S3)', formula: "p = m' − 1", value: `${mEff} − 1 = ${t}` });
  if (p.paddingKind === 'equal')
    lines.push({ label: 'equal-width padding (S3)', formula: "p = (m' − 1)/2", value: `(${mEff} − 1)/2 = ${t}` });
  if (p.paddingKind === 'narrow') lines.push({ label: 'narrow padding (S3)', formula: 'p = 0', value: '0' });
  const symmetric = t === b && l === r && t === l;
  if (p.mode === 'transposed') {
    if (symmetric) {
      lines.push({
        label: 'output size (S17, S18)',
        formula: "n_out = s·(n − 1) + m' − 2p + outputPadding",
        value: `${s}·(${n} − 1) + ${mEff} − 2·${t} + ${p.outputPadding} = ${rows}`,
      });
    } else {
      for (const [name, before, after, size] of [
        ['H_out', t, b, rows],
        ['W_out', l, r, cols],
      ] as const) {
        lines.push({
          label: `output ${name === 'H_out' ? 'height' : 'width'} (S17, S18)`,
          formula: `${name} = s·(n − 1) + m' − p_${name === 'H_out' ? 'top' : 'left'} − p_${name === 'H_out' ? 'bottom' : 'right'} + outputPadding`,
          value: `${s}·(${n} − 1) + ${mEff} − ${before} − ${after} + ${p.outputPadding} = ${size}`,
        });
      }
    }
    const e = mEff - 1;
    lines.push({
      label: 'as a convolution (S18)',
      formula: "s − 1 zeros between inputs, then m' − 1 zeros around, p removed from each side",
      value: `${s - 1} zero${s === 2 ? '' : 's'} between, ${e} around${p.outputPadding > 0 ? ` (+${p.outputPadding} at the end)` : ''}: grid ${s * (n - 1) + 1 + 2 * e + p.outputPadding}, window rot180(w) at stride 1`,
    });
    return lines;
  }
  const kernelName = p.mode === 'maxpool' || p.mode === 'avgpool' ? 'm' : "m'";
  if (symmetric) {
    const span = n - mEff + 2 * t;
    lines.push({
      label: `output size (${p.mode.endsWith('pool') ? 'S8' : 'S3'})`,
      formula: `n_out = (n − ${kernelName} + 2p)/s + 1`,
      value: `⌊(${n} − ${mEff} + 2·${t})/${s}⌋ + 1 = ⌊${span}/${s}⌋ + 1 = ${rows}`,
    });
  } else {
    for (const [name, before, after, size] of [
      ['H_out', t, b, rows],
      ['W_out', l, r, cols],
    ] as const) {
      const [pa, pb] = name === 'H_out' ? ['p_top', 'p_bottom'] : ['p_left', 'p_right'];
      lines.push({
        label: `output ${name === 'H_out' ? 'height' : 'width'} (S3)`,
        formula: `${name} = (n − ${kernelName} + ${pa} + ${pb})/s + 1`,
        value: `⌊(${n} − ${mEff} + ${sub(before)} + ${sub(after)})/${s}⌋ + 1 = ${size}`,
      });
    }
  }
  return lines;
}

/** What a cell of the grid the window slides over holds. */
export type CellKind = 'input' | 'padding' | 'inserted' | 'removed';

/** One cell of that grid: its kind, and for an input cell its position `(i, j)` in the input. */
export interface GridCell {
  kind: CellKind;
  i: number;
  j: number;
}

/** The grid the window slides over, and where output `(row, col)`'s window starts in it. */
export interface SlideGrid {
  rows: number;
  cols: number;
  cells: GridCell[];
  /** The top-left grid cell of output (row, col)'s window. */
  origin(row: number, col: number): [number, number];
  /** The spacing of the window's taps (the dilation). */
  tap: number;
}

/**
 * The grid the explorer draws: for a convolution or pooling, the input with its padding around;
 * for a transposed convolution, the input with `s − 1` zeros inserted between elements and
 * `m' − 1` around (plus `outputPadding` at the end), of which the `p` outermost rows and columns
 * on each side are removed — the convolution with rot180(w) at stride 1 that equals it (S18).
 * Fractional or negative paddings (refused by the library) give no grid: null.
 */
export function slideGrid(p: ExplorerParams): SlideGrid | null {
  const [t, b, l, r] = resolvedPads(p);
  if (![t, b, l, r].every((v) => Number.isInteger(v) && v >= 0)) return null;
  const { n, stride: s } = p;
  if (p.mode === 'transposed') {
    const e = effectiveKernel(p.m, p.dilation) - 1;
    const span = s * (n - 1) + 1;
    const rows = span + 2 * e + p.outputPadding;
    const cells: GridCell[] = [];
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < rows; x++) {
        const [yi, xi] = [y - e, x - e];
        const inside = yi >= 0 && yi < span && xi >= 0 && xi < span;
        const removed = y < t || y >= rows - b || x < l || x >= rows - r;
        if (inside && yi % s === 0 && xi % s === 0) cells.push({ kind: removed ? 'removed' : 'input', i: yi / s, j: xi / s });
        else cells.push({ kind: removed ? 'removed' : inside ? 'inserted' : 'padding', i: -1, j: -1 });
      }
    }
    return { rows, cols: rows, cells, origin: (row, col) => [t + row, l + col], tap: p.dilation };
  }
  const rows = n + t + b;
  const cols = n + l + r;
  const cells: GridCell[] = [];
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const [i, j] = [y - t, x - l];
      cells.push(i >= 0 && i < n && j >= 0 && j < n ? { kind: 'input', i, j } : { kind: 'padding', i: -1, j: -1 });
    }
  }
  return { rows, cols, cells, origin: (row, col) => [row * s, col * s], tap: hasDilation(p.mode) ? p.dilation : 1 };
}

/** The grid cells `[y, x]` that output `(row, col)` reads, one per kernel tap `(u, v)` in row-major order. */
export function windowTaps(grid: SlideGrid, m: number, row: number, col: number): [number, number][] {
  const [y0, x0] = grid.origin(row, col);
  const taps: [number, number][] = [];
  for (let u = 0; u < m; u++) for (let v = 0; v < m; v++) taps.push([y0 + u * grid.tap, x0 + v * grid.tap]);
  return taps;
}
