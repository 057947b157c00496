/**
 * Element types. Tensors are float32 by default; float64 exists for gradient checking and
 * int32 for indices and labels (an int32 tensor never carries a gradient).
 */
export type DType = 'float32' | 'float64' | 'int32';

/** The storage behind a tensor: one contiguous typed array in row-major (C) order. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** A new zero-filled storage of `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    default:
      return checkDType('allocate', dtype) as never;
  }
}

/** The dtypes tensors can have. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** `dtype` itself when it is one of `DTYPES`; otherwise an error naming `op`, the value and the supported ones. */
export function checkDType(op: string, dtype: unknown): DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new Error(`${op}: unknown dtype ${JSON.stringify(dtype)} (supported: ${DTYPES.join(', ')})`);
  }
  return dtype as DType;
}

/** The dtype of an existing storage. */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'float32';
}

/** Type promotion for binary ops, as in PyTorch: float64 > float32 > int32. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

/** Whether tensors of this dtype can require gradients. */
export function isFloating(dtype: DType): boolean {
  return dtype !== 'int32';
}
