/**
 * The claims of the lecture notes, as property tests over seeded random inputs:
 * S2 true convolution, S3 output sizes, S4 commutativity of wide convolution, S5/S11 the
 * gradient formulas, S17 transposed convolution = Cᵀ, S18 fractional striding, S19 dilation.
 */
import { describe, expect, it } from 'vitest';
import { F, Tensor, convOutputSize, randn, tensor, zeros } from '../../src/index.js';
import { describeEachBackend, expectClose, gen } from '../helpers.js';

const TOL = [1e-5, 1e-5] as const;

/** A single-channel 2-D map as a `(1, 1, h, w)` tensor. */
function map2d(h: number, w: number, seed: number, requiresGrad = false): Tensor {
  return randn([1, 1, h, w], { generator: gen(seed), requiresGrad });
}

describeEachBackend('S2 true convolution', () => {
  it('convolve2d(x, w) = conv2d(x, rot180(w)), x=[2,3,6,7] w=[4,3,3,2] s=2 p=1', () => {
    const x = randn([2, 3, 6, 7], { generator: gen(1) });
    const w = randn([4, 3, 3, 2], { generator: gen(2) });
    const opts = { stride: 2, padding: 1 };
    expectClose(F.convolve2d(x, w, null, opts), F.conv2d(x, F.rot180(w), null, opts), ...TOL, 'S2');
  });

  it('convolve2d full matches the formula y_ij = Σ_u Σ_v w_uv x_{i−u+1, j−v+1} (1-based), x 4x5 w 2x3', () => {
    const [M, N, m, n] = [4, 5, 2, 3];
    const x = map2d(M, N, 3);
    const w = map2d(m, n, 4);
    const X = (i: number, j: number): number => (i >= 1 && i <= M && j >= 1 && j <= N ? x.data[(i - 1) * N + (j - 1)] : 0);
    const expected: number[] = [];
    for (let i = 1; i <= M + m - 1; i++) {
      for (let j = 1; j <= N + n - 1; j++) {
        let s = 0;
        for (let u = 1; u <= m; u++) for (let v = 1; v <= n; v++) s += w.data[(u - 1) * n + (v - 1)] * X(i - u + 1, j - v + 1);
        expected.push(s);
      }
    }
    expectClose(
      F.convolve2d(x, w, null, { padding: 'full' }),
      { shape: [1, 1, M + m - 1, N + n - 1], data: expected },
      ...TOL,
      'S2 formula',
    );
  });

  it('rot180 reverses both spatial axes: rot180([[1,2],[3,4]]) = [[4,3],[2,1]]', () => {
    expect(
      F.rot180(
        tensor([
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ]),
      ).toArray(),
    ).toEqual([
      [
        [
          [4, 3],
          [2, 1],
        ],
      ],
    ]);
    expect(F.rot180(tensor([1, 2, 3])).toArray()).toEqual([3, 2, 1]);
  });
});

describe('S3 output length (n − m + 2p)/s + 1 for the named paddings', () => {
  const g = gen(5);
  for (let trial = 0; trial < 12; trial++) {
    const n = 3 + g.randint(8);
    const m = 1 + 2 * g.randint(3); // odd, so that 'same' is symmetric
    const s = 1 + g.randint(3);
    it(`n=${n} m=${m} s=${s}`, () => {
      const x = randn([1, 1, n], { generator: g });
      const w = randn([1, 1, m], { generator: g });
      const len = (padding: 'narrow' | 'wide' | 'equal', stride: number): number => F.conv1d(x, w, null, { padding, stride }).shape[2];
      if (n >= m) expect(len('narrow', s)).toBe(Math.floor((n - m) / s) + 1);
      expect(len('wide', s)).toBe(Math.floor((n - m + 2 * (m - 1)) / s) + 1);
      expect(len('equal', 1)).toBe(n);
      expect(len('wide', 1)).toBe(n + m - 1);
      if (n >= m) expect(len('narrow', 1)).toBe(n - m + 1);
      expect(convOutputSize(n, m, s, (m - 1) / 2, (m - 1) / 2)).toBe(Math.floor((n - m + (m - 1)) / s) + 1);
    });
  }
});

describeEachBackend('S4 wide convolution is commutative', () => {
  for (const [M, N, m, n] of [
    [5, 6, 3, 2],
    [4, 4, 4, 4],
    [3, 7, 2, 5],
  ]) {
    it(`rot180(W) ⊗̃ X = rot180(X) ⊗̃ W, X ${M}x${N}, W ${m}x${n}`, () => {
      const X = map2d(M, N, 10 + M);
      const W = map2d(m, n, 20 + m);
      const left = F.conv2d(X, F.rot180(W), null, { padding: 'wide' });
      const right = F.conv2d(W, F.rot180(X), null, { padding: 'wide' });
      expectClose(left, right, ...TOL, 'S4');
      expectClose(F.convolve2d(X, W, null, { padding: 'full' }), F.convolve2d(W, X, null, { padding: 'full' }), ...TOL, 'S4 convolve');
    });
  }
});

describeEachBackend('S5 gradients of Y = W ⊗ X (narrow)', () => {
  it('∂f/∂W = ∂f/∂Y ⊗ X and ∂f/∂X = rot180(W) ⊗̃ ∂f/∂Y = rot180(∂f/∂Y) ⊗̃ W, X 6x7 W 3x2', () => {
    const X = map2d(6, 7, 30, true);
    const W = map2d(3, 2, 31, true);
    const Y = F.conv2d(X, W);
    const dY = randn(Y.shape as number[], { generator: gen(32) });
    Y.backward(dY);
    expectClose(W.grad, F.conv2d(X.detach(), dY), ...TOL, '∂f/∂W');
    expectClose(X.grad, F.conv2d(dY, F.rot180(W.detach()), null, { padding: 'wide' }), ...TOL, '∂f/∂X (rot180 W)');
    expectClose(X.grad, F.conv2d(W.detach(), F.rot180(dY), null, { padding: 'wide' }), ...TOL, '∂f/∂X (rot180 dY)');
  });

  it('S11 multi-channel: δ^(l,d) = Σ_p rot180(W^(p,d)) ⊗̃ δ^(l+1,p), ∂L/∂W^(p,d) = δ^p ⊗ X^d, ∂L/∂b^p = Σ δ^p; D=3 P=2', () => {
    const [D, P, H, Wd, m, n] = [3, 2, 5, 6, 3, 3];
    const X = randn([1, D, H, Wd], { generator: gen(33), requiresGrad: true });
    const W = randn([P, D, m, n], { generator: gen(34), requiresGrad: true });
    const b = randn([P], { generator: gen(35), requiresGrad: true });
    const Z = F.conv2d(X, W, b);
    const delta = randn(Z.shape as number[], { generator: gen(36) });
    Z.backward(delta);
    // channel c of a batch-1 tensor (1, C, h, w) as a single map (1, 1, h, w)
    const plane = (t: Tensor, c: number): Tensor => {
      const [h, w] = [t.shape[2], t.shape[3]];
      return tensor(t.data.slice(c * h * w, (c + 1) * h * w), { shape: [1, 1, h, w] });
    };
    const kernel = (p: number, d: number): Tensor =>
      tensor(W.data.slice((p * D + d) * m * n, (p * D + d + 1) * m * n), { shape: [1, 1, m, n] });
    for (let d = 0; d < D; d++) {
      let sumOverP = zeros([1, 1, H, Wd]);
      for (let p = 0; p < P; p++) sumOverP = sumOverP.add(F.conv2d(plane(delta, p), F.rot180(kernel(p, d)), null, { padding: 'full' }));
      expectClose(plane(X.grad!, d), sumOverP, ...TOL, `δ^(l,${d})`);
      for (let p = 0; p < P; p++) {
        const gradW = tensor(W.grad!.data.slice((p * D + d) * m * n, (p * D + d + 1) * m * n), { shape: [1, 1, m, n] });
        expectClose(gradW, F.conv2d(plane(X, d), plane(delta, p)), ...TOL, `∂L/∂W^(${p},${d})`);
      }
    }
    for (let p = 0; p < P; p++) expect(b.grad!.data[p]).toBeCloseTo(plane(delta, p).sum().item(), 5);
  });
});

/** The matrix C (rows: outputs, columns: inputs) of the linear map x ↦ conv2d(x, w, opts), built column by column. */
function convMatrix(inShape: number[], w: Tensor, opts: Parameters<typeof F.conv2d>[3]): { C: number[][]; outShape: number[] } {
  const size = inShape.reduce((a, b) => a * b, 1);
  const columns: Float32Array[] = [];
  let outShape: number[] = [];
  for (let i = 0; i < size; i++) {
    const e = zeros(inShape);
    e.data[i] = 1;
    const y = F.conv2d(e, w, null, opts);
    outShape = [...y.shape];
    columns.push(y.data as Float32Array);
  }
  const C = Array.from({ length: columns[0].length }, (_, r) => columns.map((col) => col[r]));
  return { C, outShape };
}

describeEachBackend('S17 transposed convolution is multiplication by Cᵀ', () => {
  const cases: [
    string,
    number[],
    number[],
    { stride?: number | [number, number]; padding?: number | [number, number]; dilation?: number; groups?: number },
  ][] = [
    ['x=[1,1,4,4] w=[1,1,3,3]', [1, 1, 4, 4], [1, 1, 3, 3], {}],
    ['x=[1,2,5,6] w=[3,2,3,2] s=2 p=1', [1, 2, 5, 6], [3, 2, 3, 2], { stride: 2, padding: 1 }],
    ['x=[1,2,7,7] w=[2,2,2,3] s=[2,3] d=2', [1, 2, 7, 7], [2, 2, 2, 3], { stride: [2, 3], dilation: 2 }],
    ['x=[1,4,4,5] w=[2,2,3,3] g=2 p=[1,0]', [1, 4, 4, 5], [2, 2, 3, 3], { groups: 2, padding: [1, 0] }],
  ];
  for (const [name, xs, ws, opts] of cases) {
    it(name, () => {
      const w = randn(ws, { generator: gen(40) });
      const { C, outShape } = convMatrix(xs, w, opts);
      const z = randn(outShape, { generator: gen(41) });
      const expected = C[0].map((_, col) => C.reduce((s, row, r) => s + row[col] * z.data[r], 0)); // Cᵀz
      // a strided conv may drop trailing rows/columns: outputPadding restores the input size
      const plain = F.convTranspose2d(z, w, null, opts).shape;
      const outputPadding: [number, number] = [xs[2] - plain[2], xs[3] - plain[3]];
      expectClose(F.convTranspose2d(z, w, null, { ...opts, outputPadding }), { shape: xs, data: expected }, ...TOL, 'Cᵀz');
      // and the forward convolution is C itself
      const x = randn(xs, { generator: gen(42) });
      expectClose(
        F.conv2d(x, w, null, opts),
        { shape: outShape, data: C.map((row) => row.reduce((s, c, i) => s + c * x.data[i], 0)) },
        ...TOL,
        'Cx',
      );
    });
  }
});

describeEachBackend('S18 fractionally strided convolution', () => {
  for (const [l, m, s] of [
    [4, 3, 2],
    [5, 2, 3],
    [3, 4, 1],
    [1, 3, 2],
  ]) {
    it(`l=${l} m=${m} s=${s}: length s·(l−1)+m, = zeros inserted, padded by m−1, convolved with rot180(w)`, () => {
      const x = randn([1, 1, l], { generator: gen(50 + l) });
      const w = randn([1, 1, m], { generator: gen(60 + m) });
      const y = F.convTranspose1d(x, w, null, { stride: s });
      expect(y.shape).toEqual([1, 1, s * (l - 1) + m]);
      // insert s−1 zeros between input elements, then pad m−1 on both sides
      const spread = new Float32Array(s * (l - 1) + 1 + 2 * (m - 1));
      for (let i = 0; i < l; i++) spread[m - 1 + i * s] = x.data[i];
      const expected = F.conv1d(tensor(spread, { shape: [1, 1, spread.length] }), F.rot180(w));
      expectClose(y, expected, ...TOL, 'S18');
    });
  }
});

describeEachBackend('S19 dilated convolution', () => {
  for (const [m, d] of [
    [3, 2],
    [2, 3],
    [3, 1],
  ]) {
    it(`m=${m} d=${d}: effective size m + (m−1)(d−1), same as the kernel with holes, same parameter count`, () => {
      const x = randn([1, 2, 11, 12], { generator: gen(70) });
      const w = randn([3, 2, m, m], { generator: gen(71) });
      const eff = m + (m - 1) * (d - 1);
      const holes = zeros([3, 2, eff, eff]);
      for (let i = 0; i < 3 * 2; i++)
        for (let u = 0; u < m; u++) for (let v = 0; v < m; v++) holes.data[(i * eff + u * d) * eff + v * d] = w.data[(i * m + u) * m + v];
      const y = F.conv2d(x, w, null, { dilation: d });
      expect(y.shape).toEqual([1, 3, 11 - eff + 1, 12 - eff + 1]);
      expectClose(y, F.conv2d(x, holes), ...TOL, 'S19');
      expect(w.size).toBe(3 * 2 * m * m); // the parameters do not grow with d
    });
  }
});
