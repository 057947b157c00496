/**
 * Running a parallel kernel on several threads. A task (an exported kernel taking
 * `(desc, chunk, chunks)`) is split by the kernel itself into `chunks` fixed pieces of work; the
 * calling thread and the pool's worker threads (sharing the same memory) claim chunks one at a
 * time until none is left, and `run` returns when all are done. A thread that runs slower (a
 * virtual CPU shared with another machine, one busy with other work) simply claims fewer
 * chunks. What a chunk computes does not depend on which thread runs it, so results depend only
 * on the number of chunks. The platform pools (Node's worker_threads, browsers' Web Workers: see
 * worker-pool.ts) and the serial one below plug in behind this interface; `createThreadPool`
 * (index.ts) picks one.
 */
import type { TaskName, WasmKernels } from './abi.generated.js';

/** Threads that run the chunks of a parallel kernel (see the file comment). */
export interface ThreadPool {
  /** Threads available, the caller's included. */
  readonly size: number;
  /**
   * Runs chunks `0 … chunks − 1` of `task` with descriptor `desc` on up to `threads` threads
   * (≤ size), and waits for all.
   */
  run(task: TaskName, desc: number, threads: number, chunks: number): void;
  /**
   * Blocks until every worker thread has started (or `timeoutMs` passed) and returns how many
   * threads are ready, the caller's included. Not needed for correctness: a worker that is
   * still starting is not asked, and the other threads claim its chunks.
   */
  waitUntilReady(timeoutMs: number): number;
  /**
   * Resolves, once every worker thread has started or failed (or `timeoutMs` passed), to the
   * number of threads ready; for threads that may not block (a browser page's main thread).
   */
  whenReady(timeoutMs: number): Promise<number>;
  /** Stops the worker threads. */
  close(): void;
}

/** Runs every chunk on the calling thread. */
export class SerialPool implements ThreadPool {
  readonly size = 1;
  private readonly kernels: WasmKernels;

  constructor(kernels: WasmKernels) {
    this.kernels = kernels;
  }

  run(task: TaskName, desc: number, _threads: number, chunks: number): void {
    for (let c = 0; c < chunks; c++) this.kernels[task](desc, c, chunks);
  }

  waitUntilReady(): number {
    return 1;
  }

  whenReady(): Promise<number> {
    return Promise.resolve(1);
  }

  close(): void {}
}
