/**
 * The JS side's allocator over the kernels' linear memory: a bump allocator whose allocations
 * live for one kernel call. `scope` runs a call and then releases everything it allocated, so
 * memory use stays at the high-water mark of the largest call while tensors themselves remain
 * plain JS typed arrays (freed by the garbage collector).
 */

/** A descriptor's fields and their indices (a layout generated from assembly/abi.ts). */
export type DescriptorLayout = Readonly<Record<string, number>>;

/** A value for every field of descriptor layout `L`. */
export type DescriptorValues<L extends DescriptorLayout> = { readonly [K in keyof L]: number };

/** Alignment of every allocation (a cache line). */
const ALIGN = 64;
/**
 * Readable bytes left after every allocation: kernels that work in whole vectors (the direct
 * convolution reads up to 16 floats past a row) may read, but never use, values past the end.
 */
const SLACK = 64;
const PAGE = 65536;

/** The bump allocator of one kernels instance's memory (see the file comment). */
export class Arena {
  private top: number;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private readonly zeroFill: (at: number, bytes: number) => void;

  /**
   * An arena over `memory` from byte `base` (the kernels' heap base) on; `zeroFill` zeroes a
   * range in the kernels (a bulk `memory.fill`: typed-array `fill` on shared memory is ~10× slower).
   */
  constructor(memory: WebAssembly.Memory, base: number, zeroFill: (at: number, bytes: number) => void) {
    this.memory = memory;
    this.zeroFill = zeroFill;
    this.base = Math.ceil(base / ALIGN) * ALIGN;
    this.top = this.base;
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
  }

  /** Runs `fn` and frees every allocation it made. */
  scope<T>(fn: () => T): T {
    const mark = this.top;
    try {
      return fn();
    } finally {
      this.top = mark;
    }
  }

  /**
   * `bytes` of uninitialized memory, 64-byte aligned and followed by at least 64 readable bytes;
   * grows the memory when needed.
   */
  alloc(bytes: number): number {
    const at = this.top;
    const end = at + Math.ceil(bytes / ALIGN) * ALIGN + SLACK;
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      // grow by at least a quarter so that a slowly growing workload does not grow every call
      const pages = Math.max(Math.ceil((end - size) / PAGE), Math.ceil(size / PAGE / 4));
      try {
        this.memory.grow(pages);
      } catch {
        throw new Error(`wasm backend: cannot grow the memory to ${Math.ceil(end / 2 ** 20)} MiB`);
      }
      this.f32View = new Float32Array(this.memory.buffer);
      this.i32View = new Int32Array(this.memory.buffer);
    }
    this.top = end;
    return at;
  }

  /** `bytes` of zeros. */
  zeros(bytes: number): number {
    const at = this.alloc(bytes);
    this.zeroFill(at, bytes);
    return at;
  }

  /** A copy of `x` in linear memory. */
  put(x: Float32Array | Int32Array): number {
    const at = this.alloc(x.length * 4);
    if (x instanceof Float32Array) this.f32View.set(x, at >> 2);
    else this.i32View.set(x, at >> 2);
    return at;
  }

  /** The i32 `values` in linear memory (descriptors, shapes, strides). */
  ints(values: readonly number[]): number {
    const at = this.alloc(values.length * 4);
    for (let i = 0; i < values.length; i++) this.i32View[(at >> 2) + i] = values[i];
    return at;
  }

  /**
   * A work descriptor in linear memory: `values[name]` at index `layout[name]` for every field of
   * `layout` (one of the descriptor layouts generated from assembly/abi.ts, `ConvDesc`, …).
   * `values` must name every field (it may hold more), so a field added on the AssemblyScript
   * side that the caller does not fill does not compile.
   */
  descriptor<L extends DescriptorLayout>(layout: L, values: DescriptorValues<L>): number {
    const fields = Object.keys(layout);
    const at = this.alloc(fields.length * 4);
    for (const name of fields) this.i32View[(at >> 2) + layout[name]] = values[name];
    return at;
  }

  /** Copies `out.length` values at byte offset `at` into `out`. */
  take(at: number, out: Float32Array | Int32Array): void {
    const view = out instanceof Float32Array ? this.f32View : this.i32View;
    out.set(view.subarray(at >> 2, (at >> 2) + out.length));
  }
}
