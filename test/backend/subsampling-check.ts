/**
 * The subsampling kernels' contract, checked on any backend: `subsampling` and
 * `subsamplingBackward` equal, bit for bit, the same backend's separate kernels run one after
 * another — pooling, mul and add with the per-channel weight and bias broadcast, the activation,
 * and backward the activation's derivative, the sums over (n, i, j), the products and the
 * pooling's backward. Used by subsampling.test.ts (ref) and wasm/pool.test.ts (wasm).
 */
import { expect } from 'vitest';
import type { Activation, Backend, SubsamplingSpec } from '../../src/backend/backend.js';
import type { PoolGeometry } from '../../src/geometry/pool.js';
import type { Generator } from '../../src/tensor/random.js';

/** The subsamplings checked: both poolings with every activation. */
export const SPECS: SubsamplingSpec[] = (['avg', 'max'] as const).flatMap((pool) =>
  (['none', 'relu', 'tanh', 'sigmoid'] as Activation[]).map((activation) => ({ pool, activation })),
);

function normals(n: number, g: Generator): Float32Array {
  return Float32Array.from({ length: n }, () => g.normal());
}

function same(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/**
 * Checks both subsampling kernels of `b` on one pooling geometry and spec; with `nanFraction`, that
 * fraction of the input (on average) is NaN, which the pooling and the activation propagate.
 */
export function checkSubsampling(b: Backend, g: PoolGeometry, s: SubsamplingSpec, gen: Generator, label: string, nanFraction = 0): void {
  const { n, c, hOut, wOut } = g;
  const outShape = [n, c, hOut, wOut];
  const size = n * c * hOut * wOut;
  const x = normals(n * c * g.h * g.w, gen);
  if (nanFraction > 0) for (let i = 0; i < x.length; i++) if (gen.uniform() < nanFraction) x[i] = NaN;
  const w = normals(c, gen);
  const bias = normals(c, gen);
  // the separate kernels
  const p = new Float32Array(size);
  const am = s.pool === 'max' ? new Int32Array(size) : null;
  if (am !== null) b.maxPool2d(x, g, p, am);
  else b.avgPool2d(x, g, p);
  const scaled = new Float32Array(size);
  b.binary('mul', p, outShape, w, [1, c, 1, 1], scaled, outShape);
  const y = new Float32Array(size);
  b.binary('add', scaled, outShape, bias, [1, c, 1, 1], y, outShape);
  const z = y.slice();
  if (s.activation !== 'none') b.unary(s.activation, z, y, 0);
  // the fused forward, into garbage (it must overwrite)
  const [yF, pF] = [normals(size, gen), normals(size, gen)];
  const amF = am === null ? null : new Int32Array(size).fill(-3);
  b.subsampling(x, w, bias, g, s, yF, pF, amF);
  same(yF, y, `${label}: subsampling output`);
  same(pF, p, `${label}: subsampling pooled`);
  if (am !== null) same(amF!, am, `${label}: subsampling argmax`);

  const dy = normals(size, gen);
  const dz = new Float32Array(size);
  if (s.activation !== 'none') b.unaryBackward(s.activation, z, y, dy, dz, 0);
  else dz.set(dy);
  const db = new Float32Array(c);
  b.sum(dz, outShape, [0, 2, 3], db);
  const dzp = new Float32Array(size);
  b.binary('mul', dz, outShape, p, outShape, dzp, outShape);
  const dw = new Float32Array(c);
  b.sum(dzp, outShape, [0, 2, 3], dw);
  const dp = new Float32Array(size);
  b.binary('mul', dz, outShape, w, [1, c, 1, 1], dp, outShape);
  const dx0 = normals(x.length, gen);
  const dx = dx0.slice();
  if (am !== null) b.maxPool2dBackward(dp, am, g, dx);
  else b.avgPool2dBackward(dp, g, dx);
  const dxFromZero = new Float32Array(x.length);
  if (am !== null) b.maxPool2dBackward(dp, am, g, dxFromZero, true);
  else b.avgPool2dBackward(dp, g, dxFromZero, true);

  // adding onto a non-zero dx, dw and db overwritten from garbage
  const [dxF, dwF, dbF] = [dx0.slice(), normals(c, gen), normals(c, gen)];
  b.subsamplingBackward(dy, y, p, am, w, g, s, dxF, dwF, dbF, false);
  same(dxF, dx, `${label}: subsamplingBackward dx (accumulated)`);
  same(dwF, dw, `${label}: subsamplingBackward dw`);
  same(dbF, db, `${label}: subsamplingBackward db`);
  // a zeroed dx written, the parameters not asked for
  const dxZ = new Float32Array(x.length);
  b.subsamplingBackward(dy, y, p, am, w, g, s, dxZ, null, null, true);
  same(dxZ, dxFromZero, `${label}: subsamplingBackward dx (dxZeroed)`);
}
