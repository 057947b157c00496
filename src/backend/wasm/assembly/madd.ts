/**
 * The multiply-add of every heavy kernel's inner loop, `c + a·b` on four lanes, compiled two ways:
 * with relaxed SIMD (the `fma` variants that scripts/build-wasm.mjs builds with
 * `--enable relaxed-simd`) one `f32x4.relaxed_madd` — a fused multiply-add where the CPU has one,
 * rounding once — and otherwise a product and a sum, rounding twice. The JS side loads the fma
 * variant only where the engine validates it.
 */

/** `c + a·b` on four lanes (see the file comment). */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
