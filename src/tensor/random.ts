/**
 * A generator's complete state (`Generator.getState()`), plain JSON-safe data: the four 32-bit
 * words of xoshiro128** as unsigned integers, and the second normal deviate of the last polar
 * draw, kept for the next `normal()` (null when there is none).
 */
export interface GeneratorState {
  state: [number, number, number, number];
  spareNormal: number | null;
}

/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman & Vigna) seeded through splitmix32.
 * Only 32-bit integer arithmetic (`Math.imul`, shifts) is used, so the same seed gives the same
 * stream on every platform and JavaScript engine. Normal deviates use the Marsaglia polar
 * method, which needs only `Math.log` and `Math.sqrt`.
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the stream to the one determined by `seed` (any finite number; integers are mixed down to 32 bits). */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${seed}`);
    let x = (Math.floor(seed) ^ Math.floor(seed / 4294967296)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = null;
    return this;
  }

  /**
   * The complete state (as PyTorch's `Generator.get_state()`): `setState` of it makes this or
   * another generator continue with exactly the same stream.
   */
  getState(): GeneratorState {
    return { state: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spareNormal };
  }

  /** Restores a state from `getState()` (as PyTorch's `Generator.set_state()`); checked first. */
  setState(state: GeneratorState): this {
    const words: unknown = typeof state === 'object' && state !== null ? state.state : undefined;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new Error(`setState: state.state must be 4 unsigned 32-bit integers, got ${JSON.stringify(words)}`);
    }
    const [s0, s1, s2, s3] = words as number[];
    if ((s0 | s1 | s2 | s3) === 0) throw new Error('setState: the xoshiro state must not be all zeros');
    const spare = state.spareNormal;
    if (spare !== null && !Number.isFinite(spare))
      throw new Error(`setState: spareNormal must be a finite number or null, got ${String(spare)}`);
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    this.spareNormal = spare;
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal deviate N(0, 1). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return u * m;
  }

  /** A uniform integer in [0, n). */
  randint(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randint(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when an op is given none. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator, like `torch.manual_seed`. */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}
