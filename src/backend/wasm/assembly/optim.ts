/**
 * Optimizer updates of one parameter in place (ref/optim.ts is the specification): every value
 * is computed in f64 from the stored f32 values, in the reference's order, and rounded to f32
 * where the reference stores it, so results equal the reference's bit for bit. The common
 * momentum step runs two values per f64x2 operation.
 */

/** `[v2, v3]` of `v` as f64: the high half of an f32x4, promoted. */
// @ts-ignore: decorator
@inline
function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** The f32x4 `[lo0, lo1, hi0, hi1]` of two f64x2 halves, each rounded to f32. */
// @ts-ignore: decorator
@inline
function demote(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/**
 * SGD (torch.optim.SGD): `g = ∇ + λθ`; with momentum (buf ≠ 0) `buf = g` on the first step,
 * else `buf = μ·buf + (1 − τ)·g`, and `g = g + μ·buf` (nesterov) or `g = buf`; `θ −= lr·g`.
 */
export function sgdStep(
  theta: usize,
  grad: usize,
  buf: usize,
  n: i32,
  lr: f64,
  mu: f64,
  dampening: f64,
  nesterov: i32,
  wd: f64,
  first: i32,
): void {
  let k = 0;
  if (buf != 0 && !first && !nesterov && wd == 0) {
    // the common momentum step: buf = μ·buf + c·∇, θ −= lr·buf
    const c = 1 - dampening;
    const mu2 = f64x2.splat(mu);
    const c2 = f64x2.splat(c);
    const lr2 = f64x2.splat(lr);
    for (; k + 4 <= n; k += 4) {
      const o = (<usize>k) << 2;
      const b = v128.load(buf + o);
      const g = v128.load(grad + o);
      const t = v128.load(theta + o);
      const bLo = f64x2.add(f64x2.mul(mu2, f64x2.promote_low_f32x4(b)), f64x2.mul(c2, f64x2.promote_low_f32x4(g)));
      const bHi = f64x2.add(f64x2.mul(mu2, promoteHigh(b)), f64x2.mul(c2, promoteHigh(g)));
      const b32 = demote(bLo, bHi);
      v128.store(buf + o, b32);
      const tLo = f64x2.sub(f64x2.promote_low_f32x4(t), f64x2.mul(lr2, f64x2.promote_low_f32x4(b32)));
      const tHi = f64x2.sub(promoteHigh(t), f64x2.mul(lr2, promoteHigh(b32)));
      v128.store(theta + o, demote(tLo, tHi));
    }
    for (; k < n; k++) {
      const o = (<usize>k) << 2;
      const b = <f32>(mu * <f64>load<f32>(buf + o) + c * <f64>load<f32>(grad + o));
      store<f32>(buf + o, b);
      store<f32>(theta + o, <f32>(<f64>load<f32>(theta + o) - lr * <f64>b));
    }
    return;
  }
  for (; k < n; k++) {
    const o = (<usize>k) << 2;
    let g = <f64>load<f32>(grad + o);
    if (wd != 0) g += wd * <f64>load<f32>(theta + o);
    if (buf != 0) {
      const b = first ? <f32>g : <f32>(mu * <f64>load<f32>(buf + o) + (1 - dampening) * g);
      store<f32>(buf + o, b);
      g = nesterov ? g + mu * <f64>b : <f64>b;
    }
    store<f32>(theta + o, <f32>(<f64>load<f32>(theta + o) - lr * g));
  }
}

/**
 * Adam and AdamW: `θ ·= decay` (AdamW) or `g = ∇ + λθ` (Adam); `m = β₁m + (1 − β₁)g`,
 * `v = β₂v + (1 − β₂)g²`, `θ −= stepSize · m / (√v / bc2Sqrt + ε)`.
 */
export function adamStep(
  theta: usize,
  grad: usize,
  m: usize,
  v: usize,
  n: i32,
  beta1: f64,
  beta2: f64,
  eps: f64,
  wd: f64,
  decoupled: i32,
  stepSize: f64,
  bc2Sqrt: f64,
  decay: f64,
): void {
  for (let k = 0; k < n; k++) {
    const o = (<usize>k) << 2;
    let g = <f64>load<f32>(grad + o);
    if (wd != 0) {
      if (decoupled) store<f32>(theta + o, <f32>(<f64>load<f32>(theta + o) * decay));
      else g += wd * <f64>load<f32>(theta + o);
    }
    const mk = <f32>(beta1 * <f64>load<f32>(m + o) + (1 - beta1) * g);
    const vk = <f32>(beta2 * <f64>load<f32>(v + o) + (1 - beta2) * (g * g));
    store<f32>(m + o, mk);
    store<f32>(v + o, vk);
    store<f32>(theta + o, <f32>(<f64>load<f32>(theta + o) - stepSize * (<f64>mk / (Math.sqrt(<f64>vk) / bc2Sqrt + eps))));
  }
}
