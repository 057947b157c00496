/** Matrix products: `matmul` and the fully connected layer `linear`. */
import { allocate, promoteTypes } from '../tensor/dtype.js';
import { broadcastShapes, shapeStr, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import { add } from './elementwise.js';
import { expand, reshape, transpose } from './shape.js';
import { sumTo } from './reduce.js';
import { checkOptionalTensor, checkTensor } from '../tensor/arguments.js';

/**
 * Matrix product with PyTorch's rules: `(m, k) @ (k, n) → (m, n)`; 1-D operands are treated as
 * a row (left) or a column (right) vector and that axis is removed from the result; leading
 * (batch) dimensions broadcast. Gradients: `∂L/∂A = ∂L/∂Y · Bᵀ`, `∂L/∂B = Aᵀ · ∂L/∂Y`.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', 'input', a);
  checkTensor('matmul', 'other', b);
  if (a.ndim === 0 || b.ndim === 0)
    throw new Error(`matmul: operands must have rank ≥ 1, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  if (a.ndim === 1) {
    const r = matmul(reshape(a, [1, a.shape[0]]), b); // (k) -> (1, k)
    return reshape(r, dropAxis(r.shape, -2));
  }
  if (b.ndim === 1) {
    const r = matmul(a, reshape(b, [b.shape[0], 1])); // (k) -> (k, 1)
    return reshape(r, dropAxis(r.shape, -1));
  }
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) {
    throw new Error(`matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} cannot be multiplied (${m}x${k} and ${k2}x${n})`);
  }
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const ae = expand(a, [...batchShape, m, k]);
  const be = expand(b, [...batchShape, k, n]);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const out = allocate(dtype, sizeOf(batchShape) * m * n);
  backendFor(dtype).matmul(ae.data, be.data, out, sizeOf(batchShape), m, k, n);
  return record(new Tensor(out, [...batchShape, m, n]), 'matmul', [a, b], (g) => [
    a.requiresGrad ? sumTo(matmul(g, transpose(be, -1, -2)), a.shape) : null,
    b.requiresGrad ? sumTo(matmul(transpose(ae, -1, -2), g), b.shape) : null,
  ]);
}

/** `shape` without the axis `axis` (negative counts from the end). */
function dropAxis(shape: readonly number[], axis: number): number[] {
  const out = [...shape];
  out.splice(Math.max(0, out.length + axis), 1);
  return out;
}

/**
 * Fully connected layer `y = x·Wᵀ + b`: x `(…, in)`, weight `(out, in)`, bias `(out)` → `(…, out)`.
 * One backend `gemm` (Wᵀ read in place, bias added in the same pass); gradients, with x seen as
 * rows `(r, in)`: `∂L/∂x = ∂L/∂y · W`, `∂L/∂W = (∂L/∂y)ᵀ · x`, `∂L/∂b = Σ_rows ∂L/∂y` — no
 * transpose is copied. Operands of different dtypes go through `matmul` and `add` (promotion).
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor('linear', 'input', x);
  checkTensor('linear', 'weight', weight);
  checkOptionalTensor('linear', 'bias', bias);
  if (weight.ndim !== 2) throw new Error(`linear: weight must have rank 2 (out, in), got shape ${shapeStr(weight.shape)}`);
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new Error(
      `linear: input ${shapeStr(x.shape)} has ${x.shape[x.ndim - 1]} features but weight ${shapeStr(weight.shape)} expects ${weight.shape[1]}`,
    );
  }
  const b = bias ?? null;
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== weight.shape[0])) {
    throw new Error(`linear: bias must have shape [${weight.shape[0]}], got ${shapeStr(b.shape)}`);
  }
  if (x.dtype !== weight.dtype || (b !== null && b.dtype !== x.dtype)) {
    const y = matmul(x, transpose(weight, 0, 1));
    return b === null ? y : add(y, b);
  }
  const [outF, inF] = weight.shape;
  const rows = sizeOf(x.shape.slice(0, -1));
  const dtype = x.dtype;
  const backend = backendFor(dtype);
  const out = allocate(dtype, rows * outF);
  backend.gemm(x.data, weight.data, b?.data ?? null, out, rows, inF, outF, false, true);
  const inputs = b === null ? [x, weight] : [x, weight, b];
  return record(new Tensor(out, [...x.shape.slice(0, -1), outF]), 'linear', inputs, (g) => {
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      const d = allocate(dtype, x.size);
      backendFor(dtype).gemm(g.data, weight.data, null, d, rows, outF, inF, false, false); // (r,out)·(out,in)
      dx = new Tensor(d, x.shape);
    }
    if (weight.requiresGrad) {
      const d = allocate(dtype, weight.size);
      backendFor(dtype).gemm(g.data, x.data, null, d, outF, rows, inF, true, false); // (r,out)ᵀ·(r,in)
      dw = new Tensor(d, weight.shape);
    }
    if (b !== null && b.requiresGrad) {
      const d = allocate(dtype, outF);
      backendFor(dtype).sum(g.data, [rows, outF], [0], d);
      db = new Tensor(d, b.shape);
    }
    return b === null ? [dx, dw] : [dx, dw, db];
  });
}
