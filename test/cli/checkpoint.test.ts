/**
 * `convnet train --checkpoint-dir` and `--resume`, as subprocesses: a run interrupted (SIGINT) in
 * the middle of its second epoch writes a checkpoint there, and resumed from its checkpoint
 * directory ends with a model file identical byte for byte to the uninterrupted run's, and the same
 * metrics; `--resume` takes the run's options
 * from the checkpoint and refuses others; the directory holds one complete checkpoint at a time.
 * And `saveCheckpoint`/`loadCheckpoint` directly: every typed array back with its type, and a crash
 * between the two files of a save leaves the previous checkpoint readable.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator, nn, randn } from '../../src/index.js';
import { fit } from '../../src/training/fit.js';
import { type FitCheckpoint } from '../../src/training/fit.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/training/checkpoint.js';
import { MAIN, cliIn, expectCleanError } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'convnet-checkpoint-'));

/** The recipe of the test run: the resnet-style options on a small, fast model. */
const RUN = ['--model', 'lenet5-modern', '--limit', '384', '--epochs', '3', '--schedule', 'onecycle', '--crop', '2', '--flip', 'on'];

/** The metrics lines without their timings (which differ between runs). */
function metricsWithoutTimes(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { seconds: _s, imagesPerSecond: _i, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    });
}

describe('convnet train --checkpoint-dir / --resume', () => {
  it('a run interrupted after epoch 1 and resumed ends bit-identical to the uninterrupted run', async () => {
    const dir = join(root, 'resume');
    mkdirSync(dir);
    const cli = cliIn(dir);
    const full = cli(
      'train',
      ...RUN,
      '--label-smoothing',
      '0.1',
      '-o',
      'full.safetensors',
      '--checkpoint-dir',
      'full-ck',
      '--log',
      'full.jsonl',
    );
    expect(full.code, full.stderr).toBe(0);
    expect(readdirSync(join(dir, 'full-ck')).sort()).toEqual(['checkpoint.json', 'epoch-3.safetensors']);

    // the same run, stopped by Ctrl-C in the middle of its second epoch (384 images, batch 64: 6 batches an epoch)
    const child = spawn(
      process.execPath,
      [MAIN, 'train', ...RUN, '--label-smoothing', '0.1', '-o', 'part.safetensors', '--checkpoint-dir', 'ck', '--log', 'part.jsonl'],
      // each batch says so on stderr and holds the run for 30 ms: the signal lands during batch 2 of epoch 2
      { cwd: dir, env: { ...process.env, CONVNET_TEST_DELAY_BATCH_MS: '30' } },
    );
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
      if (!sent && stderr.includes('batch 2 of epoch 2 (held')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code, stdout).toBe(130);
    const saved = JSON.parse(readFileSync(join(dir, 'ck', 'checkpoint.json'), 'utf8')) as {
      checkpoint: { epoch: number; partial?: { batch: number } };
      tensors: string;
    };
    expect(saved.checkpoint.epoch).toBe(1);
    const batch = saved.checkpoint.partial?.batch;
    expect(batch, stdout).toBe(2);
    expect(saved.tensors).toBe(`epoch-1-batch-${batch}.safetensors`);
    expect(stdout).toMatch(new RegExp(`a checkpoint of epoch 2, batch ${batch} is in ck \\(--resume ck continues\\)`));
    expect(readdirSync(join(dir, 'ck')).sort()).toEqual(['checkpoint.json', `epoch-1-batch-${batch}.safetensors`]);

    const resumed = cli('train', '--resume', 'ck', '-o', 'resumed.safetensors');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`resuming epoch 2 after batch ${batch} from ck`));
    expect(readFileSync(join(dir, 'resumed.safetensors')).equals(readFileSync(join(dir, 'full.safetensors')))).toBe(true);
    // the log named in the first run is written on, with every epoch
    expect(metricsWithoutTimes(join(dir, 'part.jsonl'))).toEqual(metricsWithoutTimes(join(dir, 'full.jsonl')));
    expect(readdirSync(join(dir, 'ck')).sort()).toEqual(['checkpoint.json', 'epoch-3.safetensors']);
  }, 120_000);

  it('--resume takes the options from the checkpoint and refuses others; a directory without a checkpoint is an error', () => {
    const dir = join(root, 'refuse');
    mkdirSync(dir);
    const cli = cliIn(dir);
    expect(cli('train', '--limit', '64', '--epochs', '1', '--checkpoint-dir', 'ck', '-o', 'm.safetensors').code).toBe(0);
    expectCleanError(
      cli('train', '--resume', 'ck', '--lr', '0.1'),
      /--resume continues the run recorded in ck with its own options; drop --lr/,
    );
    expectCleanError(
      cli('train', '--resume', 'nothing-here'),
      /cannot resume: nothing-here holds no checkpoint \(checkpoint.json is missing\)/,
    );
    writeFileSync(join(dir, 'file'), 'x');
    expectCleanError(
      cli('train', '--limit', '64', '--epochs', '1', '--checkpoint-dir', 'file'),
      /--checkpoint-dir 'file' is a file, not a directory/,
    );
    // resuming a finished run trains nothing more and saves the same model
    const again = cli('train', '--resume', 'ck', '-o', 'again.safetensors');
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'again.safetensors')).equals(readFileSync(join(dir, 'm.safetensors')))).toBe(true);
  }, 60_000);
});

describe('saveCheckpoint / loadCheckpoint', () => {
  async function checkpointOf(epochs: number): Promise<FitCheckpoint> {
    const model = new nn.Sequential(
      new nn.Conv2d(1, 2, 3, { generator: new Generator(1) }),
      new nn.BatchNorm2d(2),
      new nn.Flatten(),
      new nn.Linear(2 * 6 * 6, 3),
    );
    const images = randn([24, 1, 8, 8], { generator: new Generator(2) }).data as Float32Array;
    const ds = { images, labels: Int32Array.from({ length: 24 }, (_, i) => i % 3), n: 24, channels: 1, height: 8, width: 8, classes: 3 };
    let last: FitCheckpoint | null = null;
    await fit(
      model,
      ds,
      ds,
      { epochs, batchSize: 8, normalization: { mean: 0, std: 1 }, optimizer: 'adamw', schedule: 'onecycle' },
      {
        onEpoch: (_e, state) => {
          last = state.checkpoint();
        },
      },
    );
    if (last === null) throw new Error('no checkpoint');
    return last;
  }

  it('gives back every typed array with its type and values, and the extra data', async () => {
    const c = await checkpointOf(1);
    const dir = join(root, 'direct');
    saveCheckpoint(dir, c, { args: { model: 'x' } });
    const { checkpoint, extra } = loadCheckpoint(dir);
    expect(extra).toEqual({ args: { model: 'x' } });
    expect(checkpoint).toEqual(c);
    expect(checkpoint.model['1.num_batches_tracked'].data).toBeInstanceOf(Int32Array);
    expect(checkpoint.model['0.weight'].data).toBeInstanceOf(Float32Array);
  });

  it('a crash between the tensors file and checkpoint.json leaves the previous checkpoint readable', async () => {
    const dir = join(root, 'crash');
    const first = await checkpointOf(1);
    saveCheckpoint(dir, first);
    // what a save of epoch 2 killed after its tensors file leaves: a new tensors file, the old JSON
    writeFileSync(join(dir, 'epoch-2.safetensors'), 'partial');
    expect(loadCheckpoint(dir).checkpoint.epoch).toBe(1);
    const second = await checkpointOf(2);
    saveCheckpoint(dir, second);
    expect(loadCheckpoint(dir).checkpoint).toEqual(second);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.json', 'epoch-2.safetensors']);
    writeFileSync(join(dir, 'checkpoint.json'), '{"format":"something else"}');
    expect(() => loadCheckpoint(dir)).toThrow(/is not a convnet-ts checkpoint of version 1/);
  });
});
