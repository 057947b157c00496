/**
 * The geometry of every convolution, computed once from the operands' shapes and the options and
 * consumed by every op and backend (SPEC S3, S17–S19): paddings resolved to four numbers
 * (named ones included), strides, dilations, groups and the output size. All convolutions are
 * carried out as 2-D ones: a 1-D convolution is a 2-D one over a height-1 input. Output sizes
 * follow the formulas of `output-size.ts`.
 */
import { type Shape, shapeStr } from '../tensor/shape.js';
import { type Size2d, checkNonNegativeInt, checkPositiveInt, pair } from './options.js';
import { convOutputSize, convTransposeOutputSize } from './output-size.js';

/** Padding names of SPEC S3. `valid`=`narrow` (p = 0), `same`=`equal` (output = input), `full`=`wide` (p = m' − 1). */
export type PaddingName = 'valid' | 'narrow' | 'same' | 'equal' | 'full' | 'wide';

/** A 2-D padding: one number for all sides, `[ph, pw]`, `[top, bottom, left, right]`, or a name. */
export type Padding2d = number | readonly [number, number] | readonly [number, number, number, number] | PaddingName;

/** A 1-D padding: one number for both sides, `[left, right]`, or a name. */
export type Padding1d = number | readonly [number] | readonly [number, number] | PaddingName;

/** Options of `conv2d` and `convolve2d`. */
export interface Conv2dOptions {
  /** Step between output positions, `s` (default 1). */
  stride?: Size2d;
  /** Zero padding (default 0, the narrow convolution). */
  padding?: Padding2d;
  /** Spacing between kernel taps, `d` (default 1; `d − 1` holes). */
  dilation?: Size2d;
  /** Input and output channels are split into this many independent groups (default 1). */
  groups?: number;
}

/** Options of `conv1d` and `convolve1d`. */
export interface Conv1dOptions {
  stride?: number | readonly [number];
  padding?: Padding1d;
  dilation?: number | readonly [number];
  groups?: number;
}

/** Options of `convTranspose2d`. */
export interface ConvTranspose2dOptions {
  stride?: Size2d;
  /** Removes `padding` rows/columns from each side of the full transposed output (default 0). */
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Extra rows/columns added at the bottom/right (default 0); must be < stride or < dilation. */
  outputPadding?: Size2d;
  dilation?: Size2d;
  groups?: number;
}

/** Options of `convTranspose1d`. */
export interface ConvTranspose1dOptions {
  stride?: number | readonly [number];
  padding?: number | readonly [number] | readonly [number, number];
  outputPadding?: number | readonly [number];
  dilation?: number | readonly [number];
  groups?: number;
}

/**
 * Everything a backend needs to run one 2-D convolution `Y = W ⊗ X`:
 * input `[n, cIn, h, w]`, weight `[cOut, cIn/groups, kh, kw]`, output `[n, cOut, hOut, wOut]`.
 * For a transposed convolution this describes the forward convolution it is the transpose of
 * (its input is the transposed conv's output).
 */
export interface ConvGeometry {
  n: number;
  cIn: number;
  h: number;
  w: number;
  cOut: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  groups: number;
  hOut: number;
  wOut: number;
}

/** Formats spatial sizes for messages: `5x5` in 2-D, `5` in 1-D. */
function dims(spatial: 1 | 2, h: number, w: number): string {
  return spatial === 1 ? `${w}` : `${h}x${w}`;
}

type Pads = [number, number, number, number];

/** Numeric paddings `[top, bottom, left, right]` from a padding option. */
function numericPadding(op: string, padding: number | readonly number[], spatial: 1 | 2): Pads {
  let pads: Pads;
  if (typeof padding === 'number') pads = spatial === 1 ? [0, 0, padding, padding] : [padding, padding, padding, padding];
  else if (spatial === 1 && padding.length === 1) pads = [0, 0, padding[0], padding[0]];
  else if (spatial === 1 && padding.length === 2) pads = [0, 0, padding[0], padding[1]];
  else if (spatial === 2 && padding.length === 2) pads = [padding[0], padding[0], padding[1], padding[1]];
  else if (spatial === 2 && padding.length === 4) pads = [padding[0], padding[1], padding[2], padding[3]];
  else {
    const forms = spatial === 1 ? 'a number, [p] or [left, right]' : 'a number, [ph, pw] or [top, bottom, left, right]';
    throw new Error(`${op}: padding must be ${forms} or a name, got ${JSON.stringify(padding)}`);
  }
  for (const p of pads) checkNonNegativeInt(op, 'padding', p);
  return pads;
}

const PADDING_NAMES: readonly string[] = ['valid', 'narrow', 'same', 'equal', 'full', 'wide'];

/**
 * Paddings `[top, bottom, left, right]` for a named padding (S3), given kernel, dilation and stride.
 * `same`/`equal` needs stride 1 and an odd effective kernel (so that it is symmetric).
 */
function namedPadding(
  op: string,
  name: string,
  kh: number,
  kw: number,
  dh: number,
  dw: number,
  sh: number,
  sw: number,
  spatial: 1 | 2,
): Pads {
  const eh = dh * (kh - 1);
  const ew = dw * (kw - 1);
  switch (name) {
    case 'valid':
    case 'narrow':
      return [0, 0, 0, 0];
    case 'full':
    case 'wide':
      return [eh, eh, ew, ew];
    case 'same':
    case 'equal': {
      if (sh !== 1 || sw !== 1) {
        throw new Error(`${op}: padding '${name}' needs stride 1, got stride ${dims(spatial, sh, sw)}`);
      }
      if (eh % 2 !== 0 || ew % 2 !== 0) {
        throw new Error(
          `${op}: padding '${name}' cannot be symmetric for kernel ${dims(spatial, kh, kw)} ` +
            `(dilation ${dims(spatial, dh, dw)}): the effective kernel size must be odd`,
        );
      }
      return [eh / 2, eh / 2, ew / 2, ew / 2];
    }
    default:
      throw new Error(`${op}: unknown padding '${name}' (expected one of ${PADDING_NAMES.join(', ')})`);
  }
}

/** `1 input channel`, `3 input channels`. */
function channels(n: number): string {
  return `${n} input channel${n === 1 ? '' : 's'}`;
}

/**
 * Why an input of shape `x` may have the wrong number of channels (`expected`), as advice: a
 * channels-last input (`(N, H, W, C)`, `(H, W, C)`) and how to permute it, or (unbatched) a batch of
 * one-channel images that lacks its channel axis; empty when neither fits.
 */
export function layoutHint(x: Shape, expected: number, unbatched: boolean): string {
  const rank = x.length;
  const first = unbatched ? 0 : 1;
  if (x[rank - 1] === expected && x[first] !== expected && rank - first >= 2) {
    const order = unbatched
      ? [rank - 1, ...x.slice(0, rank - 1).map((_, i) => i)]
      : [0, rank - 1, ...x.slice(1, rank - 1).map((_, i) => i + 1)];
    const layout = rank - first === 3 ? '(H, W, C)' : '(L, C)';
    return (
      `: it looks channels-last ${unbatched ? layout : `(N, ${layout.slice(1)}`}, but convolutions take the channels first ` +
      `(${unbatched ? '' : 'N, '}C, ${rank - first === 3 ? 'H, W' : 'L'}): use x.permute(${order.join(', ')})`
    );
  }
  if (unbatched && expected === 1) {
    const batched = [x[0], 1, ...x.slice(1)];
    return (
      `: it looks like a batch of ${x[0]} images without the channel axis; add it with x.unsqueeze(1) (giving ${shapeStr(batched)}), ` +
      `as convolutions take (N, C, ${rank === 3 ? 'H, W' : 'L'}), or (C, ${rank === 3 ? 'H, W' : 'L'}) for one input`
    );
  }
  return '';
}

/**
 * Checks the channels of an unbatched convolution input (`(C, H, W)` or `(C, L)`) before a batch
 * axis is added, so that the message shows the shape the caller gave (and the likely fix).
 */
export function checkUnbatchedChannels(op: string, x: Shape, wt: Shape, groups: number, spatial: 1 | 2, transposed: boolean): void {
  if (x.length !== spatial + 1 || wt.length !== spatial + 2) return;
  const expected = transposed ? wt[0] : wt[1] * groups;
  if (!Number.isInteger(expected) || x[0] === expected) return;
  const weight = transposed ? `weight ${shapeStr(wt)}` : `weight ${shapeStr(wt)} with groups ${groups}`;
  throw new Error(`${op}: ${weight} expects ${channels(expected)}, but input ${shapeStr(x)} has ${x[0]}${layoutHint(x, expected, true)}`);
}

/** Checks rank and channel agreement of a convolution's operands. */
function checkConvOperands(op: string, x: Shape, wt: Shape, spatial: 1 | 2, groups: number, transposed: boolean): void {
  const rank = spatial + 2;
  const layout = spatial === 1 ? '(N, C, L)' : '(N, C, H, W)';
  if (x.length !== rank) throw new Error(`${op}: input must have rank ${rank} ${layout}, got shape ${shapeStr(x)}`);
  if (wt.length !== rank) {
    const wl = transposed
      ? spatial === 1
        ? '(Cin, Cout/groups, m)'
        : '(Cin, Cout/groups, m, n)'
      : spatial === 1
        ? '(Cout, Cin/groups, m)'
        : '(Cout, Cin/groups, m, n)';
    throw new Error(`${op}: weight must have rank ${rank} ${wl}, got shape ${shapeStr(wt)}`);
  }
  checkPositiveInt(op, 'groups', groups);
  const cIn = x[1];
  if (cIn % groups !== 0) throw new Error(`${op}: input channels ${cIn} are not divisible by groups ${groups}`);
  if (transposed) {
    if (wt[0] !== cIn) {
      throw new Error(
        `${op}: weight ${shapeStr(wt)} expects ${channels(wt[0])}, but input ${shapeStr(x)} has ${cIn}${layoutHint(x, wt[0], false)}`,
      );
    }
  } else {
    if (wt[0] % groups !== 0)
      throw new Error(`${op}: output channels ${wt[0]} (weight ${shapeStr(wt)}) are not divisible by groups ${groups}`);
    if (wt[1] * groups !== cIn) {
      throw new Error(
        `${op}: weight ${shapeStr(wt)} with groups ${groups} expects ${channels(wt[1] * groups)}, ` +
          `but input ${shapeStr(x)} has ${cIn}${layoutHint(x, wt[1] * groups, false)}`,
      );
    }
  }
  for (let i = 2; i < rank; i++) {
    if (wt[i] < 1) throw new Error(`${op}: kernel size must be positive, got weight ${shapeStr(wt)}`);
  }
}

/**
 * Geometry of `conv1d`/`conv2d` (and true convolution): validates ranks, channels, options, and
 * that the effective kernel fits in the padded input.
 *
 * @param x input shape `(N, Cin, H, W)` or `(N, Cin, L)`
 * @param wt weight shape `(Cout, Cin/groups, m, n)` or `(Cout, Cin/groups, m)`
 */
export function convGeometry(op: string, x: Shape, wt: Shape, options: Conv2dOptions | Conv1dOptions, spatial: 1 | 2): ConvGeometry {
  const groups = options.groups ?? 1;
  checkConvOperands(op, x, wt, spatial, groups, false);
  const [sh, sw] = pair(op, 'stride', options.stride, 1, spatial);
  const [dh, dw] = pair(op, 'dilation', options.dilation, 1, spatial);
  checkPositiveInt(op, 'stride', sh);
  checkPositiveInt(op, 'stride', sw);
  checkPositiveInt(op, 'dilation', dh);
  checkPositiveInt(op, 'dilation', dw);
  const h = spatial === 1 ? 1 : x[2];
  const w = x[x.length - 1];
  const kh = spatial === 1 ? 1 : wt[2];
  const kw = wt[wt.length - 1];
  const padding = options.padding ?? 0;
  const [pt, pb, pl, pr] =
    typeof padding === 'string' ? namedPadding(op, padding, kh, kw, dh, dw, sh, sw, spatial) : numericPadding(op, padding, spatial);
  const ekh = dh * (kh - 1) + 1;
  const ekw = dw * (kw - 1) + 1;
  if (ekh > h + pt + pb || ekw > w + pl + pr) {
    throw new Error(
      `${op}: kernel ${dims(spatial, kh, kw)} (dilation ${dh === dw ? dh : dims(spatial, dh, dw)}) is larger than padded input ` +
        `${dims(spatial, h + pt + pb, w + pl + pr)}`,
    );
  }
  return {
    n: x[0],
    cIn: x[1],
    h,
    w,
    cOut: wt[0],
    kh,
    kw,
    strideH: sh,
    strideW: sw,
    dilationH: dh,
    dilationW: dw,
    padTop: pt,
    padBottom: pb,
    padLeft: pl,
    padRight: pr,
    groups,
    hOut: convOutputSize(h, kh, sh, pt, pb, dh),
    wOut: convOutputSize(w, kw, sw, pl, pr, dw),
  };
}

/**
 * Geometry of `convTranspose1d`/`convTranspose2d`, expressed as the forward convolution it is
 * the transpose of: that convolution maps the transposed output `(N, Cout, H', W')` back to the
 * transposed input `(N, Cin, H, W)` with weight `(Cin, Cout/groups, m, n)`.
 *
 * @param x input shape `(N, Cin, H, W)` or `(N, Cin, L)`
 * @param wt weight shape `(Cin, Cout/groups, m, n)` or `(Cin, Cout/groups, m)`
 */
export function convTransposeGeometry(
  op: string,
  x: Shape,
  wt: Shape,
  options: ConvTranspose2dOptions | ConvTranspose1dOptions,
  spatial: 1 | 2,
): ConvGeometry {
  const groups = options.groups ?? 1;
  checkConvOperands(op, x, wt, spatial, groups, true);
  const [sh, sw] = pair(op, 'stride', options.stride, 1, spatial);
  const [dh, dw] = pair(op, 'dilation', options.dilation, 1, spatial);
  const [oph, opw] = pair(op, 'outputPadding', options.outputPadding, 0, spatial);
  checkPositiveInt(op, 'stride', sh);
  checkPositiveInt(op, 'stride', sw);
  checkPositiveInt(op, 'dilation', dh);
  checkPositiveInt(op, 'dilation', dw);
  checkNonNegativeInt(op, 'outputPadding', oph);
  checkNonNegativeInt(op, 'outputPadding', opw);
  const padding = options.padding ?? 0;
  if (typeof padding === 'string') throw new Error(`${op}: padding must be numeric, got '${padding}'`);
  const [pt, pb, pl, pr] = numericPadding(op, padding, spatial);
  if ((oph >= sh && oph >= dh) || (opw >= sw && opw >= dw)) {
    throw new Error(
      `${op}: outputPadding ${dims(spatial, oph, opw)} must be smaller than stride ${dims(spatial, sh, sw)} ` +
        `or dilation ${dims(spatial, dh, dw)}`,
    );
  }
  const h = spatial === 1 ? 1 : x[2];
  const w = x[x.length - 1];
  const kh = spatial === 1 ? 1 : wt[2];
  const kw = wt[wt.length - 1];
  const hOut = convTransposeOutputSize(h, kh, sh, pt, pb, dh, oph);
  const wOut = convTransposeOutputSize(w, kw, sw, pl, pr, dw, opw);
  if (hOut < 1 || wOut < 1) {
    throw new Error(
      `${op}: output size ${dims(spatial, hOut, wOut)} is not positive for input ${dims(spatial, h, w)}, ` +
        `kernel ${dims(spatial, kh, kw)}, stride ${dims(spatial, sh, sw)}, padding ${JSON.stringify(padding)}`,
    );
  }
  return {
    n: x[0],
    cIn: wt[1] * groups,
    h: hOut,
    w: wOut,
    cOut: x[1],
    kh,
    kw,
    strideH: sh,
    strideW: sw,
    dilationH: dh,
    dilationW: dw,
    padTop: pt,
    padBottom: pb,
    padLeft: pl,
    padRight: pr,
    groups,
    hOut: h,
    wOut: w,
  };
}
