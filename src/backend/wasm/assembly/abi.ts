/**
 * What the JS side and the kernels must agree on, written once: the field order of every work
 * descriptor, the elementwise op codes, and the GEMM's tile and buffer sizes.
 * scripts/build-wasm.mjs reads this file (and the exports of index.ts, with their signatures) and
 * generates ../abi.generated.ts, so the JS side names fields and kernels instead of retyping
 * numbers: adding a field here, or a kernel to index.ts, changes both sides at once, and a
 * descriptor written without the new field, or a call to a kernel that is not exported, does not
 * compile.
 *
 * Only `export const enum` members (values implicit or integer literals) and `export const`
 * integers belong here.
 */

/** Rows of the GEMM register tile. */
export const MR: i32 = 4;
/** Columns of the GEMM register tile (two f32x4). */
export const NR: i32 = 8;
/** Bytes of a buffer of NR i32 lane offsets (one cache line). */
export const LANES_BYTES: usize = 64;

/**
 * Convolution descriptor (conv2d, conv2dBackwardInput, conv2dBackwardWeight, the direct kernels):
 * the geometry (as `ConvGeometry`), then where the operands are.
 */
export const enum ConvDesc {
  n,
  cIn,
  h,
  w,
  cOut,
  kh,
  kw,
  strideH,
  strideW,
  dilationH,
  dilationW,
  padTop,
  padBottom,
  padLeft,
  padRight,
  groups,
  hOut,
  wOut,
  /** Input x (forward, backward-weight). */
  x,
  /** Packed weights (forward, backward-input); the raw weights for the direct kernels. */
  packed,
  /** Bias or 0 (forward); dy (backward). */
  biasOrDy,
  /** Output: y, dx or dw. */
  out,
  /** Per-chunk scratch: chunk t uses `scratch + t·scratchStride`. */
  scratch,
  scratchStride,
  /**
   * Forward: 0 = overwrite the output (with bias if given), 1 = add to it. Backward-weight: 0 =
   * chunks split the images into partial sums, 1 = chunks split the weight columns.
   */
  mode,
  /** Backward-weight, mode 0: chunk t's partial dw is at `partials + t·cOut·Kc·4`. */
  partials,
  /** Tap offset table (Kc i32, see im2col.ts tapOffsets) in the padded image. */
  taps,
  /** The zero-padded input batch (forward), 0 without padding. */
  padded,
  /** Backward-weight: images per K block (their positions are concatenated into one GEMM's K). */
  block,
}

/** Batched matrix product descriptor (matmulTask): `out[t] = a[t] · b[t]`, (m×k)·(k×n). */
export const enum MatmulDesc {
  batch,
  m,
  k,
  n,
  a,
  b,
  out,
  scratch,
  scratchStride,
}

/** General matrix product descriptor (gemmTask): `out = op(a) · op(b) (+ column bias)`. */
export const enum GemmDesc {
  m,
  k,
  n,
  a,
  b,
  /** `[n]` added to every row, or 0. */
  bias,
  out,
  /** 1 when a is stored k × m (op(a) = aᵀ). */
  transA,
  /** 1 when b is stored n × k (op(b) = bᵀ). */
  transB,
  /** op(a) packed into MR-row panels (gemmPack). */
  packed,
  scratch,
  scratchStride,
}

/** Max pooling descriptor (maxPoolTask, maxPoolBackwardTask). */
export const enum PoolDesc {
  /** Input x (forward), or the input gradient dx (backward). */
  x,
  /** Output y (forward), or its gradient dy (backward). */
  out,
  argmax,
  /** Backward with relu: the pooled outputs y, whose signs mask the gradient. */
  y,
  /** Planes (images × channels). */
  planes,
  h,
  w,
  kh,
  kw,
  strideH,
  strideW,
  padH,
  padW,
  hOut,
  wOut,
  /** 1: pool relu(x) (forward) / mask by the pooled outputs (backward). */
  relu,
}

/** Elementwise descriptor (unaryTask, unaryBackwardTask): `out = f(x)`, or `out = dy·f'(x)` given `y = f(x)`. */
export const enum UnaryDesc {
  /** A UnaryCode. */
  op,
  x,
  y,
  dy,
  out,
  n,
  /** The op's f64 parameter (leakyRelu's slope, powScalar's exponent), over two fields: read as one f64. */
  alpha,
  alphaHigh,
}

/** Subsampling descriptor (subsamplingTask, subsamplingBackwardTask, subsamplingSums). */
export const enum SubsampleDesc {
  /** Input x (forward). */
  x,
  /** Output y (forward; read by the backward). */
  out,
  /** The pooled map p (written forward, read backward). */
  pooled,
  /** Max pooling's argmax (written forward, read backward), or 0. */
  argmax,
  weight,
  bias,
  /** Planes (images × channels) and channels. */
  planes,
  channels,
  h,
  w,
  kh,
  kw,
  strideH,
  strideW,
  padH,
  padW,
  hOut,
  wOut,
  countIncludePad,
  /** 0 average pooling, 1 max pooling. */
  pool,
  /** A UnaryCode, or −1 for none. */
  activation,
  /** Backward: ∂L/∂y in, ∂L/∂z and ∂L/∂p out (scratch the size of y), ∂L/∂x, ∂L/∂w, ∂L/∂b out (each 0 when not wanted). */
  dy,
  dz,
  dp,
  dx,
  dw,
  db,
  /** Backward: 1 adds into dx, 0 overwrites it. */
  mode,
}

/**
 * Batch normalization descriptor (batchNormStatsTask, batchNormTask, batchNormBackwardTask): a
 * tensor seen as `(outer, size, inner)` = `(N, C, L)`, whose chunks are runs of channels.
 */
export const enum BatchNormDesc {
  outer,
  size,
  inner,
  x,
  /** Backward: ∂L/∂y. */
  dy,
  /** Forward: y; backward: ∂L/∂x (0: not wanted). */
  out,
  /** `[C]` each: the means, and the biased variances (stats) or 1/√(var + ε) (the others). */
  mean,
  invStd,
  /** `[C]` or 0 (1 and 0 then). */
  weight,
  bias,
  /** Backward: `[C]` outputs, or 0 when not wanted. */
  dweight,
  dbias,
  /** Backward: 1 when the statistics were the batch's, 0 when constants. */
  training,
  /** Forward: `(N, C, L)` added after the affine (in f32), or 0. */
  residual,
  /** Forward: 1 to apply the relu last. */
  relu,
  /** Backward: the forward's output, whose relu selects dy (`y ≤ 0 ? 0 : dy`), or 0. */
  y,
  /** Backward: where that selected gradient (∂L/∂residual) goes, or 0. */
  dresidual,
}

/** The unary elementwise kernels' op codes (elementwise.ts), named as the Backend contract's `UnaryOp`. */
export const enum UnaryCode {
  neg,
  exp,
  log,
  sqrt,
  abs,
  square,
  relu,
  leakyRelu,
  sigmoid,
  tanh,
  powScalar,
}

/** The binary elementwise kernels' op codes (elementwise.ts), named as the Backend contract's `BinaryOp`. */
export const enum BinaryCode {
  add,
  sub,
  mul,
  div,
  maximum,
  minimum,
  eq,
  gt,
  lt,
}
