/**
 * Backend selection. `ref` is always available; faster backends register here when they load.
 * float64 (and int32) tensors always run on `ref`; the selected backend runs float32.
 */
import type { DType } from '../tensor/dtype.js';
import type { Backend } from './backend.js';
import { refBackend } from './ref/index.js';

const backends = new Map<string, Backend>([['ref', refBackend]]);
let current: Backend = refBackend;

/** Makes `backend` selectable by its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** Selects the backend for float32 work by name (`'ref'`, or a registered fast backend). */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (b === undefined) {
    throw new Error(`setBackend: unknown backend '${name}' (available: ${[...backends.keys()].join(', ')})`);
  }
  current = b;
}

/** The name of the backend selected for float32 work. */
export function getBackend(): string {
  return current.name;
}

/** Names of the backends that can be selected. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** The backend that runs kernels for tensors of `dtype`. */
export function backendFor(dtype: DType): Backend {
  return dtype === 'float32' ? current : refBackend;
}
