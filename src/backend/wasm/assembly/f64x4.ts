/**
 * Four f32 lanes evaluated in f64 and rounded once, like the reference backend (which computes in
 * JS doubles and stores into a Float32Array): `lo`/`hi` widen, `narrow` rounds back.
 */

/** Lanes 0 and 1 as f64x2. */
// @ts-ignore: decorator
@inline
export function lo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2 and 3 as f64x2. */
// @ts-ignore: decorator
@inline
export function hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** Rounds two f64x2 halves back to one f32x4. */
// @ts-ignore: decorator
@inline
export function narrow(l: v128, h: v128): v128 {
  return f32x4.shuffle(f32x4.demote_f64x2_zero(l), f32x4.demote_f64x2_zero(h), 0, 1, 4, 5);
}
