/** Shape arithmetic shared by every op and backend. Shapes are arrays of non-negative integers. */

/** A tensor shape, outermost dimension first. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides: `strides[i] = Π_{j>i} shape[j]`. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** `[2,3,4]` → `"[2, 3, 4]"`, for error messages. */
export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Whether two shapes are identical. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The shape two operands broadcast to, NumPy/PyTorch rules: align trailing dimensions; each
 * pair must be equal or contain a 1.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast ` + `(dimension ${i - rank} is ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** A dimension index that may be negative (counting from the end), checked and made positive. */
export function normalizeDim(op: string, dim: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new Error(`${op}: dim ${dim} is out of range for a tensor of rank ${rank}`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Checks that every entry of a shape is a non-negative integer. */
export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of sizes, got ${JSON.stringify(shape) ?? String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: invalid shape ${shapeStr(shape)} (sizes must be non-negative integers)`);
    }
  }
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size > MAX_ELEMENTS) {
    throw new Error(`${op}: shape ${shapeStr(shape)} has ${size} elements, more than the ${MAX_ELEMENTS} a tensor can hold`);
  }
}

/** The most elements one tensor can hold: 2³¹ − 1, the longest typed array every engine allows. */
export const MAX_ELEMENTS = 2 ** 31 - 1;
