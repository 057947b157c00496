/**
 * `convnet train` loses nothing trained and writes nothing broken, as subprocesses show: a run that
 * diverges (exit 3) leaves the target file as it was (`--save-diverged` keeps the weights beside it),
 * and SIGINT or SIGTERM (exit 130) during the data load writes nothing, during training saves the
 * model so far, and during the save lets it finish. The test-only variables
 * CONVNET_TEST_DELAY_LOAD_MS and CONVNET_TEST_DELAY_SAVE_MS hold the load or the save (as a slow
 * one would) and print the marker the test waits for before it sends the signal.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN, cliIn } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'convnet-stop-'));
let count = 0;
/** A fresh directory for one test, so that its listing shows only what that run wrote. */
function freshDir(): string {
  const d = join(root, String(count++));
  mkdirSync(d);
  return d;
}

/** A running `convnet` subprocess: its output so far, `waitFor` a pattern in it, and its exit code. */
interface Running {
  child: ChildProcessWithoutNullStreams;
  out: { stdout: string; stderr: string };
  waitFor: (pattern: RegExp) => Promise<void>;
  exit: Promise<number | null>;
}

function start(dir: string, args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: dir, env: { ...process.env, ...env } });
  const out = { stdout: '', stderr: '' };
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiting]) {
      if (w.pattern.test(out.stdout) || w.pattern.test(out.stderr)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    out.stdout += d.toString();
    check();
  });
  child.stderr.on('data', (d: Buffer) => {
    out.stderr += d.toString();
    check();
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = (pattern: RegExp): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ pattern, resolve });
      check();
      void exit.then(() => reject(new Error(`exited before ${String(pattern)}:\n${out.stdout}\n${out.stderr}`)));
    });
  return { child, out, waitFor, exit };
}

/** The files of `dir` whose names look temporary (`.NAME.PID….tmp`, probe files). */
function temporaries(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.includes('.probe'));
}

/** A progress line of training: `epoch 1/3 [##--…] 2/32 loss 2.3069 …`. */
const TRAINING = /\] +\d+\/\d+ loss/;

beforeAll(() => {
  expect(existsSync(MAIN), 'dist/cli/main.js: run npm run build first').toBe(true);
});

describe('train --lr 1e6: diverges, exit 3, the target is not written', () => {
  const diverging = ['train', '--model', 'lenet5-modern', '--lr', '1e6', '--limit', '256', '--epochs', '2', '--batch-size', '64'];

  it('an existing target stays byte-identical; the message names epoch, batch and layer, and suggests a smaller --lr', () => {
    const dir = freshDir();
    const target = join(dir, 'model.safetensors');
    const before = Buffer.from('the model of an earlier run');
    writeFileSync(target, before);
    const r = cliIn(dir)(...diverging, '-o', 'model.safetensors', '--metrics', 'm.jsonl');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^convnet: train: training diverged: the loss is (NaN|-?Infinity) at epoch 1, batch \d+; .*in layer '\d+'/m);
    expect(r.stderr).toMatch(
      /^convnet: model\.safetensors was not written \(--save-diverged keeps the weights\); try a smaller --lr than 1000000$/m,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(Buffer.compare(readFileSync(target), before)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['model.safetensors']);
  }, 120_000);

  it('--save-diverged keeps the weights as NAME.diverged.safetensors, a model file that loads', () => {
    const dir = freshDir();
    const run = cliIn(dir);
    const r = run(...diverging, '-o', 'model.safetensors', '--save-diverged');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/the weights before that batch are saved to model\.diverged\.safetensors; try a smaller --lr than 1000000$/m);
    expect(readdirSync(dir).sort()).toEqual(['model.diverged.safetensors']);
    const summary = run('summary', 'model.diverged.safetensors');
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toMatch(/diverged: epoch 1, batch \d+/);
    expect(temporaries(dir)).toEqual([]);
  }, 120_000);
});

describe('SIGINT and SIGTERM: exit 130, nothing lost, nothing half-written', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while the data loads: a message, nothing written, no stack trace`, async () => {
      const dir = freshDir();
      const run = start(dir, ['train', '--limit', '64', '--epochs', '1', '-o', 'm.safetensors', '--metrics', 'm.jsonl'], {
        CONVNET_TEST_DELAY_LOAD_MS: '2000',
      });
      await run.waitFor(/convnet: test: loading the data/);
      run.child.kill(signal);
      expect(await run.exit, run.out.stderr).toBe(130);
      expect(run.out.stdout).toBe('');
      expect(run.out.stderr.trimEnd().split('\n').pop()).toBe(
        `convnet: ${signal} while loading the data: stopped before training; nothing was written`,
      );
      expect(run.out.stderr).not.toMatch(/^\s+at /m);
      expect(readdirSync(dir)).toEqual([]);
    }, 120_000);
  }

  it('SIGTERM during training stops after the current batch and saves, as Ctrl-C does', async () => {
    const dir = freshDir();
    const run = start(dir, ['train', '--model', 'lenet5-modern', '--limit', '4000', '--epochs', '6', '-o', 'm.safetensors']);
    await run.waitFor(TRAINING);
    run.child.kill('SIGTERM');
    expect(await run.exit, run.out.stderr).toBe(130);
    expect(run.out.stderr).toMatch(
      /^convnet: SIGTERM: stopping after the current batch; the model trained so far will be saved to m\.safetensors$/m,
    );
    expect(run.out.stdout).toMatch(/^interrupted after [0-5] complete epochs?; saved the model to m\.safetensors$/m);
    expect(cliIn(dir)('summary', 'm.safetensors').code).toBe(0);
    expect(temporaries(dir)).toEqual([]);
  }, 120_000);

  it('a signal during the save lets it finish: the file is the one an undisturbed run writes', async () => {
    const dir = freshDir();
    const args = ['train', '--limit', '128', '--epochs', '1', '--batch-size', '64'];
    const run = start(dir, [...args, '-o', 'm.safetensors'], { CONVNET_TEST_DELAY_SAVE_MS: '1500' });
    await run.waitFor(/convnet: test: saving the model to m\.safetensors/);
    run.child.kill('SIGINT');
    expect(await run.exit, run.out.stderr).toBe(130);
    expect(run.out.stderr).toMatch(/^convnet: SIGINT: the model is being saved to m\.safetensors; exiting when it is saved$/m);
    expect(run.out.stdout).toMatch(/^interrupted after 1 complete epoch; saved the model to m\.safetensors$/m);
    const undisturbed = cliIn(dir)(...args, '-o', 'again.safetensors');
    expect(undisturbed.code, undisturbed.stderr).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'm.safetensors')), readFileSync(join(dir, 'again.safetensors')))).toBe(0);
    expect(temporaries(dir)).toEqual([]);
  }, 120_000);

  it('a second signal while stopping says it is still saving, and the save completes', async () => {
    const dir = freshDir();
    const run = start(dir, ['train', '--limit', '2000', '--epochs', '3', '-o', 'm.safetensors'], { CONVNET_TEST_DELAY_SAVE_MS: '1500' });
    await run.waitFor(TRAINING);
    run.child.kill('SIGINT');
    await run.waitFor(/convnet: SIGINT: stopping after the current batch/);
    await run.waitFor(/convnet: test: saving the model/);
    run.child.kill('SIGTERM');
    expect(await run.exit, run.out.stderr).toBe(130);
    expect(run.out.stderr).toMatch(
      /^convnet: SIGTERM: still stopping: the model is being saved to m\.safetensors; exiting when it is saved$/m,
    );
    expect(run.out.stdout).toMatch(/^interrupted after 0 complete epochs; saved the model to m\.safetensors$/m);
    expect(cliIn(dir)('summary', 'm.safetensors').code).toBe(0);
    expect(temporaries(dir)).toEqual([]);
  }, 120_000);
});

describe('convnet train --help', () => {
  it('shows --save-diverged and the exit statuses', () => {
    const r = cliIn(root)('train', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +--save-diverged +if training diverges/m);
    expect(r.stdout).toMatch(/^Exit status:$/m);
    expect(r.stdout).toMatch(/^ +3 +training diverged/m);
    expect(r.stdout).toMatch(/^ +130 +stopped by SIGINT or SIGTERM/m);
  });
});
