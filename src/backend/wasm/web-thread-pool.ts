/**
 * The browser thread pool: a WorkerPool (worker-pool.ts) whose workers are Web Workers, started
 * from a Blob URL of worker-source.ts's script. Browsers provide SharedArrayBuffer — and so a
 * shared WebAssembly.Memory — only to cross-origin isolated pages (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`);
 * elsewhere this pool is unavailable and the kernels run on one thread.
 */
import type { WasmRuntime } from './module.js';
import type { ThreadPool } from './thread-pool.js';
import { WorkerPool } from './worker-pool.js';
import { WEB_WORKER_SOURCE } from './worker-source.js';

/** The Web Worker API, where this runtime has it (typed locally: the library compiles without the DOM types). */
interface WebWorkerGlobals {
  Worker?: new (
    url: string,
    options?: { name?: string },
  ) => { postMessage(data: unknown): void; terminate(): void; onerror: (() => void) | null };
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}

function globals(): WebWorkerGlobals {
  return globalThis as WebWorkerGlobals;
}

/** Whether Web Workers can share the kernels' memory here: a cross-origin isolated page or worker. */
export function webWorkersAvailable(): boolean {
  const g = globals();
  return (
    typeof g.Worker === 'function' &&
    typeof g.Blob === 'function' &&
    typeof SharedArrayBuffer === 'function' &&
    g.crossOriginIsolated === true
  );
}

/** The browser's logical CPU count (`navigator.hardwareConcurrency`), or null where unknown. */
export function webParallelism(): number | null {
  const n = globals().navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? n : null;
}

/** A pool of `threads` threads (the caller and `threads − 1` Web Workers), or null where they cannot share memory. */
export function createWebThreadPool(runtime: WasmRuntime, threads: number): ThreadPool | null {
  const g = globals();
  if (!webWorkersAvailable() || g.Worker === undefined || g.Blob === undefined || g.URL === undefined) return null;
  const { Worker, Blob, URL } = g;
  try {
    const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
    return new WorkerPool(runtime, threads, (data, onError) => {
      const worker = new Worker(url, { name: `convnet-ts wasm ${data.slot + 1}` });
      worker.onerror = onError;
      worker.postMessage(data);
      return { terminate: () => worker.terminate() };
    });
  } catch {
    return null;
  }
}
