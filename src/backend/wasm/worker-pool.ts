/**
 * A thread pool of workers sharing the kernels' WebAssembly memory, driven through a shared
 * control block with Atomics (protocol in worker-source.ts). The platform only decides how a
 * worker is started: Node's worker_threads (node-thread-pool.ts) or a browser's Web Workers
 * (web-thread-pool.ts).
 *
 * Threads claim chunks of a task from a shared counter until none is left; a worker that is
 * still starting up, or has failed, is simply not asked, and the others claim its chunks. The
 * calling thread polls a busy worker's state for a while and then sleeps in Atomics.wait — where
 * it may: a browser page's main thread may not block, so there it keeps polling (the worker is
 * running a chunk of the same size as the caller's, so it finishes soon).
 */
import { TASK_NAMES, type TaskName, type WasmKernels } from './abi.generated.js';
import type { WasmRuntime } from './module.js';
import type { ThreadPool } from './thread-pool.js';
import { BUSY, DESC, FAILED, IDLE, READY, RUN, SLOT_INTS, STATE, TASK, CHUNKS } from './worker-source.js';

/**
 * How long the calling thread polls a busy worker's state before it sleeps in Atomics.wait, in
 * ms: chunks are small and balanced, so the worker usually finishes within microseconds of the
 * caller, and a wake-up would cost more than the wait.
 */
const MAIN_SPIN_MS = 1;

/** What a worker is started with: the `serve(data)` argument of worker-source.ts. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  counter: number;
  slot: number;
  tasks: readonly TaskName[];
}

/** A started worker, as far as the pool needs it. */
export interface WorkerHandle {
  terminate(): void;
}

/** Starts a worker on `data`; `onError` is called if it fails (it is then never asked again). */
export type SpawnWorker = (data: WorkerData, onError: () => void) => WorkerHandle;

/** Whether this thread may block in Atomics.wait (not a browser page's main thread). */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pool (see the file comment). */
export class WorkerPool implements ThreadPool {
  readonly size: number;
  private readonly ctrl: Int32Array;
  private readonly workers: WorkerHandle[] = [];
  private readonly kernels: WasmKernels;
  /** Index in `ctrl` of the next unclaimed chunk of the running task. */
  private readonly counter: number;
  private readonly blocking: boolean;

  /** Starts `threads − 1` workers with `spawn` on `runtime` (whose memory must be shared). */
  constructor(runtime: WasmRuntime, threads: number, spawn: SpawnWorker) {
    this.size = threads;
    this.kernels = runtime.kernels;
    this.blocking = mayBlock();
    // a slot per worker, then the chunk counter
    this.ctrl = new Int32Array(new SharedArrayBuffer(threads * SLOT_INTS * 4));
    this.counter = (threads - 1) * SLOT_INTS;
    for (let slot = 0; slot < threads - 1; slot++) {
      const data: WorkerData = {
        module: runtime.module,
        memory: runtime.memory,
        control: this.ctrl.buffer as SharedArrayBuffer,
        counter: this.counter,
        slot,
        tasks: TASK_NAMES,
      };
      this.workers.push(
        spawn(data, () => {
          Atomics.store(this.ctrl, slot * SLOT_INTS + READY, -1);
          Atomics.notify(this.ctrl, slot * SLOT_INTS + READY);
        }),
      );
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
      ctrl[base + CHUNKS] = chunks;
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
        if (this.blocking && (++polls & 255) === 0 && performance.now() > spinUntil) Atomics.wait(ctrl, state, BUSY);
      }
      if (s === FAILED && error === null) error = new Error(`wasm backend: ${task} failed on a worker thread`);
      Atomics.store(ctrl, state, IDLE);
    }
    if (error !== null) throw error;
  }

  /** Threads ready now, the caller's included. */
  private readyCount(): number {
    let ready = 1;
    for (let slot = 0; slot < this.workers.length; slot++) if (Atomics.load(this.ctrl, slot * SLOT_INTS + READY) === 1) ready++;
    return ready;
  }

  /** Whether every worker has started or failed. */
  private settled(): boolean {
    for (let slot = 0; slot < this.workers.length; slot++) if (Atomics.load(this.ctrl, slot * SLOT_INTS + READY) === 0) return false;
    return true;
  }

  waitUntilReady(timeoutMs: number): number {
    // a thread that may not block (a page's main thread) only counts
    if (!this.blocking) return this.readyCount();
    const deadline = performance.now() + timeoutMs;
    for (let slot = 0; slot < this.workers.length; slot++) {
      const at = slot * SLOT_INTS + READY;
      let left: number;
      while (Atomics.load(this.ctrl, at) === 0 && (left = deadline - performance.now()) > 0) Atomics.wait(this.ctrl, at, 0, left);
    }
    return this.readyCount();
  }

  async whenReady(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    // workers start in the background; in a browser they may need this thread's event loop to
    while (!this.settled() && performance.now() < deadline) await new Promise((wake) => setTimeout(wake, 2));
    return this.readyCount();
  }

  close(): void {
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
