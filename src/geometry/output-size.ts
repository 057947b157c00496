/**
 * The output-size formulas of every convolution and pooling, written once (SPEC S3, S8,
 * S17–S19). Every op, layer and backend computes its sizes through these functions; their doc
 * comments refer here instead of restating them.
 *
 * For one spatial dimension with input length `n`, kernel `m`, stride `s`, dilation `d` and
 * paddings `pa` (before) and `pb` (after):
 *
 *     effective kernel           m' = d·(m − 1) + 1                                   (S19)
 *     convolution                n_out = ⌊(n + pa + pb − m') / s⌋ + 1                 (S3)
 *     transposed convolution     n_out = s·(n − 1) − pa − pb + d·(m − 1) + op + 1     (S17, S18)
 *     pooling, window k          n_out = ⌊(n + 2p − k) / s⌋ + 1                       (S8)
 *
 * The notes' `(n − m + 2p)/s + 1` is the convolution's with `pa = pb = p`, `d = 1`. Named
 * paddings (S3, stride 1): narrow `p = 0` gives `n − m + 1`, wide `p = m' − 1` gives
 * `n + m' − 1`, equal-width `p = (m' − 1)/2` gives `n`. The transposed convolution with
 * `p = 0`, `d = 1`, `op = 0` gives `s·(n − 1) + m` (S18). With `ceilMode`, pooling rounds up
 * instead — but drops a last window that would start inside the right padding, as PyTorch does.
 * `op` is `outputPadding`, the extra rows/columns at the end that the transposed convolution's
 * rounding cannot tell apart.
 */

/** Output length of a convolution along one dimension (S3, S19; the formula is in the file comment). */
export function convOutputSize(n: number, m: number, stride: number, padBefore: number, padAfter: number, dilation = 1): number {
  return Math.floor((n + padBefore + padAfter - (dilation * (m - 1) + 1)) / stride) + 1;
}

/** Output length of a transposed convolution along one dimension (S17, S18; the formula is in the file comment). */
export function convTransposeOutputSize(
  n: number,
  m: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation = 1,
  outputPadding = 0,
): number {
  return stride * (n - 1) - padBefore - padAfter + dilation * (m - 1) + outputPadding + 1;
}

/** Output length of pooling along one dimension (S8; the formula, and `ceilMode`'s rule, are in the file comment). */
export function poolOutputSize(n: number, k: number, s: number, p: number, ceilMode: boolean): number {
  const span = n + 2 * p - k;
  let out = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceilMode && (out - 1) * s >= n + p) out--;
  return out;
}

/**
 * Bin `i` of an adaptive pooling of length `n` into `out` bins, as PyTorch's: the half-open range
 * `[⌊i·n/out⌋, ⌈(i + 1)·n/out⌉)`. Bins cover the input and overlap by at most one position where
 * `out` does not divide `n`.
 */
export function adaptivePoolBin(i: number, n: number, out: number): [number, number] {
  return [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)];
}
