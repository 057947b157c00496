/** Batched matrix product on the packed GEMM: `out[t] = a[t] · b[t]`, row-major m×k times k×n. */
import { INIT_ZERO, MR, NR, microKernel, packA, packBPanel, packedABytes } from './gemm';
import { M_A, M_B, M_BATCH, M_K, M_M, M_N, M_OUT, M_SCRATCH, M_SCRATCH_STRIDE, field, ptr, shareStart } from './desc';

/**
 * Thread `tid` of `threads`: its share of the (batch, column panel) units. Each unit computes
 * all m rows of NR output columns, so every output element is computed by one thread in the
 * same order whatever the thread count. Scratch per thread: packed A, then one B panel.
 */
export function matmulTask(desc: usize, tid: i32, threads: i32): void {
  const batch = field(desc, M_BATCH);
  const m = field(desc, M_M);
  const k = field(desc, M_K);
  const n = field(desc, M_N);
  const a = ptr(desc, M_A);
  const b = ptr(desc, M_B);
  const out = ptr(desc, M_OUT);
  const aPacked = ptr(desc, M_SCRATCH) + <usize>tid * ptr(desc, M_SCRATCH_STRIDE);
  const bPanel = aPacked + packedABytes(m, k);
  const panels = (n + NR - 1) / NR;
  const units = batch * panels;
  const end = shareStart(units, tid + 1, threads);
  let packedFor = -1;
  for (let u = shareStart(units, tid, threads); u < end; u++) {
    const t = u / panels;
    const j0 = (u - t * panels) * NR;
    const cols = min(NR, n - j0);
    if (t != packedFor) {
      packA(aPacked, a + (<usize>t * <usize>m * <usize>k << 2), k, 1, m, k);
      packedFor = t;
    }
    packBPanel(bPanel, b + ((<usize>t * <usize>k * <usize>n + <usize>j0) << 2), n, 1, cols, k);
    const c = out + ((<usize>t * <usize>m * <usize>n + <usize>j0) << 2);
    for (let i0 = 0; i0 < m; i0 += MR) {
      microKernel(aPacked + (<usize>i0 * <usize>k << 2), bPanel, k, c + (<usize>i0 * <usize>n << 2), <usize>n << 2, min(MR, m - i0), cols, INIT_ZERO, 0);
    }
  }
}
