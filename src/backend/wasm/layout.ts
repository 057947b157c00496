/**
 * Buffer sizes the JS side computes from the layout facts it shares with the kernels. The facts
 * themselves (the GEMM tile MR × NR, lane buffers, descriptor fields) are generated from
 * assembly/abi.ts into abi.generated.ts; these helpers mirror assembly/gemm.ts's packing.
 */
import { LANES_BYTES, MR, NR } from './abi.generated.js';

export { LANES_BYTES, NR };

/** Bytes of `m` rows packed into MR-row panels over `k` steps (A operand, zero-padded). */
export function packedABytes(m: number, k: number): number {
  return Math.ceil(m / MR) * MR * k * 4;
}

/** Bytes of one packed NR-column panel over `k` steps (B operand). */
export function panelBytes(k: number): number {
  return k * NR * 4;
}

/** Bytes of one MR × NR tile. */
export const TILE_BYTES = MR * NR * 4;
