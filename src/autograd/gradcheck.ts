/**
 * Gradient checking by central finite differences in float64, as `torch.autograd.gradcheck`.
 *
 * For `y = fn(x₁, …, x_k)` a fixed random projection `L = Σ y ⊙ R` makes the output scalar;
 * every element of every input that requires a gradient is then checked:
 *
 *     ∂L/∂x_i ≈ (L(x + ε e_i) − L(x − ε e_i)) / 2ε,   |analytic − numeric| ≤ atol + rtol·|numeric|
 */
import { Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/random.js';
import { noGrad } from './engine.js';

/** Options of `gradcheck` (PyTorch's defaults differ: eps 1e-6, atol 1e-5, rtol 1e-3 here). */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Throw an Error describing the first mismatch (default true); otherwise return false. */
  raiseException?: boolean;
  /** Seed of the projection R (default 0). */
  seed?: number;
}

function projection(y: Tensor, R: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.size; i++) s += y.data[i] * R[i];
  return s;
}

/**
 * Checks the gradients that `backward()` computes for `fn` against central differences.
 * Inputs that require a gradient must be float64. Returns true when all agree.
 *
 * @param fn a function of the inputs returning a tensor of any shape
 * @param inputs the tensors passed to `fn`; those with `requiresGrad` are checked
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const raise = options.raiseException ?? true;
  const checked = inputs.filter((t) => t.requiresGrad);
  if (checked.length === 0) throw new Error('gradcheck: no input requires a gradient');
  for (const t of checked) {
    if (t.dtype !== 'float64')
      throw new Error(`gradcheck: inputs that require gradients must be float64, got ${t.dtype} for shape [${t.shape.join(', ')}]`);
  }
  const y = fn(...inputs);
  const gen = new Generator(options.seed ?? 0);
  const R = new Float64Array(y.size);
  for (let i = 0; i < R.length; i++) R[i] = gen.normal();
  for (const t of checked) t.grad = null;
  if (!y.requiresGrad) {
    if (raise) throw new Error('gradcheck: the output does not depend on any input that requires a gradient');
    return false;
  }
  y.backward(new Tensor(R, y.shape).to(y.dtype));
  const analytic = checked.map((t) => (t.grad === null ? new Float64Array(t.size) : Float64Array.from(t.grad.data)));
  for (let k = 0; k < checked.length; k++) {
    const t = checked[k];
    for (let i = 0; i < t.size; i++) {
      const original = t.data[i];
      t.data[i] = original + eps;
      const plus = noGrad(() => projection(fn(...inputs), R));
      t.data[i] = original - eps;
      const minus = noGrad(() => projection(fn(...inputs), R));
      t.data[i] = original;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[k][i];
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        if (!raise) return false;
        throw new Error(
          `gradcheck: gradient mismatch for input ${inputs.indexOf(t)} (shape [${t.shape.join(', ')}]) at element ${i}: ` +
            `analytic ${a}, numeric ${numeric}`,
        );
      }
    }
  }
  for (const t of checked) t.grad = null;
  return true;
}
