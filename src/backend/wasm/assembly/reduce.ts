/**
 * Reductions and data movement: sum over axes (f64 accumulation, as the reference), argmax,
 * permute, log-softmax and its gradient. Shapes arrive collapsed by the JS side (adjacent axes
 * that move together merged), as i32 arrays in linear memory.
 */

/**
 * `acc[o] += x[i]` for contiguous x of collapsed shape `dims` (rank `rank`), where the output
 * offset o advances by `strides[d]` along axis d (0 along summed axes). `acc` is f64 and zeroed
 * by the caller; `index` is scratch for `rank` i32 counters.
 */
export function sumInto(x: usize, acc: usize, rank: i32, dims: usize, strides: usize, index: usize): void {
  const last = (<usize>(rank - 1)) << 2;
  const inner = load<i32>(dims + last);
  const s = load<i32>(strides + last);
  let outer = 1;
  for (let d = 0; d < rank - 1; d++) {
    outer *= load<i32>(dims + ((<usize>d) << 2));
    store<i32>(index + ((<usize>d) << 2), 0);
  }
  let xi = x;
  let o = acc;
  for (let t = 0; t < outer; t++) {
    if (s == 0) {
      // a contiguous run summed into one output
      let v0 = f64x2.splat(0);
      let v1 = f64x2.splat(0);
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const v = v128.load(xi + ((<usize>i) << 2));
        v0 = f64x2.add(v0, f64x2.promote_low_f32x4(v));
        v1 = f64x2.add(v1, f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1)));
      }
      const v = f64x2.add(v0, v1);
      let total = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
      for (; i < inner; i++) total += <f64>load<f32>(xi + ((<usize>i) << 2));
      store<f64>(o, load<f64>(o) + total);
    } else {
      const step = (<usize>s) << 3;
      let q = o;
      for (let i = 0; i < inner; i++) {
        store<f64>(q, load<f64>(q) + <f64>load<f32>(xi + ((<usize>i) << 2)));
        q += step;
      }
    }
    xi += (<usize>inner) << 2;
    for (let d = rank - 2; d >= 0; d--) {
      const dp = (<usize>d) << 2;
      const size = load<i32>(dims + dp);
      const k = load<i32>(index + dp) + 1;
      const step = (<usize>load<i32>(strides + dp)) << 3;
      if (k < size) {
        store<i32>(index + dp, k);
        o += step;
        break;
      }
      store<i32>(index + dp, 0);
      o -= step * <usize>(size - 1);
    }
  }
}

/** `out[i] = f32(acc[i])` for `n` f64 sums. */
export function roundSums(acc: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(out + ((<usize>i) << 2), <f32>load<f64>(acc + ((<usize>i) << 3)));
}

/**
 * `out = x` permuted: out is contiguous with collapsed shape `dims`; along its axis d the input
 * offset advances by `strides[d]` elements. `index` is scratch for `rank` i32 counters.
 */
export function permute(x: usize, out: usize, rank: i32, dims: usize, strides: usize, index: usize): void {
  const last = (<usize>(rank - 1)) << 2;
  const inner = load<i32>(dims + last);
  const s = load<i32>(strides + last);
  let outer = 1;
  for (let d = 0; d < rank - 1; d++) {
    outer *= load<i32>(dims + ((<usize>d) << 2));
    store<i32>(index + ((<usize>d) << 2), 0);
  }
  let src = x;
  let o = out;
  const step = (<usize>s) << 2;
  for (let t = 0; t < outer; t++) {
    if (s == 1) {
      memory.copy(o, src, (<usize>inner) << 2);
    } else {
      let q = src;
      for (let i = 0; i < inner; i++) {
        store<f32>(o + ((<usize>i) << 2), load<f32>(q));
        q += step;
      }
    }
    o += (<usize>inner) << 2;
    for (let d = rank - 2; d >= 0; d--) {
      const dp = (<usize>d) << 2;
      const size = load<i32>(dims + dp);
      const k = load<i32>(index + dp) + 1;
      const sd = (<usize>load<i32>(strides + dp)) << 2;
      if (k < size) {
        store<i32>(index + dp, k);
        src += sd;
        break;
      }
      store<i32>(index + dp, 0);
      src -= sd * <usize>(size - 1);
    }
  }
}

/** Index of the largest value along the middle axis of `outer × size × inner` (first on ties, NaN wins). */
export function argmax(x: usize, out: usize, outer: i32, size: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = x + ((<usize>(o * size * inner + i)) << 2);
      const step = (<usize>inner) << 2;
      let best = 0;
      let bestValue = load<f32>(base);
      let q = base + step;
      for (let k = 1; k < size; k++) {
        const v = load<f32>(q);
        if (v > bestValue || (isNaN(v) && !isNaN(bestValue))) {
          best = k;
          bestValue = v;
        }
        q += step;
      }
      store<i32>(out + ((<usize>(o * inner + i)) << 2), best);
    }
  }
}

/** `out = x − log Σ exp x` along the middle axis of `outer × size × inner`, in f64. */
export function logSoftmax(x: usize, out: usize, outer: i32, size: i32, inner: i32): void {
  const step = (<usize>inner) << 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const off = (<usize>(o * size * inner + i)) << 2;
      const base = x + off;
      let mx: f64 = -Infinity;
      let q = base;
      for (let k = 0; k < size; k++) {
        mx = Math.max(mx, <f64>load<f32>(q));
        q += step;
      }
      let s: f64 = 0;
      q = base;
      for (let k = 0; k < size; k++) {
        s += Math.exp(<f64>load<f32>(q) - mx);
        q += step;
      }
      const logZ = mx + Math.log(s);
      q = base;
      let d = out + off;
      for (let k = 0; k < size; k++) {
        store<f32>(d, <f32>(<f64>load<f32>(q) - logZ));
        q += step;
        d += step;
      }
    }
  }
}

/** `dx = dy − exp(y) · Σ dy` along the middle axis of `outer × size × inner`, in f64. */
export function logSoftmaxBackward(y: usize, dy: usize, dx: usize, outer: i32, size: i32, inner: i32): void {
  const step = (<usize>inner) << 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const off = (<usize>(o * size * inner + i)) << 2;
      let s: f64 = 0;
      let q = dy + off;
      for (let k = 0; k < size; k++) {
        s += <f64>load<f32>(q);
        q += step;
      }
      for (let k = 0; k < size; k++) {
        const j = off + <usize>k * step;
        store<f32>(dx + j, <f32>(<f64>load<f32>(dy + j) - Math.exp(<f64>load<f32>(y + j)) * s));
      }
    }
  }
}
