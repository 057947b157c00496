/**
 * The `wasm` backend: the kernels of the Backend contract in WebAssembly with 128-bit SIMD,
 * written in AssemblyScript (./assembly), with the heavy ones (convolutions, matmul) split across
 * threads.
 *
 * - Memory: tensors stay plain JS typed arrays. Each call copies its operands into the kernels'
 *   linear memory (an arena reset after the call, grown when a call needs more), runs the
 *   kernel on byte offsets, and copies the result into the caller's `out`.
 * - Threads: a pool of worker threads sharing the memory (Node's worker_threads, or Web Workers
 *   in a cross-origin isolated page; see worker-pool.ts); default: the available cores. A
 *   parallel kernel is cut into fixed chunks that the threads claim one at a time; each output
 *   element is computed within one chunk in a fixed order, so results do not depend on which
 *   thread ran what. They depend on the thread count (through the chunk count) only for the
 *   weight gradients' sums over images, which chunks split and add up at the end.
 * - Fusion: `fusedConv2d` keeps a block's convolution output and its gradient in linear memory
 *   (fused-conv.ts).
 * - dtypes: the registry routes float32 work here. Operands that are not Float32Array (an
 *   int32 operand of a mixed binary op or matmul, say) are handed to the reference kernel for
 *   that call, so mixed-type results are exactly the reference's.
 * - Precision: elementwise ops, pooling, sums and log-softmax evaluate the reference's formulas
 *   in the same precision (f64 where it uses doubles), so they agree with it to the last bit up
 *   to the math library; convolutions and matmul accumulate in f32 (as PyTorch on CPU does).
 */
import type { Backend } from '../backend.js';
import { refBackend } from '../ref/index.js';
import { Arena } from './arena.js';
import type { WasmContext } from './context.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv.js';
import { convSubsampling, convSubsamplingBackward, fusedConv2d, fusedConv2dBackward } from './fused-conv.js';
import { adamStep, sgdStep } from './optim.js';
import { axpy, binary, unary, unaryBackward } from './elementwise.js';
import { gemm, matmul } from './matmul.js';
import { type WasmRuntime, loadWasmRuntime, loadWasmRuntimeAsync } from './module.js';
import { createNodeThreadPool, nodeParallelism, nodeWorkerThreads } from './node-thread-pool.js';
import { createWebThreadPool, webParallelism, webWorkersAvailable } from './web-thread-pool.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { subsampling, subsamplingBackward } from './subsampling.js';
import { batchNorm, batchNormBackward, batchNormStats } from './batch-norm.js';
import { argmax, logSoftmax, logSoftmaxBackward, permute, sum } from './reduce.js';
import { SerialPool, type ThreadPool } from './thread-pool.js';

/** Options of `createWasmBackend`. */
export interface WasmBackendOptions {
  /** Threads for convolutions and matmul (default: the available parallelism; 1 without worker threads). */
  threads?: number;
  /**
   * A kernel is split across no more threads than it has multiples of this many flops
   * (default 2·10⁶: smaller chunks cost more to hand over than they save). 0 splits every kernel
   * as far as its work units allow, which tests use to exercise the threads on small shapes.
   */
  minFlopsPerThread?: number;
  /**
   * The kernels compiled with relaxed SIMD, whose multiply-adds are fused where the CPU has FMA:
   * true requires them, false refuses them; by default they are used where the engine validates
   * them (see `relaxedSimdAvailable`), unless `CONVNET_WASM_FMA=0`.
   */
  fma?: boolean;
}

/** The wasm backend, with its thread count adjustable. */
export interface WasmBackend extends Backend {
  /** Threads the heavy kernels use (the calling thread included). */
  readonly threads: number;
  /** Whether the kernels are the relaxed-SIMD variant (fused multiply-adds). */
  readonly fma: boolean;
  /** Changes the thread count (≥ 1); starts or stops worker threads. */
  setThreads(threads: number): void;
  /**
   * Blocks until the worker threads have started (they start in the background; until then the
   * others run their chunks) or `timeoutMs` passed; returns the threads ready. Where the calling
   * thread may not block (a browser page's main thread) it returns the threads ready now.
   */
  waitForThreads(timeoutMs?: number): number;
  /** `waitForThreads` without blocking: resolves once every worker has started or failed. */
  threadsReady(timeoutMs?: number): Promise<number>;
}

/** Whether worker threads can share the kernels' memory here: Node's worker_threads, or Web Workers in a cross-origin isolated page. */
function threadsPossible(): boolean {
  return nodeWorkerThreads() !== null || webWorkersAvailable();
}

/**
 * Default thread count: every available core where worker threads can share memory (Node's
 * `os.availableParallelism()`, a cross-origin isolated page's `navigator.hardwareConcurrency`),
 * else 1.
 */
export function defaultThreads(): number {
  if (nodeWorkerThreads() !== null) return Math.max(1, nodeParallelism() ?? 1);
  if (webWorkersAvailable()) return Math.max(1, webParallelism() ?? 1);
  return 1;
}

/**
 * A pool of `threads` threads for `runtime`: Node worker_threads or Web Workers where the
 * platform has them and the memory is shared, else the calling thread alone.
 */
function createThreadPool(runtime: WasmRuntime, threads: number): ThreadPool {
  if (threads > 1 && runtime.shared) {
    const pool = createNodeThreadPool(runtime, threads) ?? createWebThreadPool(runtime, threads);
    if (pool !== null) return pool;
  }
  return new SerialPool(runtime.kernels);
}

function checkThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`wasm backend: threads must be a positive integer, got ${threads}`);
}

/**
 * Compiles and instantiates the kernels (synchronously) and returns the backend. Throws where
 * WebAssembly with SIMD cannot be instantiated synchronously. With `threads` > 1 (the default
 * on a multi-core Node) it starts `threads − 1` worker threads, which do not keep the process
 * alive.
 */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const threads = options.threads ?? defaultThreads();
  checkThreads(threads);
  // the shared variant wherever threads are possible, so the thread count can change later
  return backendOn(loadWasmRuntime(threadsPossible(), options.fma), threads, options);
}

/**
 * `createWasmBackend` with asynchronous compilation, for where synchronous compilation is refused
 * (a browser's main thread). Rejects where WebAssembly with SIMD cannot be instantiated. Threads
 * as in `createWasmBackend`: in a browser, Web Workers where the page is cross-origin isolated,
 * else one thread.
 */
export async function createWasmBackendAsync(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const threads = options.threads ?? defaultThreads();
  checkThreads(threads);
  return backendOn(await loadWasmRuntimeAsync(threadsPossible(), options.fma), threads, options);
}

/** The backend running on an instantiated `runtime` with `threads` (checked) threads. */
function backendOn(runtime: WasmRuntime, threads: number, options: WasmBackendOptions): WasmBackend {
  const ctx: WasmContext = {
    kernels: runtime.kernels,
    arena: new Arena(runtime.memory, runtime.kernels.heapBase(), runtime.kernels.zeroFill),
    pool: createThreadPool(runtime, threads),
    minFlopsPerThread: options.minFlopsPerThread ?? 2e6,
  };
  return {
    name: 'wasm',
    get threads() {
      return ctx.pool.size;
    },
    fma: runtime.fma,
    setThreads(n: number): void {
      checkThreads(n);
      if (n === ctx.pool.size) return;
      ctx.pool.close();
      ctx.pool = createThreadPool(runtime, n);
    },
    waitForThreads(timeoutMs = 10_000): number {
      return ctx.pool.waitUntilReady(timeoutMs);
    },
    threadsReady(timeoutMs = 10_000): Promise<number> {
      return ctx.pool.whenReady(timeoutMs);
    },
    persistentFloat32(length) {
      return ctx.arena.persistentFloat32(length);
    },
    unary(op, x, out, alpha) {
      if (x instanceof Float32Array && out instanceof Float32Array) unary(ctx, op, x, out, alpha);
      else refBackend.unary(op, x, out, alpha);
    },
    unaryBackward(op, x, y, dy, dx, alpha) {
      if (x instanceof Float32Array && y instanceof Float32Array && dy instanceof Float32Array && dx instanceof Float32Array) {
        unaryBackward(ctx, op, x, y, dy, dx, alpha);
      } else refBackend.unaryBackward(op, x, y, dy, dx, alpha);
    },
    binary(op, a, aShape, b, bShape, out, outShape) {
      if (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)
        binary(ctx, op, a, aShape, b, bShape, out, outShape);
      else refBackend.binary(op, a, aShape, b, bShape, out, outShape);
    },
    axpy(a, b, alpha, out) {
      if (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) axpy(ctx, a, b, alpha, out);
      else refBackend.axpy(a, b, alpha, out);
    },
    sum(x, xShape, axes, out) {
      if (x instanceof Float32Array && out instanceof Float32Array) sum(ctx, x, xShape, axes, out);
      else refBackend.sum(x, xShape, axes, out);
    },
    argmax(x, split, out) {
      if (x instanceof Float32Array) argmax(ctx, x, split, out);
      else refBackend.argmax(x, split, out);
    },
    permute(x, xShape, perm, out) {
      if (x instanceof Float32Array && out instanceof Float32Array) permute(ctx, x, xShape, perm, out);
      else refBackend.permute(x, xShape, perm, out);
    },
    matmul(a, b, out, batch, m, k, n) {
      if (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) matmul(ctx, a, b, out, batch, m, k, n);
      else refBackend.matmul(a, b, out, batch, m, k, n);
    },
    gemm(a, b, bias, out, m, k, n, transA, transB) {
      if (
        a instanceof Float32Array &&
        b instanceof Float32Array &&
        out instanceof Float32Array &&
        (bias === null || bias instanceof Float32Array)
      ) {
        gemm(ctx, a, b, bias, out, m, k, n, transA, transB);
      } else refBackend.gemm(a, b, bias, out, m, k, n, transA, transB);
    },
    conv2d(x, w, bias, g, out) {
      if (
        x instanceof Float32Array &&
        w instanceof Float32Array &&
        out instanceof Float32Array &&
        (bias === null || bias instanceof Float32Array)
      ) {
        conv2dForward(ctx, x, w, bias, g, out);
      } else refBackend.conv2d(x, w, bias, g, out);
    },
    conv2dBackwardInput(dy, w, g, dx, dxZeroed = false) {
      if (dy instanceof Float32Array && w instanceof Float32Array && dx instanceof Float32Array)
        conv2dBackwardInput(ctx, dy, w, g, dx, dxZeroed);
      else refBackend.conv2dBackwardInput(dy, w, g, dx);
    },
    conv2dBackwardWeight(x, dy, g, dw) {
      if (x instanceof Float32Array && dy instanceof Float32Array && dw instanceof Float32Array) conv2dBackwardWeight(ctx, x, dy, g, dw);
      else refBackend.conv2dBackwardWeight(x, dy, g, dw);
    },
    fusedConv2d(x, w, bias, g, e, out, am) {
      if (
        x instanceof Float32Array &&
        w instanceof Float32Array &&
        out instanceof Float32Array &&
        (bias === null || bias instanceof Float32Array)
      ) {
        fusedConv2d(ctx, x, w, bias, g, e, out, am);
      } else refBackend.fusedConv2d(x, w, bias, g, e, out, am);
    },
    fusedConv2dBackward(x, w, y, am, dy, g, e, dx, dw, db, dxZeroed = false, bias) {
      const f32 = (a: unknown): a is Float32Array => a instanceof Float32Array;
      const f32OrNull = (a: unknown): a is Float32Array | null => a === null || f32(a);
      if (
        f32(x) &&
        f32(w) &&
        f32(y) &&
        f32(dy) &&
        f32OrNull(dx) &&
        f32OrNull(dw) &&
        f32OrNull(db) &&
        (bias === undefined || f32OrNull(bias))
      ) {
        fusedConv2dBackward(ctx, x, w, y, am, dy, g, e, dx, dw, db, dxZeroed, bias);
      } else refBackend.fusedConv2dBackward(x, w, y, am, dy, g, e, dx, dw, db, dxZeroed, bias);
    },
    convSubsampling(x, w, bias, g, activation, s, out, a, pooled, am) {
      const f32 = (t: unknown): t is Float32Array => t instanceof Float32Array;
      if (f32(x) && f32(w) && (bias === null || f32(bias)) && f32(s.weight) && f32(s.bias) && f32(out) && f32(a) && f32(pooled)) {
        convSubsampling(ctx, x, w, bias, g, activation, s, out, a, pooled, am);
      } else refBackend.convSubsampling(x, w, bias, g, activation, s, out, a, pooled, am);
    },
    convSubsamplingBackward(x, w, y, a, pooled, am, dy, g, activation, s, grads, dxZeroed = false) {
      const f32 = (t: unknown): t is Float32Array => t instanceof Float32Array;
      const f32OrNull = (t: unknown): boolean => t === null || f32(t);
      const gradsF32 =
        f32OrNull(grads.dx) && f32OrNull(grads.dw) && f32OrNull(grads.db) && f32OrNull(grads.dStageWeight) && f32OrNull(grads.dStageBias);
      if (f32(x) && f32(w) && f32(y) && f32(a) && f32(pooled) && f32(dy) && f32(s.weight) && gradsF32) {
        convSubsamplingBackward(ctx, x, w, y, a, pooled, am, dy, g, activation, s, grads, dxZeroed);
      } else refBackend.convSubsamplingBackward(x, w, y, a, pooled, am, dy, g, activation, s, grads);
    },
    maxPool2d(x, g, out, am) {
      if (x instanceof Float32Array && out instanceof Float32Array) maxPool2d(ctx, x, g, out, am);
      else refBackend.maxPool2d(x, g, out, am);
    },
    maxPool2dBackward(dy, am, g, dx, dxZeroed = false) {
      if (dy instanceof Float32Array && dx instanceof Float32Array) maxPool2dBackward(ctx, dy, am, g, dx, dxZeroed);
      else refBackend.maxPool2dBackward(dy, am, g, dx);
    },
    avgPool2d(x, g, out) {
      if (x instanceof Float32Array && out instanceof Float32Array) avgPool2d(ctx, x, g, out);
      else refBackend.avgPool2d(x, g, out);
    },
    avgPool2dBackward(dy, g, dx, dxZeroed = false) {
      if (dy instanceof Float32Array && dx instanceof Float32Array) avgPool2dBackward(ctx, dy, g, dx, dxZeroed);
      else refBackend.avgPool2dBackward(dy, g, dx);
    },
    subsampling(x, w, b, g, s, out, pooled, am) {
      const f32 = (a: unknown): a is Float32Array => a instanceof Float32Array;
      if (f32(x) && f32(w) && f32(b) && f32(out) && f32(pooled)) subsampling(ctx, x, w, b, g, s, out, pooled, am);
      else refBackend.subsampling(x, w, b, g, s, out, pooled, am);
    },
    subsamplingBackward(dy, y, pooled, am, w, g, s, dx, dw, db, dxZeroed = false) {
      const f32 = (a: unknown): a is Float32Array => a instanceof Float32Array;
      if (f32(dy) && f32(y) && f32(pooled) && f32(w) && (dx === null || f32(dx)) && (dw === null || f32(dw)) && (db === null || f32(db))) {
        subsamplingBackward(ctx, dy, y, pooled, am, w, g, s, dx, dw, db, dxZeroed);
      } else refBackend.subsamplingBackward(dy, y, pooled, am, w, g, s, dx, dw, db);
    },
    batchNormStats(x, split, mean, variance) {
      if (x instanceof Float32Array && mean instanceof Float32Array && variance instanceof Float32Array)
        batchNormStats(ctx, x, split, mean, variance);
      else refBackend.batchNormStats(x, split, mean, variance);
    },
    batchNorm(x, split, mean, invStd, weight, bias, out, epilogue) {
      const f32 = (a: unknown): a is Float32Array => a instanceof Float32Array;
      const f32OrNull = (a: unknown): a is Float32Array | null => a === null || f32(a);
      const residual = epilogue?.residual ?? null;
      if (f32(x) && f32(mean) && f32(invStd) && f32OrNull(weight) && f32OrNull(bias) && f32(out) && f32OrNull(residual))
        batchNorm(ctx, x, split, mean, invStd, weight, bias, out, { residual, relu: epilogue?.relu ?? false });
      else refBackend.batchNorm(x, split, mean, invStd, weight, bias, out, epilogue);
    },
    batchNormBackward(x, dy, split, mean, invStd, weight, training, dx, dweight, dbias, epilogue) {
      const f32 = (a: unknown): a is Float32Array => a instanceof Float32Array;
      const f32OrNull = (a: unknown): a is Float32Array | null => a === null || f32(a);
      const [y, dresidual] = [epilogue?.y ?? null, epilogue?.dresidual ?? null];
      if (
        f32(x) &&
        f32(dy) &&
        f32(mean) &&
        f32(invStd) &&
        f32OrNull(weight) &&
        f32OrNull(dx) &&
        f32OrNull(dweight) &&
        f32OrNull(dbias) &&
        f32OrNull(y) &&
        f32OrNull(dresidual)
      )
        batchNormBackward(ctx, x, dy, split, mean, invStd, weight, training, dx, dweight, dbias, { y, dresidual });
      else refBackend.batchNormBackward(x, dy, split, mean, invStd, weight, training, dx, dweight, dbias, epilogue);
    },
    logSoftmax(x, split, out) {
      if (x instanceof Float32Array && out instanceof Float32Array) logSoftmax(ctx, x, split, out);
      else refBackend.logSoftmax(x, split, out);
    },
    sgdStep(theta, grad, buf, o) {
      if (theta instanceof Float32Array && grad instanceof Float32Array && (buf === null || buf instanceof Float32Array))
        sgdStep(ctx, theta, grad, buf, o);
      else refBackend.sgdStep(theta, grad, buf, o);
    },
    adamStep(theta, grad, m, v, o) {
      if (theta instanceof Float32Array && grad instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array)
        adamStep(ctx, theta, grad, m, v, o);
      else refBackend.adamStep(theta, grad, m, v, o);
    },
    logSoftmaxBackward(y, dy, split, dx) {
      if (y instanceof Float32Array && dy instanceof Float32Array && dx instanceof Float32Array) logSoftmaxBackward(ctx, y, dy, split, dx);
      else refBackend.logSoftmaxBackward(y, dy, split, dx);
    },
  };
}
