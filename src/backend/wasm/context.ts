/** What every kernel wrapper of the wasm backend works with: the kernels, the arena, the threads. */
import type { Arena } from './arena.js';
import type { WasmKernels } from './abi.generated.js';
import type { ThreadPool } from './thread-pool.js';

/** The state one wasm backend instance shares between its kernel wrappers. */
export interface WasmContext {
  readonly kernels: WasmKernels;
  readonly arena: Arena;
  /** Replaced when the thread count changes. */
  pool: ThreadPool;
  /** Below this many flops per thread, waking another thread costs more than it saves. */
  readonly minFlopsPerThread: number;
}

/** How many threads to split a kernel of `flops` over `units` independent work units across. */
export function threadsFor(ctx: WasmContext, flops: number, units: number): number {
  const worth = ctx.minFlopsPerThread > 0 ? Math.floor(flops / ctx.minFlopsPerThread) : Infinity;
  return Math.max(1, Math.min(ctx.pool.size, units, worth));
}

/**
 * Chunks threads claim one at a time (see thread-pool.ts) to run `units` work units: one per
 * thread would leave the faster threads waiting for the slowest; four per thread let them take
 * over its work. One thread runs one chunk.
 */
export function chunksFor(threads: number, units: number): number {
  return threads === 1 ? 1 : Math.max(1, Math.min(units, 4 * threads));
}
