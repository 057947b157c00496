/**
 * Padding of the last axes, as `torch.nn.functional.pad`. `pad` lists the amounts from the last
 * axis backwards: `[left, right]` pads the last axis, `[left, right, top, bottom]` the last two,
 * and so on. For an axis of size n padded by `(l, r)` the output has `l + n + r` elements; output
 * position j reads input position `j − l`, or, outside `[0, n)`:
 *
 *     constant   the value (default 0)
 *     reflect    the mirror image without repeating the edge: −1 → 1, n → n − 2   (l, r < n)
 *     replicate  the nearest edge element: −1 → 0, n → n − 1                     (n > 0)
 *     circular   the other end, wrapping around: −1 → n − 1, n → 0                (l, r ≤ n)
 *
 * A negative amount removes elements instead. The gradient of every output element goes back to
 * the element it was read from (edge elements collect several under replicate and reflect).
 * PyTorch's non-constant modes take only inputs with one or two leading (batch, channel) axes
 * beyond the padded ones; here they take any input with enough axes.
 */
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { gatherAxis } from './indexing.js';
import { checkTensor } from '../tensor/arguments.js';

/** How positions outside the input are filled. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/** For each output position of an axis of size n padded by (l, r), the input position it reads (−1: the value). */
function sourceIndex(mode: PadMode, n: number, l: number, r: number): Int32Array {
  const index = new Int32Array(l + n + r);
  for (let j = 0; j < index.length; j++) {
    const p = j - l;
    if (p >= 0 && p < n) index[j] = p;
    else if (mode === 'constant') index[j] = -1;
    else if (mode === 'reflect') index[j] = p < 0 ? -p : 2 * (n - 1) - p;
    else if (mode === 'replicate') index[j] = p < 0 ? 0 : n - 1;
    else index[j] = ((p % n) + n) % n;
  }
  return index;
}

/**
 * `x` padded on its last `pad.length / 2` axes, `F.pad(x, pad, mode, value)`:
 * `(…, n_k, …, n_1) → (…, n_k + l_k + r_k, …, n_1 + l_1 + r_1)` for `pad = [l_1, r_1, …, l_k, r_k]`.
 * See the file's header for each mode.
 */
export function pad(x: Tensor, pad: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  checkTensor('pad', 'input', x);
  if (!MODES.includes(mode)) throw new Error(`pad: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got '${String(mode)}'`);
  if (!Array.isArray(pad) || pad.length % 2 !== 0 || pad.some((p) => !Number.isInteger(p))) {
    throw new Error(`pad: pad must list an even number of integers [left, right, top, bottom, …], got ${JSON.stringify(pad)}`);
  }
  if (pad.length / 2 > x.ndim) {
    throw new Error(`pad: pad ${JSON.stringify(pad)} pads ${pad.length / 2} axes, but the input has shape ${shapeStr(x.shape)}`);
  }
  if (typeof value !== 'number') throw new Error(`pad: value must be a number, got ${String(value)}`);
  let out = x;
  for (let k = 0; k < pad.length / 2; k++) {
    const d = x.ndim - 1 - k;
    const n = x.shape[d];
    const [l, r] = [pad[2 * k], pad[2 * k + 1]];
    if (l === 0 && r === 0) continue;
    const input = `(input shape ${shapeStr(x.shape)})`;
    if (l + n + r < 0) throw new Error(`pad: padding (${l}, ${r}) of dim ${d} of size ${n} would leave ${l + n + r} elements ${input}`);
    if (mode === 'reflect' && (l >= n || r >= n)) {
      throw new Error(`pad: reflect padding (${l}, ${r}) of dim ${d} must be smaller than its size ${n} ${input}`);
    }
    if (mode === 'replicate' && n === 0)
      throw new Error(`pad: replicate padding (${l}, ${r}) of dim ${d} needs a non-empty axis, got size 0 ${input}`);
    if (mode === 'circular' && (l > n || r > n)) {
      throw new Error(`pad: circular padding (${l}, ${r}) of dim ${d} must not exceed its size ${n} ${input}`);
    }
    out = gatherAxis('pad', out, d, sourceIndex(mode, n, l, r), value);
  }
  return out;
}
