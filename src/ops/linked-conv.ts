/**
 * Convolution restricted by a link table (SPEC S7): `T ∈ {0,1}^{P×D}`, output map p only sees
 * the input maps d with `T[p][d] = 1`:
 *
 *     Y^p = Σ_{d : T[p][d] = 1} W^{p,d} ⊗ X^d + b^p
 *
 * Computed as a convolution with the masked weight `W ⊙ T`, so masked weights get exactly zero
 * gradient — without building `W ⊙ T` in the graph every step: the weight's unlinked entries stay
 * 0 in training, so the convolution reads W itself (or a masked copy where they are not 0), and
 * its gradient is multiplied by the mask. Shapes as `conv2d` with groups 1: input (N, D, H, W),
 * weight (P, D, m, n).
 */
import { allocate } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Conv2dOptions } from '../geometry/conv.js';
import { convBlock } from './fused-conv.js';
import { checkOptionalTensor, checkOptions, checkTensor } from '../tensor/arguments.js';

/** A link table: `table[p][d]` is 1 (or true) when output map p is connected to input map d. */
export type LinkTable = readonly (readonly (number | boolean)[])[];

/**
 * LeNet-5's C3 table (LeCun et al., 1998, Table I): 16 output maps over the 6 maps of S2. Maps
 * 0–5 see 3 contiguous inputs, 6–11 see 4 contiguous, 12–14 see 4 non-contiguous, 15 sees all.
 */
export const LENET5_C3_TABLE: LinkTable = [
  [0, 1, 2],
  [1, 2, 3],
  [2, 3, 4],
  [3, 4, 5],
  [0, 4, 5],
  [0, 1, 5],
  [0, 1, 2, 3],
  [1, 2, 3, 4],
  [2, 3, 4, 5],
  [0, 3, 4, 5],
  [0, 1, 4, 5],
  [0, 1, 2, 5],
  [0, 1, 3, 4],
  [1, 2, 4, 5],
  [0, 2, 3, 5],
  [0, 1, 2, 3, 4, 5],
].map((inputs) => [0, 1, 2, 3, 4, 5].map((d) => (inputs.includes(d) ? 1 : 0)));

/**
 * The mask `(P, D, m, n)` of a link table: 1 where the connection exists. Validates the table
 * against the weight shape `(P, D, m, n)`.
 */
export function linkMask(op: string, table: LinkTable, weightShape: readonly number[], dtype: 'float32' | 'float64'): Tensor {
  if (weightShape.length !== 4) throw new Error(`${op}: weight must have rank 4 (P, D, m, n), got shape ${shapeStr(weightShape)}`);
  const [p, d, m, n] = weightShape;
  if (!Array.isArray(table) || table.length !== p || table.some((row) => !Array.isArray(row) || row.length !== d)) {
    const got = Array.isArray(table) ? `${table.length}x${Array.isArray(table[0]) ? table[0].length : '?'}` : typeof table;
    throw new Error(`${op}: link table must be ${p}x${d} (output maps x input maps of weight ${shapeStr(weightShape)}), got ${got}`);
  }
  const mask = allocate(dtype, p * d * m * n);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < d; j++) {
      const v = table[i][j];
      if (v !== 0 && v !== 1 && v !== true && v !== false)
        throw new Error(`${op}: link table entry [${i}][${j}] must be 0 or 1, got ${String(v)}`);
      if (v === 1 || v === true) mask.fill(1, (i * d + j) * m * n, (i * d + j + 1) * m * n);
    }
  }
  return new Tensor(mask, weightShape);
}

/** Number of connections (ones) in a link table. */
export function linkCount(table: LinkTable): number {
  let count = 0;
  for (const row of table) for (const v of row) if (v === 1 || v === true) count++;
  return count;
}

/**
 * Link-table convolution (S7): `Y^p = Σ_{d: T[p][d]=1} W^{p,d} ⊗ X^d + b^p`.
 *
 * @param x `(N, D, H, W)`; weight `(P, D, m, n)`; bias `(P)` or omitted
 * @param options `table` (P×D of 0/1) plus `conv2d`'s stride, padding, dilation (no groups)
 * @returns `(N, P, H_out, W_out)` as `conv2d`
 */
export function linkedConv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: Conv2dOptions & { table: LinkTable },
): Tensor {
  checkOptions('linkedConv2d', options, ['stride', 'padding', 'dilation', 'groups', 'table']);
  checkTensor('linkedConv2d', 'input', x);
  checkTensor('linkedConv2d', 'weight', weight);
  checkOptionalTensor('linkedConv2d', 'bias', bias);
  if (options.groups !== undefined && options.groups !== 1) {
    throw new Error(`linkedConv2d: groups must be 1 (the link table replaces it), got ${options.groups}`);
  }
  if (weight.dtype === 'int32') throw new Error('linkedConv2d: weight must be a floating-point tensor, got int32');
  const mask = linkMask('linkedConv2d', options.table, weight.shape, weight.dtype);
  const convOptions: Conv2dOptions = { stride: options.stride, padding: options.padding, dilation: options.dilation };
  const names = { op: 'linkedConv2d', poolOp: 'linkedConv2d', recorded: 'linkedConv2d' };
  return convBlock(names, x, weight, bias ?? null, convOptions, mask.data);
}
