/**
 * Reverse-mode automatic differentiation, define-by-run as in PyTorch.
 *
 * Each op that produces a tensor from inputs needing gradients records a `GradFn` on its output:
 * the inputs and a closure that maps the output's gradient to the inputs' gradients (written
 * beside the op's forward pass, in `src/ops`). `backward()` walks the recorded graph from the
 * output in reverse topological order, summing gradients that meet at a tensor, and adds the
 * result into `.grad` of every leaf that requires it.
 */
import type { Tensor } from '../tensor/tensor.js';
import { checkGradient, checkOutput, currentLayer, isAnomalyEnabled } from './anomaly.js';

/** How an op's output was computed, for the backward pass. */
export interface GradFn {
  /** The op's name, for messages and graph inspection. */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Gradients of the inputs (null where an input needs none) given the output's gradient. */
  backward: (gradOutput: Tensor) => readonly (Tensor | null)[];
  /** Set once a `backward()` has run through it without `retainGraph`: its saved values are gone. */
  released?: boolean;
  /** The path of the layer the op ran in, recorded while anomaly detection is on. */
  readonly layer?: string | null;
}

let gradEnabled = true;

/** Whether ops currently record gradients. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording gradients (like `with torch.no_grad():`), and returns its result. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Runs `fn` with gradient recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Marks `out` as computed by op `name` from `inputs` when any input requires a gradient and
 * recording is on; returns `out`.
 */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], backward: GradFn['backward']): Tensor {
  const anomaly = isAnomalyEnabled();
  if (anomaly) checkOutput(name, out, currentLayer());
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = anomaly ? { name, inputs, backward, layer: currentLayer() } : { name, inputs, backward };
  }
  return out;
}

/** What a released grad function does when a backward pass reaches it again. */
function releasedBackward(name: string): GradFn['backward'] {
  return () => {
    throw new Error(
      `backward: trying to backward through the graph a second time (through ${name}, whose saved values the first backward() freed); ` +
        'pass { retainGraph: true } to the first backward() if you need to run it again',
    );
  };
}

/** Tensors reachable from `root` through grad functions, each after all tensors that use it. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push([t, true]);
    for (const input of t.gradFn?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
    }
  }
  return order.reverse();
}

/**
 * Back-propagates `gradient` (the gradient of some scalar L with respect to `root`) through the
 * recorded graph, adding ∂L/∂t into `t.grad` for every leaf `t` that requires a gradient (and
 * every tensor marked with `retainGrad()`).
 *
 * As in PyTorch, the pass frees the graph it went through (each grad function drops the values it
 * saved), so a second `backward()` through it is an error rather than gradients added twice;
 * `retainGraph` keeps it for another pass.
 */
export function runBackward(root: Tensor, gradient: Tensor, add: (a: Tensor, b: Tensor) => Tensor, retainGraph = false): void {
  const grads = new Map<Tensor, Tensor>([[root, gradient]]);
  const anomaly = isAnomalyEnabled();
  noGrad(() => {
    for (const t of topologicalOrder(root)) {
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      if (t.gradFn === null || t.retainsGrad) {
        t.grad = t.grad === null ? g.clone() : add(t.grad, g);
      }
      const fn = t.gradFn;
      if (fn === null) continue;
      const inputGrads = fn.backward(g);
      if (!retainGraph) {
        fn.released = true;
        fn.backward = releasedBackward(fn.name);
      }
      fn.inputs.forEach((input, i) => {
        const raw = inputGrads[i];
        if (raw === null || raw === undefined || !input.requiresGrad) return;
        if (anomaly) checkGradient(fn.name, raw, i, fn.layer ?? null);
        const gi = raw.dtype === input.dtype ? raw : raw.to(input.dtype);
        const previous = grads.get(input);
        grads.set(input, previous === undefined ? gi : add(previous, gi));
      });
    }
  });
}
