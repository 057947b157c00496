/**
 * The fused convolution blocks' contract, checked on any backend: `fusedConv2d` and
 * `fusedConv2dBackward` equal, bit for bit, the same backend's separate kernels run one after
 * another (conv2d → the activation → maxPool2d, and maxPool2dBackward → the activation's
 * backward → sum, conv2dBackwardWeight, conv2dBackwardInput); so do `convSubsampling` and
 * `convSubsamplingBackward`, with LeNet-5's subsampling in place of the max pooling. Used by fused-conv.test.ts (ref)
 * and wasm/fused.test.ts (wasm, 1 and 2 threads).
 *
 * With NaN planted (`NAN_PLANTINGS`), one pixel of the first and last images is NaN, and maybe
 * one channel's bias: the convolution spreads the pixel over a patch of every channel and the
 * bias over a whole channel, so pooling windows hold one NaN, several, or only NaN, which the
 * activation and the pooling must propagate (and route the gradient to the last NaN of each
 * window) as the separate kernels do.
 */
import { expect } from 'vitest';
import type {
  Activation,
  Backend,
  ConvEpilogue,
  ConvSubsamplingGrads,
  SubsamplingSpec,
  SubsamplingStage,
} from '../../src/backend/backend.js';
import type { ConvGeometry } from '../../src/geometry/conv.js';
import { type Pool2dOptions, poolGeometry } from '../../src/geometry/pool.js';
import type { Generator } from '../../src/tensor/random.js';

/** What follows the convolution in the checked blocks. */
export const EPILOGUES: { label: string; activation: Activation; pool: Pool2dOptions | null }[] = [
  { label: 'relu', activation: 'relu', pool: null },
  { label: 'tanh', activation: 'tanh', pool: null },
  { label: 'sigmoid', activation: 'sigmoid', pool: null },
  { label: 'maxPool 2', activation: 'none', pool: { kernelSize: 2 } },
  { label: 'relu, maxPool 2', activation: 'relu', pool: { kernelSize: 2 } },
  { label: 'tanh, maxPool 2', activation: 'tanh', pool: { kernelSize: 2 } },
  {
    label: 'relu, maxPool 3 stride 2 padding 1 ceilMode (overlapping)',
    activation: 'relu',
    pool: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true },
  },
  {
    label: 'sigmoid, maxPool 3 stride 1 (overlapping)',
    activation: 'sigmoid',
    pool: { kernelSize: 3, stride: 1 },
  },
  { label: 'none', activation: 'none', pool: null },
];

/**
 * The epilogue for a convolution's output, or why it cannot have it: a pooling window larger than
 * the padded output (the checked blocks include tiny outputs).
 */
export function epilogueFor(
  g: ConvGeometry,
  activation: Activation,
  pool: Pool2dOptions | null,
): { epilogue: ConvEpilogue } | { skip: string } {
  if (pool === null) return { epilogue: { activation, pool: null } };
  const [k, p] = [pool.kernelSize, pool.padding ?? 0];
  if (typeof k !== 'number' || typeof p !== 'number') throw new Error('epilogueFor: the checked poolings have square windows and paddings');
  if (k > g.hOut + 2 * p || k > g.wOut + 2 * p) {
    return { skip: `skipped: a ${k}x${k} window with padding ${p} does not fit the ${g.hOut}x${g.wOut} convolution output` };
  }
  return { epilogue: { activation, pool: poolGeometry('maxPool2d', [g.n, g.cOut, g.hOut, g.wOut], pool) } };
}

/** Normal samples, with a quarter of them set to exactly 0 (ReLU's and pooling's ties). */
function inputs(n: number, g: Generator): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.uniform() < 0.25 ? 0 : g.normal();
  return a;
}

/** Where the checks plant NaN: nowhere, in the input, or in the input and the bias. */
export type NaNPlanting = 'none' | 'pixels' | 'pixels and a bias';

/** Each planting, with the words test names add for it. */
export const NAN_PLANTINGS: { nan: NaNPlanting; label: string }[] = [
  { nan: 'none', label: '' },
  { nan: 'pixels', label: ', NaN in two pixels' },
  { nan: 'pixels and a bias', label: ', NaN in two pixels and a bias' },
];

/** NaN at one pixel of the first image and one of the last (x `[n, cIn, h, w]`), and in one channel's bias, as `nan` says. */
function plantNaNs(x: Float32Array, bias: Float32Array, g: ConvGeometry, gen: Generator, nan: NaNPlanting): void {
  if (nan === 'none') return;
  const image = g.cIn * g.h * g.w;
  x[gen.randint(image)] = NaN;
  x[(g.n - 1) * image + gen.randint(image)] = NaN;
  if (nan === 'pixels and a bias') bias[gen.randint(bias.length)] = NaN;
}

function same(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Checks both fused kernels of `b` on one convolution and epilogue (with NaN planted as `nan` says). */
export function checkFusedBlock(
  b: Backend,
  g: ConvGeometry,
  e: ConvEpilogue,
  gen: Generator,
  label: string,
  nan: NaNPlanting = 'none',
): void {
  const zLength = g.n * g.cOut * g.hOut * g.wOut;
  const x = inputs(g.n * g.cIn * g.h * g.w, gen);
  const w = inputs(g.cOut * (g.cIn / g.groups) * g.kh * g.kw, gen);
  const bias = inputs(g.cOut, gen);
  plantNaNs(x, bias, g, gen, nan);
  // the separate kernels
  const z = new Float32Array(zLength);
  b.conv2d(x, w, bias, g, z);
  const a = new Float32Array(zLength);
  if (e.activation !== 'none') b.unary(e.activation, z, a, 0);
  else a.set(z);
  const { pool } = e;
  const outLength = pool ? pool.n * pool.c * pool.hOut * pool.wOut : zLength;
  const y = pool ? new Float32Array(outLength) : a;
  const argmax = pool ? new Int32Array(outLength) : null;
  if (pool) b.maxPool2d(a, pool, y, argmax as Int32Array);
  // the fused forward, into garbage (it must overwrite)
  const yFused = inputs(outLength, gen);
  const argmaxFused = pool ? new Int32Array(outLength).fill(-7) : null;
  b.fusedConv2d(x, w, bias, g, e, yFused, argmaxFused);
  same(yFused, y, `${label}: fusedConv2d output`);
  if (pool) same(argmaxFused as Int32Array, argmax as Int32Array, `${label}: fusedConv2d argmax`);

  const dy = inputs(outLength, gen);
  const da = new Float32Array(zLength);
  if (pool) b.maxPool2dBackward(dy, argmax as Int32Array, pool, da, true);
  else da.set(dy);
  const dz = new Float32Array(zLength);
  if (e.activation !== 'none') b.unaryBackward(e.activation, z, a, da, dz, 0);
  else dz.set(da);
  const db = new Float32Array(g.cOut);
  b.sum(dz, [g.n, g.cOut, g.hOut * g.wOut], [0, 2], db);
  const dw = new Float32Array(w.length);
  b.conv2dBackwardWeight(x, dz, g, dw);
  const dx0 = inputs(x.length, gen);
  const dx = dx0.slice();
  b.conv2dBackwardInput(dz, w, g, dx, false);
  const dxFromZero = new Float32Array(x.length);
  b.conv2dBackwardInput(dz, w, g, dxFromZero, true);

  // adding onto a non-zero dx, with dw and db overwritten from garbage (the forward's bias given, as the op gives it)
  const [dxF, dwF, dbF] = [dx0.slice(), inputs(dw.length, gen), inputs(db.length, gen)];
  b.fusedConv2dBackward(x, w, y, argmax, dy, g, e, dxF, dwF, dbF, false, bias);
  same(dxF, dx, `${label}: fusedConv2dBackward dx (accumulated)`);
  same(dwF, dw, `${label}: fusedConv2dBackward dw`);
  same(dbF, db, `${label}: fusedConv2dBackward db`);
  // a zeroed dx written, the others not asked for
  const dxZ = new Float32Array(x.length);
  b.fusedConv2dBackward(x, w, y, argmax, dy, g, e, dxZ, null, null, true, bias);
  same(dxZ, dxFromZero, `${label}: fusedConv2dBackward dx (dxZeroed)`);
  // parameters only (the first layer of a network)
  const [dwP, dbP] = [new Float32Array(dw.length), new Float32Array(db.length)];
  b.fusedConv2dBackward(x, w, y, argmax, dy, g, e, null, dwP, dbP, true, bias);
  same(dwP, dw, `${label}: fusedConv2dBackward dw without dx`);
  same(dbP, db, `${label}: fusedConv2dBackward db without dx`);
  // the bias not given (taken as finite): the same where it is finite
  if (bias.every(Number.isFinite)) {
    const dxN = new Float32Array(x.length);
    b.fusedConv2dBackward(x, w, y, argmax, dy, g, e, dxN, null, null, true);
    same(dxN, dxFromZero, `${label}: fusedConv2dBackward dx without the bias`);
  }
}

/** The closing subsamplings checked after a convolution block (classic LeNet-5's is avg + tanh). */
export const SUBSAMPLING_STAGES: { label: string; spec: SubsamplingSpec; pool: Pool2dOptions }[] = [
  { label: 'avg 2, tanh', spec: { pool: 'avg', activation: 'tanh' }, pool: { kernelSize: 2 } },
  { label: 'avg 2, sigmoid', spec: { pool: 'avg', activation: 'sigmoid' }, pool: { kernelSize: 2 } },
  { label: 'max 2, relu', spec: { pool: 'max', activation: 'relu' }, pool: { kernelSize: 2 } },
  { label: 'avg 3 stride 2 (overlapping), none', spec: { pool: 'avg', activation: 'none' }, pool: { kernelSize: 3, stride: 2 } },
  { label: 'max 3 stride 2 (overlapping), tanh', spec: { pool: 'max', activation: 'tanh' }, pool: { kernelSize: 3, stride: 2 } },
];

/**
 * Checks `convSubsampling` and `convSubsamplingBackward` of `b` against its separate kernels
 * (conv2d → the activation → subsampling; subsamplingBackward → the activation's backward → sum,
 * conv2dBackwardWeight, conv2dBackwardInput), bit for bit (with NaN planted as `nan` says).
 */
export function checkConvSubsampling(
  b: Backend,
  g: ConvGeometry,
  activation: Activation,
  stage: { spec: SubsamplingSpec; pool: Pool2dOptions },
  gen: Generator,
  label: string,
  nan: NaNPlanting = 'none',
): void {
  const zLength = g.n * g.cOut * g.hOut * g.wOut;
  const pg = poolGeometry('avgPool2d', [g.n, g.cOut, g.hOut, g.wOut], stage.pool);
  const outLength = pg.n * pg.c * pg.hOut * pg.wOut;
  const x = inputs(g.n * g.cIn * g.h * g.w, gen);
  const w = inputs(g.cOut * (g.cIn / g.groups) * g.kh * g.kw, gen);
  const bias = inputs(g.cOut, gen);
  plantNaNs(x, bias, g, gen, nan);
  const s: SubsamplingStage = { g: pg, spec: stage.spec, weight: inputs(g.cOut, gen), bias: inputs(g.cOut, gen) };
  // the separate kernels
  const z = new Float32Array(zLength);
  b.conv2d(x, w, bias, g, z);
  const a = new Float32Array(zLength);
  if (activation !== 'none') b.unary(activation, z, a, 0);
  else a.set(z);
  const [y, pooled] = [new Float32Array(outLength), new Float32Array(outLength)];
  const argmax = stage.spec.pool === 'max' ? new Int32Array(outLength) : null;
  b.subsampling(a, s.weight, s.bias, pg, s.spec, y, pooled, argmax);
  // the fused forward, into garbage (it must overwrite)
  const [yF, aF, pooledF] = [inputs(outLength, gen), inputs(zLength, gen), inputs(outLength, gen)];
  const argmaxF = argmax === null ? null : new Int32Array(outLength).fill(-7);
  b.convSubsampling(x, w, bias, g, activation, s, yF, aF, pooledF, argmaxF);
  same(yF, y, `${label}: convSubsampling output`);
  same(aF, a, `${label}: convSubsampling activation`);
  same(pooledF, pooled, `${label}: convSubsampling pooled`);
  if (argmax !== null) same(argmaxF!, argmax, `${label}: convSubsampling argmax`);

  const dy = inputs(outLength, gen);
  const da = new Float32Array(zLength);
  const [dsw, dsb] = [new Float32Array(g.cOut), new Float32Array(g.cOut)];
  b.subsamplingBackward(dy, y, pooled, argmax, s.weight, pg, s.spec, da, dsw, dsb, true);
  const dz = new Float32Array(zLength);
  if (activation !== 'none') b.unaryBackward(activation, z, a, da, dz, 0);
  else dz.set(da);
  const db = new Float32Array(g.cOut);
  b.sum(dz, [g.n, g.cOut, g.hOut * g.wOut], [0, 2], db);
  const dw = new Float32Array(w.length);
  b.conv2dBackwardWeight(x, dz, g, dw);
  const dx0 = inputs(x.length, gen);
  const dx = dx0.slice();
  b.conv2dBackwardInput(dz, w, g, dx, false);
  const dxFromZero = new Float32Array(x.length);
  b.conv2dBackwardInput(dz, w, g, dxFromZero, true);

  // every gradient, dx added onto non-zero values, the others overwritten from garbage
  const gradsAll: ConvSubsamplingGrads = {
    dx: dx0.slice(),
    dw: inputs(dw.length, gen),
    db: inputs(db.length, gen),
    dStageWeight: inputs(g.cOut, gen),
    dStageBias: inputs(g.cOut, gen),
  };
  b.convSubsamplingBackward(x, w, y, a, pooled, argmax, dy, g, activation, s, gradsAll, false);
  same(gradsAll.dx!, dx, `${label}: convSubsamplingBackward dx (accumulated)`);
  same(gradsAll.dw!, dw, `${label}: convSubsamplingBackward dw`);
  same(gradsAll.db!, db, `${label}: convSubsamplingBackward db`);
  same(gradsAll.dStageWeight!, dsw, `${label}: convSubsamplingBackward subsampling weight gradient`);
  same(gradsAll.dStageBias!, dsb, `${label}: convSubsamplingBackward subsampling bias gradient`);
  // a zeroed dx only
  const dxOnly: ConvSubsamplingGrads = { dx: new Float32Array(x.length), dw: null, db: null, dStageWeight: null, dStageBias: null };
  b.convSubsamplingBackward(x, w, y, a, pooled, argmax, dy, g, activation, s, dxOnly, true);
  same(dxOnly.dx!, dxFromZero, `${label}: convSubsamplingBackward dx (dxZeroed)`);
  // parameters only (the first layer of a network)
  const params: ConvSubsamplingGrads = {
    dx: null,
    dw: new Float32Array(dw.length),
    db: new Float32Array(db.length),
    dStageWeight: new Float32Array(g.cOut),
    dStageBias: new Float32Array(g.cOut),
  };
  b.convSubsamplingBackward(x, w, y, a, pooled, argmax, dy, g, activation, s, params, true);
  same(params.dw!, dw, `${label}: convSubsamplingBackward dw without dx`);
  same(params.db!, db, `${label}: convSubsamplingBackward db without dx`);
  same(params.dStageWeight!, dsw, `${label}: convSubsamplingBackward subsampling weight gradient without dx`);
  same(params.dStageBias!, dsb, `${label}: convSubsamplingBackward subsampling bias gradient without dx`);
}

/** Why a closing subsampling cannot follow a convolution output, or null where it can. */
export function subsamplingSkip(g: ConvGeometry, pool: Pool2dOptions): string | null {
  const k = pool.kernelSize;
  if (typeof k !== 'number') throw new Error('subsamplingSkip: the checked subsamplings have square windows');
  return k > g.hOut || k > g.wOut ? `skipped: a ${k}x${k} window does not fit the ${g.hOut}x${g.wOut} convolution output` : null;
}
