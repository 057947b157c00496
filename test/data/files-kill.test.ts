/**
 * Saving survives `kill -9`: a child process saves a 1 MB model over and over, alternating two
 * weight values, and is killed with SIGKILL at a random moment, 30 times. After every kill the
 * file is the old or the new model, whole (it loads, every weight the same value), and the next
 * save removes the temporary file the killed process left. Runs dist/ (npm test builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE_ENTRY = join(ROOT, 'dist', 'node.js');
const INDEX = join(ROOT, 'dist', 'index.js');

/** The child: saves Linear(512, 512) with every weight 0.25, then 0.75, then 0.25, … until killed. */
const CHILD = `
import { nn, setBackend } from ${JSON.stringify(INDEX)};
import { saveModel } from ${JSON.stringify(NODE_ENTRY)};
const path = process.argv[2];
setBackend('ref'); // saving needs no kernels: start fast
const model = new nn.Sequential(new nn.Linear(512, 512));
for (let i = 0; ; i++) {
  for (const p of model.parameters()) p.data.fill(i % 2 === 0 ? 0.25 : 0.75);
  saveModel(path, model);
  if (i === 0) process.stdout.write('saved\\n');
}
`;

describe('saving under kill -9', () => {
  it.skipIf(!existsSync(NODE_ENTRY))(
    'the file is always the old or the new model, and no temporary file outlives the next save',
    async () => {
      const { loadModel, saveModel } = await import('../../src/node.js');
      const { nn } = await import('../../src/index.js');
      const dir = mkdtempSync(join(tmpdir(), 'convnet-kill-'));
      const script = join(dir, 'child.mjs');
      writeFileSync(script, CHILD);
      const target = join(dir, 'model.safetensors');
      const g = new Generator(5);
      let leftovers = 0;
      for (let round = 0; round < 30; round++) {
        const child = spawn(process.execPath, [script, target], { stdio: ['ignore', 'pipe', 'inherit'] });
        // wait for the first complete save, then kill at a random moment of the following ones
        await new Promise<void>((done) => child.stdout!.once('data', () => done()));
        await new Promise((done) => setTimeout(done, 2 + Math.floor(g.uniform() * 40)));
        child.kill('SIGKILL');
        await new Promise((done) => child.once('exit', done));
        const { model } = loadModel(target);
        const values = new Set<number>();
        for (const p of model.parameters()) for (const v of p.data) values.add(v);
        expect([...values].length, `round ${round}: one value per file`).toBe(1);
        expect([0.25, 0.75]).toContain([...values][0]);
        leftovers += readdirSync(dir).filter((n) => n.endsWith('.tmp')).length;
      }
      // most kills land mid-write, leaving a temporary file; the next save removes them all
      expect(leftovers).toBeGreaterThan(0);
      saveModel(target, new nn.Sequential(new nn.Linear(2, 2)));
      expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    },
    120_000,
  );
});
