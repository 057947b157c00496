/**
 * tanh and the logistic sigmoid on four f32 lanes, for the activations of convolution blocks and
 * the elementwise kernels: the scalar `Math.tanh` of the reference is some ten times slower than
 * these, and the activations of a tanh network are as many values as its convolutions' outputs.
 *
 * Both reduce to `e^r − 1` on `|r| ≤ ln2/2` (Cody–Waite: `u = k·ln2 + r`, with `ln2` split so that
 * `k·ln2_hi` is exact), a degree-7 polynomial (truncation error `r⁸/8! < 6e−9`), and an exact
 * scaling by `2^k` built in the exponent bits:
 *
 *     tanh(x)    = sign(x) · t/(t + 2),   t = e^{2|x|} − 1   (|x| ≤ 10: beyond, tanh rounds to ±1)
 *     sigmoid(x) = 1/(1 + e)  for x ≥ 0,   e/(1 + e)  for x < 0,   e = e^{−|x|}
 *
 * Using `e^r − 1` rather than `e^r` keeps tanh accurate near 0, where `t/(t + 2)` ≈ x. The result
 * is within about 2 ulp of the correctly rounded value over the whole range (checked against f64
 * in the tests), NaN stays NaN, ±0 and ±Infinity give what the reference gives.
 */

const INV_LN2: f32 = 1.44269502;
/** ln 2 to 12 bits, so that `k·LN2_HI` is exact for |k| < 2^12. */
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.4286067653e-6;

/** `p = e^r − 1` for `r = u − k·ln2`, where `k = round(u/ln2)`, so that `e^u = 2^k·(p + 1)`. */
// @ts-ignore: decorator
@inline
function expm1Parts(u: v128, k: v128): v128 {
  // r = u − k·ln2, |r| ≤ ln2/2
  const r = f32x4.sub(f32x4.sub(u, f32x4.mul(k, f32x4.splat(LN2_HI))), f32x4.mul(k, f32x4.splat(LN2_LO)));
  // e^r − 1 = r + r²·(1/2 + r·(1/6 + r·(1/24 + r·(1/120 + r·(1/720 + r/5040)))))
  let q = f32x4.add(f32x4.splat(1.0 / 720.0), f32x4.mul(r, f32x4.splat(1.0 / 5040.0)));
  q = f32x4.add(f32x4.splat(1.0 / 120.0), f32x4.mul(r, q));
  q = f32x4.add(f32x4.splat(1.0 / 24.0), f32x4.mul(r, q));
  q = f32x4.add(f32x4.splat(1.0 / 6.0), f32x4.mul(r, q));
  q = f32x4.add(f32x4.splat(0.5), f32x4.mul(r, q));
  return f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q));
}

/** `2^k` for integral `k` (as f32 lanes) in [−126, 127]: the exponent bits `(k + 127) << 23`. */
// @ts-ignore: decorator
@inline
function pow2(k: v128): v128 {
  return i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
}

/** tanh on four lanes (see the file comment). */
export function tanh4(x: v128): v128 {
  const sign = v128.and(x, i32x4.splat(0x80000000));
  // u = 2·min(|x|, 10); pmin(a, b) is `b < a ? b : a`, so a NaN |x| stays NaN
  const a = f32x4.pmin(f32x4.abs(x), f32x4.splat(10));
  const u = f32x4.add(a, a);
  const k = f32x4.nearest(f32x4.mul(u, f32x4.splat(INV_LN2)));
  const p = expm1Parts(u, k);
  const s = pow2(k);
  // t = e^u − 1 = s·p + (s − 1): s·p is exact, and s − 1 too (k ≤ 29)
  const t = f32x4.add(f32x4.mul(s, p), f32x4.sub(s, f32x4.splat(1)));
  return v128.or(f32x4.div(t, f32x4.add(t, f32x4.splat(2))), sign);
}

/** The logistic sigmoid `1/(1 + e^{−x})` on four lanes (see the file comment). */
export function sigmoid4(x: v128): v128 {
  // e = e^{−|x|}, |x| ≤ 104 (beyond, e rounds to 0 even as a subnormal)
  const u = f32x4.neg(f32x4.pmin(f32x4.abs(x), f32x4.splat(104)));
  const k = f32x4.nearest(f32x4.mul(u, f32x4.splat(INV_LN2)));
  const p1 = f32x4.add(expm1Parts(u, k), f32x4.splat(1));
  // 2^k may be subnormal (k ≥ −151): scale by 2^{k+64} exactly, then by 2^{−64} with one rounding
  const e = f32x4.mul(f32x4.mul(pow2(f32x4.add(k, f32x4.splat(64))), p1), f32x4.splat(5.421010862427522e-20));
  const d = f32x4.add(f32x4.splat(1), e);
  const positive = f32x4.div(f32x4.splat(1), d);
  const negative = f32x4.div(e, d);
  // x ≥ 0 (or NaN, which both forms keep): 1/(1 + e); x < 0: e/(1 + e)
  return v128.bitselect(negative, positive, f32x4.lt(x, f32x4.splat(0)));
}
