/**
 * Reading and validating the size options of ops and layers (`kernelSize`, `stride`, `padding`,
 * `dilation`, channel counts): each check throws an Error that names the op or layer, the option
 * and the value.
 */

/** A 2-D size given as one number or `[h, w]`. */
export type Size2d = number | readonly [number, number];

/** Throws `${op}: ${name} must be a positive integer, got v` unless v is one. */
export function checkPositiveInt(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
}

/** Throws `${op}: ${name} must be a non-negative integer, got v` unless v is one. */
export function checkNonNegativeInt(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: ${name} must be a non-negative integer, got ${v}`);
}

/**
 * Reads a size option given as a number or a tuple of `spatial` numbers, as `[h, w]`. A 1-D op
 * is a 2-D one over height 1, whose height entry keeps the default.
 */
export function pair(op: string, name: string, v: number | readonly number[] | undefined, dflt: number, spatial: 1 | 2): [number, number] {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === 'number') return [spatial === 1 ? dflt : v, v];
  if (!Array.isArray(v) || v.length !== spatial) {
    throw new Error(`${op}: ${name} must be a number or an array of ${spatial} numbers, got ${JSON.stringify(v)}`);
  }
  return spatial === 1 ? [dflt, v[0]] : [v[0], v[1]];
}
