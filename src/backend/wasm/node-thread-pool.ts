/**
 * The Node.js thread pool: a WorkerPool (worker-pool.ts) whose workers are worker_threads.
 * worker_threads is obtained at run time with `process.getBuiltinModule` (Node ≥ 20.16), so
 * nothing Node-specific is imported statically and browser bundles stay clean; elsewhere this
 * pool is unavailable. Workers are unref'd: they never keep the process alive.
 */
import type { WasmRuntime } from './module.js';
import type { ThreadPool } from './thread-pool.js';
import { WorkerPool } from './worker-pool.js';
import { NODE_WORKER_SOURCE } from './worker-source.js';

type WorkerThreads = typeof import('node:worker_threads');

/** node:worker_threads, where this runtime provides it synchronously. */
export function nodeWorkerThreads(): WorkerThreads | null {
  const proc = typeof process === 'object' ? process : undefined;
  if (typeof proc?.getBuiltinModule !== 'function' || typeof SharedArrayBuffer !== 'function') return null;
  try {
    return proc.getBuiltinModule('node:worker_threads');
  } catch {
    return null;
  }
}

/** The number of logical CPUs this process may use (Node), or null where unknown. */
export function nodeParallelism(): number | null {
  const proc = typeof process === 'object' ? process : undefined;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  try {
    const os = proc.getBuiltinModule('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  } catch {
    return null;
  }
}

/** A pool of `threads` threads (the caller and `threads − 1` worker_threads), or null without worker_threads. */
export function createNodeThreadPool(runtime: WasmRuntime, threads: number): ThreadPool | null {
  const wt = nodeWorkerThreads();
  if (wt === null) return null;
  try {
    return new WorkerPool(runtime, threads, (data, onError) => {
      const worker = new wt.Worker(NODE_WORKER_SOURCE, { eval: true, name: `convnet-ts wasm ${data.slot + 1}`, workerData: data });
      worker.on('error', onError);
      worker.unref();
      return { terminate: () => void worker.terminate() };
    });
  } catch {
    return null;
  }
}
