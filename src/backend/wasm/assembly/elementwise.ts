/**
 * Elementwise kernels over `n` floats. Each result is computed in the precision the reference
 * backend uses (f32 where that is exact, f64 and one rounding otherwise), so they agree with it
 * to the last bit wherever the math functions do.
 *
 * NaN as the reference (and PyTorch): relu, leakyRelu, maximum and minimum propagate it, and the
 * relu's gradient is the selection `x ≤ 0 ? 0 : dy`, which passes dy where x is NaN.
 *
 * The op codes are `UnaryCode` and `BinaryCode` of abi.ts.
 */
import { BinaryCode, UnaryCode, UnaryDesc } from './abi';
import { chunkStart, field, ptr } from './desc';
import { hi, lo, narrow } from './f64x4';
import { sigmoid4, tanh4 } from './math';

/** `f(v)` of unary op `op` in f64 (the scalar path). */
function unaryScalar(op: i32, v: f64, alpha: f64): f64 {
  switch (op) {
    case UnaryCode.neg:
      return -v;
    case UnaryCode.exp:
      return Math.exp(v);
    case UnaryCode.log:
      return Math.log(v);
    case UnaryCode.sqrt:
      return Math.sqrt(v);
    case UnaryCode.abs:
      return Math.abs(v);
    case UnaryCode.square:
      return v * v;
    case UnaryCode.relu:
      return v < 0 ? 0 : v;
    case UnaryCode.leakyRelu:
      return v > 0 ? v : alpha * v;
    case UnaryCode.sigmoid:
      return 1 / (1 + Math.exp(-v));
    case UnaryCode.tanh:
      return Math.tanh(v);
    default:
      return Math.pow(v, alpha); // powScalar
  }
}

/** `f(v)` on four lanes, for the ops with an exact SIMD form and tanh and sigmoid (math.ts). */
// @ts-ignore: decorator
@inline
function unaryVector(op: i32, v: v128, alpha: v128): v128 {
  switch (op) {
    case UnaryCode.neg:
      return f32x4.neg(v);
    case UnaryCode.sqrt:
      return f32x4.sqrt(v);
    case UnaryCode.abs:
      return f32x4.abs(v);
    case UnaryCode.square:
      return f32x4.mul(v, v);
    case UnaryCode.relu:
      return relu4(v);
    case UnaryCode.tanh:
      return tanh4(v);
    case UnaryCode.sigmoid:
      return sigmoid4(v);
    default: {
      // leakyRelu: alpha·v in f64, rounded once
      const neg = narrow(f64x2.mul(lo(v), alpha), f64x2.mul(hi(v), alpha));
      return v128.bitselect(v, neg, f32x4.gt(v, f32x4.splat(0)));
    }
  }
}

/**
 * `v < 0 ? +0 : v` per lane: the relu, which keeps NaN (and −0) as PyTorch's `clamp_min(x, 0)`
 * does. The same two instructions as `v > 0 ? v : +0`, whose mask would drop NaN.
 */
// @ts-ignore: decorator
@inline
export function relu4(v: v128): v128 {
  return v128.andnot(v, f32x4.lt(v, f32x4.splat(0)));
}

/** `out[i] = f(x[i])`. */
export function unary(op: i32, x: usize, out: usize, n: i32, alpha: f64): void {
  let i = 0;
  if (
    op == UnaryCode.neg ||
    op == UnaryCode.sqrt ||
    op == UnaryCode.abs ||
    op == UnaryCode.square ||
    op == UnaryCode.relu ||
    op == UnaryCode.leakyRelu
  ) {
    const a = f64x2.splat(alpha);
    for (; i + 4 <= n; i += 4) {
      const off = (<usize>i) << 2;
      v128.store(out + off, unaryVector(op, v128.load(x + off), a));
    }
  }
  if (op == UnaryCode.tanh || op == UnaryCode.sigmoid) {
    // every element through the vector form, the last 1–3 too (the arena leaves readable bytes
    // after every buffer), so that a value's result does not depend on its position
    const a = f64x2.splat(alpha);
    for (; i < n; i += 4) {
      const off = (<usize>i) << 2;
      const v = unaryVector(op, v128.load(x + off), a);
      if (i + 4 <= n) v128.store(out + off, v);
      else storeLanes(out + off, v, n - i);
    }
    return;
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    store<f32>(out + off, <f32>unaryScalar(op, <f64>load<f32>(x + off), alpha));
  }
}

/** Stores the first `count` (< 4) lanes of `v` at `p`. */
function storeLanes(p: usize, v: v128, count: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** `dy · f'(x)` in f64, given `y = f(x)`. */
export function derivativeScalar(op: i32, x: f64, y: f64, dy: f64, alpha: f64): f64 {
  switch (op) {
    case UnaryCode.neg:
      return dy * -1;
    case UnaryCode.exp:
      return dy * y;
    case UnaryCode.log:
      return dy * (1 / x);
    case UnaryCode.sqrt:
      return dy * (0.5 / y);
    case UnaryCode.abs:
      return dy * (x > 0 ? 1 : x < 0 ? -1 : 0);
    case UnaryCode.square:
      return dy * (2 * x);
    case UnaryCode.relu:
      return x <= 0 ? 0 : dy;
    case UnaryCode.leakyRelu:
      return dy * (x > 0 ? 1 : alpha);
    case UnaryCode.sigmoid:
      return dy * (y * (1 - y));
    case UnaryCode.tanh:
      return dy * (1 - y * y);
    default:
      return dy * (alpha * Math.pow(x, alpha - 1)); // powScalar
  }
}

/** `dy · f'(x)` of one f64x2 half, for the ops without transcendental functions. */
// @ts-ignore: decorator
@inline
function derivativeHalf(op: i32, x: v128, y: v128, dy: v128, alpha: v128): v128 {
  const one = f64x2.splat(1);
  switch (op) {
    case UnaryCode.exp:
      return f64x2.mul(dy, y);
    case UnaryCode.log:
      return f64x2.mul(dy, f64x2.div(one, x));
    case UnaryCode.sqrt:
      return f64x2.mul(dy, f64x2.div(f64x2.splat(0.5), y));
    case UnaryCode.square:
      return f64x2.mul(dy, f64x2.add(x, x));
    case UnaryCode.leakyRelu:
      return f64x2.mul(dy, v128.bitselect(one, alpha, f64x2.gt(x, f64x2.splat(0))));
    case UnaryCode.sigmoid:
      return f64x2.mul(dy, f64x2.mul(y, f64x2.sub(one, y)));
    default:
      return f64x2.mul(dy, f64x2.sub(one, f64x2.mul(y, y))); // tanh
  }
}

/** `dx[i] = dy[i] · f'(x[i])`, given `y = f(x)`. */
export function unaryBackward(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, alpha: f64): void {
  let i = 0;
  if (op == UnaryCode.relu) {
    // a selection: dy where x is not ≤ 0 (NaN included), else +0
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const off = (<usize>i) << 2;
      v128.store(dx + off, v128.andnot(v128.load(dy + off), f32x4.le(v128.load(x + off), zero)));
    }
  } else if (op == UnaryCode.neg || op == UnaryCode.abs) {
    // the factor is exactly 0, ±1: one f32 product is the f64 product rounded
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const off = (<usize>i) << 2;
      const xv = v128.load(x + off);
      const g = v128.load(dy + off);
      let factor: v128;
      if (op == UnaryCode.neg) factor = f32x4.splat(-1);
      else factor = v128.or(v128.and(f32x4.splat(1), f32x4.gt(xv, zero)), v128.and(f32x4.splat(-1), f32x4.lt(xv, zero)));
      v128.store(dx + off, f32x4.mul(g, factor));
    }
  } else if (op != UnaryCode.powScalar) {
    // the rest but powScalar: the reference's f64 expression, rounded once
    const a = f64x2.splat(alpha);
    for (; i + 4 <= n; i += 4) {
      const off = (<usize>i) << 2;
      const xv = v128.load(x + off);
      const yv = v128.load(y + off);
      const g = v128.load(dy + off);
      v128.store(dx + off, narrow(derivativeHalf(op, lo(xv), lo(yv), lo(g), a), derivativeHalf(op, hi(xv), hi(yv), hi(g), a)));
    }
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    store<f32>(dx + off, <f32>derivativeScalar(op, <f64>load<f32>(x + off), <f64>load<f32>(y + off), <f64>load<f32>(dy + off), alpha));
  }
}

/** `out[i] = a[i] + alpha · b[i]`, in f64 and rounded once. */
export function axpy(a: usize, b: usize, alpha: f64, out: usize, n: i32): void {
  const s = f64x2.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    const av = v128.load(a + off);
    const bv = v128.load(b + off);
    v128.store(out + off, narrow(f64x2.add(lo(av), f64x2.mul(s, lo(bv))), f64x2.add(hi(av), f64x2.mul(s, hi(bv)))));
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    store<f32>(out + off, <f32>(<f64>load<f32>(a + off) + alpha * <f64>load<f32>(b + off)));
  }
}

/** `a ∘ b` on four lanes (exact in f32: one correctly rounded operation or a selection). */
// @ts-ignore: decorator
@inline
function binaryVector(op: i32, a: v128, b: v128): v128 {
  const one = f32x4.splat(1);
  switch (op) {
    case BinaryCode.add:
      return f32x4.add(a, b);
    case BinaryCode.sub:
      return f32x4.sub(a, b);
    case BinaryCode.mul:
      return f32x4.mul(a, b);
    case BinaryCode.div:
      return f32x4.div(a, b);
    case BinaryCode.maximum:
      // a where a ≥ b or a is NaN, else b (NaN when b is): NaN from either side, a on ties
      return v128.bitselect(a, b, v128.or(f32x4.ge(a, b), f32x4.ne(a, a)));
    case BinaryCode.minimum:
      return v128.bitselect(a, b, v128.or(f32x4.le(a, b), f32x4.ne(a, a)));
    case BinaryCode.eq:
      return v128.and(one, f32x4.eq(a, b));
    case BinaryCode.gt:
      return v128.and(one, f32x4.gt(a, b));
    default:
      return v128.and(one, f32x4.lt(a, b)); // lt
  }
}

/** `a ∘ b` on one lane. */
// @ts-ignore: decorator
@inline
function binaryScalar(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case BinaryCode.add:
      return a + b;
    case BinaryCode.sub:
      return a - b;
    case BinaryCode.mul:
      return a * b;
    case BinaryCode.div:
      return a / b;
    case BinaryCode.maximum:
      return a >= b || isNaN(a) ? a : b;
    case BinaryCode.minimum:
      return a <= b || isNaN(a) ? a : b;
    case BinaryCode.eq:
      return a == b ? 1 : 0;
    case BinaryCode.gt:
      return a > b ? 1 : 0;
    default:
      return a < b ? 1 : 0; // lt
  }
}

/**
 * One contiguous run of `n` outputs: `out[i] = a[i·sa] ∘ b[i·sb]` where each of `sa`, `sb` is 1
 * (contiguous) or 0 (the same element repeated).
 */
function binaryRun(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) {
      const off = (<usize>i) << 2;
      v128.store(out + off, binaryVector(op, v128.load(a + off), v128.load(b + off)));
    }
  } else if (sa == 1 && sb == 0) {
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const off = (<usize>i) << 2;
      v128.store(out + off, binaryVector(op, v128.load(a + off), bv));
    }
  } else if (sa == 0 && sb == 1) {
    const av = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const off = (<usize>i) << 2;
      v128.store(out + off, binaryVector(op, av, v128.load(b + off)));
    }
  }
  for (; i < n; i++) {
    store<f32>(out + ((<usize>i) << 2), binaryScalar(op, load<f32>(a + ((<usize>(i * sa)) << 2)), load<f32>(b + ((<usize>(i * sb)) << 2))));
  }
}

/**
 * `out = a ∘ b` broadcast over `rank` (collapsed) dimensions `dims`, with element strides
 * `stridesA`, `stridesB` (0 along broadcast dimensions; the innermost is 0 or 1); out is
 * contiguous. `index` is scratch for `rank` i32 counters. All arrays are i32 at the given pointers.
 */
export function binary(
  op: i32,
  a: usize,
  b: usize,
  out: usize,
  rank: i32,
  dims: usize,
  stridesA: usize,
  stridesB: usize,
  index: usize,
): void {
  const last = (<usize>(rank - 1)) << 2;
  const inner = load<i32>(dims + last);
  const sa = load<i32>(stridesA + last);
  const sb = load<i32>(stridesB + last);
  let outer = 1;
  for (let d = 0; d < rank - 1; d++) {
    outer *= load<i32>(dims + ((<usize>d) << 2));
    store<i32>(index + ((<usize>d) << 2), 0);
  }
  let ia: usize = a;
  let ib: usize = b;
  let o: usize = out;
  for (let t = 0; t < outer; t++) {
    binaryRun(op, ia, sa, ib, sb, o, inner);
    o += (<usize>inner) << 2;
    for (let d = rank - 2; d >= 0; d--) {
      const dp = (<usize>d) << 2;
      const size = load<i32>(dims + dp);
      const k = load<i32>(index + dp) + 1;
      const stepA = (<usize>load<i32>(stridesA + dp)) << 2;
      const stepB = (<usize>load<i32>(stridesB + dp)) << 2;
      if (k < size) {
        store<i32>(index + dp, k);
        ia += stepA;
        ib += stepB;
        break;
      }
      store<i32>(index + dp, 0);
      ia -= stepA * <usize>(size - 1);
      ib -= stepB * <usize>(size - 1);
    }
  }
}

/** The elements `[start, end)` of chunk `chunk` of `chunks` over `n`, in whole vectors but the last chunk's end. */
// @ts-ignore: decorator
@inline
function chunkRange(n: i32, chunk: i32, chunks: i32): i64 {
  const vectors = (n + 3) >> 2;
  const start = chunkStart(vectors, chunk, chunks) << 2;
  const end = min(chunkStart(vectors, chunk + 1, chunks) << 2, n);
  return ((<i64>start) << 32) | (<i64>(end - start));
}

/** `unary` as a parallel task (descriptor `UnaryDesc`): chunk `chunk` of `chunks` computes its run of the elements. */
export function unaryTask(desc: usize, chunk: i32, chunks: i32): void {
  const range = chunkRange(field(desc, UnaryDesc.n), chunk, chunks);
  const start = (<usize>(range >> 32)) << 2;
  const count = <i32>(range & 0xffffffff);
  if (count <= 0) return;
  const alpha = load<f64>(desc + ((<usize>UnaryDesc.alpha) << 2));
  unary(field(desc, UnaryDesc.op), ptr(desc, UnaryDesc.x) + start, ptr(desc, UnaryDesc.out) + start, count, alpha);
}

/** `unaryBackward` as a parallel task (descriptor `UnaryDesc`): chunk `chunk` of `chunks` computes its run of the elements. */
export function unaryBackwardTask(desc: usize, chunk: i32, chunks: i32): void {
  const range = chunkRange(field(desc, UnaryDesc.n), chunk, chunks);
  const start = (<usize>(range >> 32)) << 2;
  const count = <i32>(range & 0xffffffff);
  if (count <= 0) return;
  const alpha = load<f64>(desc + ((<usize>UnaryDesc.alpha) << 2));
  unaryBackward(
    field(desc, UnaryDesc.op),
    ptr(desc, UnaryDesc.x) + start,
    ptr(desc, UnaryDesc.y) + start,
    ptr(desc, UnaryDesc.dy) + start,
    ptr(desc, UnaryDesc.out) + start,
    count,
    alpha,
  );
}
