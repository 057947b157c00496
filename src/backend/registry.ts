/**
 * Backend selection. `ref` is always available; `wasm` (WebAssembly SIMD, multi-threaded) is
 * created on first use and is the default wherever it loads — if it cannot be instantiated
 * synchronously (no WebAssembly SIMD; a browser, where the kernels' bytes are fetched by a dynamic
 * import and a page's main thread refuses synchronous compilation anyway), float32 work stays on
 * `ref`; in a browser, await `ready()` to load it asynchronously. In Node it loads synchronously. float64 (and
 * int32) tensors always run on `ref`; the selected backend runs float32. Other backends can be
 * added with `registerBackend`.
 */
import { type DType, type TypedArray, allocate } from '../tensor/dtype.js';
import type { Backend } from './backend.js';
import { refBackend } from './ref/index.js';
import { type WasmBackend, createWasmBackend, createWasmBackendAsync, defaultThreads } from './wasm/index.js';

const backends = new Map<string, Backend>([['ref', refBackend]]);
/** The selected backend; null until first needed (then wasm where it loads, else ref). */
let current: Backend | null = null;
/** The wasm backend once created, or the reason it could not be. */
let wasm: WasmBackend | Error | null = null;
/** Whether `current` was chosen with setBackend (ready() then leaves it alone). */
let chosen = false;
/** The pending or settled asynchronous load of `ready()`. */
let loading: Promise<void> | null = null;
/** Threads requested with setNumThreads before the wasm backend existed. */
let requestedThreads: number | null = null;

/** The wasm backend, created on first call; an Error if it cannot be instantiated here. */
function wasmBackend(): WasmBackend | Error {
  if (wasm === null) {
    try {
      wasm = createWasmBackend(requestedThreads === null ? {} : { threads: requestedThreads });
      backends.set('wasm', wasm);
    } catch (e) {
      wasm = e instanceof Error ? e : new Error(String(e));
    }
  }
  return wasm;
}

function selected(): Backend {
  if (current === null) {
    const w = wasmBackend();
    current = w instanceof Error ? refBackend : w;
  }
  return current;
}

/** Makes `backend` selectable by its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/**
 * Selects the backend for float32 work by name: `'wasm'` (the default where it loads), `'ref'`,
 * or a registered backend. `setBackend('wasm')` throws, with the reason, where wasm cannot be
 * instantiated.
 */
export function setBackend(name: string): void {
  if (name === 'wasm') {
    const w = wasmBackend();
    if (w instanceof Error) throw new Error(`setBackend: backend 'wasm' is not available here: ${w.message}`);
    current = w;
    chosen = true;
    return;
  }
  const b = backends.get(name);
  if (b === undefined) {
    wasmBackend(); // so that the message lists it where it loads
    throw new Error(`setBackend: unknown backend '${name}' (available: ${[...backends.keys()].join(', ')})`);
  }
  current = b;
  chosen = true;
}

/** Whether this looks like a Node.js (or compatible) runtime, where synchronous compilation works. */
function isNodeLike(): boolean {
  return typeof process === 'object' && typeof process.versions === 'object' && typeof process.versions.node === 'string';
}

/**
 * Loads the wasm backend where it can only be compiled asynchronously, and resolves to the name
 * of the backend then selected for float32 work: `'wasm'` where it loads (it becomes the default
 * exactly as it does on first use in Node, unless `setBackend` chose another), else `'ref'` (no
 * WebAssembly SIMD, say). Browsers' main threads refuse to compile the kernels synchronously, so
 * in a browser call it once before the first computation:
 *
 * ```ts
 * import { ready } from 'convnet-ts';
 * await ready(); // 'wasm'
 * ```
 *
 * Work done before it resolves runs on `ref`. In Node it resolves after the synchronous load.
 * It loads once; later calls resolve to the backend selected then. In a cross-origin isolated
 * page (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`, which give it SharedArrayBuffer) the kernels run
 * on Web Workers too, `navigator.hardwareConcurrency` threads by default, and `ready()` resolves
 * once they have started; elsewhere in a browser they run on the page's thread.
 */
export function ready(): Promise<string> {
  if (isNodeLike()) {
    const w = wasmBackend();
    // a Node-compatible runtime that refuses synchronous compilation still gets the async path
    if (!(w instanceof Error)) return Promise.resolve(getBackend());
  }
  loading ??= loadAsync();
  return loading.then(getBackend);
}

/** The asynchronous load behind `ready()`. */
async function loadAsync(): Promise<void> {
  if (wasm === null || wasm instanceof Error) {
    try {
      const w = await createWasmBackendAsync(requestedThreads === null ? {} : { threads: requestedThreads });
      // worker threads start in the background (a page's main thread cannot wait for them)
      await w.threadsReady(10_000);
      // a synchronous load may have succeeded meanwhile (in a worker): keep that one
      if (wasm === null || wasm instanceof Error) {
        wasm = w;
        backends.set('wasm', w);
        // the default, unless the user chose a backend (a fallback to ref is not a choice)
        if (!chosen) current = w;
      } else w.setThreads(1); // unused: stop its worker threads
    } catch (e) {
      const error = explainLoadError(e);
      wasm ??= error;
      warnFallback(error);
    }
  }
}

/**
 * The error of a failed wasm load, with the cause named where it is known: a page whose
 * Content-Security-Policy does not allow WebAssembly ('wasm-unsafe-eval') refuses to compile it.
 */
function explainLoadError(e: unknown): Error {
  const error = e instanceof Error ? e : new Error(String(e));
  if (/Content.Security.Policy|unsafe-eval|wasm-eval/i.test(error.message)) {
    return new Error(
      `refused by the page's Content-Security-Policy (${error.message}); allow it with script-src 'wasm-unsafe-eval', ` +
        "and worker-src 'self' blob: for the kernels' threads",
      { cause: error },
    );
  }
  return error;
}

let warned = false;

/** Says once, on the console, that the fast backend did not load and why (the fallback is 20–30× slower). */
function warnFallback(error: Error): void {
  if (warned || typeof console === 'undefined') return;
  warned = true;
  console.warn(`convnet-ts: the wasm backend did not load (${error.message}); running on the ref backend, some 20–30× slower`);
}

/** The name of the backend selected for float32 work. */
export function getBackend(): string {
  return selected().name;
}

/** Names of the backends that can be selected (`wasm` only where it loads). */
export function listBackends(): string[] {
  wasmBackend();
  return [...backends.keys()];
}

/** What `backendInfo` reports. */
export interface BackendInfo {
  /** The backend selected for float32 work. */
  backend: string;
  /** The threads its kernels use (1 for ref). */
  threads: number;
  /** Whether the wasm kernels are the relaxed-SIMD variant, with fused multiply-adds. */
  fma: boolean;
  /** Why the wasm backend could not be loaded here, or null. */
  wasmUnavailable: string | null;
}

/** The backend selected for float32 work and how it runs: threads, fused multiply-adds, or why wasm did not load. */
export function backendInfo(): BackendInfo {
  const b = selected();
  const w = wasm;
  const loaded = w !== null && !(w instanceof Error) ? w : null;
  return {
    backend: b.name,
    threads: b === loaded ? loaded.threads : 1,
    fma: b === loaded ? loaded.fma : false,
    wasmUnavailable: w instanceof Error ? w.message : null,
  };
}

/** Why the wasm backend cannot be used here (the error of loading it), or null where it loads. */
export function wasmUnavailableReason(): string | null {
  const w = wasmBackend();
  return w instanceof Error ? w.message : null;
}

/**
 * Storage for a long-lived tensor of `dtype` and `size` elements — a parameter, an optimizer's
 * state: where the backend that runs `dtype` keeps such storage itself (wasm, on a shared memory),
 * a view of its memory that its kernels use in place instead of copying it in and out on every
 * call; elsewhere a new array. Zeroed either way.
 */
export function persistentStorage(dtype: DType, size: number): TypedArray {
  return (dtype === 'float32' ? backendFor(dtype).persistentFloat32?.(size) : null) ?? allocate(dtype, size);
}

/** The backend that runs kernels for tensors of `dtype`. */
export function backendFor(dtype: DType): Backend {
  return dtype === 'float32' ? selected() : refBackend;
}

/**
 * Sets the number of threads the wasm backend's convolutions and matrix products use (the
 * calling thread included; default: the available parallelism, `os.availableParallelism()` in
 * Node, `navigator.hardwareConcurrency` in a cross-origin isolated page). 1 runs everything on
 * the calling thread. Worker threads never keep the process alive. Where worker threads cannot
 * share memory (a page that is not cross-origin isolated, Node < 20.16) kernels run on one thread.
 */
export function setNumThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`setNumThreads: threads must be a positive integer, got ${threads}`);
  requestedThreads = threads;
  const w = wasm;
  if (w !== null && !(w instanceof Error)) w.setThreads(threads);
}

/** The number of threads the wasm backend uses (or will use once created). */
export function getNumThreads(): number {
  const w = wasm;
  if (w !== null && !(w instanceof Error)) return w.threads;
  return requestedThreads ?? defaultThreads();
}
