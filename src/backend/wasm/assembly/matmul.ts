/** Batched matrix product on the packed GEMM: `out[t] = a[t] · b[t]`, row-major m×k times k×n. */
import { INIT_COLUMN_BIAS, INIT_ZERO, microKernel, packA, packBPanel, packedABytes } from './gemm';
import { chunkStart, field, ptr } from './desc';
import { GemmDesc, MatmulDesc, MR, NR } from './abi';

/**
 * Chunk `chunk` of `chunks`: its run of the (batch, column panel) units. Each unit computes
 * all m rows of NR output columns, so every output element is computed by one chunk in the
 * same order whatever the chunk count. Scratch per chunk: packed A, then one B panel.
 */
export function matmulTask(desc: usize, chunk: i32, chunks: i32): void {
  const batch = field(desc, MatmulDesc.batch);
  const m = field(desc, MatmulDesc.m);
  const k = field(desc, MatmulDesc.k);
  const n = field(desc, MatmulDesc.n);
  const a = ptr(desc, MatmulDesc.a);
  const b = ptr(desc, MatmulDesc.b);
  const out = ptr(desc, MatmulDesc.out);
  const aPacked = ptr(desc, MatmulDesc.scratch) + <usize>chunk * ptr(desc, MatmulDesc.scratchStride);
  const bPanel = aPacked + packedABytes(m, k);
  const panels = (n + NR - 1) / NR;
  const units = batch * panels;
  const end = chunkStart(units, chunk + 1, chunks);
  let packedFor = -1;
  for (let u = chunkStart(units, chunk, chunks); u < end; u++) {
    const t = u / panels;
    const j0 = (u - t * panels) * NR;
    const cols = min(NR, n - j0);
    if (t != packedFor) {
      packA(aPacked, a + ((<usize>t * <usize>m * <usize>k) << 2), k, 1, m, k);
      packedFor = t;
    }
    packBPanel(bPanel, b + ((<usize>t * <usize>k * <usize>n + <usize>j0) << 2), n, 1, cols, k);
    const c = out + ((<usize>t * <usize>m * <usize>n + <usize>j0) << 2);
    for (let i0 = 0; i0 < m; i0 += MR) {
      microKernel(
        aPacked + ((<usize>i0 * <usize>k) << 2),
        bPanel,
        k,
        c + ((<usize>i0 * <usize>n) << 2),
        (<usize>n) << 2,
        min(MR, m - i0),
        cols,
        INIT_ZERO,
        0,
      );
    }
  }
}

/**
 * Packs the A operand of a `gemmTask` (op(a), m×k) once, on the calling thread, into
 * `GemmDesc.packed`, for every chunk of the task to read.
 */
export function gemmPack(desc: usize): void {
  const m = field(desc, GemmDesc.m);
  const k = field(desc, GemmDesc.k);
  const transA = field(desc, GemmDesc.transA) != 0;
  packA(ptr(desc, GemmDesc.packed), ptr(desc, GemmDesc.a), transA ? 1 : k, transA ? m : 1, m, k);
}

/**
 * One product `out = op(a) · op(b) (+ bias)`, row-major out m×n: op(a) is m×k (a stored k×m
 * when GemmDesc.transA), op(b) is k×n (b stored n×k when GemmDesc.transB), bias (n values, or 0)
 * added to every row. The transposes are read by the packing, never materialized: op(a) is
 * packed once beforehand (`gemmPack`). Chunk `chunk` of `chunks` computes its run of the
 * NR-column panels, all m rows each (so every element is computed in the same order whatever the
 * chunk count). Scratch per chunk: one B panel, one NR-value bias panel.
 */
export function gemmTask(desc: usize, chunk: i32, chunks: i32): void {
  const m = field(desc, GemmDesc.m);
  const k = field(desc, GemmDesc.k);
  const n = field(desc, GemmDesc.n);
  const transB = field(desc, GemmDesc.transB) != 0;
  const bias = ptr(desc, GemmDesc.bias);
  const out = ptr(desc, GemmDesc.out);
  const aPacked = ptr(desc, GemmDesc.packed);
  const bPanel = ptr(desc, GemmDesc.scratch) + <usize>chunk * ptr(desc, GemmDesc.scratchStride);
  const biasPanel = bPanel + ((<usize>(k * NR)) << 2);
  const panels = (n + NR - 1) / NR;
  const start = chunkStart(panels, chunk, chunks);
  const end = chunkStart(panels, chunk + 1, chunks);
  if (start >= end) return;
  const b = ptr(desc, GemmDesc.b);
  for (let u = start; u < end; u++) {
    const j0 = u * NR;
    const cols = min(NR, n - j0);
    if (transB) packBPanel(bPanel, b + ((<usize>(j0 * k)) << 2), 1, k, cols, k);
    else packBPanel(bPanel, b + ((<usize>j0) << 2), n, 1, cols, k);
    if (bias) {
      for (let l = 0; l < NR; l++) store<f32>(biasPanel + ((<usize>l) << 2), l < cols ? load<f32>(bias + ((<usize>(j0 + l)) << 2)) : 0);
    }
    const c = out + ((<usize>j0) << 2);
    for (let i0 = 0; i0 < m; i0 += MR) {
      microKernel(
        aPacked + ((<usize>i0 * <usize>k) << 2),
        bPanel,
        k,
        c + ((<usize>i0 * <usize>n) << 2),
        (<usize>n) << 2,
        min(MR, m - i0),
        cols,
        bias ? INIT_COLUMN_BIAS : INIT_ZERO,
        biasPanel,
      );
    }
  }
}
