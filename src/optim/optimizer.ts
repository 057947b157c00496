/**
 * `Optimizer`: the base of the optimizers in `src/optim`, as `torch.optim.Optimizer` with a
 * single parameter group. An optimizer holds the parameters (leaf tensors) and a learning rate;
 * `step()` updates every parameter that has a gradient, in place in `param.data` (the storage
 * array is never replaced, so other references to it see the update), and never touches
 * `.grad`; `zeroGrad()` clears the gradients before the next `backward()`.
 *
 * A training step, as in PyTorch:
 *
 *     optimizer.zeroGrad();
 *     loss(model).backward();
 *     optimizer.step();
 *
 * Every option is validated when the optimizer is built, with an error that names the
 * optimizer, the option and the offending value (`SGD: lr must be a non-negative number, got -1`).
 */
import { isFloating, type TypedArray } from '../tensor/dtype.js';
import { shapeStr, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** A value as it should appear in an error message (arrays and objects as JSON). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/**
 * Returns `value` when it is a finite number `≥ 0`; otherwise throws
 * `${owner}: ${name} must be a non-negative number, got ${value}`.
 */
export function checkNonNegative(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${owner}: ${name} must be a non-negative number, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Returns `value` when it is a number in `[0, 1)` (a decay rate such as a momentum or an Adam
 * beta); otherwise throws `${owner}: ${name} must be a number in [0, 1), got ${value}`.
 */
export function checkUnitInterval(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new Error(`${owner}: ${name} must be a number in [0, 1), got ${describeValue(value)}`);
  }
  return value;
}

/** Throws `${owner}: options must be an object, got …` unless `options` is a (non-array) object. */
export function checkOptions(owner: string, options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`${owner}: options must be an object, got ${describeValue(options)}`);
  }
}

/**
 * The base of every optimizer. Subclasses implement `step()`; they keep per-parameter state
 * (momentum buffers, moment estimates) as typed arrays of the parameter's dtype, indexed like
 * `params`.
 */
export abstract class Optimizer {
  /** The parameters, in the order given; each is a floating-point leaf tensor, none repeated. */
  readonly params: readonly Tensor[];
  /** The optimizer's name, used in error messages (`'SGD'`, `'Adam'`, …). */
  readonly name: string;
  private learningRate = 0;

  /**
   * Collects and checks `params` (an iterable of distinct floating-point leaf tensors, not
   * empty) and the learning rate.
   */
  protected constructor(name: string, params: Iterable<Tensor>, lr: unknown) {
    this.name = name;
    if (params instanceof Tensor) {
      throw new Error(
        `${name}: params must be an iterable of tensors, got a single tensor of shape ${shapeStr(params.shape)}; wrap it in an array: [t]`,
      );
    }
    const given: unknown = params;
    if (typeof given !== 'object' || given === null || !(Symbol.iterator in given) || typeof given[Symbol.iterator] !== 'function') {
      throw new Error(`${name}: params must be an iterable of tensors, got ${describeValue(params)}`);
    }
    const list = [...params];
    if (list.length === 0) throw new Error(`${name}: got an empty parameter list`);
    const seen = new Map<Tensor, number>();
    list.forEach((p: unknown, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${name}: params[${i}] must be a Tensor, got ${describeValue(p)}`);
      if (!isFloating(p.dtype)) throw new Error(`${name}: params[${i}] must be a floating-point tensor, got ${p.dtype}`);
      if (!p.isLeaf)
        throw new Error(
          `${name}: params[${i}] is not a leaf tensor (it was computed by '${p.gradFn?.name ?? '?'}'); only leaves can be optimized`,
        );
      const j = seen.get(p);
      if (j !== undefined)
        throw new Error(`${name}: params[${j}] and params[${i}] are the same tensor; each parameter may appear only once`);
      seen.set(p, i);
    });
    this.params = Object.freeze(list);
    this.lr = checkNonNegative(name, 'lr', lr);
  }

  /** The learning rate used by the next `step()`; schedulers (`StepLR`, …) change it. */
  get lr(): number {
    return this.learningRate;
  }

  set lr(value: number) {
    this.learningRate = checkNonNegative(this.name, 'lr', value);
  }

  /** Updates every parameter whose `.grad` is set, in place; parameters without one are skipped. */
  abstract step(): void;

  /** Clears the gradient of every parameter (sets `.grad` to null, as PyTorch's `set_to_none`). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /**
   * The gradient storage of `params[index]`, or null when it has no gradient; throws when the
   * gradient's shape is not the parameter's.
   */
  protected gradData(index: number): TypedArray | null {
    const p = this.params[index];
    const g = p.grad;
    if (g === null) return null;
    if (!shapesEqual(g.shape, p.shape)) {
      throw new Error(`${this.name}: params[${index}] has shape ${shapeStr(p.shape)} but its grad has shape ${shapeStr(g.shape)}`);
    }
    return g.data;
  }
}
