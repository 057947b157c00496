/**
 * The memory layout facts the JS side shares with the AssemblyScript kernels
 * (assembly/gemm.ts, assembly/desc.ts): the register tile, packed-panel sizes and descriptor fields.
 */

/** Rows of the GEMM register tile. */
export const MR = 4;
/** Columns of the GEMM register tile. */
export const NR = 8;

/** Bytes of `m` rows packed into MR-row panels over `k` steps (A operand, zero-padded). */
export function packedABytes(m: number, k: number): number {
  return Math.ceil(m / MR) * MR * k * 4;
}

/** Bytes of one packed NR-column panel over `k` steps (B operand). */
export function panelBytes(k: number): number {
  return k * NR * 4;
}

/** Bytes of a buffer of NR lane offsets (im2col.ts). */
export const LANES_BYTES = 64;

/** Bytes of one MR × NR tile. */
export const TILE_BYTES = MR * NR * 4;

/** Number of i32 fields of a convolution descriptor (assembly/desc.ts C_*). */
export const CONV_FIELDS = 29;

/** Number of i32 fields of a max pooling descriptor (assembly/desc.ts P_*). */
export const POOL_FIELDS = 16;
