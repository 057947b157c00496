/**
 * The convolution kernels as GEMMs over implicit im2col panels (see im2col.ts), each a task run
 * as chunks of the work that the threads claim (see ../thread-pool.ts):
 *
 *   forward          Y_g = W_g · col_g        columns run over the positions of all images, so
 *                                             that small outputs still fill whole panels;
 *                                             units (group, column panel)
 *   backward-input   dX += col2im(W_gᵀ · dY_g) units (group, image), through a Kc × P column
 *                                             buffer — for strided convolutions and wide
 *                                             paddings; others run as a forward convolution
 *   backward-weight  dW_g = Σ dY_g · col_gᵀ    K runs over blocks of images' positions;
 *                                             units: images (partial sums per chunk) or
 *                                             (group, weight column panel)
 *
 * with W_g `[cOutG × Kc]`, `Kc = cInG·kh·kw`, P = hOut·wOut output positions per image.
 */
import { INIT_ACCUMULATE, INIT_BIAS, INIT_ZERO, microKernel, microKernelTaps, packA, packAStrided, packBPanel, packedABytes } from './gemm';
import {
  CONTIGUOUS_IN,
  ONE_IMAGE,
  addInterior,
  col2imAdd,
  columnLanes,
  packColPanel,
  packColTPanel,
  padPlanes,
  storeTile,
  tapOffsets,
} from './im2col';
import { chunkStart, field, isPadded, paddedH, paddedW, ptr } from './desc';
import { ConvDesc, LANES_BYTES, MR, NR } from './abi';

/** Pads `planes` planes of the descriptor's h × w at `src` into `dst`. */
function pad(desc: usize, dst: usize, src: usize, planes: i32): void {
  padPlanes(
    dst,
    src,
    planes,
    field(desc, ConvDesc.h),
    field(desc, ConvDesc.w),
    field(desc, ConvDesc.padTop),
    field(desc, ConvDesc.padBottom),
    field(desc, ConvDesc.padLeft),
    field(desc, ConvDesc.padRight),
  );
}

/**
 * Prepares a convolution on the calling thread: fills the tap table for the padded image and
 * packs the weights `[cOut, Kc]` group by group as the A operand into `dst` (unless 0): `W_g`
 * for forward (`transposed` = 0), `W_gᵀ` for backward-input (1).
 */
export function convPrepare(desc: usize, w: usize, dst: usize, transposed: i32): void {
  const groups = field(desc, ConvDesc.groups);
  const cOut = field(desc, ConvDesc.cOut);
  const cInG = field(desc, ConvDesc.cIn) / groups;
  const cOutG = cOut / groups;
  const kh = field(desc, ConvDesc.kh);
  const kw = field(desc, ConvDesc.kw);
  const kc = cInG * kh * kw;
  tapOffsets(
    ptr(desc, ConvDesc.taps),
    cInG,
    kh,
    kw,
    field(desc, ConvDesc.dilationH),
    field(desc, ConvDesc.dilationW),
    paddedH(desc),
    paddedW(desc),
  );
  if (dst == 0) return;
  const groupBytes = transposed ? packedABytes(kc, cOutG) : packedABytes(cOutG, kc);
  for (let g = 0; g < groups; g++) {
    const wg = w + ((<usize>(g * cOutG) * <usize>kc) << 2);
    if (transposed) packA(dst + <usize>g * groupBytes, wg, 1, kc, kc, cOutG);
    else packA(dst + <usize>g * groupBytes, wg, kc, 1, cOutG, kc);
  }
}

/**
 * `dst[g·cInG + c, o, u, v] = w[g·cOutG + o, c, kh−1−u, kw−1−v]`: the weights of the forward
 * convolution that computes a stride-1 convolution's input gradient.
 */
export function flipWeights(dst: usize, w: usize, cOut: i32, cInG: i32, kh: i32, kw: i32, groups: i32): void {
  const cOutG = cOut / groups;
  const taps = kh * kw;
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < cInG; c++) {
      for (let o = 0; o < cOutG; o++) {
        const src = w + ((<usize>(((g * cOutG + o) * cInG + c) * taps)) << 2);
        const d = dst + ((<usize>(((g * cInG + c) * cOutG + o) * taps)) << 2);
        for (let t = 0; t < taps; t++) store<f32>(d + ((<usize>t) << 2), load<f32>(src + ((<usize>(taps - 1 - t)) << 2)));
      }
    }
  }
}

/** Pads the input batch (units: images) into `ConvDesc.padded`, chunk `chunk` of `chunks`. */
export function convPadTask(desc: usize, chunk: i32, chunks: i32): void {
  const cIn = field(desc, ConvDesc.cIn);
  const image = (<usize>cIn * <usize>field(desc, ConvDesc.h) * <usize>field(desc, ConvDesc.w)) << 2;
  const paddedImage = (<usize>cIn * <usize>paddedH(desc) * <usize>paddedW(desc)) << 2;
  const n = field(desc, ConvDesc.n);
  const end = chunkStart(n, chunk + 1, chunks);
  for (let i = chunkStart(n, chunk, chunks); i < end; i++) {
    pad(desc, ptr(desc, ConvDesc.padded) + <usize>i * paddedImage, ptr(desc, ConvDesc.x) + <usize>i * image, cIn);
  }
}

/**
 * Forward convolution, chunk `chunk` of `chunks`. Reads the padded batch (ConvDesc.padded) when padded.
 * Scratch: one Kc × NR panel, one MR × NR tile, two lane buffers.
 */
export function convForwardTask(desc: usize, chunk: i32, chunks: i32): void {
  const cIn = field(desc, ConvDesc.cIn);
  const cOut = field(desc, ConvDesc.cOut);
  const groups = field(desc, ConvDesc.groups);
  const wOut = field(desc, ConvDesc.wOut);
  const cInG = cIn / groups;
  const cOutG = cOut / groups;
  const kc = cInG * field(desc, ConvDesc.kh) * field(desc, ConvDesc.kw);
  const p = field(desc, ConvDesc.hOut) * wOut;
  const hp = paddedH(desc);
  const wp = paddedW(desc);
  const plane = hp * wp;
  const sh = field(desc, ConvDesc.strideH);
  const sw = field(desc, ConvDesc.strideW);
  const x = isPadded(desc) ? ptr(desc, ConvDesc.padded) : ptr(desc, ConvDesc.x);
  const packed = ptr(desc, ConvDesc.packed);
  const bias = ptr(desc, ConvDesc.biasOrDy);
  const out = ptr(desc, ConvDesc.out);
  const table = ptr(desc, ConvDesc.taps);
  const accumulate = field(desc, ConvDesc.mode) == 1;
  const init = accumulate ? INIT_ACCUMULATE : bias ? INIT_BIAS : INIT_ZERO;
  const bPanel = ptr(desc, ConvDesc.scratch) + <usize>chunk * ptr(desc, ConvDesc.scratchStride);
  const tile = bPanel + ((<usize>kc * NR) << 2);
  const laneIn = tile + ((<usize>(MR * NR)) << 2);
  const laneOut = laneIn + LANES_BYTES;
  const groupBytes = packedABytes(cOutG, kc);
  const columns = field(desc, ConvDesc.n) * p;
  const panels = (columns + NR - 1) / NR;
  const units = groups * panels;
  const end = chunkStart(units, chunk + 1, chunks);
  for (let u = chunkStart(units, chunk, chunks); u < end; u++) {
    const g = u / panels;
    const j0 = (u - g * panels) * NR;
    const cols = min(NR, columns - j0);
    const flags = columnLanes(laneIn, laneOut, j0, cols, p, wOut, sh, sw, wp, cIn * plane, cOut * p);
    const xg = x + ((<usize>(g * cInG * plane)) << 2);
    // a contiguous panel is read where it lies, not packed (see microKernelTaps)
    const inPlace = (flags & CONTIGUOUS_IN) != 0;
    if (!inPlace) packColPanel(bPanel, xg, table, laneIn, kc);
    const ag = packed + <usize>g * groupBytes;
    for (let i0 = 0; i0 < cOutG; i0 += MR) {
      const rows = min(MR, cOutG - i0);
      const a = ag + ((<usize>(i0 * kc)) << 2);
      const rowBase = out + ((<usize>((g * cOutG + i0) * p)) << 2);
      const b = bias + ((<usize>(g * cOutG + i0)) << 2);
      if (inPlace) {
        // contiguous panels lie in one image row
        const c = rowBase + ((<usize>load<i32>(laneOut)) << 2);
        microKernelTaps(a, xg + ((<usize>load<i32>(laneIn)) << 2), table, kc, c, (<usize>p) << 2, rows, cols, init, b);
      } else if (flags & ONE_IMAGE) {
        microKernel(a, bPanel, kc, rowBase + ((<usize>load<i32>(laneOut)) << 2), (<usize>p) << 2, rows, cols, init, b);
      } else {
        microKernel(a, bPanel, kc, tile, NR << 2, rows, NR, accumulate ? INIT_ZERO : init, b);
        storeTile(tile, rowBase, laneOut, rows, cols, p, accumulate);
      }
    }
  }
}

/**
 * Backward-input by scattering (adds into dx): `dX += col2im(W_gᵀ · dY_g)`, chunk `chunk` of
 * `chunks`. Units (group, image); each unit's input gradient is disjoint from every other's.
 * Per unit the product `W_gᵀ · dY_g` (Kc × P) is computed into a column buffer, which
 * `col2imAdd` then adds onto the image's input gradient row by row. When padded, gradients are
 * added into the zero-padded batch ConvDesc.padded and then onto dx.
 * Scratch: one cOutG × NR panel of dy, then the Kc × P column buffer.
 */
export function convBackwardInputTask(desc: usize, chunk: i32, chunks: i32): void {
  const batch = field(desc, ConvDesc.n);
  const cIn = field(desc, ConvDesc.cIn);
  const h = field(desc, ConvDesc.h);
  const w = field(desc, ConvDesc.w);
  const cOut = field(desc, ConvDesc.cOut);
  const groups = field(desc, ConvDesc.groups);
  const hOut = field(desc, ConvDesc.hOut);
  const wOut = field(desc, ConvDesc.wOut);
  const cInG = cIn / groups;
  const cOutG = cOut / groups;
  const kc = cInG * field(desc, ConvDesc.kh) * field(desc, ConvDesc.kw);
  const p = hOut * wOut;
  const wp = paddedW(desc);
  const plane = paddedH(desc) * wp;
  const packed = ptr(desc, ConvDesc.packed);
  const dy = ptr(desc, ConvDesc.biasOrDy);
  const dx = ptr(desc, ConvDesc.out);
  const table = ptr(desc, ConvDesc.taps);
  const padded = isPadded(desc);
  const target = padded ? ptr(desc, ConvDesc.padded) : dx;
  const bPanel = ptr(desc, ConvDesc.scratch) + <usize>chunk * ptr(desc, ConvDesc.scratchStride);
  const col = bPanel + ((<usize>cOutG * NR) << 2);
  const groupBytes = packedABytes(kc, cOutG);
  const end = chunkStart(groups * batch, chunk + 1, chunks);
  for (let u = chunkStart(groups * batch, chunk, chunks); u < end; u++) {
    const g = u / batch;
    const n = u - g * batch;
    const ag = packed + <usize>g * groupBytes;
    const first = n * cIn + g * cInG;
    const t = target + ((<usize>first * <usize>plane) << 2);
    const dyn = dy + ((<usize>(n * cOut + g * cOutG) * <usize>p) << 2);
    for (let j0 = 0; j0 < p; j0 += NR) {
      const cols = min(NR, p - j0);
      packBPanel(bPanel, dyn + ((<usize>j0) << 2), p, 1, cols, cOutG);
      for (let t0 = 0; t0 < kc; t0 += MR) {
        microKernel(
          ag + ((<usize>(t0 * cOutG)) << 2),
          bPanel,
          cOutG,
          col + ((<usize>t0 * <usize>p + <usize>j0) << 2),
          (<usize>p) << 2,
          min(MR, kc - t0),
          cols,
          INIT_ZERO,
          0,
        );
      }
    }
    if (padded) memory.fill(t, 0, (<usize>cInG * <usize>plane) << 2);
    col2imAdd(t, col, table, kc, hOut, wOut, field(desc, ConvDesc.strideH), field(desc, ConvDesc.strideW), wp);
    if (padded) {
      addInterior(
        dx + ((<usize>first * <usize>h * <usize>w) << 2),
        t,
        cInG,
        h,
        w,
        field(desc, ConvDesc.padTop),
        field(desc, ConvDesc.padBottom),
        field(desc, ConvDesc.padLeft),
        field(desc, ConvDesc.padRight),
      );
    }
  }
}

/**
 * Backward-weight, chunk `chunk` of `chunks`. Images are taken in blocks of ConvDesc.block whose
 * positions form one GEMM's K. Mode 0: the chunk sums its images into its own partial dw
 * (then `sumPartials`); mode 1: it computes its weight columns over all images straight into dw
 * (zeroed by the caller). Scratch: the block's padded group images (if padded), dy packed as A
 * (cOutG × block·P), one block·P × NR panel, a lane buffer.
 */
export function convBackwardWeightTask(desc: usize, chunk: i32, chunks: i32): void {
  const batch = field(desc, ConvDesc.n);
  const cIn = field(desc, ConvDesc.cIn);
  const h = field(desc, ConvDesc.h);
  const w = field(desc, ConvDesc.w);
  const cOut = field(desc, ConvDesc.cOut);
  const groups = field(desc, ConvDesc.groups);
  const hOut = field(desc, ConvDesc.hOut);
  const wOut = field(desc, ConvDesc.wOut);
  const cInG = cIn / groups;
  const cOutG = cOut / groups;
  const kc = cInG * field(desc, ConvDesc.kh) * field(desc, ConvDesc.kw);
  const p = hOut * wOut;
  const wp = paddedW(desc);
  const sh = field(desc, ConvDesc.strideH);
  const sw = field(desc, ConvDesc.strideW);
  const x = ptr(desc, ConvDesc.x);
  const dy = ptr(desc, ConvDesc.biasOrDy);
  const table = ptr(desc, ConvDesc.taps);
  const block = field(desc, ConvDesc.block);
  const padded = isPadded(desc);
  const padBytes = padded ? (<usize>cInG * <usize>paddedH(desc) * <usize>wp) << 2 : 0;
  const scratch = ptr(desc, ConvDesc.scratch) + <usize>chunk * ptr(desc, ConvDesc.scratchStride);
  const aPacked = scratch + <usize>block * padBytes;
  const bPanel = aPacked + packedABytes(cOutG, block * p);
  const tapLanes = bPanel + ((<usize>(block * p) * NR) << 2);
  const panels = (kc + NR - 1) / NR;
  let target = ptr(desc, ConvDesc.out);
  let n0 = 0;
  let n1 = batch;
  let u0 = 0;
  let u1 = groups * panels;
  if (field(desc, ConvDesc.mode) == 0) {
    n0 = chunkStart(batch, chunk, chunks);
    n1 = chunkStart(batch, chunk + 1, chunks);
    target = ptr(desc, ConvDesc.partials) + ((<usize>chunk * <usize>cOut * <usize>kc) << 2);
    memory.fill(target, 0, (<usize>cOut * <usize>kc) << 2);
  } else {
    u0 = chunkStart(u1, chunk, chunks);
    u1 = chunkStart(u1, chunk + 1, chunks);
  }
  for (let b0 = n0; b0 < n1; b0 += block) {
    const count = min(block, n1 - b0);
    const k = count * p;
    const panelStride = (<usize>(k * MR)) << 2;
    for (let g = 0; g < groups; g++) {
      const first = max(u0, g * panels);
      const last = min(u1, (g + 1) * panels);
      if (first >= last) continue;
      for (let i = 0; i < count; i++) {
        const n = b0 + i;
        packAStrided(
          aPacked + ((<usize>(i * p * MR)) << 2),
          dy + ((<usize>(n * cOut + g * cOutG) * <usize>p) << 2),
          p,
          1,
          cOutG,
          p,
          panelStride,
        );
        if (padded) pad(desc, scratch + <usize>i * padBytes, x + ((<usize>(n * cIn + g * cInG) * <usize>h * <usize>w) << 2), cInG);
      }
      for (let u = first; u < last; u++) {
        const t0 = (u - g * panels) * NR;
        const cols = min(NR, kc - t0);
        for (let i = 0; i < count; i++) {
          const n = b0 + i;
          const xp = padded ? scratch + <usize>i * padBytes : x + ((<usize>(n * cIn + g * cInG) * <usize>h * <usize>w) << 2);
          packColTPanel(bPanel + ((<usize>(i * p * NR)) << 2), xp, table, t0, cols, tapLanes, hOut, wOut, sh, sw, wp);
        }
        const c = target + ((<usize>(g * cOutG) * <usize>kc + <usize>t0) << 2);
        for (let i0 = 0; i0 < cOutG; i0 += MR) {
          microKernel(
            aPacked + <usize>(i0 / MR) * panelStride,
            bPanel,
            k,
            c + ((<usize>(i0 * kc)) << 2),
            (<usize>kc) << 2,
            min(MR, cOutG - i0),
            cols,
            INIT_ACCUMULATE,
            0,
          );
        }
      }
    }
  }
}

/** `dst[i] = Σ_t src[t·len + i]` for `count` partial sums of `len` floats. */
export function sumPartials(dst: usize, src: usize, count: i32, len: i32): void {
  const stride = (<usize>len) << 2;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const off = (<usize>i) << 2;
    let s = v128.load(src + off);
    for (let t = 1; t < count; t++) s = f32x4.add(s, v128.load(src + <usize>t * stride + off));
    v128.store(dst + off, s);
  }
  for (; i < len; i++) {
    const off = (<usize>i) << 2;
    let s = load<f32>(src + off);
    for (let t = 1; t < count; t++) s += load<f32>(src + <usize>t * stride + off);
    store<f32>(dst + off, s);
  }
}
