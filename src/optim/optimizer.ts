/**
 * `Optimizer`: the base of the optimizers in `src/optim`, as `torch.optim.Optimizer`. An
 * optimizer holds the parameters (leaf tensors) in parameter groups, each with its own
 * hyperparameters (learning rate, weight decay, …); `step()` updates every parameter that has a
 * gradient, in place in `param.data` (the storage array is never replaced, so other references
 * to it see the update), and never touches `.grad`; `zeroGrad()` clears the gradients before the
 * next `backward()`.
 *
 * Parameters are given as PyTorch takes them: an iterable of tensors (one group, whose
 * hyperparameters are the options), or an array of groups, each `{ params, ...options }`, whose
 * options override the constructor's for its parameters:
 *
 *     new AdamW(model.parameters(), { lr: 1e-3 });
 *     new AdamW([{ params: weights, weightDecay: 0.05 }, { params: biases, weightDecay: 0 }], { lr: 1e-3 });
 *
 * (`splitWeightDecay(model, λ)` builds the second form.) `paramGroups[g]` holds each group's
 * complete hyperparameters; schedulers set each group's `lr`. `stateDict()`/`loadStateDict()`
 * save and restore the per-parameter state (momentum buffers, moment estimates, step counts) and
 * the groups' hyperparameters, as PyTorch's `state_dict()`, so that training resumes exactly.
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
import { persistentStorage } from '../backend/registry.js';
import { checkOptions as checkOptionNames } from '../tensor/arguments.js';
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

/** The hyperparameters every parameter group has. */
export interface GroupHyperparameters {
  /** Learning rate ≥ 0, used by the next `step()`; schedulers set it. */
  lr: number;
  /**
   * The group's learning rate when the first scheduler was attached to the optimizer (PyTorch's
   * `initial_lr`): the base rate every scheduler of the optimizer scales. Unset before.
   */
  initialLr?: number;
}

/**
 * A parameter group as given to an optimizer: some parameters and any of the optimizer's
 * options, which override the constructor's options for these parameters (PyTorch's per-group
 * dict), e.g. `{ params: biases, weightDecay: 0 }`.
 */
export type ParamGroupOptions<O extends object> = { params: Iterable<Tensor> } & Partial<O>;

/** An optimizer's parameters: an iterable of tensors (one group), or an array of parameter groups. */
export type Params<O extends object> = Iterable<Tensor> | readonly ParamGroupOptions<O>[];

/**
 * A parameter group of a built optimizer: its parameters and all its hyperparameters (the
 * group's options completed with the constructor's and then the defaults). The hyperparameters
 * may be changed between steps, as schedulers do with `lr`.
 */
export type ParamGroup<H extends GroupHyperparameters> = H & { readonly params: readonly Tensor[] };

/** A hyperparameter's value as saved: a number, a flag, or numbers (Adam's `betas`). */
export type Hyperparameter = number | boolean | readonly number[];

/** The state of one parameter: step counts, and buffers of the parameter's size and dtype. */
export type ParamState = Record<string, number | Float32Array | Float64Array>;

/** What each field of an optimizer's per-parameter state is: a step count or a buffer. */
export type StateLayout = Readonly<Record<string, 'count' | 'buffer'>>;

/** A parameter group in a state dict: its hyperparameters and its parameters as indices into `params`. */
export interface SavedParamGroup {
  params: number[];
  [hyperparameter: string]: Hyperparameter;
}

/**
 * An optimizer's state, as PyTorch's `Optimizer.state_dict()`: `state[i]` is the state of
 * `params[i]` (absent before its first step), e.g. `{ momentumBuffer }` for SGD or
 * `{ step, expAvg, expAvgSq }` for Adam, buffers as typed arrays of the parameter's dtype and
 * size (copies); `paramGroups[g]` holds group g's hyperparameters and its parameters' indices.
 * Plain data: numbers, booleans, arrays and typed arrays.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: SavedParamGroup[];
}

/** How a subclass describes its options and its per-parameter state to the base. */
export interface OptimizerSpec<H extends GroupHyperparameters> {
  /** The option names a group may set (`lr` among them). */
  optionNames: readonly string[];
  /**
   * Checks option values (the constructor's merged with a group's) and completes them with the
   * defaults; errors name the option as `${where}${option}` (`where` is '' or `paramGroups[1].`).
   */
  resolve: (values: Record<string, unknown>, where: string) => H;
  /** The fields of each parameter's state. */
  state: StateLayout;
}

function isGroupSpec(x: unknown): x is { params: unknown } {
  return typeof x === 'object' && x !== null && !(x instanceof Tensor) && !Array.isArray(x) && 'params' in x;
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return typeof x === 'object' && x !== null && Symbol.iterator in x && typeof x[Symbol.iterator] === 'function';
}

/**
 * The base of every optimizer. Subclasses implement `step()` with `forEachGradient`; they keep
 * per-parameter state (momentum buffers, moment estimates) in `state`, indexed like `params`,
 * with the fields their `StateLayout` names, so that the base can save and load it.
 */
export abstract class Optimizer<H extends GroupHyperparameters = GroupHyperparameters, S extends ParamState = ParamState> {
  /** All the parameters, group after group, in the order given; floating-point leaf tensors, none repeated. */
  readonly params: readonly Tensor[];
  /** The parameter groups (one when the parameters were given as a list of tensors). */
  readonly paramGroups: readonly ParamGroup<H>[];
  /** The optimizer's name, used in error messages (`'SGD'`, `'Adam'`, …). */
  readonly name: string;
  /**
   * The constructor's options completed with the defaults (PyTorch's `defaults`): the
   * hyperparameters of every group that sets none of its own.
   */
  readonly defaults: Readonly<H>;
  /** The state of `params[i]`: null before its first step. */
  protected readonly state: (S | null)[];
  private readonly spec: OptimizerSpec<H>;

  /**
   * Collects and checks `params` (an iterable of distinct floating-point leaf tensors, not
   * empty, or an array of parameter groups) and the options: the constructor's are checked as
   * given, each group's merged over them.
   */
  protected constructor(name: string, params: unknown, options: unknown, spec: OptimizerSpec<H>) {
    this.name = name;
    this.spec = spec;
    checkOptions(name, options);
    const specs = this.parseParams(params);
    const list = specs.flatMap((s) => s.params);
    this.params = Object.freeze(list);
    checkOptionNames(name, options, spec.optionNames);
    const defaults = spec.resolve({ ...(options as object) }, '');
    this.defaults = Object.freeze({ ...defaults });
    this.paramGroups = Object.freeze(
      specs.map((s, g) => {
        if (s.overrides === null) return { ...defaults, params: Object.freeze(s.params) };
        checkOptionNames(`${name}: paramGroups[${g}]`, s.overrides, spec.optionNames);
        return { ...spec.resolve({ ...(options as object), ...s.overrides }, `paramGroups[${g}].`), params: Object.freeze(s.params) };
      }),
    );
    this.state = list.map(() => null);
  }

  /** The parameters by group, each checked, and each group's own options (null for a plain list of tensors). */
  private parseParams(params: unknown): { params: Tensor[]; overrides: Record<string, unknown> | null }[] {
    const name = this.name;
    if (params instanceof Tensor) {
      throw new Error(
        `${name}: params must be an iterable of tensors, got a single tensor of shape ${shapeStr(params.shape)}; wrap it in an array: [t]`,
      );
    }
    if (!isIterable(params)) throw new Error(`${name}: params must be an iterable of tensors, got ${describeValue(params)}`);
    const items = [...params];
    if (items.length === 0) throw new Error(`${name}: got an empty parameter list`);
    const seen = new Map<Tensor, string>();
    const check = (p: unknown, label: string): Tensor => {
      if (!(p instanceof Tensor)) throw new Error(`${name}: ${label} must be a Tensor, got ${describeValue(p)}`);
      if (!isFloating(p.dtype)) throw new Error(`${name}: ${label} must be a floating-point tensor, got ${p.dtype}`);
      if (!p.isLeaf)
        throw new Error(
          `${name}: ${label} is not a leaf tensor (it was computed by '${p.gradFn?.name ?? '?'}'); only leaves can be optimized`,
        );
      const before = seen.get(p);
      if (before !== undefined) throw new Error(`${name}: ${before} and ${label} are the same tensor; each parameter may appear only once`);
      seen.set(p, label);
      return p;
    };
    if (!isGroupSpec(items[0])) return [{ params: items.map((p, i) => check(p, `params[${i}]`)), overrides: null }];
    return items.map((group, g) => {
      if (!isGroupSpec(group)) {
        throw new Error(
          `${name}: params[${g}] must be a parameter group { params, ...options } like params[0], got ${describeValue(group)}`,
        );
      }
      const { params: groupParams, ...overrides } = group;
      if (groupParams instanceof Tensor || !isIterable(groupParams)) {
        throw new Error(`${name}: paramGroups[${g}].params must be an iterable of tensors, got ${describeValue(groupParams)}`);
      }
      return { params: [...groupParams].map((p, k) => check(p, `paramGroups[${g}].params[${k}]`)), overrides };
    });
  }

  /** The learning rate of the first group; setting it sets every group's. */
  get lr(): number {
    return this.paramGroups[0].lr;
  }

  set lr(value: number) {
    const lr = checkNonNegative(this.name, 'lr', value);
    for (const group of this.paramGroups) group.lr = lr;
  }

  /** Updates every parameter whose `.grad` is set, in place; parameters without one are skipped. */
  abstract step(): void;

  /** Clears the gradient of every parameter (sets `.grad` to null, as PyTorch's `set_to_none`). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /**
   * Calls `update` for every parameter that has a gradient, group by group, with its gradient's
   * storage, its group and its index in `params`. Each group's `lr` is checked first (it may
   * have been set since the last step).
   */
  protected forEachGradient(update: (p: Tensor, grad: TypedArray, group: ParamGroup<H>, index: number) => void): void {
    let index = 0;
    this.paramGroups.forEach((group, g) => {
      checkNonNegative(this.name, `paramGroups[${g}].lr`, group.lr);
      for (const p of group.params) {
        const grad = this.gradData(index);
        if (grad !== null) update(p, grad, group, index);
        index++;
      }
    });
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

  /** A new, zeroed state buffer for `params[index]` (in the backend's persistent memory). */
  protected newBuffer(index: number): Float32Array | Float64Array {
    const p = this.params[index];
    const buffer = persistentStorage(p.dtype, p.size);
    if (!(buffer instanceof Float32Array || buffer instanceof Float64Array))
      throw new Error(`${this.name}: no state buffer for dtype ${p.dtype}`);
    return buffer;
  }

  /**
   * The optimizer's state as plain data (see `OptimizerStateDict`): copies, so later steps do
   * not change it.
   */
  stateDict(): OptimizerStateDict {
    const state: Record<number, ParamState> = {};
    this.state.forEach((s, i) => {
      if (s === null) return;
      state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : v.slice()]));
    });
    let index = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const saved: SavedParamGroup = { params: group.params.map(() => index++) };
      for (const key of Object.keys(group)) {
        const value: unknown = Reflect.get(group, key);
        if (key === 'params' || value === undefined) continue;
        if (typeof value === 'number' || typeof value === 'boolean') saved[key] = value;
        else if (Array.isArray(value)) saved[key] = value.map(Number);
        else throw new Error(`${this.name}: stateDict: hyperparameter '${key}' is ${describeValue(value)}, not a number, flag or array`);
      }
      return saved;
    });
    return { state, paramGroups };
  }

  /**
   * Restores a state saved by `stateDict()` of an optimizer of the same kind over parameters of
   * the same groups and shapes (PyTorch's `load_state_dict`): every group's hyperparameters and
   * every parameter's state are replaced (buffers copied). Everything is checked before anything
   * changes; a mismatch is an error naming the group, parameter or field.
   */
  loadStateDict(saved: OptimizerStateDict): void {
    const where = `${this.name}: loadStateDict`;
    if (
      typeof saved !== 'object' ||
      saved === null ||
      !Array.isArray(saved.paramGroups) ||
      typeof saved.state !== 'object' ||
      saved.state === null
    ) {
      throw new Error(`${where}: expected { state, paramGroups } as stateDict() gives, got ${describeValue(saved)}`);
    }
    if (saved.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`${where}: the state has ${saved.paramGroups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    }
    const indexOf = new Map<string, number>();
    let index = 0;
    const groups = saved.paramGroups.map((group, g) => {
      const own = this.paramGroups[g];
      if (typeof group !== 'object' || group === null || !Array.isArray(group.params) || group.params.length !== own.params.length) {
        throw new Error(`${where}: paramGroups[${g}] must list ${own.params.length} parameters, as the optimizer's group does`);
      }
      for (const id of group.params) indexOf.set(String(id), index++);
      const { params: _ids, initialLr, ...values } = group;
      for (const key of Object.keys(values)) {
        if (!this.spec.optionNames.includes(key)) throw new Error(`${where}: paramGroups[${g}] has an unknown hyperparameter '${key}'`);
      }
      for (const key of this.spec.optionNames) {
        if (!(key in values)) throw new Error(`${where}: paramGroups[${g}] lacks hyperparameter '${key}'`);
      }
      const hyper = this.spec.resolve(values, `loadStateDict: paramGroups[${g}].`);
      return { hyper, initialLr: initialLr === undefined ? undefined : checkNonNegative(where, `paramGroups[${g}].initialLr`, initialLr) };
    });
    const state: (S | null)[] = this.params.map(() => null);
    for (const [id, entry] of Object.entries(saved.state)) {
      const i = indexOf.get(id);
      if (i === undefined) throw new Error(`${where}: state ${id} belongs to no parameter group`);
      state[i] = this.checkState(where, i, entry);
    }
    groups.forEach(({ hyper, initialLr }, g) => {
      const group = this.paramGroups[g];
      Object.assign(group, hyper);
      if (initialLr === undefined) delete group.initialLr;
      else group.initialLr = initialLr;
    });
    state.forEach((s, i) => {
      const own = this.state[i];
      if (s === null) {
        this.state[i] = null;
        return;
      }
      const out: ParamState = {};
      for (const [key, v] of Object.entries(s)) {
        if (typeof v === 'number') {
          out[key] = v;
          continue;
        }
        const kept = own?.[key];
        const buffer = kept instanceof Float32Array || kept instanceof Float64Array ? kept : this.newBuffer(i);
        buffer.set(v);
        out[key] = buffer;
      }
      this.state[i] = out as S;
    });
  }

  /** `entry` checked against the state layout and `params[index]`'s dtype and size. */
  private checkState(where: string, index: number, entry: unknown): S {
    const p = this.params[index];
    if (typeof entry !== 'object' || entry === null)
      throw new Error(`${where}: state ${index} must be an object, got ${describeValue(entry)}`);
    const fields = this.spec.state;
    const out: ParamState = {};
    for (const key of Object.keys(entry)) {
      if (!(key in fields))
        throw new Error(`${where}: state ${index} has an unknown field '${key}' (expected ${Object.keys(fields).join(', ')})`);
    }
    for (const [key, kind] of Object.entries(fields)) {
      const v: unknown = (entry as Record<string, unknown>)[key];
      if (kind === 'count') {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
          throw new Error(`${where}: state ${index}.${key} must be a non-negative integer, got ${describeValue(v)}`);
        out[key] = v;
        continue;
      }
      const type = p.dtype === 'float64' ? Float64Array : Float32Array;
      if (!(v instanceof type) || v.length !== p.size) {
        const got =
          v instanceof Float32Array || v instanceof Float64Array ? `a ${v.constructor.name} of length ${v.length}` : describeValue(v);
        throw new Error(`${where}: state ${index}.${key} must be a ${type.name} of length ${p.size}, got ${got}`);
      }
      out[key] = v;
    }
    return out as S;
  }
}
