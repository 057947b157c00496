/**
 * Anomaly detection, as `torch.autograd.detect_anomaly`: while it is on, every op's output and
 * every gradient the backward pass computes is checked for NaN and ±Infinity, and the first one
 * found throws, naming the op and — when the op ran inside a module's `forward` — the layer's path
 * in the model (`3.conv`):
 *
 *     anomaly: backward of conv2d in layer '3' produced NaN in the gradient of input 0 (shape [64, 1, 28, 28])
 *
 * It costs a pass over every tensor, so it is off by default: turn it on to find where a NaN
 * comes from, then off.
 */
import type { Tensor } from '../tensor/tensor.js';

let enabled = false;
/** The paths of the modules whose `forward` is running, innermost last (`''` for a model itself). */
const layers: string[] = [];

/** Turns anomaly detection on or off for what follows. */
export function setDetectAnomaly(on: boolean): void {
  enabled = on;
}

/** Whether anomaly detection is on. */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` with anomaly detection on and returns its result; the previous setting is restored
 * when `fn` returns or throws (or, for a promise, settles).
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = enabled;
  enabled = true;
  let async = false;
  try {
    const result = fn();
    if (result instanceof Promise) {
      async = true;
      return result.finally(() => (enabled = previous)) as T;
    }
    return result;
  } finally {
    if (!async) enabled = previous;
  }
}

/**
 * Runs a module's forward `fn` as the layer at `path` (the path of the layer whose forward is
 * running, extended by `name`), so that anomalies found inside name it. `name` is computed only
 * while anomaly detection is on.
 */
export function inLayer<T>(name: () => string, fn: () => T): T {
  if (!enabled) return fn();
  const parent = layers.length > 0 ? layers[layers.length - 1] : null;
  const own = name();
  layers.push(parent === null || parent === '' ? own : own === '' ? parent : `${parent}.${own}`);
  try {
    return fn();
  } finally {
    layers.pop();
  }
}

/** The path of the innermost layer running, or null outside any module. */
export function currentLayer(): string | null {
  return layers.length > 0 ? layers[layers.length - 1] : null;
}

/** ` in layer '3.conv'`, or nothing outside a module (or in the model itself). */
function where(layer: string | null): string {
  return layer === null || layer === '' ? '' : ` in layer '${layer}'`;
}

/** 'NaN', 'Infinity' or '-Infinity' for the first such element of `t`, or null when all are finite. */
function firstNonFinite(t: Tensor): string | null {
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  }
  return null;
}

/** Throws when op `name`'s output `out` holds a NaN or an infinity (anomaly detection on). */
export function checkOutput(name: string, out: Tensor, layer: string | null): void {
  const bad = firstNonFinite(out);
  if (bad !== null) throw new Error(`anomaly: ${name}${where(layer)} produced ${bad} in its output (shape [${out.shape.join(', ')}])`);
}

/** Throws when the backward of op `name` gave input `index` a gradient holding a NaN or an infinity. */
export function checkGradient(name: string, grad: Tensor, index: number, layer: string | null): void {
  const bad = firstNonFinite(grad);
  if (bad !== null) {
    throw new Error(
      `anomaly: backward of ${name}${where(layer)} produced ${bad} in the gradient of input ${index} (shape [${grad.shape.join(', ')}])`,
    );
  }
}
