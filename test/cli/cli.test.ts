/**
 * The `convnet` CLI as a user runs it: subprocesses of the built `dist/cli/main.js` (npm test
 * builds first). A tiny training run produces a model file that eval, predict and summary use.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeGrayPng } from '../../src/data/png.js';
import { loadSplits } from '../../src/data/splits.js';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'convnet-cli-'));
const modelPath = join(dir, 'tiny.safetensors');

function convnet(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Asserts a clean failure: non-zero exit, one line on stderr starting with `convnet:`, no stack trace. */
function expectCleanError(r: { code: number | null; stderr: string }, message: string | RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stderr.startsWith('convnet: ')).toBe(true);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

/** An IDX file: magic 0x0000, type 0x08 (ubyte), the dims big-endian, then the bytes. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

beforeAll(() => {
  expect(existsSync(main), 'dist/cli/main.js: run npm run build first').toBe(true);
});

describe('convnet train → eval → predict → summary', () => {
  let trained: ReturnType<typeof convnet>;
  beforeAll(() => {
    trained = convnet('train', '--model', 'lenet5-modern', '--limit', '256', '--epochs', '2', '--batch-size', '32', '-o', modelPath);
  }, 120_000);

  it('train prints per-epoch lines and ends with the held-out accuracy', () => {
    expect(trained.code, trained.stderr).toBe(0);
    const lines = trained.stdout.trim().split('\n');
    expect(lines.filter((l) => /^epoch \d\/2 +train loss [\d.]+ +held-out loss [\d.]+ +held-out accuracy [\d.]+%/.test(l))).toHaveLength(2);
    expect(lines[lines.length - 1]).toMatch(/^held-out accuracy: \d+\.\d%$/);
    expect(trained.stderr).toMatch(/epoch 1\/2 \[[#-]+\] +\d+\/8 loss [\d.]+ \d+ img\/s ETA \d+:\d\d/);
    expect(existsSync(modelPath)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('eval prints the confusion matrix and the accuracy', () => {
    const r = convnet('eval', modelPath, '--limit', '100');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/true\\pred +0 +1 +2/);
    const counts = r.stdout.split('\n').filter((l) => /^\d +(\d+ +){9}\d+$/.test(l.trim()));
    expect(counts).toHaveLength(10);
    const total = counts.flatMap((l) => l.trim().split(/ +/).slice(1).map(Number)).reduce((a, b) => a + b, 0);
    expect(total).toBe(100);
    expect(r.stdout).toMatch(/accuracy: [\d.]+% \(\d+\/100\)/);
  });

  it('predict gives class probabilities that sum to 1 for a digit PNG', () => {
    const { heldOut } = loadSplits(undefined, 1);
    const png = join(dir, 'digit.png');
    writeGrayPng(png, heldOut.images.slice(0, 784), 28, 28);
    const r = convnet('predict', modelPath, png);
    expect(r.code, r.stderr).toBe(0);
    const probs = r.stdout
      .split('\n')
      .filter((l) => /^\d +[\d.]+%$/.test(l))
      .map((l) => Number(l.split(/ +/)[1].replace('%', '')));
    expect(probs).toHaveLength(10);
    expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.1);
    expect(r.stdout).toMatch(/^prediction: \d$/m);
    const top = convnet('predict', modelPath, png, '--top', '3');
    expect(top.stdout.split('\n').filter((l) => /%$/.test(l))).toHaveLength(3);
  });

  it('summary lists the layers and the S6 counts', () => {
    const r = convnet('summary', modelPath);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('156 = 6·1·5·5 + 6');
    expect(r.stdout).toContain('total parameters: 61,706');
  });

  it('the model file is the same with the same seed (determinism end to end)', () => {
    const again = join(dir, 'again.safetensors');
    const r = convnet('train', '--model', 'lenet5-modern', '--limit', '256', '--epochs', '2', '--batch-size', '32', '-o', again);
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.compare(readFileSync(again), readFileSync(modelPath))).toBe(0);
  }, 120_000);
});

describe('Ctrl-C', () => {
  it('stops cleanly after the current batch, saves the model, exits 130', async () => {
    const out = join(dir, 'interrupted.safetensors');
    const child = spawn(process.execPath, [main, 'train', '--model', 'lenet5-modern', '--limit', '4000', '--epochs', '6', '-o', out], {
      cwd: dir,
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/\] +\d+\/\d+ loss/.test(stderr) && child.exitCode === null) child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    expect(code).toBe(130);
    expect(stdout).toMatch(/interrupted after [0-5] complete epoch\(s\); saved the model to .*interrupted\.safetensors/);
    expect(existsSync(out)).toBe(true);
    expect(convnet('summary', out).code).toBe(0);
  }, 120_000);
});

describe('--help', () => {
  for (const command of ['train', 'eval', 'predict', 'summary']) {
    it(`convnet ${command} --help`, () => {
      const r = convnet(command, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: convnet ${command}`));
      expect(r.stdout).toContain('--help');
    });
  }
  it('convnet --help lists the commands', () => {
    const r = convnet('--help');
    expect(r.code).toBe(0);
    for (const c of ['train', 'eval', 'predict', 'summary']) expect(r.stdout).toContain(`  ${c}`);
  });
});

describe('bad input: one clear line, non-zero exit, no stack trace', () => {
  it('an unknown command, model or option', () => {
    expectCleanError(convnet('fly'), /unknown command 'fly'/);
    expectCleanError(convnet('train', '--model', 'alexnet'), /--model must be one of lenet5, lenet5-modern, got 'alexnet'/);
    expectCleanError(convnet('train', '--colour', 'red'), /Unknown option '--colour'/);
    expectCleanError(convnet('train', '--epochs', 'two'), /--epochs must be an integer ≥ 1, got 'two'/);
    expectCleanError(convnet('eval'), /eval: expected MODEL, got none \(see 'convnet eval --help'\)/);
    expectCleanError(convnet('train', '--lr', '-1'), /--lr/);
  });
  it('a missing data directory, or one without IDX files', () => {
    expectCleanError(convnet('train', '--data', join(dir, 'nowhere')), /nowhere/);
    expectCleanError(convnet('train', '--data', dir), /train-images-idx3-ubyte/);
  });
  it('corrupt IDX files, and labels out of range', () => {
    const bad = join(dir, 'bad-idx');
    spawnSync('mkdir', ['-p', bad]);
    writeFileSync(join(bad, 'train-images-idx3-ubyte'), Buffer.from('not an idx file at all'));
    writeFileSync(join(bad, 'train-labels-idx1-ubyte'), idx([2], new Uint8Array([1, 2])));
    writeFileSync(join(bad, 't10k-images-idx3-ubyte'), idx([1, 28, 28], new Uint8Array(784)));
    writeFileSync(join(bad, 't10k-labels-idx1-ubyte'), idx([1], new Uint8Array([1])));
    expectCleanError(convnet('train', '--data', bad), /train-images-idx3-ubyte/);
    const labels = join(dir, 'bad-labels');
    spawnSync('mkdir', ['-p', labels]);
    writeFileSync(join(labels, 'train-images-idx3-ubyte.gz'), gzipSync(idx([2, 28, 28], new Uint8Array(2 * 784))));
    writeFileSync(join(labels, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([2], new Uint8Array([3, 12]))));
    writeFileSync(join(labels, 't10k-images-idx3-ubyte'), idx([1, 28, 28], new Uint8Array(784)));
    writeFileSync(join(labels, 't10k-labels-idx1-ubyte'), idx([1], new Uint8Array([1])));
    expectCleanError(convnet('train', '--data', labels, '--epochs', '1'), /label 12/);
  });
  it('a model file that is missing, corrupt or truncated', () => {
    expectCleanError(convnet('eval', join(dir, 'missing.safetensors')), /cannot read .*missing\.safetensors.*ENOENT/);
    const junk = join(dir, 'junk.safetensors');
    writeFileSync(junk, Buffer.from('this is not a model'));
    expectCleanError(convnet('summary', junk), /safetensors: header length \d+ exceeds/);
  });
  it('an image that is not a PNG', () => {
    const fake = join(dir, 'fake.png');
    writeFileSync(fake, 'GIF89a and so on');
    expectCleanError(convnet('predict', modelPath, fake), /is not a PNG file/);
  });
});
