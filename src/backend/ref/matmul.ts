/** Reference matrix products: the textbook triple loop. */
import type { TypedArray } from '../../tensor/dtype.js';

/** Backend.matmul. */
export function matmul(a: TypedArray, b: TypedArray, out: TypedArray, batch: number, m: number, k: number, n: number): void {
  for (let t = 0; t < batch; t++) {
    const ao = t * m * k;
    const bo = t * k * n;
    const oo = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ao + i * k + p] * b[bo + p * n + j];
        out[oo + i * n + j] = s;
      }
    }
  }
}

/** `out[i,j] = Σ_p op(a)[i,p] · op(b)[p,j] + bias[j]`, with `op(a)[i,p] = a[p,i]` when transA, `op(b)[p,j] = b[j,p]` when transB. */
export function gemm(
  a: TypedArray,
  b: TypedArray,
  bias: TypedArray | null,
  out: TypedArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[transA ? p * m + i : i * k + p] * b[transB ? j * k + p : p * n + j];
      out[i * n + j] = bias === null ? s : s + bias[j];
    }
  }
}
