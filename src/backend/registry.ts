/**
 * Backend selection. `ref` is always available; `wasm` (WebAssembly SIMD, multi-threaded) is
 * created on first use and is the default wherever it loads — if it cannot be instantiated
 * (no WebAssembly SIMD, or a browser main thread that refuses synchronous compilation), float32
 * work stays on `ref`. float64 (and int32) tensors always run on `ref`; the selected backend
 * runs float32. Other backends can be added with `registerBackend`.
 */
import type { DType } from '../tensor/dtype.js';
import type { Backend } from './backend.js';
import { refBackend } from './ref/index.js';
import { type WasmBackend, createWasmBackend, defaultThreads } from './wasm/index.js';

const backends = new Map<string, Backend>([['ref', refBackend]]);
/** The selected backend; null until first needed (then wasm where it loads, else ref). */
let current: Backend | null = null;
/** The wasm backend once created, or the reason it could not be. */
let wasm: WasmBackend | Error | null = null;
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
    return;
  }
  const b = backends.get(name);
  if (b === undefined) {
    wasmBackend(); // so that the message lists it where it loads
    throw new Error(`setBackend: unknown backend '${name}' (available: ${[...backends.keys()].join(', ')})`);
  }
  current = b;
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

/** The backend that runs kernels for tensors of `dtype`. */
export function backendFor(dtype: DType): Backend {
  return dtype === 'float32' ? selected() : refBackend;
}

/**
 * Sets the number of threads the wasm backend's convolutions and matrix products use (the
 * calling thread included; default: the available parallelism, `os.availableParallelism()` in
 * Node). 1 runs everything on the calling thread. Worker threads never keep the process alive.
 * Where worker threads are unavailable (browsers for now, Node < 20.16) kernels run on one thread.
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
