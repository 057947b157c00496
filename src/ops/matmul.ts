/** Matrix products: `matmul` and the fully connected layer `linear`. */
import { allocate, promoteTypes } from '../tensor/dtype.js';
import { broadcastShapes, shapeStr, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/engine.js';
import { backendFor } from '../backend/registry.js';
import { add } from './elementwise.js';
import { expand, reshape, transpose } from './shape.js';
import { sumTo } from './reduce.js';

/**
 * Matrix product with PyTorch's rules: `(m, k) @ (k, n) → (m, n)`; 1-D operands are treated as
 * a row (left) or a column (right) vector and that axis is removed from the result; leading
 * (batch) dimensions broadcast. Gradients: `∂L/∂A = ∂L/∂Y · Bᵀ`, `∂L/∂B = Aᵀ · ∂L/∂Y`.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new Error(`matmul: operands must have rank ≥ 1, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
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
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new Error(`linear: weight must have rank 2 (out, in), got shape ${shapeStr(weight.shape)}`);
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new Error(`linear: input ${shapeStr(x.shape)} has ${x.shape[x.ndim - 1]} features but weight ${shapeStr(weight.shape)} expects ${weight.shape[1]}`);
  }
  const y = matmul(x, transpose(weight, 0, 1));
  if (bias === undefined || bias === null) return y;
  if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) {
    throw new Error(`linear: bias must have shape [${weight.shape[0]}], got ${shapeStr(bias.shape)}`);
  }
  return add(y, bias);
}
