/**
 * The JS side's allocator over the kernels' linear memory, in two regions:
 *
 * - persistent blocks, from the heap base up: the storage of parameters and optimizer state
 *   (`Backend.persistentFloat32`), handed out as Float32Array views of the memory, which the
 *   kernels read and update where they are. A block is recycled (by size) once its view has been
 *   garbage collected. Only on a shared memory: growing it leaves earlier views valid.
 * - scratch, above them: a bump allocator whose allocations live for one kernel call. `scope`
 *   runs a call and then releases everything it allocated, so scratch stays at the high-water
 *   mark of the largest call while other tensors remain plain JS typed arrays.
 *
 * Kernel wrappers bring operands in with `read` (zero copy for persistent views), `put` (a
 * private copy the kernel may overwrite) or `update` (operated on in place: persistent views
 * where they are, other arrays as a copy that `take` copies back).
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
/** At most this much persistent storage (beyond it, parameters stay ordinary arrays). */
const PERSISTENT_LIMIT = 512 * 2 ** 20;

/** The allocator of one kernels instance's memory (see the file comment). */
export class Arena {
  /** Where scratch starts (above the persistent blocks) and where it ends now. */
  private base: number;
  private top: number;
  /** Open scopes: persistent blocks are placed only between kernel calls. */
  private depth = 0;
  private persistentTop: number;
  private persistentBytes = 0;
  /** Recycled persistent blocks by size. */
  private readonly free = new Map<number, number[]>();
  /** The buffers persistent views were made on (a shared memory's grows each get a new one). */
  private readonly viewBuffers = new WeakSet<ArrayBufferLike>();
  private f32View: Float32Array;
  private i32View: Int32Array;
  private readonly memory: WebAssembly.Memory;
  private readonly zeroFill: (at: number, bytes: number) => void;
  private readonly collected: FinalizationRegistry<[number, number]> | null;

  /**
   * An arena over `memory` from byte `base` (the kernels' heap base) on; `zeroFill` zeroes a
   * range in the kernels (a bulk `memory.fill`: typed-array `fill` on shared memory is ~10× slower).
   */
  constructor(memory: WebAssembly.Memory, base: number, zeroFill: (at: number, bytes: number) => void) {
    this.memory = memory;
    this.zeroFill = zeroFill;
    this.base = Math.ceil(base / ALIGN) * ALIGN;
    this.top = this.base;
    this.persistentTop = this.base;
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
    const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    this.collected =
      shared && typeof FinalizationRegistry === 'function' ? new FinalizationRegistry(([at, bytes]) => this.recycle(at, bytes)) : null;
  }

  /** Runs `fn` and frees every scratch allocation it made. */
  scope<T>(fn: () => T): T {
    const mark = this.top;
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      this.top = mark;
    }
  }

  /** Grows the memory to hold `end` bytes (by at least a quarter, so that slow growth does not grow every call). */
  private reserve(end: number): void {
    const size = this.memory.buffer.byteLength;
    if (end <= size) return;
    const pages = Math.max(Math.ceil((end - size) / PAGE), Math.ceil(size / PAGE / 4));
    try {
      this.memory.grow(pages);
    } catch {
      throw new Error(`wasm backend: cannot grow the memory to ${Math.ceil(end / 2 ** 20)} MiB`);
    }
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
  }

  /**
   * `bytes` of uninitialized scratch, 64-byte aligned and followed by at least 64 readable bytes;
   * grows the memory when needed.
   */
  alloc(bytes: number): number {
    const at = this.top;
    const end = at + Math.ceil(bytes / ALIGN) * ALIGN + SLACK;
    this.reserve(end);
    this.top = end;
    return at;
  }

  /**
   * A zeroed Float32Array view of `length` floats of persistent storage, recycled once the view
   * is garbage collected; null where there is none (a memory that is not shared, a kernel call
   * in progress, or the persistent limit reached).
   */
  persistentFloat32(length: number): Float32Array | null {
    if (this.collected === null || this.depth > 0) return null;
    const bytes = Math.ceil(Math.max(length, 1) / (ALIGN / 4)) * ALIGN;
    let at = this.free.get(bytes)?.pop();
    if (at === undefined) {
      if (this.persistentBytes + bytes > PERSISTENT_LIMIT) return null;
      at = this.persistentTop;
      this.persistentTop += bytes;
      this.persistentBytes += bytes;
      // scratch is empty between kernel calls: it moves up past the new block
      this.reserve(this.persistentTop + SLACK);
      this.base = Math.max(this.base, this.persistentTop + SLACK);
      this.top = this.base;
    }
    this.zeroFill(at, bytes);
    const view = new Float32Array(this.memory.buffer, at, length);
    this.viewBuffers.add(view.buffer);
    this.collected.register(view, [at, bytes]);
    return view;
  }

  /** Returns a collected view's block to the free blocks of its size. */
  private recycle(at: number, bytes: number): void {
    const list = this.free.get(bytes);
    if (list === undefined) this.free.set(bytes, [at]);
    else list.push(at);
  }

  /** The byte offset of `x` when it is a view of this memory (persistent storage), else null. */
  private offsetOf(x: Float32Array | Int32Array): number | null {
    return this.viewBuffers.has(x.buffer) ? x.byteOffset : null;
  }

  /** `bytes` of zeros. */
  zeros(bytes: number): number {
    const at = this.alloc(bytes);
    this.zeroFill(at, bytes);
    return at;
  }

  /** A private copy of `x` in scratch, which the kernel may overwrite. */
  put(x: Float32Array | Int32Array): number {
    const at = this.alloc(x.length * 4);
    if (x instanceof Float32Array) this.f32View.set(x, at >> 2);
    else this.i32View.set(x, at >> 2);
    return at;
  }

  /** Where the kernel reads `x` (which it must not write): a persistent view in place, anything else copied. */
  read(x: Float32Array | Int32Array): number {
    return this.offsetOf(x) ?? this.put(x);
  }

  /**
   * Where the kernel updates `x` in place: a persistent view where it is, anything else as a copy
   * that `take(at, x)` copies back.
   */
  update(x: Float32Array | Int32Array): number {
    return this.offsetOf(x) ?? this.put(x);
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

  /** Copies `out.length` values at byte offset `at` into `out` (nothing to do when `out` is the view at `at`). */
  take(at: number, out: Float32Array | Int32Array): void {
    if (this.offsetOf(out) === at) return;
    const view = out instanceof Float32Array ? this.f32View : this.i32View;
    out.set(view.subarray(at >> 2, (at >> 2) + out.length));
  }
}
