/**
 * A short seeded run of the decoder fuzzer (scripts/fuzz.mjs; `npm run fuzz` runs the long one):
 * 60 mutated files for each of safetensors, model files, IDX plain, IDX gzip and PNG, each decoded
 * in a worker process with a 512 MB heap and a timeout. Not one may crash the worker, hang, throw
 * anything but a plain Error, or pass 512 MB of peak RSS. Runs against the built library (dist/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PARSERS = ['safetensors', 'model', 'idx', 'idx-gz', 'png'];

interface Summary {
  parsers: Record<string, { cases: number; accepted: number; rejected: number; failures: number; peakRssMb: number }>;
  failures: { parser: string; index: number; kind: string; message: string }[];
}

describe('fuzzing the decoders (seed 1, 60 cases per parser)', () => {
  it('no crash, hang, non-Error throw or RSS over 512 MB', () => {
    expect(existsSync(join(ROOT, 'dist', 'index.js')), 'the fuzzer runs against the built library: npm run build first').toBe(true);
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'fuzz.mjs'), '--cases', '60', '--seed', '1', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).not.toBeNull();
    const summary = JSON.parse(r.stdout) as Summary;
    expect(summary.failures, JSON.stringify(summary.failures, null, 1)).toEqual([]);
    expect(r.status).toBe(0);
    for (const p of PARSERS) {
      const s = summary.parsers[p];
      expect(s.cases, p).toBe(60);
      // the seeds themselves decode, and most mutations are refused
      expect(s.accepted, p).toBeGreaterThan(0);
      expect(s.rejected, p).toBeGreaterThan(s.cases / 3);
      expect(s.peakRssMb, p).toBeLessThanOrEqual(512);
    }
  }, 150_000);
});
