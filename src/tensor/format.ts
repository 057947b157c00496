/**
 * A tensor's values as text, the way PyTorch prints them:
 *
 *     tensor([[ 0.1234, -1.5000],
 *             [ 2.0000,  3.2500]], requiresGrad=true)
 *
 * Every element in one format chosen from all of them (PyTorch's rules): integers as `3.` when
 * every finite float is whole, fixed-point with `precision` decimals, or scientific notation when
 * the magnitudes span more than 1000× or leave that range (> 1e8 or < 1e−4); right-aligned to a
 * common width. Past `threshold` elements only the first and last `edgeItems` along every axis
 * are shown, with `…` between. Rows wider than `lineWidth` wrap. A suffix names what the values do
 * not show: the shape of a summarized or empty tensor, a dtype other than float32, and whether the
 * tensor requires gradients (`requiresGrad=true`) or how it was computed (`gradFn=<mul>`).
 */
import type { TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** How tensors print (PyTorch's `torch.set_printoptions`, same defaults). */
export interface PrintOptions {
  /** Decimals of fixed-point and scientific numbers (default 4). */
  precision: number;
  /** Above this many elements, print a summary (default 1000). */
  threshold: number;
  /** Elements shown at each end of an axis in a summary (default 3). */
  edgeItems: number;
  /** Characters per line before a row wraps (default 80). */
  lineWidth: number;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 1000, edgeItems: 3, lineWidth: 80 };
const printOptions: PrintOptions = { ...DEFAULTS };

/** Changes how tensors print, as `torch.set_printoptions`; options left out keep their value, `reset` the defaults. */
export function setPrintOptions(options: Partial<PrintOptions> & { reset?: boolean }): void {
  const { reset, ...rest } = options;
  if (reset) Object.assign(printOptions, DEFAULTS);
  for (const [key, value] of Object.entries(rest)) {
    if (!(key in DEFAULTS)) throw new Error(`setPrintOptions: unknown option '${key}' (known: ${Object.keys(DEFAULTS).join(', ')})`);
    if (!Number.isInteger(value) || (value as number) < 0) {
      throw new Error(`setPrintOptions: ${key} must be an integer >= 0, got ${String(value)}`);
    }
    printOptions[key as keyof PrintOptions] = value as number;
  }
}

/** What `formatTensor` needs of a tensor. */
export interface Printable {
  data: TypedArray;
  shape: Shape;
  dtype: string;
  requiresGrad: boolean;
  gradFn: { name: string } | null;
}

/** Formats one number in the chosen mode. */
type Formatter = (v: number) => string;

/**
 * The exact decimal expansion of a finite `x ≠ 0`, as `|x| = 0.d₁d₂… × 10^point` (a double is
 * `m·2^e`; for e < 0 that is `m·5^−e / 10^−e`, whose digits BigInt gives exactly).
 */
function exactDigits(x: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const m = biased === 0 ? fraction : fraction | (1n << 52n);
  const e = biased === 0 ? -1074 : biased - 1075;
  if (e >= 0) {
    const digits = (m << BigInt(e)).toString();
    return { digits, point: digits.length };
  }
  const digits = (m * 5n ** BigInt(-e)).toString();
  return { digits, point: digits.length + e };
}

/**
 * The first `keep` digits of `digits` rounded half to even on what follows (as C's printf and
 * Python's format do; JavaScript's toFixed and toExponential round ties away from zero), and
 * whether the rounding carried into a new leading digit (`kept` is then one digit longer).
 */
function roundDigits(digits: string, keep: number): { kept: string; carried: boolean } {
  if (keep <= 0) {
    // everything is cut: rounds to 1 at the first kept position only past half
    const up = keep === 0 && (digits[0] > '5' || (digits[0] === '5' && /[1-9]/.test(digits.slice(1))));
    return { kept: up ? '1' : '', carried: up };
  }
  if (keep >= digits.length) return { kept: digits.padEnd(keep, '0'), carried: false };
  const head = digits.slice(0, keep);
  const next = digits[keep];
  const rest = digits.slice(keep + 1);
  const odd = Number(head[head.length - 1]) % 2 === 1;
  const up = next > '5' || (next === '5' && (/[1-9]/.test(rest) || odd));
  if (!up) return { kept: head, carried: false };
  const kept = (BigInt(head) + 1n).toString().padStart(keep, '0');
  return { kept, carried: kept.length > keep };
}

/** `v` with `precision` decimals, ties to even, as C's `%.4f`. */
function fixed(v: number, precision: number): string {
  if (v === 0) return (0).toFixed(precision);
  const { digits, point } = exactDigits(v);
  // the digits kept: those before the point and `precision` after it
  const { kept } = roundDigits(digits, point + precision);
  const all = kept.padStart(precision + 1, '0');
  const int = all.slice(0, all.length - precision);
  const text = precision > 0 ? `${int}.${all.slice(all.length - precision)}` : int;
  return v < 0 ? `-${text}` : text;
}

/** `v` in scientific notation, ties to even, with a two-digit exponent at least, as C's `%.4e`: `1.0000e-05`. */
function scientific(v: number, precision: number): string {
  let mantissa: string;
  let exponent: number;
  if (v === 0) {
    mantissa = '0'.repeat(precision + 1);
    exponent = 0;
  } else {
    const { digits, point } = exactDigits(v);
    const { kept, carried } = roundDigits(digits, precision + 1);
    mantissa = kept.slice(0, precision + 1);
    exponent = point - 1 + (carried ? 1 : 0);
  }
  const body = precision > 0 ? `${mantissa[0]}.${mantissa.slice(1)}` : mantissa;
  const exp = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${v < 0 ? '-' : ''}${body}e${exp}`;
}

/** PyTorch's choice of number format for a set of values (see the file comment). */
function chooseFormatter(values: number[], floating: boolean, precision: number): Formatter {
  if (!floating) return (v) => String(v);
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  // JavaScript drops the sign of −0 in toFixed and toExponential; PyTorch prints it
  const signed = (v: number, text: string): string => (Object.is(v, -0) ? `-${text}` : text);
  const finite = values.filter((v) => Number.isFinite(v));
  const magnitudes = finite.map(Math.abs).filter((v) => v !== 0);
  const wholeNumbers = finite.every((v) => Number.isInteger(v));
  const max = magnitudes.length > 0 ? Math.max(...magnitudes) : 0;
  const min = magnitudes.length > 0 ? Math.min(...magnitudes) : 0;
  if (wholeNumbers) {
    if (max / min > 1000 || max > 1e8) return (v) => special(v) ?? signed(v, scientific(v, precision));
    return (v) => special(v) ?? signed(v, `${v.toFixed(0)}.`);
  }
  if (max / min > 1000 || max > 1e8 || min < 1e-4) return (v) => special(v) ?? signed(v, scientific(v, precision));
  return (v) => special(v) ?? signed(v, fixed(v, precision));
}

/** The indices shown along an axis of `size`: all, or the first and last `edge` with a gap (−1). */
function shownIndices(size: number, summarize: boolean, edge: number): number[] {
  if (!summarize || size <= 2 * edge) return Array.from({ length: size }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), -1, ...Array.from({ length: edge }, (_, i) => size - edge + i)];
}

/** The values printed (for choosing the format): all, or the summary's. */
function printedValues(t: Printable, summarize: boolean, edge: number): number[] {
  const out: number[] = [];
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const walk = (dim: number, offset: number): void => {
    if (dim === t.shape.length) {
      out.push(t.data[offset]);
      return;
    }
    for (const i of shownIndices(t.shape[dim], summarize, edge)) if (i >= 0) walk(dim + 1, offset + i * strides[dim]);
  };
  walk(0, 0);
  return out;
}

/** The values of `t` as PyTorch's nested brackets, continuation lines indented by `indent`. */
function formatValues(t: Printable, options: PrintOptions, indent: number): string {
  const summarize = t.data.length > options.threshold;
  const edge = options.edgeItems;
  const values = printedValues(t, summarize, edge);
  const format = chooseFormatter(values, t.dtype !== 'int32', options.precision);
  // PyTorch's column width: the widest nonzero finite value (zeros, nan and inf are padded to it)
  const measured = t.dtype === 'int32' ? values : values.filter((v) => v !== 0 && Number.isFinite(v));
  const width = Math.max(1, ...measured.map((v) => format(v).length));
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const ndim = t.shape.length;
  const walk = (dim: number, offset: number, pad: number): string => {
    if (ndim === 0) return format(t.data[0]);
    const indices = shownIndices(t.shape[dim], summarize, edge);
    if (dim === ndim - 1) {
      const items = indices.map((i) => (i < 0 ? ' …' : format(t.data[offset + i]).padStart(width)));
      // wrap rows wider than the line: as many items per line as fit
      const perLine = Math.max(1, Math.floor((options.lineWidth - pad) / (width + 2)));
      const lines: string[] = [];
      for (let k = 0; k < items.length; k += perLine) lines.push(items.slice(k, k + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(pad + 1)}`)}]`;
    }
    const parts = indices.map((i) => (i < 0 ? '…' : walk(dim + 1, offset + i * strides[dim], pad + 1)));
    // sub-blocks separated by one newline per axis below this one (blank lines between matrices)
    return `[${parts.join(`,${'\n'.repeat(ndim - dim - 1)}${' '.repeat(pad + 1)}`)}]`;
  };
  return walk(0, 0, indent);
}

/** `t` as PyTorch prints it (see the file comment). */
export function formatTensor(t: Printable): string {
  const options = printOptions;
  const prefix = 'tensor(';
  const suffix: string[] = [];
  const summarize = t.data.length > options.threshold;
  if (summarize || t.data.length === 0) suffix.push(`shape=[${t.shape.join(', ')}]`);
  if (t.dtype !== 'float32') suffix.push(`dtype=${t.dtype}`);
  if (t.gradFn !== null) suffix.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffix.push('requiresGrad=true');
  const values = t.data.length === 0 ? '[]' : formatValues(t, options, prefix.length);
  return `${prefix}${[values, ...suffix].join(', ')})`;
}
