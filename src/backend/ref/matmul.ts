/** Reference matrix product: the textbook triple loop. */
import type { TypedArray } from '../../tensor/dtype.js';

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
