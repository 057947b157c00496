/**
 * Work descriptors: the JS side writes a kernel's arguments as consecutive i32 values into linear
 * memory and passes their address, so that every thread of a parallel kernel reads the same
 * arguments. Field indices of each descriptor are listed here and mirrored in `../layout.ts`.
 */

/** The i32 field `i` of the descriptor at `desc`. */
// @ts-ignore: decorator
@inline
export function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + (<usize>i << 2));
}

/** A pointer field. */
// @ts-ignore: decorator
@inline
export function ptr(desc: usize, i: i32): usize {
  return <usize>load<u32>(desc + (<usize>i << 2));
}

/** First unit of chunk `chunk`'s contiguous share of `units` work units. */
// @ts-ignore: decorator
@inline
export function shareStart(units: i32, chunk: i32, chunks: i32): i32 {
  return <i32>((<i64>units * <i64>chunk) / <i64>chunks);
}

// Convolution descriptor (conv2d, conv2dBackwardInput, conv2dBackwardWeight).
export const C_N = 0;
export const C_CIN = 1;
export const C_H = 2;
export const C_W = 3;
export const C_COUT = 4;
export const C_KH = 5;
export const C_KW = 6;
export const C_SH = 7;
export const C_SW = 8;
export const C_DH = 9;
export const C_DW = 10;
export const C_PT = 11;
export const C_PL = 12;
export const C_GROUPS = 13;
export const C_HOUT = 14;
export const C_WOUT = 15;
/** Input x (forward, backward-weight). */
export const C_X = 16;
/** Packed weights (forward, backward-input). */
export const C_PACKED = 17;
/** Bias or 0 (forward); dy (backward). */
export const C_BIAS_OR_DY = 18;
/** Output: y, dx or dw. */
export const C_OUT = 19;
/** Per-chunk scratch: chunk t uses `scratch + t·stride`. */
export const C_SCRATCH = 20;
export const C_SCRATCH_STRIDE = 21;
/**
 * Forward: 0 = overwrite the output (with bias if given), 1 = add to it. Backward-weight: 0 =
 * chunks split the images into partial sums, 1 = chunks split the weight columns.
 */
export const C_MODE = 22;
/** Backward-weight, mode 0: chunk t's partial dw is at `partials + t·cOut·Kc·4`. */
export const C_PARTIALS = 23;
export const C_PB = 24;
export const C_PR = 25;
/** Tap offset table (Kc i32, see im2col.ts tapOffsets) in the padded image. */
export const C_TAPS = 26;
/** The zero-padded input batch (forward), 0 without padding. */
export const C_PADDED = 27;
/** Backward-weight: images per K block (their positions are concatenated into one GEMM's K). */
export const C_BLOCK = 28;
export const C_FIELDS = 29;

/** Height of the planes a convolution reads: the input's, padded. */
// @ts-ignore: decorator
@inline
export function paddedH(desc: usize): i32 {
  return field(desc, C_H) + field(desc, C_PT) + field(desc, C_PB);
}

/** Width of the planes a convolution reads: the input's, padded. */
// @ts-ignore: decorator
@inline
export function paddedW(desc: usize): i32 {
  return field(desc, C_W) + field(desc, C_PL) + field(desc, C_PR);
}

/** Whether the convolution has any padding (then images are read from zero-padded copies). */
// @ts-ignore: decorator
@inline
export function isPadded(desc: usize): bool {
  return (field(desc, C_PT) | field(desc, C_PB) | field(desc, C_PL) | field(desc, C_PR)) != 0;
}

// Matrix product descriptor.
export const M_BATCH = 0;
export const M_M = 1;
export const M_K = 2;
export const M_N = 3;
export const M_A = 4;
export const M_B = 5;
export const M_OUT = 6;
export const M_SCRATCH = 7;
export const M_SCRATCH_STRIDE = 8;
export const M_FIELDS = 9;

// General matrix product descriptor (gemmTask): out = op(a) · op(b) (+ column bias).
export const G_M = 0;
export const G_K = 1;
export const G_N = 2;
export const G_A = 3;
export const G_B = 4;
export const G_BIAS = 5;
export const G_OUT = 6;
/** 1 when a is stored k × m (op(a) = aᵀ). */
export const G_TRANS_A = 7;
/** 1 when b is stored n × k (op(b) = bᵀ). */
export const G_TRANS_B = 8;
export const G_SCRATCH = 9;
export const G_SCRATCH_STRIDE = 10;
export const G_FIELDS = 11;

// Max pooling descriptor (maxPoolTask, maxPoolBackwardTask).
/** Input x (forward), or the input gradient dx (backward). */
export const P_X = 0;
/** Output y (forward), or its gradient dy (backward). */
export const P_OUT = 1;
export const P_ARGMAX = 2;
/** Backward with relu: the pooled outputs y, whose signs mask the gradient. */
export const P_Y = 3;
export const P_PLANES = 4;
export const P_H = 5;
export const P_W = 6;
export const P_KH = 7;
export const P_KW = 8;
export const P_SH = 9;
export const P_SW = 10;
export const P_PH = 11;
export const P_PW = 12;
export const P_HOUT = 13;
export const P_WOUT = 14;
/** 1: pool relu(x) (forward) / mask by the pooled outputs (backward). */
export const P_RELU = 15;
export const P_FIELDS = 16;
