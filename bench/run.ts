/**
 * `npm run bench`: convnet-ts beside TensorFlow.js and PyTorch, in one run.
 *
 *   node build/bench/run.js [--budget 20] [--engines ref,wasm-1t,wasm-all,tfjs-cpu,tfjs-wasm,pytorch,pytorch-openblas]
 *                           [--workloads W1,W2,W3f,W3fb,W4,W5,W6] [--out BENCHMARKS.md]
 *
 * Detects the engines, exports the 8,000 training digits once (for W4), then runs every
 * engine/config × workload pair in its own child process, one at a time, and writes the report
 * (BENCHMARKS.md at the repository root, atomically) and prints it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listBackends, pixelStatistics } from 'convnet-ts';
import { loadSplits } from 'convnet-ts/node';
import {
  ENOUGH_REPEATS,
  RESULT_MARKER,
  STARTED_MARKER,
  W6_REPEATS,
  W6_WARMUPS,
  WORKLOADS,
  type WorkerResult,
  type Workload,
  asWorkload,
  encodeNpy,
  errorMessage,
  parseArgs,
} from './common.js';
import { type EngineRow, fmt, headline, renderMarkdown, resultKey } from './report.js';
import { cpuVectorFlags } from './common.js';

/** The repository root (this file runs as build/bench/run.js). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = '/usr/bin/python3';
const TORCH_THREADS = 2;
const TORCH_HINT = 'install with apt-get install python3-torch';
/**
 * Where `npm run bench:openblas` unpacks Debian's OpenBLAS (libopenblas0-pthread, not installed:
 * its libblas.so.3 is loaded through LD_LIBRARY_PATH), or BENCH_OPENBLAS_DIR.
 */
const OPENBLAS_DIR =
  process.env.BENCH_OPENBLAS_DIR ?? join(ROOT, 'build', 'openblas', 'usr', 'lib', 'x86_64-linux-gnu', 'openblas-pthread');

interface Engine extends EngineRow {
  /** The command that runs one workload: argv without `--workload/--budget/--data`. */
  command: string[];
  /** Environment variables set for it. */
  env?: Record<string, string>;
}

/** What `torch_bench.py --probe` reports with `env`: torch's version and the BLAS it loaded. */
type TorchProbe = { version: string; blas: string } | { error: string };

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function probeTorch(env: Record<string, string> = {}): TorchProbe {
  const r = spawnSync(PYTHON, [join(ROOT, 'bench', 'torch_bench.py'), '--probe'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  if (r.error !== undefined) return { error: `${PYTHON} not runnable (${r.error.message})` };
  if (r.status !== 0) {
    const last = (r.stderr || '').trim().split('\n').pop() ?? '';
    return { error: `${PYTHON} cannot import torch${last ? ` (${last})` : ''}` };
  }
  const [version, blas] = r.stdout.trim().split('\n');
  return { version, blas: blas ?? 'unknown' };
}

/**
 * glibc's allocator settings every engine runs with (any already set in the environment win).
 * By default glibc hands large freed blocks back to the system (munmap, or trimming the heap's
 * top), so the next tensor of that size faults its pages in again: on the virtual machines we
 * measure on, a page fault costs ~12 µs, 2,048 of them (an 8 MB tensor) 24 ms — more than the
 * convolution that fills it. Which step pays depends on when each engine's garbage collector or
 * allocator frees, so the same setting for all: keep freed memory, serve large blocks from the heap.
 */
const ALLOCATOR_ENV: Record<string, string> = {
  MALLOC_TRIM_THRESHOLD_: process.env.MALLOC_TRIM_THRESHOLD_ ?? String(2 ** 30),
  MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? String(2 ** 25), // glibc's largest (32 MiB on 64-bit)
  MALLOC_TOP_PAD_: process.env.MALLOC_TOP_PAD_ ?? String(2 ** 28),
};

/** The environment that makes PyTorch load Debian's OpenBLAS (see OPENBLAS_DIR). */
function openblasEnv(): Record<string, string> {
  return {
    LD_LIBRARY_PATH: [OPENBLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    OPENBLAS_NUM_THREADS: String(TORCH_THREADS),
  };
}

function tfjsInstalled(): string | null {
  const require = createRequire(import.meta.url);
  try {
    for (const p of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm']) require.resolve(p);
    return (JSON.parse(readFileSync(require.resolve('@tensorflow/tfjs-core/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

function gitCommit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** The engines/configs, in report order, each runnable or marked skipped with the reason. */
function engines(threadsAll: number, torch: TorchProbe, torchOpenblas: TorchProbe, tfjs: string | null): Engine[] {
  const node = process.execPath;
  const ctWorker = join(ROOT, 'build', 'bench', 'convnet_worker.js');
  const tfWorker = join(ROOT, 'build', 'bench', 'tfjs_worker.js');
  const backends = listBackends();
  const hasWasm = backends.includes('wasm');
  const noWasm = `convnet-ts has no 'wasm' backend yet (listBackends(): ${backends.join(', ')})`;
  const out: Engine[] = [
    { id: 'ref', label: 'convnet-ts ref', family: 'convnet-ts', command: [node, ctWorker, '--backend', 'ref', '--config', 'ref'] },
    {
      id: 'wasm-1t',
      label: 'convnet-ts wasm, 1 thread',
      family: 'convnet-ts',
      command: [node, ctWorker, '--backend', 'wasm', '--threads', '1', '--config', 'wasm-1t'],
      ...(hasWasm ? {} : { skipped: noWasm }),
    },
  ];
  if (threadsAll > 1) {
    out.push({
      id: 'wasm-all',
      label: `convnet-ts wasm, ${threadsAll} threads`,
      family: 'convnet-ts',
      command: [node, ctWorker, '--backend', 'wasm', '--threads', String(threadsAll), '--config', 'wasm-all'],
      ...(hasWasm ? {} : { skipped: noWasm }),
    });
  }
  const noTfjs = tfjs === null ? { skipped: 'the @tensorflow/tfjs-* devDependencies are not installed (npm ci)' } : {};
  out.push(
    { id: 'tfjs-cpu', label: 'tfjs-backend-cpu', family: 'tfjs', command: [node, tfWorker, '--backend', 'cpu'], ...noTfjs },
    { id: 'tfjs-wasm', label: 'tfjs-backend-wasm', family: 'tfjs', command: [node, tfWorker, '--backend', 'wasm'], ...noTfjs },
  );
  out.push({
    id: 'pytorch',
    label: 'version' in torch ? `PyTorch ${torch.version}, ${TORCH_THREADS} threads` : 'PyTorch',
    family: 'pytorch',
    command: [PYTHON, join(ROOT, 'bench', 'torch_bench.py'), '--threads', String(TORCH_THREADS)],
    ...('error' in torch ? { skipped: `${torch.error}; ${TORCH_HINT}` } : {}),
  });
  // PyTorch's linear layers run on the BLAS it loads: Debian's python3-torch loads the reference
  // BLAS; with OpenBLAS (an optimized BLAS, also Debian's) it is a different engine
  const openblasLoaded = 'blas' in torchOpenblas && torchOpenblas.blas.includes('openblas');
  out.push({
    id: 'pytorch-openblas',
    label: 'version' in torch ? `PyTorch ${torch.version} + OpenBLAS, ${TORCH_THREADS} threads` : 'PyTorch + OpenBLAS',
    family: 'pytorch',
    command: [PYTHON, join(ROOT, 'bench', 'torch_bench.py'), '--threads', String(TORCH_THREADS), '--config', 'pytorch-openblas'],
    env: openblasEnv(),
    ...('error' in torch
      ? { skipped: `${torch.error}; ${TORCH_HINT}` }
      : openblasLoaded
        ? {}
        : {
            skipped: `no OpenBLAS at ${OPENBLAS_DIR}: run \`npm run bench:openblas\` (unpacks Debian's libopenblas0-pthread there) or set BENCH_OPENBLAS_DIR`,
          }),
  });
  return out;
}

/** Exports the CLI's training split (normalized as the CLI does) as .npy files; returns the directory. */
function exportEpochData(): { dir: string; n: number } {
  const { train } = loadSplits(undefined);
  const { mean, std } = pixelStatistics(train);
  const images = new Float32Array(train.images.length);
  for (let i = 0; i < images.length; i++) images[i] = (train.images[i] - mean) / std;
  const dir = mkdtempSync(join(tmpdir(), 'convnet-bench-'));
  writeFileSync(join(dir, 'train_x.npy'), encodeNpy(images, [train.n, train.channels, train.height, train.width]));
  writeFileSync(join(dir, 'train_y.npy'), encodeNpy(Int32Array.from(train.labels), [train.n]));
  return { dir, n: train.n };
}

/** Runs one worker; resolves to its result (an error result when it crashed or timed out). */
function runWorker(
  engine: Engine,
  workload: Workload,
  budget: number,
  dataDir: string | undefined,
  timeoutS: number,
): Promise<WorkerResult> {
  const args = [...engine.command.slice(1), '--workload', workload, '--budget', String(budget)];
  if (dataDir !== undefined) args.push('--data', dataDir);
  const fail = (reason: string): WorkerResult => ({ engine: engine.family, config: engine.id, workload, status: 'error', reason });
  return new Promise((done) => {
    const child = spawn(engine.command[0], args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...ALLOCATOR_ENV, ...engine.env },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let startedAt: number | null = null;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (startedAt === null && stdout.includes(`\n${STARTED_MARKER}\n`)) startedAt = performance.now();
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      done(fail(`could not start: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        if (startedAt === null) return done(fail(`timed out after ${timeoutS} s before its first run`));
        const atLeastSeconds = (performance.now() - startedAt) / 1000;
        return done({
          engine: engine.family,
          config: engine.id,
          workload,
          status: 'timeout',
          atLeastSeconds,
          reason: `one run did not finish in ${atLeastSeconds.toFixed(0)} s (stopped)`,
        });
      }
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith(RESULT_MARKER));
      if (line === undefined) {
        const last = stderr.trim().split('\n').slice(-3).join(' ');
        return done(fail(`exited with code ${String(code)} and no result${last ? `: ${last}` : ''}`));
      }
      try {
        done(JSON.parse(line.slice(RESULT_MARKER.length)) as WorkerResult);
      } catch (e) {
        done(fail(`unreadable result: ${errorMessage(e)}`));
      }
    });
  });
}

/** What tfjs-backend-wasm reported about itself: SIMD, threads. */
function wasmFacts(info: Record<string, unknown>): string {
  if (Object.keys(info).length === 0) return '';
  const simd = info.simd === true ? 'the SIMD binary' : 'the non-SIMD binary';
  const threads =
    info.multithread === true
      ? `multithreaded, ${String(info.threads)} threads`
      : `${String(info.threads)} thread (tfjs turns wasm multithreading off under Node: tensorflow/tfjs#3830)`;
  return `: ${simd}, ${threads}`;
}

function summarize(r: WorkerResult): string {
  if (r.status !== 'ok') return `${r.status}: ${r.reason ?? ''}`;
  const h = headline(r);
  if (h === null) return 'no samples';
  const unit = r.workload === 'W4' ? 's/epoch' : r.workload.startsWith('W3') ? 'GFLOP/s' : 'images/s';
  const extra =
    r.workload === 'W4' && r.batchesDone !== r.batchesTotal ? ` (extrapolated from ${r.batchesDone}/${r.batchesTotal} batches)` : '';
  return `${fmt(h)} ${unit}${extra}`;
}

/**
 * Rounds of W1–W3 and W5: the engines take turns, each round with a third of the budget, so that a slow
 * phase of the machine (a virtual machine's neighbour busy for a few seconds) does not fall on one
 * engine only; the rounds' repeats are pooled. W4 is one epoch, timed once; W6 (a second per step)
 * is a fixed count of steps (W6_WARMUPS + W6_REPEATS), in one round.
 */
const ROUNDS = 3;

function roundsOf(w: Workload): number {
  return w === 'W4' || w === 'W6' ? 1 : ROUNDS;
}

/**
 * W4's epoch gets 1.5 × the budget. W6 is timed by count; its budget (3 ×) is only a cap, wide
 * enough for its 7 steps of a second or two even on a busy machine.
 */
function budgetOf(w: Workload, budget: number): number {
  return w === 'W4' ? budget * 1.5 : w === 'W6' ? budget * 3 : budget;
}

/** Whether an engine's first round repeated its workload enough to be worth another round. */
function repeatable(r: WorkerResult): boolean {
  return r.status === 'ok' && !r.firstRunCounted && (r.samplesMs?.length ?? 0) >= ENOUGH_REPEATS;
}

/** `a` with the repeats and warm-ups of a later round `b` added (a failed round adds nothing). */
function merged(a: WorkerResult, b: WorkerResult): WorkerResult {
  if (b.status !== 'ok') return a;
  return { ...a, samplesMs: [...(a.samplesMs ?? []), ...(b.samplesMs ?? [])], warmupMs: [...(a.warmupMs ?? []), ...(b.warmupMs ?? [])] };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const budget = Number(args.get('budget') ?? process.env.BENCH_BUDGET ?? 20);
  if (!(budget > 0)) throw new Error(`--budget must be a positive number of seconds, got ${args.get('budget')}`);
  const workloads = (args.get('workloads')?.split(',') ?? [...WORKLOADS]).map(asWorkload);
  const only = args.get('engines')?.split(',');
  const outPath = resolve(ROOT, args.get('out') ?? 'BENCHMARKS.md');
  const threadsAll = availableParallelism();
  const epochBudget = budgetOf('W4', budget);

  const torch = probeTorch();
  const torchOpenblas = 'error' in torch ? torch : probeTorch(openblasEnv());
  const tfjs = tfjsInstalled();
  const all = engines(threadsAll, torch, torchOpenblas, tfjs);
  const unknown = only?.filter((id) => !all.some((e) => e.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown engine(s) ${unknown.join(', ')} (one of ${all.map((e) => e.id).join(', ')})`);
  const list = only === undefined ? all : all.filter((e) => only.includes(e.id));
  for (const e of list) if (e.skipped !== undefined) log(`skip ${e.label}: ${e.skipped}`);

  const started = Date.now();
  const loadAtStart = loadavg();
  const data = workloads.includes('W4') ? exportEpochData() : undefined;
  const results = new Map<string, WorkerResult>();
  try {
    const runnable = list.filter((e) => e.skipped === undefined);
    const total = runnable.length * workloads.reduce((n, w) => n + roundsOf(w), 0);
    let k = 0;
    // workload by workload, the engines take turns, round after round
    for (const w of workloads) {
      const rounds = roundsOf(w);
      const b = budgetOf(w, budget) / rounds;
      for (let round = 1; round <= rounds; round++) {
        for (const e of runnable) {
          k++;
          const previous = results.get(resultKey(e.id, w));
          // an engine too slow to repeat within a round's budget (or that failed) runs once
          if (previous !== undefined && !repeatable(previous)) continue;
          const t = Date.now();
          process.stderr.write(`[${k}/${total}] ${e.label} ${w}${rounds > 1 ? ` round ${round}/${rounds}` : ''} … `);
          const r = await runWorker(e, w, b, data?.dir, 1.5 * b + 30);
          results.set(resultKey(e.id, w), previous === undefined ? r : merged(previous, r));
          log(`${summarize(r)} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
        }
      }
    }
  } finally {
    if (data !== undefined) rmSync(data.dir, { recursive: true, force: true });
  }

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const info = (id: string): Record<string, unknown> => {
    for (const w of workloads) {
      const i = results.get(resultKey(id, w))?.info;
      if (i !== undefined && Object.keys(i).length > 0) return i;
    }
    return {};
  };
  const tfw = info('tfjs-wasm');
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  const machine: [string, string][] = [
    ['CPU', `${cpuModel}, ${threadsAll} logical CPU${threadsAll === 1 ? '' : 's'} available to Node`],
    ['CPU vector flags', cpuVectorFlags()],
    ['memory', `${(totalmem() / 2 ** 30).toFixed(0)} GiB`],
    [
      'load average at start',
      `${loadAtStart.map((x) => x.toFixed(2)).join(', ')} (1, 5, 15 min)${loadAtStart[0] > 0.25 * threadsAll ? ' — **the machine was busy with other work: expect noisy, pessimistic numbers**' : ''}`,
    ],
    ['OS', `${osType()} ${release()} ${process.arch}`],
    [
      'allocator (every engine)',
      `glibc ${Object.entries(ALLOCATOR_ENV)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}: freed memory kept for reuse instead of returned to the system (see ALLOCATOR_ENV in bench/run.ts)`,
    ],
    ['Node.js', `${process.version} (V8 ${process.versions.v8})`],
    ['convnet-ts', `${pkg.version} at ${gitCommit()}; backends: ${listBackends().join(', ')}`],
    ['TensorFlow.js', tfjs === null ? 'not installed' : `tfjs-core / tfjs-backend-cpu / tfjs-backend-wasm ${tfjs}`],
    [
      'PyTorch',
      'version' in torch
        ? `${torch.version} (${basename(PYTHON)}), torch.set_num_threads(${TORCH_THREADS}); BLAS: ${torch.blas}` +
          ('blas' in torchOpenblas && torchOpenblas.blas.includes('openblas')
            ? `; with OpenBLAS (OPENBLAS_NUM_THREADS=${TORCH_THREADS}): ${torchOpenblas.blas}`
            : '; OpenBLAS not available (npm run bench:openblas)')
        : `not available: ${torch.error}; ${TORCH_HINT}`,
    ],
  ];
  const settings: [string, string][] = [
    [
      'time budget',
      `${budget} s per engine and workload, split over its rounds (W4: ${epochBudget} s for the timed epoch; W6: ${budgetOf('W6', budget)} s, a cap only); \`npm run bench -- --budget N\``,
    ],
    [
      'repeats',
      `W1–W3 and W5 in 3 rounds (the engines take turns, each round a third of the budget; an engine that cannot repeat its workload 10 times in a round runs once); per round 1 s of warm-up (at least two runs), then repeats for 3 s or until the next would overrun the round's budget; the rounds' repeats pooled. W6: ${W6_WARMUPS} warm-up steps, then ${W6_REPEATS} timed steps (fewer if the next would overrun its budget), one round`,
    ],
    [
      'W4 data',
      `the CLI's 8,000 training digits (loadSplits(undefined)), normalized by their pixel mean/std, exported once to a temporary .npy file for every engine; a fresh shuffle for the timed epoch`,
    ],
    [
      'convnet-ts',
      "the public API from dist/ (nn.Sequential, nn.Conv2d, optim.SGD, data.DataLoader for W4, buildModel('resnet', { blocksPerStage: 3 }) for W6)",
    ],
    [
      'tfjs',
      `tf ops in NHWC + tf.train.momentum, kernel gradients from tfjs-core's dist/register_all_gradients.js, tf.enableProdMode(); tfjs-backend-wasm loads its .wasm files from node_modules (no network)${wasmFacts(tfw)}`,
    ],
    [
      'PyTorch',
      'eager mode, torch.nn + torch.optim.SGD, CPU float32; W4 batches by indexing the in-memory tensors; W6 the ResNet(3) of bench/torch_fashion.py (zero-pad shortcuts)',
    ],
    ['total time', `${((Date.now() - started) / 1000).toFixed(0)} s`],
  ];
  const md = renderMarkdown({ date: new Date(), machine, settings, engines: list, workloads, results });
  const tmp = `${outPath}.${process.pid}.tmp`;
  writeFileSync(tmp, md);
  renameSync(tmp, outPath);
  process.stdout.write(md);
  log(`wrote ${outPath}`);
}

await main();
