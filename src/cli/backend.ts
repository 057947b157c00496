/** The `--backend` and `--threads` options shared by the CLI commands. */
import { getBackend, listBackends, setBackend, setNumThreads } from '../backend/registry.js';
import { type OptionSpec, choiceOption, numberOption } from './args.js';
import { CliError } from './errors.js';

export const backendOptions: Record<string, OptionSpec> = {
  backend: {
    type: 'string',
    value: 'NAME',
    help: 'compute backend: wasm (WebAssembly SIMD) or ref (plain JavaScript)',
    default: 'wasm where it loads',
  },
  threads: { type: 'string', value: 'N', help: 'threads of the wasm backend', default: 'all cores' },
};

/** Applies `--threads` and `--backend`; returns the backend in use. */
export function applyBackendOptions(command: string, values: Record<string, string | boolean | undefined>): string {
  if (values.threads !== undefined) setNumThreads(numberOption(command, 'threads', values.threads, 1, { min: 1, max: 256, integer: true }));
  if (values.backend !== undefined) {
    const name = choiceOption(command, 'backend', values.backend, ['wasm', 'ref'] as const, 'wasm');
    try {
      setBackend(name);
    } catch (e) {
      throw new CliError(`${command}: ${(e as Error).message} (available: ${listBackends().join(', ')})`);
    }
  }
  return getBackend();
}
