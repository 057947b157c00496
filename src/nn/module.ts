/**
 * `Module`: the base of every layer and model, as `torch.nn.Module`. A module owns named
 * parameters (leaf tensors that require gradients) and named child modules, registered in
 * construction order so that `namedParameters()` and `stateDict()` have a stable order.
 */
import { shapeStr, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { persistentStorage } from '../backend/registry.js';

/** Base class of layers and models: subclasses register parameters and children, and implement `forward`. */
export abstract class Module {
  /** Training mode (dropout active) or evaluation mode; see `train()` / `eval()`. */
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** The layer's computation: `y = f(x)`. */
  abstract forward(x: Tensor): Tensor;

  /** Registers `t` as a parameter called `name` (it will require gradients) and returns it. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    t.setRequiresGrad(true);
    // kept where the backend's kernels use it in place (wasm: its own memory) for the model's life
    t.moveStorage(persistentStorage(t.dtype, t.size));
    this.params.set(name, t);
    return t;
  }

  /** Registers `m` as a child module called `name` and returns it. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Direct children with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children.entries()];
  }

  /** Every parameter of this module and its descendants, named by path (`"0.weight"`). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, t] of this.params) out.push([prefix + name, t]);
    for (const [name, child] of this.children) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** Every parameter tensor (for an optimizer). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /**
   * Number of trainable scalars. Layers with structurally zero weights (a link table) count only
   * the real ones.
   */
  numParameters(): number {
    let n = 0;
    for (const t of this.params.values()) n += t.size;
    for (const child of this.children.values()) n += child.numParameters();
    return n;
  }

  /** Sets training mode (`true`) or evaluation mode on this module and all descendants; returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.children.values()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const t of this.parameters()) t.grad = null;
  }

  /** The parameters by name; the tensors are the live ones (copy them to keep a snapshot). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters());
  }

  /**
   * Copies values into the parameters. With `strict` (default) the names must match exactly;
   * shapes must always match.
   */
  loadStateDict(state: Record<string, Tensor>, strict = true): void {
    const own = new Map(this.namedParameters());
    if (strict) {
      const missing = [...own.keys()].filter((k) => !(k in state));
      const unexpected = Object.keys(state).filter((k) => !own.has(k));
      if (missing.length > 0 || unexpected.length > 0) {
        const parts = [];
        if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
        if (unexpected.length > 0) parts.push(`unexpected ${unexpected.join(', ')}`);
        throw new Error(`loadStateDict: state does not match the model: ${parts.join('; ')}`);
      }
    }
    for (const [name, t] of Object.entries(state)) {
      const p = own.get(name);
      if (p === undefined) continue;
      if (!shapesEqual(p.shape, t.shape)) {
        throw new Error(`loadStateDict: '${name}' has shape ${shapeStr(t.shape)} in the state but ${shapeStr(p.shape)} in the model`);
      }
      p.data.set(t.data);
    }
  }

  /** A one-line description for summaries, e.g. `Conv2d(1, 6, kernelSize=5, padding=2)`. */
  describe(): string {
    return this.constructor.name;
  }

  /** Runs `forward`: the equivalent of PyTorch's `model(x)`. */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }
}
