/**
 * Checks of the tensors an op is given, so that a value that is not one (`null`, an array, a
 * typed array, a number) is reported by the op and the argument's name instead of failing deep
 * inside: `conv2d: argument 'input' must be a Tensor, got an array (make one with tensor([...]))`.
 */
import { Tensor } from './tensor.js';

/** What `v` is, for a message: `null`, `an array (make one with tensor([...]))`, `the number 3`, … */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined (a missing argument?)';
  if (Array.isArray(v)) return 'an array (make one with tensor([...]))';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} (make one with tensor(data, { shape }))`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'plain object'}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Throws unless `v` is a Tensor: `${op}: argument '${name}' must be a Tensor, got …`. */
export function checkTensor(op: string, name: string, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor)) throw new Error(`${op}: argument '${name}' must be a Tensor, got ${describe(v)}`);
}

/** As `checkTensor`, allowing `null` and `undefined` (an optional tensor such as a bias). */
export function checkOptionalTensor(op: string, name: string, v: unknown): asserts v is Tensor | null | undefined {
  if (v !== null && v !== undefined && !(v instanceof Tensor)) {
    throw new Error(`${op}: argument '${name}' must be a Tensor or null, got ${describe(v)}`);
  }
}

/** As `checkTensor`, allowing a number (an operand that broadcasts as a scalar). */
export function checkTensorOrNumber(op: string, name: string, v: unknown): asserts v is Tensor | number {
  if (typeof v !== 'number' && !(v instanceof Tensor))
    throw new Error(`${op}: argument '${name}' must be a Tensor or a number, got ${describe(v)}`);
}

/** Throws unless `v` is an array of Tensors, naming the first element that is not one. */
export function checkTensorList(op: string, name: string, v: unknown): asserts v is readonly Tensor[] {
  if (!Array.isArray(v)) throw new Error(`${op}: argument '${name}' must be an array of Tensors, got ${describe(v)}`);
  v.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${op}: ${name}[${i}] must be a Tensor, got ${describe(t)}`);
  });
}

/**
 * Throws unless `options` is an object (or undefined) whose keys are all in `known`: an option an
 * op does not support is an error, not ignored — `maxPool2d: unknown option 'dilation' (it takes
 * kernelSize, stride, padding, ceilMode)`.
 */
export function checkOptions(op: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${op}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`${op}: unknown option '${key}' (it takes ${known.join(', ')})`);
  }
}
