/**
 * The wasm backend against the reference kernels, kernel by kernel, on random float32 inputs over
 * many geometries: strides, paddings (asymmetric too), dilations, groups, non-square and odd
 * sizes that leave SIMD tails and partial register tiles, batches > 1 — with 1 thread and with
 * 2 threads (split down to the smallest shares, so the worker thread runs on small shapes too).
 *
 * Tolerances: convolutions and matmul accumulate in f32 where the reference uses f64, so each
 * element must agree within 1e-5 of the sum of the absolute values of its terms (the same
 * kernel run by the reference on |inputs|). Every other kernel evaluates the reference's formula
 * in the reference's precision and must agree exactly, except the transcendental functions
 * (exp, log, tanh, pow, log-softmax), whose libraries may differ in the last bit: rtol 1e-6.
 * The accumulating kernels (conv2dBackwardInput, max/avg pooling backward) start from non-zero
 * outputs, to check that they add like the reference, and from zeros with `dxZeroed`;
 * conv2dBackwardWeight starts from garbage, to check that it overwrites.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AdamStep, AxisSplit, Backend, BinaryOp, SgdStep, UnaryOp } from '../../src/backend/backend.js';
import { refBackend } from '../../src/backend/ref/index.js';
import { type WasmBackend, createWasmBackend } from '../../src/backend/wasm/index.js';
import { type ConvGeometry, type Conv2dOptions, type ConvTranspose2dOptions, convGeometry, convTransposeGeometry } from '../../src/geometry/conv.js';
import { type Pool2dOptions, poolGeometry } from '../../src/geometry/pool.js';
import { Generator } from '../../src/tensor/random.js';
import { EPILOGUES, checkFusedBlock, epilogueFor } from './fused-check.js';
import { type Shape, broadcastShapes, sizeOf } from '../../src/tensor/shape.js';

type KernelName = Exclude<keyof Backend, 'name'>;

/** Normal samples, with `specials` of them replaced by NaN, ±Infinity, ±0. */
function randomF32(n: number, g: Generator, specials = 0): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.normal();
  const values = [NaN, Infinity, -Infinity, 0, -0];
  for (let s = 0; s < specials && n > 0; s++) a[g.randint(n)] = values[s % values.length];
  return a;
}

function abs(a: Float32Array): Float32Array {
  return a.map(Math.abs);
}

/** Exact agreement (NaN equals NaN, and the sign of zero matters). */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** |actual − expected| ≤ tol · scale[i] elementwise (NaN must match NaN). */
function expectWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number>, tol: number, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(Math.abs(a - e) <= tol * scale[i]) && a !== e) {
      expect.fail(`${label}: element ${i} is ${a}, expected ${e} (|diff| ${Math.abs(a - e).toExponential(3)}, allowed ${(tol * scale[i]).toExponential(3)})`);
    }
  }
}

const CONV_TOL = 1e-5;

interface ConvCase {
  label: string;
  geometry: ConvGeometry;
}

function conv(label: string, x: Shape, w: Shape, options: Conv2dOptions): ConvCase {
  return { label: `${label} x${JSON.stringify(x)} w${JSON.stringify(w)}`, geometry: convGeometry('conv2d', x, w, options, 2) };
}

function convT(label: string, x: Shape, w: Shape, options: ConvTranspose2dOptions): ConvCase {
  return { label: `${label} (transposed) x${JSON.stringify(x)} w${JSON.stringify(w)}`, geometry: convTransposeGeometry('convTranspose2d', x, w, options, 2) };
}

const CONV_CASES: ConvCase[] = [
  conv('plain 3x3', [2, 3, 8, 8], [4, 3, 3, 3], {}),
  conv('asymmetric padding, stride [1,2], kernel 3x2', [2, 3, 9, 11], [4, 3, 3, 2], { stride: [1, 2], padding: [1, 0, 2, 1] }),
  conv('stride 2, padding 1, contiguous-panel sizes', [2, 8, 16, 16], [16, 8, 3, 3], { stride: 2, padding: 1 }),
  conv('same padding, width a multiple of 8', [3, 5, 16, 32], [7, 5, 3, 3], { padding: 'same' }),
  conv('odd sizes, SIMD tails, partial tiles', [3, 17, 19, 21], [13, 17, 3, 3], { padding: 1 }),
  conv('dilation 2, groups 2', [2, 4, 12, 10], [6, 2, 3, 3], { dilation: 2, groups: 2, padding: 2 }),
  conv('depthwise (groups = channels)', [2, 6, 9, 9], [6, 1, 3, 3], { groups: 6, padding: 1 }),
  conv('groups 3, 5 output channels per group', [1, 6, 7, 13], [15, 2, 2, 4], { groups: 3, stride: [2, 1], padding: [0, 1, 3, 0] }),
  conv('1x1 convolution', [2, 10, 6, 7], [9, 10, 1, 1], {}),
  conv('kernel as large as the input', [2, 2, 5, 5], [3, 2, 5, 5], {}),
  conv('full padding (wide)', [2, 2, 5, 6], [3, 2, 3, 4], { padding: 'full' }),
  conv('dilation [3,1], stride [2,3], padding [2,1]', [2, 3, 15, 17], [5, 3, 3, 4], { dilation: [3, 1], stride: [2, 3], padding: [2, 1] }),
  conv('1-D as height 1', [3, 4, 1, 37], [5, 4, 1, 5], { padding: [0, 0, 2, 3], stride: [1, 2] }),
  conv('batch 1, many columns (threads split weight columns)', [1, 12, 10, 10], [8, 12, 3, 3], { padding: 1 }),
  conv('LeNet C1', [4, 1, 28, 28], [6, 1, 5, 5], { padding: 2 }),
  conv('LeNet C3', [4, 6, 14, 14], [16, 6, 5, 5], {}),
  conv('LeNet C5', [4, 16, 5, 5], [120, 16, 5, 5], {}),
  conv('64 -> 64 channels 3x3', [2, 64, 12, 12], [64, 64, 3, 3], { padding: 1 }),
  conv('padding larger than the kernel (stride 1 input gradient by scattering)', [2, 3, 6, 7], [4, 3, 2, 2], { padding: [2, 0, 1, 3] }),
  conv('batch 7 of tiny outputs (one K block of all images)', [7, 3, 4, 4], [5, 3, 3, 3], {}),
  conv('K blocks of 3 images over a batch of 5', [5, 2, 12, 20], [3, 2, 3, 3], {}),
  conv('one input channel, rows wider than a tile, odd output channels (direct)', [2, 1, 9, 37], [5, 1, 3, 4], { padding: [1, 2] }),
  conv('one input channel, rows narrower than a vector (direct)', [3, 1, 6, 3], [2, 1, 2, 2], {}),
  conv('depthwise 5x5 same, two outputs per group (direct)', [2, 4, 11, 19], [8, 1, 5, 5], { groups: 4, padding: 2 }),
  conv('one input channel, 1x1 (direct)', [2, 1, 5, 5], [3, 1, 1, 1], {}),
  convT('stride 2, outputPadding 1', [2, 4, 5, 6], [4, 3, 3, 3], { stride: 2, outputPadding: 1, padding: 1 }),
  convT('groups 2, dilation 2, asymmetric padding', [2, 4, 4, 5], [4, 2, 2, 3], { groups: 2, dilation: 2, padding: [1, 0, 0, 2] }),
];

const POOL_CASES: { label: string; x: Shape; options: Pool2dOptions }[] = [
  { label: '2x2', x: [2, 3, 8, 8], options: { kernelSize: 2 } },
  { label: '2x2, rows of 14 outputs (overlapping last group)', x: [2, 3, 10, 28], options: { kernelSize: 2 } },
  { label: '2x2, rows of 5 outputs (overlapping last group)', x: [2, 3, 10, 10], options: { kernelSize: 2 } },
  { label: '2x2, odd width, rows of 6 outputs', x: [1, 2, 7, 13], options: { kernelSize: 2 } },
  { label: '2x2, rows of 3 outputs (scalar)', x: [1, 2, 6, 6], options: { kernelSize: 2 } },
  { label: '3x3 stride 2 padding 1', x: [2, 3, 9, 11], options: { kernelSize: 3, stride: 2, padding: 1 } },
  { label: 'ceilMode, overlapping', x: [1, 4, 10, 7], options: { kernelSize: 3, stride: 2, ceilMode: true } },
  { label: 'non-square, countIncludePad false', x: [2, 2, 9, 12], options: { kernelSize: [2, 3], stride: [1, 2], padding: [1, 1], countIncludePad: false } },
  { label: 'ceilMode with padding', x: [1, 3, 7, 7], options: { kernelSize: 2, stride: 2, padding: 1, ceilMode: true } },
];

const MATMUL_CASES: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [1, 5, 7, 3],
  [2, 4, 8, 8],
  [3, 33, 17, 65],
  [1, 64, 120, 84],
  [2, 9, 1, 11],
  [1, 3, 0, 5],
  [1, 64, 400, 120],
  [1, 120, 64, 400],
  [1, 7, 3, 17],
];

const UNARY_OPS: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'abs', 'square', 'relu', 'leakyRelu', 'sigmoid', 'tanh', 'powScalar'];
/** Ops whose reference uses Math library functions that may differ in the last bit. */
const TRANSCENDENTAL: UnaryOp[] = ['exp', 'log', 'sigmoid', 'tanh', 'powScalar'];
const BINARY_OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'gt', 'lt'];

const BROADCASTS: [Shape, Shape][] = [
  [[37], [37]],
  [[4, 5], [4, 5]],
  [[4, 5], []],
  [[], [6, 3]],
  [[4, 5], [5]],
  [[4, 1], [4, 7]],
  [[2, 1, 3], [2, 4, 1]],
  [[3, 6, 5, 7], [1, 6, 1, 1]],
  [[1, 6, 1, 1], [3, 6, 5, 7]],
  [[], []],
  [[2, 3, 1, 5], [3, 4, 1]],
];

const SUMS: [Shape, number[]][] = [
  [[37], [0]],
  [[4, 5], [0]],
  [[4, 5], [1]],
  [[4, 5], [0, 1]],
  [[3, 6, 5, 7], [0, 2, 3]],
  [[3, 6, 35], [0, 2]],
  [[2, 3, 4, 5], [1, 3]],
  [[2, 1, 4], [1]],
  [[], []],
];

const PERMUTES: [Shape, number[]][] = [
  [[4, 5], [1, 0]],
  [[2, 3, 4], [0, 2, 1]],
  [[2, 3, 4, 5], [3, 1, 0, 2]],
  [[2, 3, 4, 5], [0, 1, 3, 2]],
  [[7, 1, 9], [2, 1, 0]],
  [[33, 65], [1, 0]],
];

const SPLITS: AxisSplit[] = [
  { outer: 1, size: 10, inner: 1 },
  { outer: 7, size: 10, inner: 1 },
  { outer: 3, size: 5, inner: 4 },
  { outer: 2, size: 1, inner: 3 },
  { outer: 64, size: 10, inner: 1 },
];

/** One test body per kernel of the Backend contract. */
function kernelTests(wasm: Backend, seed: number): Record<KernelName, () => void> {
  const g = new Generator(seed);
  return {
    conv2d() {
      for (const { label, geometry: c } of CONV_CASES) {
        const x = randomF32(c.n * c.cIn * c.h * c.w, g);
        const w = randomF32(c.cOut * (c.cIn / c.groups) * c.kh * c.kw, g);
        const outSize = c.n * c.cOut * c.hOut * c.wOut;
        for (const bias of [null, randomF32(c.cOut, g)]) {
          const actual = new Float32Array(outSize);
          const expected = new Float32Array(outSize);
          const scale = new Float32Array(outSize);
          wasm.conv2d(x, w, bias, c, actual);
          refBackend.conv2d(x, w, bias, c, expected);
          refBackend.conv2d(abs(x), abs(w), bias && abs(bias), c, scale);
          expectWithin(actual, expected, scale, CONV_TOL, `conv2d ${label} bias ${bias !== null}`);
        }
      }
    },
    conv2dBackwardInput() {
      for (const { label, geometry: c } of CONV_CASES) {
        const dy = randomF32(c.n * c.cOut * c.hOut * c.wOut, g);
        const w = randomF32(c.cOut * (c.cIn / c.groups) * c.kh * c.kw, g);
        const size = c.n * c.cIn * c.h * c.w;
        // adding to a non-zero dx, and writing a dx the caller promises is zero
        for (const [dx0, zeroed] of [[randomF32(size, g), false], [new Float32Array(size), true]] as const) {
          const actual = dx0.slice();
          const expected = dx0.slice();
          const scale = abs(dx0);
          wasm.conv2dBackwardInput(dy, w, c, actual, zeroed);
          refBackend.conv2dBackwardInput(dy, w, c, expected);
          refBackend.conv2dBackwardInput(abs(dy), abs(w), c, scale);
          expectWithin(actual, expected, scale, CONV_TOL, `conv2dBackwardInput ${label} dxZeroed ${zeroed}`);
        }
      }
    },
    conv2dBackwardWeight() {
      for (const { label, geometry: c } of CONV_CASES) {
        // NaN left in the kernels' memory where this call's buffers will be: values read past a
        // row's end (the direct kernel's vector tails) must not reach the result
        wasm.unary('neg', new Float32Array(1 << 16).fill(NaN), new Float32Array(1 << 16), 0);
        const x = randomF32(c.n * c.cIn * c.h * c.w, g);
        const dy = randomF32(c.n * c.cOut * c.hOut * c.wOut, g);
        const size = c.cOut * (c.cIn / c.groups) * c.kh * c.kw;
        const actual = randomF32(size, g); // overwritten, not accumulated
        const expected = new Float32Array(size);
        const scale = new Float32Array(size);
        wasm.conv2dBackwardWeight(x, dy, c, actual);
        refBackend.conv2dBackwardWeight(x, dy, c, expected);
        refBackend.conv2dBackwardWeight(abs(x), abs(dy), c, scale);
        expectWithin(actual, expected, scale, CONV_TOL, `conv2dBackwardWeight ${label}`);
      }
    },
    // the fused block against this backend's own separate kernels (which the tests above
    // compare with ref), bit for bit; both fused kernels are checked by one body
    fusedConv2d() {
      for (const { label, geometry: c } of CONV_CASES) {
        for (const ep of EPILOGUES) {
          const e = epilogueFor(c, ep.relu, ep.pool);
          if (e !== null) checkFusedBlock(wasm, c, e, g, `${label}, ${ep.label}`);
        }
      }
    },
    fusedConv2dBackward() {
      const c = CONV_CASES.find((k) => k.label.startsWith('LeNet C1'))!.geometry;
      checkFusedBlock(wasm, { ...c, n: 64 }, epilogueFor({ ...c, n: 64 }, true, { kernelSize: 2 })!, g, 'LeNet C1 batch 64, relu, maxPool 2');
    },
    matmul() {
      for (const [batch, m, k, n] of MATMUL_CASES) {
        const a = randomF32(batch * m * k, g);
        const b = randomF32(batch * k * n, g);
        const actual = new Float32Array(batch * m * n);
        const expected = new Float32Array(batch * m * n);
        const scale = new Float32Array(batch * m * n);
        wasm.matmul(a, b, actual, batch, m, k, n);
        refBackend.matmul(a, b, expected, batch, m, k, n);
        refBackend.matmul(abs(a), abs(b), scale, batch, m, k, n);
        expectWithin(actual, expected, scale, CONV_TOL, `matmul ${batch}x${m}x${k}x${n}`);
      }
    },
    gemm() {
      for (const [, m, k, n] of MATMUL_CASES) {
        for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
          for (const bias of [null, randomF32(n, g)]) {
            const a = randomF32(m * k, g);
            const b = randomF32(k * n, g);
            const actual = randomF32(m * n, g); // overwritten
            const expected = new Float32Array(m * n);
            const scale = new Float32Array(m * n);
            wasm.gemm(a, b, bias, actual, m, k, n, transA, transB);
            refBackend.gemm(a, b, bias, expected, m, k, n, transA, transB);
            refBackend.gemm(abs(a), abs(b), bias && abs(bias), scale, m, k, n, transA, transB);
            expectWithin(actual, expected, scale, CONV_TOL, `gemm ${m}x${k}x${n} transA ${transA} transB ${transB} bias ${bias !== null}`);
          }
        }
      }
    },
    maxPool2d() {
      for (const { label, x: shape, options } of POOL_CASES) {
        const p = poolGeometry('maxPool2d', shape, options);
        const x = randomF32(sizeOf(shape), g, 3);
        const outSize = p.n * p.c * p.hOut * p.wOut;
        const [actual, expected] = [new Float32Array(outSize), new Float32Array(outSize)];
        const [am1, am2] = [new Int32Array(outSize), new Int32Array(outSize)];
        wasm.maxPool2d(x, p, actual, am1);
        refBackend.maxPool2d(x, p, expected, am2);
        expectSame(actual, expected, `maxPool2d ${label}`);
        expectSame(am1, am2, `maxPool2d ${label} argmax`);
      }
    },
    maxPool2dBackward() {
      for (const { label, x: shape, options } of POOL_CASES) {
        const p = poolGeometry('maxPool2d', shape, options);
        const outSize = p.n * p.c * p.hOut * p.wOut;
        const am = new Int32Array(outSize);
        refBackend.maxPool2d(randomF32(sizeOf(shape), g), p, new Float32Array(outSize), am);
        const dy = randomF32(outSize, g);
        for (const [dx0, zeroed] of [[randomF32(sizeOf(shape), g), false], [new Float32Array(sizeOf(shape)), true]] as const) {
          const [actual, expected] = [dx0.slice(), dx0.slice()];
          wasm.maxPool2dBackward(dy, am, p, actual, zeroed);
          refBackend.maxPool2dBackward(dy, am, p, expected);
          expectSame(actual, expected, `maxPool2dBackward ${label} dxZeroed ${zeroed}`);
        }
      }
    },
    avgPool2d() {
      for (const { label, x: shape, options } of POOL_CASES) {
        const p = poolGeometry('avgPool2d', shape, options);
        const x = randomF32(sizeOf(shape), g);
        const outSize = p.n * p.c * p.hOut * p.wOut;
        const [actual, expected] = [new Float32Array(outSize), new Float32Array(outSize)];
        wasm.avgPool2d(x, p, actual);
        refBackend.avgPool2d(x, p, expected);
        expectSame(actual, expected, `avgPool2d ${label}`);
      }
    },
    avgPool2dBackward() {
      for (const { label, x: shape, options } of POOL_CASES) {
        const p = poolGeometry('avgPool2d', shape, options);
        const dy = randomF32(p.n * p.c * p.hOut * p.wOut, g);
        for (const [dx0, zeroed] of [[randomF32(sizeOf(shape), g), false], [new Float32Array(sizeOf(shape)), true]] as const) {
          const [actual, expected] = [dx0.slice(), dx0.slice()];
          wasm.avgPool2dBackward(dy, p, actual, zeroed);
          refBackend.avgPool2dBackward(dy, p, expected);
          expectSame(actual, expected, `avgPool2dBackward ${label} dxZeroed ${zeroed}`);
        }
      }
    },
    unary() {
      for (const op of UNARY_OPS) {
        for (const alpha of op === 'powScalar' ? [2, 3, 0.5, -1.5] : [0.01, 0.2]) {
          for (const n of [1, 3, 4, 37, 1000]) {
            const x = randomF32(n, g, n > 4 ? 5 : 0);
            const [actual, expected] = [new Float32Array(n), new Float32Array(n)];
            wasm.unary(op, x, actual, alpha);
            refBackend.unary(op, x, expected, alpha);
            const label = `unary ${op} alpha ${alpha} n ${n}`;
            if (TRANSCENDENTAL.includes(op)) expectWithin(actual, expected, abs(expected), 1e-6, label);
            else expectSame(actual, expected, label);
          }
        }
      }
    },
    unaryBackward() {
      for (const op of UNARY_OPS) {
        for (const alpha of op === 'powScalar' ? [2, 3, 0.5] : [0.01, 0.2]) {
          for (const n of [1, 5, 37, 1000]) {
            const x = randomF32(n, g, n > 4 ? 5 : 0);
            const y = new Float32Array(n);
            refBackend.unary(op, x, y, alpha);
            const dy = randomF32(n, g);
            const [actual, expected] = [new Float32Array(n), new Float32Array(n)];
            wasm.unaryBackward(op, x, y, dy, actual, alpha);
            refBackend.unaryBackward(op, x, y, dy, expected, alpha);
            const label = `unaryBackward ${op} alpha ${alpha} n ${n}`;
            if (op === 'powScalar') expectWithin(actual, expected, abs(expected), 1e-6, label);
            else expectSame(actual, expected, label);
          }
        }
      }
    },
    binary() {
      for (const op of BINARY_OPS) {
        for (const [as, bs] of BROADCASTS) {
          const outShape = broadcastShapes(op, as, bs);
          const a = randomF32(sizeOf(as), g, sizeOf(as) > 4 ? 3 : 0);
          const b = randomF32(sizeOf(bs), g);
          // equal pairs, so that eq, maximum and minimum see ties
          if (a.length === b.length) for (let i = 0; i < a.length; i += 3) b[i] = a[i];
          const size = sizeOf(outShape);
          const [actual, expected] = [new Float32Array(size), new Float32Array(size)];
          wasm.binary(op, a, as, b, bs, actual, outShape);
          refBackend.binary(op, a, as, b, bs, expected, outShape);
          expectSame(actual, expected, `binary ${op} ${JSON.stringify(as)} ${JSON.stringify(bs)}`);
        }
      }
    },
    axpy() {
      for (const n of [1, 4, 37, 1000]) {
        for (const alpha of [-0.1, 1, 3.3e-3]) {
          const a = randomF32(n, g);
          const b = randomF32(n, g);
          const [actual, expected] = [new Float32Array(n), new Float32Array(n)];
          wasm.axpy(a, b, alpha, actual);
          refBackend.axpy(a, b, alpha, expected);
          expectSame(actual, expected, `axpy n ${n} alpha ${alpha}`);
        }
      }
    },
    sum() {
      for (const [shape, axes] of SUMS) {
        const x = randomF32(sizeOf(shape), g);
        const size = sizeOf(shape.map((d, i) => (axes.includes(i) ? 1 : d)));
        const [actual, expected] = [new Float32Array(size), new Float32Array(size)];
        wasm.sum(x, shape, axes, actual);
        refBackend.sum(x, shape, axes, expected);
        // both sum in f64; the order differs, which may move a rounding boundary by 1 f64 ulp
        expectWithin(actual, expected, abs(expected), 1e-7, `sum ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`);
      }
    },
    argmax() {
      for (const split of SPLITS) {
        const x = randomF32(split.outer * split.size * split.inner, g, 2);
        for (let i = 0; i + 1 < x.length; i += 7) x[i + 1] = x[i]; // ties
        const [actual, expected] = [new Int32Array(split.outer * split.inner), new Int32Array(split.outer * split.inner)];
        wasm.argmax(x, split, actual);
        refBackend.argmax(x, split, expected);
        expectSame(actual, expected, `argmax ${JSON.stringify(split)}`);
      }
    },
    permute() {
      for (const [shape, perm] of PERMUTES) {
        const x = randomF32(sizeOf(shape), g);
        const [actual, expected] = [new Float32Array(x.length), new Float32Array(x.length)];
        wasm.permute(x, shape, perm, actual);
        refBackend.permute(x, shape, perm, expected);
        expectSame(actual, expected, `permute ${JSON.stringify(shape)} by ${JSON.stringify(perm)}`);
      }
    },
    sgdStep() {
      const settings: SgdStep[] = [
        { lr: 0.01, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, first: false },
        { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, first: true },
        { lr: 0.1, momentum: 0.5, dampening: 0.3, nesterov: false, weightDecay: 5e-4, first: false },
        { lr: 0.02, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-3, first: false },
        { lr: 0.3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0.01, first: true },
      ];
      for (const o of settings) {
        for (const n of [1, 3, 4, 37, 1000]) {
          const theta = randomF32(n, g);
          const grad = randomF32(n, g);
          const buf = o.momentum === 0 ? null : randomF32(n, g);
          const [t1, t2] = [theta.slice(), theta.slice()];
          const [b1, b2] = [buf?.slice() ?? null, buf?.slice() ?? null];
          wasm.sgdStep(t1, grad, b1, o);
          refBackend.sgdStep(t2, grad, b2, o);
          const label = `sgdStep ${JSON.stringify(o)} n ${n}`;
          expectSame(t1, t2, `${label}: θ`);
          if (b1 !== null && b2 !== null) expectSame(b1, b2, `${label}: momentum buffer`);
        }
      }
    },
    adamStep() {
      for (const [decoupled, weightDecay] of [[false, 0], [false, 1e-2], [true, 1e-2]] as const) {
        for (const t of [1, 7]) {
          const [beta1, beta2, lr] = [0.9, 0.999, 1e-3];
          const o: AdamStep = {
            beta1, beta2, eps: 1e-8, weightDecay, decoupled, stepSize: lr / (1 - beta1 ** t), bc2Sqrt: Math.sqrt(1 - beta2 ** t), decay: 1 - lr * weightDecay,
          };
          for (const n of [1, 5, 1000]) {
            const theta = randomF32(n, g);
            const grad = randomF32(n, g);
            const m = randomF32(n, g);
            const v = randomF32(n, g).map(Math.abs);
            const a = [theta.slice(), m.slice(), v.slice()];
            const r = [theta.slice(), m.slice(), v.slice()];
            wasm.adamStep(a[0], grad, a[1], a[2], o);
            refBackend.adamStep(r[0], grad, r[1], r[2], o);
            const label = `adamStep decoupled ${decoupled} weightDecay ${weightDecay} step ${t} n ${n}`;
            expectSame(a[0], r[0], `${label}: θ`);
            expectSame(a[1], r[1], `${label}: m`);
            expectSame(a[2], r[2], `${label}: v`);
          }
        }
      }
    },
    logSoftmax() {
      for (const split of SPLITS) {
        const x = randomF32(split.outer * split.size * split.inner, g);
        const [actual, expected] = [new Float32Array(x.length), new Float32Array(x.length)];
        wasm.logSoftmax(x, split, actual);
        refBackend.logSoftmax(x, split, expected);
        expectWithin(actual, expected, abs(expected), 1e-6, `logSoftmax ${JSON.stringify(split)}`);
      }
    },
    logSoftmaxBackward() {
      for (const split of SPLITS) {
        const y = new Float32Array(split.outer * split.size * split.inner);
        refBackend.logSoftmax(randomF32(y.length, g), split, y);
        const dy = randomF32(y.length, g);
        const [actual, expected] = [new Float32Array(y.length), new Float32Array(y.length)];
        wasm.logSoftmaxBackward(y, dy, split, actual);
        refBackend.logSoftmaxBackward(y, dy, split, expected);
        const scale = dy.map((d, i) => Math.abs(d) + Math.exp(y[i]) * dy.reduce((s, v) => s + Math.abs(v), 0));
        expectWithin(actual, expected, scale, 1e-6, `logSoftmaxBackward ${JSON.stringify(split)}`);
      }
    },
  };
}

const KERNELS = Object.keys(refBackend).filter((k): k is KernelName => k !== 'name');

for (const threads of [1, 2]) {
  describe(`wasm kernels against ref, ${threads} thread${threads > 1 ? 's' : ''}`, () => {
    // minFlopsPerThread 0: split every kernel into as many shares as it has units
    const wasm: WasmBackend = createWasmBackend({ threads, minFlopsPerThread: 0 });
    afterAll(() => wasm.setThreads(1));

    it('starts its threads', () => {
      expect(wasm.threads).toBe(threads);
      expect(wasm.waitForThreads()).toBe(threads);
    });

    const tests = kernelTests(wasm, 1000 + threads);
    for (const kernel of KERNELS) {
      const body: (() => void) | undefined = tests[kernel];
      if (body === undefined) it.skip(`${kernel}: no wasm kernel to compare`, () => {});
      else it(kernel, body);
    }
  });
}
