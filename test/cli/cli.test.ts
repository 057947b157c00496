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
    // --limit: the header gives the counts used
    expect(lines[0]).toBe(
      'training lenet5-modern (61,706 parameters) on the bundled MNIST digits (256 of 8,000 train / 256 of 2,000 held out)',
    );
    expect(lines[1]).toMatch(/^2 epochs, batch 32, sgd lr 0.05 momentum 0.9, .* backend (ref|wasm \(\d+ threads?\))$/);
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

describe('train: one epoch, one thread', () => {
  it("says '1 epoch' and '1 thread', not '1 epochs'", () => {
    const out = join(dir, 'one.safetensors');
    const r = convnet('train', '--limit', '64', '--epochs', '1', '--batch-size', '32', '--threads', '1', '-o', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1 epoch, batch 32, /m);
    expect(r.stdout).toMatch(/backend (ref|wasm \(1 thread\))$/m);
    expect(r.stdout).not.toMatch(/\b1 (epoch|thread|parameter)s\b/);
    expect(r.stdout).toMatch(/^epoch 1\/1 +train loss/m);
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
    expect(stdout).toMatch(/interrupted after [0-5] complete epochs?; saved the model to .*interrupted\.safetensors/);
    expect(stdout).not.toMatch(/\b1 complete epochs|\b[02-5] complete epoch;/);
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
    expectCleanError(convnet('train', '--model', 'alexnet'), /--model must be one of lenet5, lenet5-modern(, [\w-]+)*, got 'alexnet'/);
    expectCleanError(convnet('train', '--colour', 'red'), /Unknown option '--colour'/);
    expectCleanError(convnet('train', '--epochs', 'two'), "--epochs must be a positive integer (decimal digits, e.g. 15), got 'two'");
    expectCleanError(convnet('eval'), /eval: expected MODEL, got none \(see 'convnet eval --help'\)/);
  });
  it('negative numbers parse, and each numeric option says what it accepts', () => {
    const cases: [string[], string][] = [
      [['--lr', '-0.1'], "train: --lr must be a positive number, got '-0.1'"],
      [['--lr', '0'], "train: --lr must be a positive number, got '0'"],
      [['--lr=-1e-3'], "train: --lr must be a positive number, got '-1e-3'"],
      [['-e', '-2'], "train: --epochs must be a positive integer, got '-2'"],
      [['--epochs', '1.5'], "train: --epochs must be a positive integer (decimal digits, e.g. 15), got '1.5'"],
      [['-b', '-64'], "train: --batch-size must be a positive integer, got '-64'"],
      [['--momentum', '-.5'], "train: --momentum must be a number in [0, 1], got '-.5'"],
      [['--weight-decay', '-0.0005'], "train: --weight-decay must be a number ≥ 0, got '-0.0005'"],
      [['--augment', '-1'], "train: --augment must be an integer in [0, 27], got '-1'"],
      [['--limit', '-5'], "train: --limit must be a positive integer, got '-5'"],
      [['--threads', '-1'], "train: --threads must be an integer in [1, 256], got '-1'"],
      [['-s', '1.5'], "train: --seed must be an integer (decimal digits, e.g. 15 or -3), got '1.5'"],
    ];
    for (const [args, message] of cases) {
      const r = convnet('train', ...args);
      expectCleanError(r, message);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expectCleanError(convnet('eval', modelPath, '--limit', '-3'), "eval: --limit must be a positive integer, got '-3'");
    expectCleanError(convnet('predict', modelPath, 'x.png', '-k', '-1'), "predict: --top must be a positive integer, got '-1'");
  });
  it('a missing data directory says which files it expects, or one without IDX files', () => {
    expectCleanError(
      convnet('train', '--data', join(dir, 'nowhere')),
      `${join(dir, 'nowhere')} is not a directory (nothing is there): expected a directory with the MNIST-format IDX files ` +
        'train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each plain or .gz)',
    );
    expectCleanError(convnet('train', '--data', join(dir, 'fashion-mnist')), 'apt-get install dataset-fashion-mnist');
    expectCleanError(convnet('train', '--data', dir), /train-images-idx3-ubyte/);
  });
  it('an output file that cannot be written is reported before training, not after', () => {
    const missing = join(dir, 'no-such-dir', 'm.safetensors');
    const r = convnet('train', '--epochs', '1', '-o', missing);
    expectCleanError(r, `train: cannot write the model to '${missing}': the directory '${join(dir, 'no-such-dir')}' does not exist`);
    expect(r.stdout).toBe('');
    expectCleanError(convnet('train', '-o', dir), `train: cannot write the model to '${dir}': it is a directory`);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expectCleanError(convnet('train', '-o', join(file, 'm.safetensors')), `'${file}' is not a directory`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
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
  it('a model file that is missing, not safetensors, or truncated', () => {
    expectCleanError(convnet('eval', join(dir, 'missing.safetensors')), /cannot read .*missing\.safetensors.*ENOENT/);
    const junk = join(dir, 'junk.safetensors');
    writeFileSync(junk, Buffer.from('this is not a model'));
    expectCleanError(
      convnet('summary', junk),
      `safetensors: not a safetensors file: the first 8 bytes ("this is ") give a header length of 2338328219631577204, ` +
        `more than the 100000000-byte limit (in '${junk}')`,
    );
    const cut = join(dir, 'cut.safetensors');
    const whole = readFileSync(modelPath);
    writeFileSync(cut, whole.subarray(0, whole.length - 100));
    expectCleanError(convnet('summary', cut), `safetensors: truncated: expected ${whole.length} bytes, got ${whole.length - 100}`);
  });
  it('an image that is not a PNG', () => {
    const fake = join(dir, 'fake.png');
    writeFileSync(fake, 'GIF89a and so on');
    expectCleanError(convnet('predict', modelPath, fake), /is not a PNG file/);
  });
});
