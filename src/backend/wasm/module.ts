/**
 * Compiling and instantiating the AssemblyScript kernels (built by scripts/build-wasm.mjs) on a
 * WebAssembly memory owned by the JS side. Their exports' names and signatures (`WasmKernels`)
 * come from abi.generated.ts, generated from the same sources.
 *
 * The kernels' bytes (four builds of ~38 KB) are not imported statically, so that a page that
 * bundles the library without computing anything, or before `ready()`, does not carry them:
 * - Node reads them synchronously from the files beside this module (`kernels-*.wasm`), so that
 *   `setBackend('wasm')` and the first op need no `await`;
 * - `loadWasmRuntimeAsync` (behind `ready()`) imports kernels.generated.ts, the same bytes as
 *   base64, with a dynamic `import()`: bundlers put it into a chunk of its own that a page loads
 *   only then, and need no asset handling for it. Once imported, the synchronous path uses it too.
 */
import { SHARED_MAX_PAGES, type WasmKernels, kernelsOf } from './abi.generated.js';

/** The base64 kernels module (kernels.generated.ts), once `loadWasmRuntimeAsync` has imported it. */
let embedded: typeof import('./kernels.generated.js') | null = null;

/** Imports the base64 kernels: the one place that loads kernels.generated.ts, and only on demand. */
async function importEmbeddedKernels(): Promise<typeof import('./kernels.generated.js')> {
  embedded ??= await import('./kernels.generated.js');
  return embedded;
}

/** Whether the base64 kernels module has been imported (by `ready()` or `loadWasmRuntimeAsync`). */
export function embeddedKernelsLoaded(): boolean {
  return embedded !== null;
}

/** A compiled module, its memory and the main thread's instance. */
export interface WasmRuntime {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly kernels: WasmKernels;
  /** Whether the memory is shared (worker threads can run kernels on it). */
  readonly shared: boolean;
  /** Whether the kernels are the variant compiled with relaxed SIMD (fused multiply-adds). */
  readonly fma: boolean;
}

/** Decodes base64 (no Node Buffer needed: `atob` exists in browsers and Node ≥ 16). */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The export `name` of the kernels module, checked to be a function. */
function pickExport(exports: WebAssembly.Exports, name: string): (...args: number[]) => number {
  const f = exports[name];
  if (typeof f !== 'function') throw new Error(`wasm backend: the kernels module does not export '${name}'`);
  return f as (...args: number[]) => number;
}

/** Initial memory: 16 MiB, grown by the arena as kernels need more. */
const INITIAL_PAGES = 256;

/** A shared memory, trying smaller maximum sizes where the address space is tight. */
function sharedMemory(): WebAssembly.Memory {
  let lastError: unknown = null;
  for (let maximum = SHARED_MAX_PAGES; maximum >= 4096; maximum /= 4) {
    try {
      return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum, shared: true });
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError instanceof Error ? lastError : new Error('wasm backend: cannot create a shared memory');
}

/** The file beside this module of each build, as scripts/build-wasm.mjs writes them. */
function kernelFile(shared: boolean, fma: boolean): string {
  return `kernels-${shared ? 'shared' : 'plain'}${fma ? '-fma' : ''}.wasm`;
}

/**
 * The kernels' bytes: for a shared memory (threads) or a plain one, with relaxed SIMD or without.
 * From the base64 module where it has been imported, else (Node) from the file beside this
 * module; elsewhere it throws, saying to await `ready()`.
 */
function kernelBytes(shared: boolean, fma: boolean): Uint8Array<ArrayBuffer> {
  if (typeof WebAssembly !== 'object') throw new Error('wasm backend: WebAssembly is not available');
  if (embedded !== null) {
    const e = embedded;
    return decodeBase64(
      shared ? (fma ? e.SHARED_FMA_WASM_BASE64 : e.SHARED_WASM_BASE64) : fma ? e.PLAIN_FMA_WASM_BASE64 : e.PLAIN_WASM_BASE64,
    );
  }
  const proc = typeof process === 'object' ? process : undefined;
  if (typeof proc?.getBuiltinModule !== 'function') {
    throw new Error('wasm backend: the kernels load asynchronously here: await ready() before the first computation');
  }
  const url = new URL(kernelFile(shared, fma), import.meta.url);
  try {
    return new Uint8Array(proc.getBuiltinModule('node:fs').readFileSync(url));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`wasm backend: cannot read the kernels file ${url.href} (${why}); await ready() loads them without it`);
  }
}

/** Whether the relaxed-SIMD kernels validate here; computed once. */
let relaxedSimd: boolean | null = null;

/**
 * Whether this engine runs WebAssembly's relaxed SIMD (`f32x4.relaxed_madd`: a fused multiply-add
 * where the CPU has one), so that the fma kernels can be loaded. Browsers ship it (Chrome 114,
 * Firefox 120); Node 20's V8 has it behind a flag, which this turns on for the process
 * (`v8.setFlagsFromString`) unless `CONVNET_WASM_FMA=0`. Node 22 has it on.
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxedSimd !== null) return relaxedSimd;
  if (typeof WebAssembly !== 'object') return (relaxedSimd = false);
  const probe = kernelBytes(false, true);
  relaxedSimd = WebAssembly.validate(probe);
  const proc = typeof process === 'object' ? process : undefined;
  if (!relaxedSimd && proc?.env?.CONVNET_WASM_FMA !== '0' && typeof proc?.getBuiltinModule === 'function') {
    try {
      proc.getBuiltinModule('node:v8').setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxedSimd = WebAssembly.validate(probe);
    } catch {
      // an engine without the flag: the plain kernels
    }
  }
  return relaxedSimd;
}

/**
 * Whether to load the fma kernels: `fma` when given (true where they do not validate is an
 * error), else where they validate unless `CONVNET_WASM_FMA=0`.
 */
function chooseFma(fma: boolean | undefined): boolean {
  if (fma === false) return false;
  const env = typeof process === 'object' ? process.env?.CONVNET_WASM_FMA : undefined;
  if (fma === undefined && env === '0') return false;
  const available = relaxedSimdAvailable();
  if (fma === true && !available) throw new Error('wasm backend: this engine does not validate relaxed SIMD (fma kernels)');
  return available;
}

/** A new memory for the kernels: shared when `shared`. */
function newMemory(shared: boolean): WebAssembly.Memory {
  return shared ? sharedMemory() : new WebAssembly.Memory({ initial: INITIAL_PAGES });
}

/**
 * Compiles the kernels synchronously and instantiates them on a new memory: the shared variant
 * when `shared` (threads), else the plain one; the relaxed-SIMD (fma) variant as `chooseFma`
 * says. Throws where WebAssembly, SIMD or synchronous compilation is unavailable (e.g. a
 * browser's main thread refuses to compile large modules synchronously; `loadWasmRuntimeAsync`
 * works there).
 */
export function loadWasmRuntime(shared: boolean, fmaOption?: boolean): WasmRuntime {
  const fma = chooseFma(fmaOption);
  const module = new WebAssembly.Module(kernelBytes(shared, fma));
  const memory = newMemory(shared);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { module, memory, kernels: kernelsOf(instance.exports, pickExport), shared, fma };
}

/**
 * `loadWasmRuntime` with asynchronous compilation and instantiation (`WebAssembly.compile`,
 * `WebAssembly.instantiate`), which browsers allow on the main thread for modules of any size.
 * Rejects where WebAssembly or SIMD is unavailable.
 */
export async function loadWasmRuntimeAsync(shared: boolean, fmaOption?: boolean): Promise<WasmRuntime> {
  if (typeof WebAssembly !== 'object') throw new Error('wasm backend: WebAssembly is not available');
  await importEmbeddedKernels();
  const fma = chooseFma(fmaOption);
  const module = await WebAssembly.compile(kernelBytes(shared, fma));
  const memory = newMemory(shared);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { module, memory, kernels: kernelsOf(instance.exports, pickExport), shared, fma };
}
