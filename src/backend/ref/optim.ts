/**
 * Reference optimizer updates (`Backend.sgdStep`, `Backend.adamStep`): one parameter at a time,
 * each element computed in float64 and stored in the arrays' own type, in the order written.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { AdamStep, SgdStep } from '../backend.js';

/** Backend.sgdStep. */
export function sgdStep(theta: TypedArray, grad: TypedArray, buf: TypedArray | null, o: SgdStep): void {
  const { lr, momentum: mu, dampening, nesterov, weightDecay: wd, first } = o;
  const n = theta.length;
  if (buf !== null && !first && !nesterov && wd === 0) {
    // the common momentum step, the general loop below with its branches resolved
    const c = 1 - dampening;
    for (let k = 0; k < n; k++) {
      buf[k] = mu * buf[k] + c * grad[k];
      theta[k] -= lr * buf[k];
    }
    return;
  }
  for (let k = 0; k < n; k++) {
    let g = grad[k];
    if (wd !== 0) g += wd * theta[k];
    if (buf !== null) {
      buf[k] = first ? g : mu * buf[k] + (1 - dampening) * g;
      g = nesterov ? g + mu * buf[k] : buf[k];
    }
    theta[k] -= lr * g;
  }
}

/** Backend.adamStep. */
export function adamStep(theta: TypedArray, grad: TypedArray, m: TypedArray, v: TypedArray, o: AdamStep): void {
  const { beta1, beta2, eps, weightDecay: wd, decoupled, stepSize, bc2Sqrt, decay } = o;
  for (let k = 0; k < theta.length; k++) {
    let g = grad[k];
    if (wd !== 0) {
      if (decoupled) theta[k] *= decay;
      else g += wd * theta[k];
    }
    m[k] = beta1 * m[k] + (1 - beta1) * g;
    v[k] = beta2 * v[k] + (1 - beta2) * (g * g);
    theta[k] -= stepSize * (m[k] / (Math.sqrt(v[k]) / bc2Sqrt + eps));
  }
}
