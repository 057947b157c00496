/**
 * Compiling and instantiating the AssemblyScript kernels (kernels.generated.ts, built by
 * scripts/build-wasm.mjs) on a WebAssembly memory owned by the JS side.
 */
import { PLAIN_WASM_BASE64, SHARED_MAX_PAGES, SHARED_WASM_BASE64 } from './kernels.generated.js';

/** A wasm export called with numbers (pointers are byte offsets into the memory). */
type Exported = (...args: number[]) => number;

/** The kernels' exports (see assembly/index.ts for what each computes). */
export interface WasmKernels {
  heapBase(): number;
  zeroFill(at: number, bytes: number): void;
  sgdStep(theta: number, grad: number, buf: number, n: number, lr: number, mu: number, dampening: number, nesterov: number, wd: number, first: number): void;
  adamStep(
    theta: number, grad: number, m: number, v: number, n: number,
    beta1: number, beta2: number, eps: number, wd: number, decoupled: number, stepSize: number, bc2Sqrt: number, decay: number,
  ): void;
  convPrepare(desc: number, w: number, dst: number, transposed: number): void;
  flipWeights(dst: number, w: number, cOut: number, cInG: number, kh: number, kw: number, groups: number): void;
  convPadTask(desc: number, chunk: number, chunks: number): void;
  convForwardTask(desc: number, chunk: number, chunks: number): void;
  convBackwardInputTask(desc: number, chunk: number, chunks: number): void;
  convBackwardWeightTask(desc: number, chunk: number, chunks: number): void;
  convDirectForwardTask(desc: number, chunk: number, chunks: number): void;
  convDirectWeightTask(desc: number, chunk: number, chunks: number): void;
  sumPartials(dst: number, src: number, count: number, len: number): void;
  matmulTask(desc: number, chunk: number, chunks: number): void;
  gemmTask(desc: number, chunk: number, chunks: number): void;
  unary(op: number, x: number, out: number, n: number, alpha: number): void;
  unaryBackward(op: number, x: number, y: number, dy: number, dx: number, n: number, alpha: number): void;
  binary(op: number, a: number, b: number, out: number, rank: number, dims: number, stridesA: number, stridesB: number, index: number): void;
  axpy(a: number, b: number, alpha: number, out: number, n: number): void;
  sumInto(x: number, acc: number, rank: number, dims: number, strides: number, index: number): void;
  roundSums(acc: number, out: number, n: number): void;
  permute(x: number, out: number, rank: number, dims: number, strides: number, index: number): void;
  argmax(x: number, out: number, outer: number, size: number, inner: number): void;
  logSoftmax(x: number, out: number, outer: number, size: number, inner: number): void;
  logSoftmaxBackward(y: number, dy: number, dx: number, outer: number, size: number, inner: number): void;
  maxPoolTask(desc: number, chunk: number, chunks: number): void;
  maxPoolBackwardTask(desc: number, chunk: number, chunks: number): void;
  maxPoolBackward(dy: number, argmax: number, dx: number, planes: number, h: number, w: number, hOut: number, wOut: number): void;
  avgPool(
    x: number, out: number, planes: number, h: number, w: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, hOut: number, wOut: number, countIncludePad: number,
  ): void;
  avgPoolBackward(
    dy: number, dx: number, planes: number, h: number, w: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, hOut: number, wOut: number, countIncludePad: number,
  ): void;
}

/** The parallel kernels, by export name: what a worker thread may be asked to run. */
export type TaskName =
  | 'convPadTask' | 'convForwardTask' | 'convBackwardInputTask' | 'convBackwardWeightTask' | 'matmulTask' | 'gemmTask'
  | 'maxPoolTask' | 'maxPoolBackwardTask' | 'convDirectForwardTask' | 'convDirectWeightTask';

/** Every task name, in a fixed order (workers receive an index into it). */
export const TASK_NAMES: readonly TaskName[] = [
  'convPadTask', 'convForwardTask', 'convBackwardInputTask', 'convBackwardWeightTask', 'matmulTask', 'gemmTask', 'maxPoolTask', 'maxPoolBackwardTask',
  'convDirectForwardTask', 'convDirectWeightTask',
];

/** A compiled module, its memory and the main thread's instance. */
export interface WasmRuntime {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly kernels: WasmKernels;
  /** Whether the memory is shared (worker threads can run kernels on it). */
  readonly shared: boolean;
}

/** Decodes base64 (no Node Buffer needed: `atob` exists in browsers and Node ≥ 16). */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function exported(exports: WebAssembly.Exports, name: string): Exported {
  const f = exports[name];
  if (typeof f !== 'function') throw new Error(`wasm backend: the kernels module does not export '${name}'`);
  return f as Exported;
}

/** The typed exports of an instance of the kernels module. */
export function kernelsOf(instance: WebAssembly.Instance): WasmKernels {
  const e = instance.exports;
  const f = (name: keyof WasmKernels): Exported => exported(e, name);
  return {
    heapBase: f('heapBase'),
    zeroFill: f('zeroFill'),
    sgdStep: f('sgdStep'),
    adamStep: f('adamStep'),
    convPrepare: f('convPrepare'),
    flipWeights: f('flipWeights'),
    convPadTask: f('convPadTask'),
    convForwardTask: f('convForwardTask'),
    convBackwardInputTask: f('convBackwardInputTask'),
    convBackwardWeightTask: f('convBackwardWeightTask'),
    convDirectForwardTask: f('convDirectForwardTask'),
    convDirectWeightTask: f('convDirectWeightTask'),
    sumPartials: f('sumPartials'),
    matmulTask: f('matmulTask'),
    gemmTask: f('gemmTask'),
    unary: f('unary'),
    unaryBackward: f('unaryBackward'),
    binary: f('binary'),
    axpy: f('axpy'),
    sumInto: f('sumInto'),
    roundSums: f('roundSums'),
    permute: f('permute'),
    argmax: f('argmax'),
    logSoftmax: f('logSoftmax'),
    logSoftmaxBackward: f('logSoftmaxBackward'),
    maxPoolBackward: f('maxPoolBackward'),
    maxPoolTask: f('maxPoolTask'),
    maxPoolBackwardTask: f('maxPoolBackwardTask'),
    avgPool: f('avgPool'),
    avgPoolBackward: f('avgPoolBackward'),
  };
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

/** The kernels' bytes: the shared variant when `shared` (threads), else the plain one. */
function kernelBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  if (typeof WebAssembly !== 'object') throw new Error('wasm backend: WebAssembly is not available');
  return decodeBase64(shared ? SHARED_WASM_BASE64 : PLAIN_WASM_BASE64);
}

/** A new memory for the kernels: shared when `shared`. */
function newMemory(shared: boolean): WebAssembly.Memory {
  return shared ? sharedMemory() : new WebAssembly.Memory({ initial: INITIAL_PAGES });
}

/**
 * Compiles the kernels synchronously and instantiates them on a new memory: the shared variant
 * when `shared` (threads), else the plain one. Throws where WebAssembly, SIMD or synchronous
 * compilation is unavailable (e.g. a browser's main thread refuses to compile large modules
 * synchronously; `loadWasmRuntimeAsync` works there).
 */
export function loadWasmRuntime(shared: boolean): WasmRuntime {
  const module = new WebAssembly.Module(kernelBytes(shared));
  const memory = newMemory(shared);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { module, memory, kernels: kernelsOf(instance), shared };
}

/**
 * `loadWasmRuntime` with asynchronous compilation and instantiation (`WebAssembly.compile`,
 * `WebAssembly.instantiate`), which browsers allow on the main thread for modules of any size.
 * Rejects where WebAssembly or SIMD is unavailable.
 */
export async function loadWasmRuntimeAsync(shared: boolean): Promise<WasmRuntime> {
  const module = await WebAssembly.compile(kernelBytes(shared));
  const memory = newMemory(shared);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { module, memory, kernels: kernelsOf(instance), shared };
}
