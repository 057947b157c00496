/**
 * The Node.js thread pool: worker_threads sharing the kernels' WebAssembly memory, driven through
 * a shared control block with Atomics (the main thread blocks in Atomics.wait while workers
 * finish; Node allows that). worker_threads is obtained at run time with
 * `process.getBuiltinModule` (Node ≥ 20.16), so nothing Node-specific is imported statically
 * and browser bundles stay clean; elsewhere the pool is unavailable and kernels run on one thread.
 * Workers are unref'd: they never keep the process alive.
 */
import type { Worker as NodeWorker } from 'node:worker_threads';
import { TASK_NAMES, type TaskName, type WasmKernels, type WasmRuntime } from './module.js';
import type { ThreadPool } from './thread-pool.js';
import { BUSY, DESC, FAILED, IDLE, READY, RUN, SLOT_INTS, STATE, TASK, THREADS, WORKER_SOURCE } from './worker-source.js';

type WorkerThreads = typeof import('node:worker_threads');

/**
 * How long the calling thread polls a busy worker's state before it sleeps in Atomics.wait, in
 * ms: shares are balanced, so the worker usually finishes within microseconds of the caller, and
 * a wake-up would cost more than the wait.
 */
const MAIN_SPIN_MS = 1;

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

class NodeThreadPool implements ThreadPool {
  readonly size: number;
  private readonly ctrl: Int32Array;
  private readonly workers: NodeWorker[];
  private readonly kernels: WasmKernels;
  /** Index in `ctrl` of the next unclaimed chunk of the running task. */
  private readonly counter: number;

  constructor(wt: WorkerThreads, runtime: WasmRuntime, threads: number) {
    this.counter = (threads - 1) * SLOT_INTS;
    this.size = threads;
    this.kernels = runtime.kernels;
    // a slot per worker, then the chunk counter
    this.ctrl = new Int32Array(new SharedArrayBuffer(threads * SLOT_INTS * 4));
    this.workers = [];
    for (let slot = 0; slot < threads - 1; slot++) {
      const worker = new wt.Worker(WORKER_SOURCE, {
        eval: true,
        name: `convnet-ts wasm ${slot + 1}`,
        workerData: { module: runtime.module, memory: runtime.memory, control: this.ctrl.buffer, counter: this.counter, slot, tasks: TASK_NAMES },
      });
      // a worker that failed is never given work again; its shares run on the calling thread
      worker.on('error', () => {
        Atomics.store(this.ctrl, slot * SLOT_INTS + READY, -1);
        Atomics.notify(this.ctrl, slot * SLOT_INTS + READY);
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  run(task: TaskName, desc: number, threads: number, chunks: number): void {
    const ctrl = this.ctrl;
    const taskIndex = TASK_NAMES.indexOf(task);
    const kernel = this.kernels[task];
    const posted: number[] = [];
    Atomics.store(ctrl, this.counter, 0);
    for (let t = 1; t < Math.min(threads, chunks); t++) {
      const base = (t - 1) * SLOT_INTS;
      // a worker still starting up (or failed) is not asked: the others claim its chunks
      if (t - 1 >= this.workers.length || Atomics.load(ctrl, base + READY) !== 1) continue;
      ctrl[base + TASK] = taskIndex;
      ctrl[base + DESC] = desc;
      ctrl[base + THREADS] = chunks;
      Atomics.store(ctrl, base + STATE, RUN);
      Atomics.notify(ctrl, base + STATE);
      posted.push(t);
    }
    // whatever happens here, every posted worker is finished (or never started) before returning:
    // the caller frees the memory the workers write into
    let error: unknown = null;
    try {
      for (let c = Atomics.add(ctrl, this.counter, 1); c < chunks; c = Atomics.add(ctrl, this.counter, 1)) kernel(desc, c, chunks);
    } catch (e) {
      error = e;
      // leave nothing for the workers to start
      Atomics.store(ctrl, this.counter, chunks);
    }
    for (const t of posted) {
      const state = (t - 1) * SLOT_INTS + STATE;
      // not started yet: every chunk is claimed, so it has nothing to do
      if (Atomics.compareExchange(ctrl, state, RUN, IDLE) === RUN) continue;
      let s: number;
      let polls = 0;
      const spinUntil = performance.now() + MAIN_SPIN_MS;
      while ((s = Atomics.load(ctrl, state)) === BUSY) {
        if ((++polls & 255) === 0 && performance.now() > spinUntil) Atomics.wait(ctrl, state, BUSY);
      }
      if (s === FAILED && error === null) error = new Error(`wasm backend: ${task} failed on a worker thread`);
      Atomics.store(ctrl, state, IDLE);
    }
    if (error !== null) throw error;
  }

  waitUntilReady(timeoutMs: number): number {
    const deadline = performance.now() + timeoutMs;
    let ready = 1;
    for (let slot = 0; slot < this.workers.length; slot++) {
      const at = slot * SLOT_INTS + READY;
      let left: number;
      while (Atomics.load(this.ctrl, at) === 0 && (left = deadline - performance.now()) > 0) Atomics.wait(this.ctrl, at, 0, left);
      if (Atomics.load(this.ctrl, at) === 1) ready++;
    }
    return ready;
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}

/** A pool of `threads` threads (the caller and `threads − 1` workers), or null without worker_threads. */
export function createNodeThreadPool(runtime: WasmRuntime, threads: number): ThreadPool | null {
  const wt = nodeWorkerThreads();
  if (wt === null) return null;
  try {
    return new NodeThreadPool(wt, runtime, threads);
  } catch {
    return null;
  }
}
