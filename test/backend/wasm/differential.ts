/**
 * Differential testing of every convolution kind, wasm against ref: seeded random configurations
 * over the whole option space — strides, dilations, groups, every padding form (numbers, pairs,
 * asymmetric quadruples, names), outputPadding up to max(stride, dilation) − 1, kernels as large
 * as the padded input, outputs of size 1, batches of 1 — run through the public ops (`F.conv2d`,
 * `F.convTranspose1d`, `F.fusedConv2d`, …, and LeNet-5's `Conv2d → Subsampling` block as
 * `nn.Sequential` runs it) with their backward pass, on `ref` and on wasm with 1 and 2 threads,
 * plain and fused multiply-add kernels.
 *
 * Inputs, weights, biases and output gradients are small integers, so that every sum of products
 * is exact in float32 whatever the order of summation: the backends must then agree exactly (to
 * the sign of zero), forward and every gradient, including the ties of max pooling and ReLU at 0.
 * A wrong index, a missed tap or a misplaced row gives a different integer, so one disagreement
 * names a bug, not a rounding. (Rounding is covered by the kernel tests beside this file.) Before
 * each wasm run its memory is filled with NaN, so that reading memory no kernel wrote shows too.
 *
 * Used by differential.test.ts (a few hundred cases per `npm test`, plus the regression cases) and
 * `npm run fuzz:kernels` (thousands).
 */
import { F, type SubsamplingOptions, Tensor, full, getBackend, nn, setBackend, tensor } from '../../../src/index.js';
import { registerBackend } from '../../../src/backend/registry.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import { convGeometry, convTransposeGeometry } from '../../../src/geometry/conv.js';
import { poolGeometry, type Pool2dOptions } from '../../../src/geometry/pool.js';
import { Generator } from '../../../src/tensor/random.js';
import { FMA_VARIANTS } from './compare.js';
import { sizeOf } from '../../../src/tensor/shape.js';

/** The convolution kinds under test. */
export const KINDS = [
  'conv1d',
  'conv2d',
  'convolve1d',
  'convolve2d',
  'convTranspose1d',
  'convTranspose2d',
  'fusedConv2d',
  'linkedConv2d',
  'convSubsampling',
] as const;
export type Kind = (typeof KINDS)[number];

/** One configuration: the op, its operands' shapes and its options, as JSON (a failing one is pasted as a regression case). */
export interface FuzzCase {
  kind: Kind;
  x: number[];
  weight: number[];
  bias: boolean;
  options: Record<string, unknown>;
}

/**
 * The backends compared: ref, and wasm with 1 and 2 threads (every kernel split as far as it
 * goes), each kernel variant the engine loads (plain SIMD, and fused multiply-adds where relaxed
 * SIMD validates).
 */
export const BACKENDS = ['ref', ...FMA_VARIANTS.flatMap((fma) => [1, 2].map((threads) => fuzzName(threads, fma)))];

function fuzzName(threads: number, fma: boolean): string {
  return `wasm-fuzz-${threads}t${fma ? '-fma' : ''}`;
}

/** Registers the wasm configurations under their own names (once). */
export function registerFuzzBackends(): void {
  for (const fma of FMA_VARIANTS) {
    for (const threads of [1, 2]) {
      const wasm = createWasmBackend({ threads, minFlopsPerThread: 0, fma });
      wasm.waitForThreads();
      registerBackend({ ...wasm, name: fuzzName(threads, fma) });
    }
  }
}

/** `name=value` description of a case, for test names and failure messages. */
export function describeCase(c: FuzzCase): string {
  return JSON.stringify(c);
}

const pick = <T>(g: Generator, xs: readonly T[]): T => xs[g.randint(xs.length)];
const between = (g: Generator, lo: number, hi: number): number => lo + g.randint(hi - lo + 1);

/** A stride, dilation or kernel option as a number, or (2-D) a pair that differs per axis. */
function sizeOption(g: Generator, spatial: 1 | 2, values: [number, number]): number | number[] {
  if (spatial === 2 && g.uniform() < 0.3) return values;
  return spatial === 1 ? values[1] : values[0] === values[1] ? values[0] : values;
}

/** Draws a convolution's padding: a number, a pair, an asymmetric quadruple (or pair in 1-D), or a name. */
function paddingOption(g: Generator, spatial: 1 | 2, maxPad: number): unknown {
  const r = g.uniform();
  if (r < 0.2) return pick(g, ['valid', 'narrow', 'same', 'equal', 'full', 'wide']);
  if (r < 0.4) return between(g, 0, maxPad);
  if (spatial === 1) return r < 0.7 ? [between(g, 0, maxPad)] : [between(g, 0, maxPad), between(g, 0, maxPad)];
  if (r < 0.7) return [between(g, 0, maxPad), between(g, 0, maxPad)];
  return [between(g, 0, maxPad), between(g, 0, maxPad), between(g, 0, maxPad), between(g, 0, maxPad)];
}

/** The spatial size that makes a dimension's output 1, the input as large as the kernel, or something larger. */
function inputSize(g: Generator, effectiveKernel: number, padding: number): number {
  const smallest = Math.max(1, effectiveKernel - padding);
  const r = g.uniform();
  if (r < 0.15) return smallest; // output size 1 (or kernel = padded input)
  if (r < 0.25) return effectiveKernel; // kernel as large as the input
  return smallest + (g.uniform() < 0.8 ? between(g, 0, 9) : between(g, 10, 24));
}

/** A random case of `kind`, or null when the drawn options do not form a valid convolution (the caller draws again). */
function drawCase(g: Generator, kind: Kind): FuzzCase | null {
  const spatial: 1 | 2 = kind.endsWith('1d') ? 1 : 2;
  const transposed = kind.startsWith('convTranspose');
  const n = pick(g, [1, 1, 2, 3]);
  const block = kind === 'linkedConv2d' || kind === 'fusedConv2d' || kind === 'convSubsampling';
  const groups = block ? pick(g, [1, 1, 1, 2]) : pick(g, [1, 1, 2, 3]);
  const linkedGroups = kind === 'linkedConv2d' ? 1 : groups;
  // channel counts below and above the GEMM's 4 × 8 register tile
  const cInG = pick(g, [1, 1, 2, 3, 4, 5, 9]);
  const cOutG = pick(g, [1, 2, 3, 4, 5, 8, 9]);
  const cIn = cInG * linkedGroups;
  const cOut = cOutG * linkedGroups;
  const kh = spatial === 1 ? 1 : between(g, 1, 5);
  const kw = between(g, 1, 5);
  const dh = spatial === 1 ? 1 : pick(g, [1, 1, 2, 3]);
  const dw = pick(g, [1, 1, 2, 3]);
  const sh = spatial === 1 ? 1 : pick(g, [1, 1, 2, 3]);
  const sw = pick(g, [1, 1, 2, 3]);
  const options: Record<string, unknown> = {};
  if (sh !== 1 || sw !== 1 || g.uniform() < 0.2) options.stride = sizeOption(g, spatial, [sh, sw]);
  if (dh !== 1 || dw !== 1 || g.uniform() < 0.2) options.dilation = sizeOption(g, spatial, [dh, dw]);
  if (linkedGroups !== 1 || (kind !== 'linkedConv2d' && g.uniform() < 0.2)) options.groups = linkedGroups;
  const ekh = dh * (kh - 1) + 1;
  const ekw = dw * (kw - 1) + 1;
  if (transposed) {
    // x is the transposed conv's input; outputPadding < max(stride, dilation) per axis
    const padding = g.uniform() < 0.3 ? 0 : paddingOption(g, spatial, 3);
    if (typeof padding === 'string') return null;
    options.padding = padding;
    const oph = spatial === 1 ? 0 : g.randint(Math.max(sh, dh));
    const opw = g.randint(Math.max(sw, dw));
    if (oph > 0 || opw > 0 || g.uniform() < 0.1) options.outputPadding = spatial === 1 ? opw : oph === opw ? oph : [oph, opw];
    const h = spatial === 1 ? 1 : between(g, 1, g.uniform() < 0.8 ? 6 : 14);
    const w = between(g, 1, g.uniform() < 0.8 ? 8 : 20);
    const x = spatial === 1 ? [n, cIn, w] : [n, cIn, h, w];
    const weight = spatial === 1 ? [cIn, cOutG, kw] : [cIn, cOutG, kh, kw];
    try {
      convTransposeGeometry(kind, x, weight, options, spatial);
    } catch {
      return null;
    }
    return { kind, x, weight, bias: g.uniform() < 0.7, options };
  }
  const padding = g.uniform() < 0.25 ? undefined : paddingOption(g, spatial, 4);
  if (padding !== undefined) options.padding = padding;
  const [pt, pb, pl, pr] = numericPads(padding, spatial, ekh, ekw);
  const h = spatial === 1 ? 1 : inputSize(g, ekh, pt + pb);
  const w = inputSize(g, ekw, pl + pr);
  const x = spatial === 1 ? [n, cIn, w] : [n, cIn, h, w];
  const weight = spatial === 1 ? [cOut, cInG, kw] : [cOut, kind === 'linkedConv2d' ? cIn : cInG, kh, kw];
  let geometry;
  try {
    geometry = convGeometry(kind, x, weight, options, spatial);
  } catch {
    return null;
  }
  if (kind === 'linkedConv2d') {
    options.table = Array.from({ length: cOut }, () => Array.from({ length: cIn }, () => (g.uniform() < 0.6 ? 1 : 0)));
  }
  if (kind === 'fusedConv2d') {
    options.activation = pick(g, ['none', 'relu', 'relu']);
    if (g.uniform() < 0.75) {
      const k = between(g, 1, 3);
      const pool: Pool2dOptions = { kernelSize: g.uniform() < 0.2 ? [k, between(g, 1, 3)] : k };
      if (g.uniform() < 0.4) pool.stride = between(g, 1, 3);
      if (g.uniform() < 0.3) pool.padding = g.randint(Math.floor(k / 2) + 1);
      if (g.uniform() < 0.3) pool.ceilMode = true;
      try {
        poolGeometry('maxPool2d', [geometry.n, geometry.cOut, geometry.hOut, geometry.wOut], pool);
      } catch {
        return null;
      }
      options.maxPool = pool;
    }
  }
  if (kind === 'convSubsampling') {
    // exact in float32: 2×2 averages of integers are quarters; max windows of any size
    options.activation = pick(g, ['none', 'relu']);
    const pool = pick(g, ['avg', 'max'] as const);
    const k = pool === 'avg' ? 2 : between(g, 1, 3);
    const subsampling: SubsamplingOptions = { kernelSize: k, pool, activation: pick(g, ['none', 'relu'] as const) };
    if (g.uniform() < 0.4) subsampling.stride = between(g, 1, 3);
    try {
      poolGeometry('avgPool2d', [geometry.n, geometry.cOut, geometry.hOut, geometry.wOut], { kernelSize: k, stride: subsampling.stride });
    } catch {
      return null;
    }
    options.subsampling = subsampling;
  }
  return { kind, x, weight, bias: g.uniform() < 0.7, options };
}

/** The numeric paddings of a drawn padding option (named ones as the geometry resolves them for stride 1). */
function numericPads(padding: unknown, spatial: 1 | 2, ekh: number, ekw: number): [number, number, number, number] {
  if (padding === undefined) return [0, 0, 0, 0];
  if (typeof padding === 'number') return spatial === 1 ? [0, 0, padding, padding] : [padding, padding, padding, padding];
  if (typeof padding === 'string') {
    if (padding === 'full' || padding === 'wide') return [ekh - 1, ekh - 1, ekw - 1, ekw - 1];
    if (padding === 'same' || padding === 'equal') return [(ekh - 1) / 2, (ekh - 1) / 2, (ekw - 1) / 2, (ekw - 1) / 2];
    return [0, 0, 0, 0];
  }
  const p = padding as number[];
  if (spatial === 1) return p.length === 1 ? [0, 0, p[0], p[0]] : [0, 0, p[0], p[1]];
  return p.length === 2 ? [p[0], p[0], p[1], p[1]] : [p[0], p[1], p[2], p[3]];
}

/** `count` valid random cases from `seed`, cycling through the kinds. */
export function drawCases(seed: number, count: number): FuzzCase[] {
  const g = new Generator(seed);
  const cases: FuzzCase[] = [];
  for (let i = 0; cases.length < count; i++) {
    const c = drawCase(g, KINDS[i % KINDS.length]);
    if (c !== null) cases.push(c);
    else i--; // the same kind again
  }
  return cases;
}

/** Integers in [−3, 3]: every product and sum of the convolutions stays exact in float32. */
function integers(shape: number[], g: Generator): Tensor {
  return tensor(
    Array.from({ length: sizeOf(shape) }, () => g.randint(7) - 3),
    { shape },
  );
}

/**
 * `Conv2d [→ ReLU] → Subsampling` as `nn.Sequential` runs it (one fused block) on `x`, the layers'
 * parameters set to `w`, `b` and the subsampling's `stage` values; returns the output and the
 * parameters, whose gradients are compared.
 */
function convSubsampling(c: FuzzCase, x: Tensor, w: Tensor, b: Tensor | null, stage: [Tensor, Tensor]): [Tensor, Record<string, Tensor>] {
  const { activation, subsampling, ...convOptions } = c.options;
  const [cOut, cInG, kh, kw] = c.weight;
  const conv = new nn.Conv2d(cInG * ((convOptions.groups as number) ?? 1), cOut, [kh, kw], { ...convOptions, bias: b !== null });
  conv.weight.data.set(w.data);
  if (b !== null) conv.bias!.data.set(b.data);
  const close = new nn.Subsampling(cOut, subsampling as SubsamplingOptions);
  close.weight.data.set(stage[0].data);
  close.bias.data.set(stage[1].data);
  const model = new nn.Sequential(...(activation === 'relu' ? [conv, new nn.ReLU(), close] : [conv, close]));
  const y = model.forward(x);
  if (y.gradFn?.name !== 'fusedConv2d') throw new Error(`convSubsampling: the block ran as ${y.gradFn?.name}, not fused`);
  const params: Record<string, Tensor> = { x, weight: conv.weight, subsamplingWeight: close.weight, subsamplingBias: close.bias };
  if (b !== null) params.bias = conv.bias!;
  return [y, params];
}

/** The op of a case, applied to its operands. */
function apply(c: FuzzCase, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const o = c.options as never;
  switch (c.kind) {
    case 'convSubsampling':
      throw new Error('apply: a subsampling block runs through nn.Sequential (convSubsampling)');
    case 'conv1d':
      return F.conv1d(x, w, b, o);
    case 'conv2d':
      return F.conv2d(x, w, b, o);
    case 'convolve1d':
      return F.convolve1d(x, w, b, o);
    case 'convolve2d':
      return F.convolve2d(x, w, b, o);
    case 'convTranspose1d':
      return F.convTranspose1d(x, w, b, o);
    case 'convTranspose2d':
      return F.convTranspose2d(x, w, b, o);
    case 'fusedConv2d':
      return F.fusedConv2d(x, w, b, o);
    case 'linkedConv2d':
      return F.linkedConv2d(x, w, b, o);
  }
}

/** The output and every gradient of a case on one backend. */
interface Results {
  output: Float32Array;
  grads: Record<string, Float32Array>;
}

/**
 * NaN in the backend's working memory where the next op's buffers will be: a kernel that reads
 * memory it never wrote (past a row, below a padding it forgot) then gives NaN instead of
 * whatever zeros happened to be there.
 */
function poison(): void {
  full([1 << 16], NaN).neg();
}

function runOn(backend: string, c: FuzzCase, seed: number): Results {
  setBackend(backend);
  if (backend !== 'ref') poison();
  const g = new Generator(seed);
  const x = integers(c.x, g).setRequiresGrad(true);
  const w = integers(c.weight, g).setRequiresGrad(true);
  const b = c.bias
    ? integers([c.kind.startsWith('convTranspose') ? c.weight[1] * ((c.options.groups as number) ?? 1) : c.weight[0]], g).setRequiresGrad(
        true,
      )
    : null;
  let y: Tensor;
  let params: Record<string, Tensor> = { x, weight: w };
  if (b !== null) params.bias = b;
  if (c.kind === 'convSubsampling') {
    const cOut = c.weight[0];
    [y, params] = convSubsampling(c, x, w, b, [integers([cOut], g), integers([cOut], g)]);
  } else y = apply(c, x, w, b);
  y.backward(integers([...y.shape], g));
  const grads: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(params)) grads[name] = Float32Array.from(t.grad!.data);
  return { output: Float32Array.from(y.data), grads };
}

/**
 * Runs a case on every backend of `BACKENDS` and returns the disagreements with ref (empty when
 * all agree): one line per tensor that differs, naming the backend, the tensor and its first
 * differing element.
 */
export function checkCase(c: FuzzCase, seed: number): string[] {
  const previous = getBackend();
  try {
    const expected = runOn('ref', c, seed);
    const problems: string[] = [];
    for (const backend of BACKENDS.slice(1)) {
      const actual = runOn(backend, c, seed);
      const pairs: [string, Float32Array, Float32Array][] = [['output', actual.output, expected.output]];
      for (const [name, e] of Object.entries(expected.grads)) pairs.push([`∂L/∂${name}`, actual.grads[name], e]);
      for (const [name, a, e] of pairs) {
        const i = a.findIndex((v, k) => v !== e[k]);
        if (a.length !== e.length) problems.push(`${backend} ${name}: ${a.length} elements, ref has ${e.length}`);
        else if (i >= 0) problems.push(`${backend} ${name}: element ${i} is ${a[i]}, ref gives ${e[i]}`);
      }
    }
    return problems;
  } finally {
    setBackend(previous);
  }
}
