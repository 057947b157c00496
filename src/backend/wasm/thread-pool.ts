/**
 * Running a parallel kernel on several threads. A task (an exported kernel taking
 * `(desc, tid, threads)`) is split by the kernel itself into `threads` shares; the pool runs share
 * 0 on the calling thread and the others on worker threads sharing the same memory, and returns
 * when all are done. Platform pools (Node's worker_threads here; Web Workers later) plug in
 * behind this interface.
 */
import type { TaskName, WasmKernels, WasmRuntime } from './module.js';
import { createNodeThreadPool } from './node-thread-pool.js';

/** Threads that run the shares of a parallel kernel (see the file comment). */
export interface ThreadPool {
  /** Threads available, the caller's included. */
  readonly size: number;
  /** Runs shares `0 … threads − 1` (threads ≤ size) of `task` with descriptor `desc`, and waits for all. */
  run(task: TaskName, desc: number, threads: number): void;
  /**
   * Blocks until every worker thread has started (or `timeoutMs` passed) and returns how many
   * threads are ready, the caller's included. Not needed for correctness: shares of a worker
   * that is still starting run on the calling thread.
   */
  waitUntilReady(timeoutMs: number): number;
  /** Stops the worker threads. */
  close(): void;
}

/** Runs every share on the calling thread. */
export class SerialPool implements ThreadPool {
  readonly size = 1;
  private readonly kernels: WasmKernels;

  constructor(kernels: WasmKernels) {
    this.kernels = kernels;
  }

  run(task: TaskName, desc: number, threads: number): void {
    for (let t = 0; t < threads; t++) this.kernels[task](desc, t, threads);
  }

  waitUntilReady(): number {
    return 1;
  }

  close(): void {}
}

/**
 * A pool of `threads` threads for `runtime`: worker threads where the platform has them and the
 * memory is shared, else the calling thread alone.
 */
export function createThreadPool(runtime: WasmRuntime, threads: number): ThreadPool {
  if (threads > 1 && runtime.shared) {
    const pool = createNodeThreadPool(runtime, threads);
    if (pool !== null) return pool;
  }
  return new SerialPool(runtime.kernels);
}
