/**
 * Shared by the benchmark workers (one child process per engine/config/workload) and the
 * orchestrator: the workload definitions, the timing protocol, the result record that a worker
 * prints, command-line parsing and a minimal `.npy` reader/writer.
 *
 * The timing protocol is mirrored line for line in `bench/torch_bench.py`; change both together.
 */
import { readFileSync } from 'node:fs';

/** The workloads, in report order. */
export const WORKLOADS = ['W1', 'W2', 'W3f', 'W3fb', 'W4', 'W5', 'W6'] as const;
export type Workload = (typeof WORKLOADS)[number];

export const WORKLOAD_TITLES: Record<Workload, string> = {
  W1: 'W1 LeNet-5 training step, batch 64',
  W2: 'W2 LeNet-5 inference, batch 256',
  W3f: 'W3 conv 64→64, 32×32, 3×3, pad 1, batch 32: forward',
  W3fb: 'W3 conv 64→64, 32×32, 3×3, pad 1, batch 32: forward + backward',
  W4: 'W4 one epoch, 8,000 bundled digits, batch 64',
  W5: 'W5 classic LeNet-5 training step (tanh, trainable subsampling, C3 link table), batch 64',
  W6: 'W6 ResNet-20 training step (BatchNorm in training mode, zero-pad shortcuts), batch 128',
};

export const W1_BATCH = 64;
export const W2_BATCH = 256;
export const W4_BATCH = 64;
export const W5_BATCH = 64;
export const W6_BATCH = 128;
/**
 * W6 (a ResNet-20 step takes about a second) is timed by count, not by the budget: this many
 * warm-up steps, then this many timed steps (see `measureCounted`).
 */
export const W6_WARMUPS = 2;
export const W6_REPEATS = 5;
export const LEARNING_RATE = 0.01;
export const MOMENTUM = 0.9;
/** W3 geometry: input (N, C, H, W), weight (C, C, K, K), padding K/2. */
export const W3 = { n: 32, c: 64, h: 32, w: 32, k: 3 } as const;
/** Forward FLOPs of W3: 2·N·Cout·H·W·Cin·9 (multiply and add per weight tap). */
export const W3_FORWARD_FLOPS = 2 * W3.n * W3.c * W3.h * W3.w * W3.c * W3.k * W3.k;
/** Forward + backward (input and weight gradients): three convolutions of the same size. */
export const W3_FWD_BWD_FLOPS = 3 * W3_FORWARD_FLOPS;

/** Stop adding repeats once this many were taken and this much measured time has passed. */
export const ENOUGH_REPEATS = 10;
export const ENOUGH_SECONDS = 3;
/** Never more repeats than this. */
export const MAX_REPEATS = 2000;
/**
 * Warm-up runs continue until this much time has passed (at least two runs, at most a third of
 * the budget): JIT compilers (V8's for JS and for wasm) take a few hundred milliseconds to
 * optimize the hot code, and the steady state is what a long training run sees.
 */
export const WARMUP_SECONDS = 1;
/** A line that starts with this marker, followed by JSON, is a worker's result. */
export const RESULT_MARKER = 'BENCH_RESULT ';
/**
 * A worker prints this line when setup is done and the first timed (or warm-up) run starts, so
 * that the orchestrator can bound the time of a run it had to stop.
 */
export const STARTED_MARKER = 'BENCH_STARTED';

export interface Stats {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  n: number;
}

/** What a worker reports for one workload. */
export interface WorkerResult {
  engine: string;
  config: string;
  workload: Workload;
  /** `timeout`: the orchestrator stopped the worker during its first run (see `atLeastSeconds`). */
  status: 'ok' | 'unsupported' | 'error' | 'timeout';
  /** Per-repeat times in milliseconds (W1–W3: one step / pass; W4: one batch). */
  samplesMs?: number[];
  /** Warm-up times in milliseconds (not counted unless `firstRunCounted`). */
  warmupMs?: number[];
  /** The single warm-up run took over a third of the budget and is counted as the first sample. */
  firstRunCounted?: boolean;
  /** W4: mean training loss of the last (up to 10) timed batches: a check that training works. */
  lossEnd?: number;
  /** W4: epoch seconds, measured or extrapolated. */
  epochSeconds?: number;
  batchesDone?: number;
  batchesTotal?: number;
  /** `timeout`: seconds the first run had taken when it was stopped (it would have taken longer). */
  atLeastSeconds?: number;
  /** Why the workload is not supported, or the error message. */
  reason?: string;
  /** Engine facts worth printing: threads, SIMD, versions. */
  info?: Record<string, string | number | boolean>;
}

/** Linear-interpolated quantile `q` of sorted values. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 1) return sorted[0];
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function stats(values: number[]): Stats {
  if (values.length === 0) throw new Error('stats: no values');
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), min: s[0], max: s[s.length - 1], q1: quantile(s, 0.25), q3: quantile(s, 0.75), n: s.length };
}

export interface Measurement {
  samplesMs: number[];
  warmupMs: number[];
  firstRunCounted: boolean;
}

/**
 * Times `fn` (which must finish its work, including any asynchronous download, before it
 * resolves) under a time budget:
 * 1. one warm-up run; if it took more than a third of the budget, it is counted as the first
 *    sample (the engine is too slow to afford a separate warm-up), otherwise warm-up runs
 *    continue for `WARMUP_SECONDS` (at least two, within a third of the budget);
 * 2. repeats until `MAX_REPEATS`, or `ENOUGH_REPEATS` and `ENOUGH_SECONDS` of measuring, or until
 *    the next repeat (estimated by the last one) would end past the budget — but always at
 *    least one sample.
 */
export async function measure(fn: () => unknown, budgetSeconds: number): Promise<Measurement> {
  markStarted();
  const start = performance.now();
  const deadline = start + budgetSeconds * 1000;
  const timeOnce = async (): Promise<number> => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  const warmupMs = [await timeOnce()];
  const samplesMs: number[] = [];
  let firstRunCounted = false;
  if (warmupMs[0] > (budgetSeconds * 1000) / 3) {
    samplesMs.push(warmupMs[0]);
    firstRunCounted = true;
  } else {
    const warmupEnd = Math.min(start + WARMUP_SECONDS * 1000, start + (budgetSeconds * 1000) / 3);
    while (warmupMs.length < 2 || performance.now() + warmupMs[warmupMs.length - 1] <= warmupEnd) {
      if (performance.now() + warmupMs[warmupMs.length - 1] > deadline) break;
      warmupMs.push(await timeOnce());
    }
  }
  const measureStart = performance.now();
  while (samplesMs.length < MAX_REPEATS) {
    const estimate = samplesMs.length > 0 ? samplesMs[samplesMs.length - 1] : warmupMs[warmupMs.length - 1];
    const now = performance.now();
    if (samplesMs.length >= 1 && now + estimate > deadline) break;
    if (samplesMs.length >= ENOUGH_REPEATS && now - measureStart >= ENOUGH_SECONDS * 1000) break;
    samplesMs.push(await timeOnce());
  }
  return { samplesMs, warmupMs, firstRunCounted };
}

/**
 * Times a slow `fn` a fixed number of times: `warmups` untimed runs, then `repeats` timed ones.
 * The budget is only a cap: if the first warm-up took more than a third of it, it is counted as
 * the first sample (no more warm-ups), and no timed run starts that (estimated by the last run)
 * would end past the budget — but there is always at least one sample.
 */
export async function measureCounted(fn: () => unknown, warmups: number, repeats: number, budgetSeconds: number): Promise<Measurement> {
  markStarted();
  const deadline = performance.now() + budgetSeconds * 1000;
  const timeOnce = async (): Promise<number> => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  const warmupMs: number[] = [];
  const samplesMs: number[] = [];
  let firstRunCounted = false;
  while (warmupMs.length < warmups) {
    warmupMs.push(await timeOnce());
    if (warmupMs[0] > (budgetSeconds * 1000) / 3) {
      samplesMs.push(warmupMs[0]);
      firstRunCounted = true;
      break;
    }
  }
  while (samplesMs.length < repeats) {
    const last = samplesMs.length > 0 ? samplesMs[samplesMs.length - 1] : warmupMs[warmupMs.length - 1];
    if (samplesMs.length >= 1 && last !== undefined && performance.now() + last > deadline) break;
    samplesMs.push(await timeOnce());
  }
  return { samplesMs, warmupMs, firstRunCounted };
}

/**
 * Times one epoch of `batches` steps under a budget: `step(k)` trains on batch `k`. Two steps
 * (on batches 0 and 1) warm up first, untimed — one when the first took over a tenth of the
 * budget. When the budget runs out before the last batch, the epoch time is extrapolated from
 * the batches done.
 */
export async function measureEpoch(
  step: (k: number) => number | Promise<number>,
  batches: number,
  budgetSeconds: number,
): Promise<Pick<WorkerResult, 'samplesMs' | 'warmupMs' | 'epochSeconds' | 'batchesDone' | 'batchesTotal' | 'lossEnd'>> {
  markStarted();
  const warmupMs: number[] = [];
  for (let k = 0; k < Math.min(2, batches); k++) {
    const t = performance.now();
    await step(k);
    warmupMs.push(performance.now() - t);
    if (warmupMs[0] > (budgetSeconds * 1000) / 10) break;
  }
  const start = performance.now();
  const deadline = start + budgetSeconds * 1000;
  const samplesMs: number[] = [];
  const losses: number[] = [];
  for (let k = 0; k < batches; k++) {
    const t = performance.now();
    losses.push(await step(k));
    samplesMs.push(performance.now() - t);
    if (performance.now() > deadline) break;
  }
  const elapsed = (performance.now() - start) / 1000;
  const done = samplesMs.length;
  const last = losses.slice(-10);
  return {
    samplesMs,
    warmupMs,
    epochSeconds: done === batches ? elapsed : (elapsed / done) * batches,
    batchesDone: done,
    batchesTotal: batches,
    lossEnd: last.reduce((a, b) => a + b, 0) / last.length,
  };
}

function markStarted(): void {
  process.stdout.write(`\n${STARTED_MARKER}\n`);
}

/** Prints the result line the orchestrator looks for. */
export function emit(result: WorkerResult): void {
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/** `--name value` and `--name=value` options. */
export function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const eq = a.indexOf('=');
    if (eq >= 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.set(a.slice(2), argv[++i]);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

export function requireArg(args: Map<string, string>, name: string): string {
  const v = args.get(name);
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}

export function asWorkload(s: string): Workload {
  const w = WORKLOADS.find((x) => x === s);
  if (w === undefined) throw new Error(`unknown workload '${s}' (one of ${WORKLOADS.join(', ')})`);
  return w;
}

/** Epoch data written once by the orchestrator: normalized images and labels as `.npy` files. */
export interface EpochData {
  images: Float32Array;
  labels: Int32Array;
  n: number;
}

/** Reads a little-endian `<f4` or `<i4` C-order `.npy` file (format version 1.0). */
export function readNpy(path: string): { data: Float32Array | Int32Array; shape: number[] } {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined || /'fortran_order':\s*True/.test(header))
    throw new Error(`${path}: unsupported .npy header ${header}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const bytes = buf.subarray(10 + headerLen);
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  if (descr === '<f4') return { data: new Float32Array(copy), shape };
  if (descr === '<i4') return { data: new Int32Array(copy), shape };
  throw new Error(`${path}: unsupported dtype ${descr}`);
}

/** The bytes of a `.npy` file (version 1.0) holding `data` with `shape`. */
export function encodeNpy(data: Float32Array | Int32Array, shape: number[]): Buffer {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** Reads the epoch data from the directory the orchestrator wrote it to. */
export function readEpochData(dir: string): EpochData {
  const x = readNpy(`${dir}/train_x.npy`);
  const y = readNpy(`${dir}/train_y.npy`);
  if (!(x.data instanceof Float32Array) || !(y.data instanceof Int32Array))
    throw new Error(`${dir}: unexpected dtypes in train_x.npy / train_y.npy`);
  return { images: x.data, labels: y.data, n: y.data.length };
}

/** A seeded permutation of 0..n−1 (xorshift32 Fisher–Yates), for the engines without their own loader. */
export function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const j = s % (i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Deterministic pseudo-random floats in [-1, 1) for inputs (the values do not matter for timing). */
export function randomFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The flags that decide how fast vector code can be (Linux /proc/cpuinfo), e.g. `avx2 fma avx512f`. */
const VECTOR_FLAGS = /^(sse4_[12]|avx|avx2|fma|f16c|avx512.*|avx_vnni|amx.*)$/;

/** The CPU's vector flags (those of VECTOR_FLAGS), for every benchmark report. */
export function cpuVectorFlags(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    const flags = (line?.split(':')[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter((f) => VECTOR_FLAGS.test(f));
    return flags.length > 0 ? flags.join(' ') : 'none of SSE4/AVX/AVX-512/FMA reported';
  } catch {
    return 'unknown (no /proc/cpuinfo)';
  }
}
