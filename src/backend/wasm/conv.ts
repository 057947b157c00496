/**
 * Convolution on the wasm kernels: copies the operands into linear memory, tabulates the taps and
 * packs the weights once, pads the batch, runs the task on the thread pool, copies the result
 * back. See assembly/conv.ts and assembly/im2col.ts.
 */
import type { ConvGeometry } from '../../geometry/conv.js';
import type { DescriptorValues } from './arena.js';
import { type WasmContext, chunksFor, threadsFor } from './context.js';
import { ConvDesc } from './abi.generated.js';
import { LANES_BYTES, NR, TILE_BYTES, packedABytes, panelBytes } from './layout.js';
import { gemmAt } from './matmul.js';

/** Where a convolution's operands are in linear memory (0 where unused): the ConvDesc fields after the geometry. */
type Operands = Omit<DescriptorValues<typeof ConvDesc>, keyof ConvGeometry>;

const NONE: Operands = {
  x: 0,
  packed: 0,
  biasOrDy: 0,
  out: 0,
  scratch: 0,
  scratchStride: 0,
  mode: 0,
  partials: 0,
  taps: 0,
  padded: 0,
  block: 1,
};

/** The convolution descriptor (assembly/abi.ts ConvDesc) of geometry `g` and operands `o`, in linear memory. */
function descriptor(ctx: WasmContext, g: ConvGeometry, o: Operands): number {
  return ctx.arena.descriptor(ConvDesc, { ...g, ...o });
}

/** Pads the batch into the descriptor's C_PADDED (units: images). */
function pad(ctx: WasmContext, desc: number, g: ConvGeometry, threads: number): void {
  ctx.pool.run('convPadTask', desc, threads, chunksFor(threads, g.n));
}

/** Sizes shared by the kernels. */
function sizes(g: ConvGeometry): { cInG: number; cOutG: number; kc: number; p: number; macs: number; padded: boolean; planeBytes: number } {
  const cInG = g.cIn / g.groups;
  const kc = cInG * g.kh * g.kw;
  const p = g.hOut * g.wOut;
  const padded = g.padTop + g.padBottom + g.padLeft + g.padRight > 0;
  const planeBytes = (g.h + g.padTop + g.padBottom) * (g.w + g.padLeft + g.padRight) * 4;
  return { cInG, cOutG: g.cOut / g.groups, kc, p, macs: g.n * g.cOut * kc * p, padded, planeBytes };
}

/**
 * Whether the direct kernels (assembly/direct-conv.ts) compute this convolution: one input
 * channel per group, stride 1, dilation 1 — where the GEMM's K is only kh·kw.
 */
function isDirect(g: ConvGeometry): boolean {
  return g.cIn === g.groups && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1;
}

/**
 * Whether the convolution is a fully connected layer: one output position whose window is the
 * whole unpadded input, one group (LeNet-5's C5). Then all three products are plain matrix
 * products over the batch — `Y = X·Wᵀ`, `∂L/∂X = ∂L/∂Y·W`, `∂L/∂W = ∂L/∂Yᵀ·X` with X
 * `[n, cIn·kh·kw]` — which the GEMM runs with every image in one product, where the convolution
 * kernels would give each image a panel of its own.
 */
function isDense(g: ConvGeometry): boolean {
  return (
    g.hOut === 1 &&
    g.wOut === 1 &&
    g.groups === 1 &&
    g.h === g.kh &&
    g.w === g.kw &&
    g.dilationH === 1 &&
    g.dilationW === 1 &&
    g.padTop + g.padBottom + g.padLeft + g.padRight === 0
  );
}

/**
 * The forward convolution on operands already in memory: `out (+)= W ⊗ x (+ bias)`, with `w`
 * the raw weights `[cOut, cIn/g, kh, kw]`.
 */
function forward(ctx: WasmContext, x: number, w: number, bias: number, g: ConvGeometry, out: number, accumulate: boolean): void {
  const { arena, kernels } = ctx;
  const { cOutG, kc, p, macs, padded, planeBytes } = sizes(g);
  if (isDense(g) && !accumulate) {
    // each sum runs over the taps in the convolution's order, from the bias: the same values
    gemmAt(ctx, x, w, bias, out, g.n, kc, g.cOut, false, true);
    return;
  }
  if (isDirect(g)) {
    const threads = threadsFor(ctx, 2 * macs, g.n * g.groups);
    const o: Operands = {
      ...NONE,
      x,
      packed: w,
      biasOrDy: bias,
      out,
      mode: accumulate ? 1 : 0,
      padded: padded ? arena.alloc(g.n * g.cIn * planeBytes) : 0,
    };
    const desc = descriptor(ctx, g, o);
    if (padded) pad(ctx, desc, g, threads);
    ctx.pool.run('convDirectForwardTask', desc, threads, chunksFor(threads, g.n * g.groups));
    return;
  }
  const units = g.groups * Math.ceil((g.n * p) / NR);
  const threads = threadsFor(ctx, 2 * macs, units);
  const chunks = chunksFor(threads, units);
  const stride = panelBytes(kc) + TILE_BYTES + 2 * LANES_BYTES;
  const o: Operands = {
    ...NONE,
    x,
    packed: arena.alloc(g.groups * packedABytes(cOutG, kc)),
    biasOrDy: bias,
    out,
    scratch: arena.alloc(stride * chunks),
    scratchStride: stride,
    mode: accumulate ? 1 : 0,
    taps: arena.alloc(kc * 4),
    padded: padded ? arena.alloc(g.n * g.cIn * planeBytes) : 0,
  };
  const desc = descriptor(ctx, g, o);
  kernels.convPrepare(desc, w, o.packed, 0);
  if (padded) pad(ctx, desc, g, threads);
  ctx.pool.run('convForwardTask', desc, threads, chunks);
}

/** `out = W ⊗ x + bias`: x `[n,cIn,h,w]`, w `[cOut,cIn/g,kh,kw]`, out `[n,cOut,hOut,wOut]`. */
export function conv2dForward(
  ctx: WasmContext,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  g: ConvGeometry,
  out: Float32Array,
): void {
  const { arena } = ctx;
  arena.scope(() => {
    const outp = arena.alloc(out.length * 4);
    conv2dForwardAt(ctx, arena.read(x), arena.read(w), bias === null ? 0 : arena.read(bias), g, outp);
    arena.take(outp, out);
  });
}

/** `conv2dForward` on operands already in memory (bias 0: none); writes `out`. */
export function conv2dForwardAt(ctx: WasmContext, x: number, w: number, bias: number, g: ConvGeometry, out: number): void {
  forward(ctx, x, w, bias, g, out, false);
}

/**
 * The forward convolution whose output is a stride-1 convolution's input gradient: dy padded by
 * `d·(k − 1) − p` on each side, convolved with the weights flipped and transposed. It runs over
 * the whole input, h·w positions per tap instead of the hOut·wOut of scattering, so it is used
 * only where those are about equal ('same'-like padding). Null otherwise, or for strides > 1.
 */
function gradientAsConvolution(g: ConvGeometry): ConvGeometry | null {
  if (g.strideH !== 1 || g.strideW !== 1 || g.h * g.w > 1.25 * g.hOut * g.wOut) return null;
  const eh = g.dilationH * (g.kh - 1);
  const ew = g.dilationW * (g.kw - 1);
  // dx[y] = Σ_u w[u]·dy[y + pt − u·d]: dy padded by d·(k − 1) − pt before, and after by what
  // makes the output h long — which is d·(k − 1) − pb plus any trailing rows no output read (the
  // outputPadding of a transposed convolution), so it is computed from h, not from pb
  const pads = [eh - g.padTop, g.h - g.hOut + g.padTop, ew - g.padLeft, g.w - g.wOut + g.padLeft];
  if (pads.some((q) => q < 0)) return null;
  return {
    ...g,
    cIn: g.cOut,
    h: g.hOut,
    w: g.wOut,
    cOut: g.cIn,
    padTop: pads[0],
    padBottom: pads[1],
    padLeft: pads[2],
    padRight: pads[3],
    hOut: g.h,
    wOut: g.w,
  };
}

/**
 * `dx += ∂L/∂x` from dy `[n,cOut,hOut,wOut]` and w: dx `[n,cIn,h,w]` (accumulates, as the
 * reference). When `dxZeroed`, dx is not copied in: the gradient is written, not added.
 */
export function conv2dBackwardInput(
  ctx: WasmContext,
  dy: Float32Array,
  w: Float32Array,
  g: ConvGeometry,
  dx: Float32Array,
  dxZeroed: boolean,
): void {
  const { arena } = ctx;
  arena.scope(() => {
    const dyp = arena.read(dy);
    const wp = arena.read(w);
    const dxp = dxZeroed ? arena.alloc(dx.length * 4) : arena.update(dx);
    conv2dBackwardInputAt(ctx, dyp, wp, g, dxp, !dxZeroed);
    arena.take(dxp, dx);
  });
}

/**
 * `conv2dBackwardInput` on operands already in memory: adds the gradient onto dx when
 * `accumulate`, else writes it (dx's memory may then hold anything).
 */
export function conv2dBackwardInputAt(ctx: WasmContext, dyp: number, wp: number, g: ConvGeometry, dxp: number, accumulate: boolean): void {
  const { arena, kernels } = ctx;
  const { cInG, cOutG, kc, p, macs, padded, planeBytes } = sizes(g);
  if (isDense(g) && !accumulate) {
    gemmAt(ctx, dyp, wp, 0, dxp, g.n, g.cOut, kc, false, false);
    return;
  }
  const asConvolution = gradientAsConvolution(g);
  arena.scope(() => {
    if (asConvolution !== null) {
      // the forward convolution writes every element of its output
      const flipped = arena.alloc(g.cOut * kc * 4);
      kernels.flipWeights(flipped, wp, g.cOut, cInG, g.kh, g.kw, g.groups);
      forward(ctx, dyp, flipped, 0, asConvolution, dxp, accumulate);
      return;
    }
    if (!accumulate) kernels.zeroFill(dxp, g.n * g.cIn * g.h * g.w * 4);
    const threads = threadsFor(ctx, 2 * macs, g.n * g.groups);
    const chunks = chunksFor(threads, g.n * g.groups);
    // a dy panel, then the Kc × P column buffer of one image
    const stride = panelBytes(cOutG) + Math.ceil((kc * p * 4) / 64) * 64;
    const o: Operands = {
      ...NONE,
      packed: arena.alloc(g.groups * packedABytes(kc, cOutG)),
      biasOrDy: dyp,
      out: dxp,
      scratch: arena.alloc(stride * chunks),
      scratchStride: stride,
      taps: arena.alloc(kc * 4),
      padded: padded ? arena.alloc(g.n * g.cIn * planeBytes) : 0,
    };
    const desc = descriptor(ctx, g, o);
    kernels.convPrepare(desc, wp, o.packed, 1);
    ctx.pool.run('convBackwardInputTask', desc, threads, chunks);
  });
}

/** Target K of one backward-weight GEMM: images are grouped until their positions reach it. */
const WEIGHT_GRADIENT_K = 512;

/** `dw = ∂L/∂W` from x and dy: dw `[cOut,cIn/g,kh,kw]` (overwritten, as the reference). */
export function conv2dBackwardWeight(ctx: WasmContext, x: Float32Array, dy: Float32Array, g: ConvGeometry, dw: Float32Array): void {
  const { arena } = ctx;
  arena.scope(() => {
    arena.take(conv2dBackwardWeightAt(ctx, arena.read(x), arena.read(dy), g), dw);
  });
}

/**
 * `conv2dBackwardWeight` on operands already in memory: returns where dw is, in memory
 * allocated from the caller's arena scope.
 */
export function conv2dBackwardWeightAt(ctx: WasmContext, xp: number, dyp: number, g: ConvGeometry): number {
  const { arena, kernels } = ctx;
  const { cInG, cOutG, kc, p, macs, padded, planeBytes } = sizes(g);
  if (isDense(g)) {
    const dw = arena.alloc(g.cOut * kc * 4);
    gemmAt(ctx, dyp, xp, 0, dw, g.cOut, g.n, kc, true, false);
    return dw;
  }
  if (isDirect(g)) return directWeightGradient(ctx, xp, dyp, g);
  const block = Math.max(1, Math.min(g.n, Math.ceil(WEIGHT_GRADIENT_K / p)));
  const imageBlocks = Math.ceil(g.n / block);
  const columnPanels = g.groups * Math.ceil(kc / NR);
  const threads = threadsFor(ctx, 2 * macs, Math.max(imageBlocks, columnPanels));
  const stride = (padded ? block * cInG * planeBytes : 0) + packedABytes(cOutG, block * p) + panelBytes(block * p) + LANES_BYTES;
  const len = g.cOut * kc;
  // mode 0: chunks split the images, each summing into its own partial dw;
  // mode 1: chunks split the weight columns, each summing over all images
  const mode = imageBlocks >= threads ? 0 : 1;
  const chunks = chunksFor(threads, mode === 0 ? imageBlocks : columnPanels);
  // the result comes first, so that the scratch after it can be released
  const result = mode === 1 ? arena.zeros(len * 4) : arena.alloc(len * 4);
  arena.scope(() => {
    const o: Operands = {
      ...NONE,
      x: xp,
      biasOrDy: dyp,
      out: result,
      scratch: arena.alloc(stride * chunks),
      scratchStride: stride,
      mode,
      partials: mode === 0 ? arena.alloc(len * 4 * chunks) : 0,
      taps: arena.alloc(kc * 4),
      block,
    };
    const desc = descriptor(ctx, g, o);
    kernels.convPrepare(desc, 0, 0, 0);
    ctx.pool.run('convBackwardWeightTask', desc, threads, chunks);
    // the chunks' partial sums added up in order (one partial is copied)
    if (mode === 0) kernels.sumPartials(result, o.partials, chunks, len);
  });
  return result;
}

/** Scratch bytes of one chunk of the direct weight-gradient kernel: its 8 vector accumulators (two whole cache lines). */
const DIRECT_WEIGHT_SCRATCH = 8 * 16;

/** `conv2dBackwardWeightAt` by the direct kernel: chunks split the images into partial sums. */
function directWeightGradient(ctx: WasmContext, xp: number, dyp: number, g: ConvGeometry): number {
  const { arena, kernels } = ctx;
  const { macs, padded, planeBytes } = sizes(g);
  const threads = threadsFor(ctx, 2 * macs, g.n);
  const chunks = chunksFor(threads, g.n);
  const len = g.cOut * g.kh * g.kw;
  const result = arena.alloc(len * 4);
  arena.scope(() => {
    const o: Operands = {
      ...NONE,
      x: xp,
      biasOrDy: dyp,
      partials: arena.alloc(len * 4 * chunks),
      // each chunk's 2 × 4 vector accumulators
      scratch: arena.alloc(DIRECT_WEIGHT_SCRATCH * chunks),
      scratchStride: DIRECT_WEIGHT_SCRATCH,
      padded: padded ? arena.alloc(g.n * g.cIn * planeBytes) : 0,
    };
    const desc = descriptor(ctx, g, o);
    if (padded) pad(ctx, desc, g, threads);
    ctx.pool.run('convDirectWeightTask', desc, threads, chunks);
    kernels.sumPartials(result, o.partials, chunks, len);
  });
  return result;
}
