/**
 * Inference speed of the exported LeNet-5 (classic and modern) in onnxruntime-node against the
 * convnet-ts wasm backend, at batch 1 and batch 256 (issue 14). A benchmark, not a test.
 *
 *   npm run build && npx tsc -p tsconfig.bench.json && node build/bench/onnx_inference.js [--budget 6] [--rounds 3] [--threads 2,1] [--ort-threads 2,1]
 *
 * For each model: build it from a seeded Generator (`buildModel` + `MODEL_PRESETS`), export
 * `model.eval()` with `exportOnnx(…, { inputShape: [1, 28, 28] })`, load the bytes with
 * `InferenceSession.create(Buffer)` and check that both engines give the same outputs on a
 * seeded random batch (max |difference| ≤ 1e-5 × max |output|, see `relDiff`) before any timing. Then,
 * per batch size, the engines take turns over `--rounds` rounds (each engine gets `budget/rounds`
 * seconds per round: a few warm-up runs, then timed runs), and the samples of all rounds are
 * pooled. Timed is one forward pass on an input that is already in the engine's own tensor type:
 * convnet-ts `noGrad(() => model.forward(x))` in eval mode, synchronous; ORT `await session.run`
 * (its async call overhead included, as a user sees it). Prints a Markdown table and the machine.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { InferenceSession, Tensor as OrtTensor, env as ortEnv } from 'onnxruntime-node';
import {
  Generator,
  MODEL_PRESETS,
  type Tensor,
  backendInfo,
  buildModel,
  getBackend,
  getNumThreads,
  noGrad,
  randn,
  setBackend,
  setNumThreads,
} from 'convnet-ts';
import { exportOnnx } from 'convnet-ts/onnx';
import { cpuVectorFlags, parseArgs, stats } from './common.js';

const MODELS = ['lenet5', 'lenet5-modern'] as const;
const BATCHES = [1, 256] as const;
const TOLERANCE = 1e-5;
const WARMUP_RUNS = 5;
const MAX_SAMPLES_PER_ROUND = 5000;

interface Engine {
  label: string;
  family: 'convnet-ts' | 'ort';
  threads: number;
  /** Called before each of the engine's rounds (convnet-ts: set its thread count). */
  select: () => Promise<void>;
  /** One forward pass on the prepared input of the current batch; resolves when the output is there. */
  run: () => number | Promise<number>;
  prepare: (x: Tensor) => void;
}

/**
 * The relative difference checked against TOLERANCE: max |a − b| over the output divided by the
 * largest |b| of the output (normwise, so that a logit that happens to be near zero cannot turn
 * a one-ulp difference into a large ratio), with the max absolute difference and that scale.
 */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): { rel: number; abs: number; scale: number } {
  if (a.length !== b.length) throw new Error(`output lengths differ: ${a.length} vs ${b.length}`);
  let scale = 0;
  let abs = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    abs = Math.max(abs, Math.abs(a[i] - b[i]));
  }
  return { rel: abs / Math.max(scale, Number.MIN_VALUE), abs, scale };
}

async function timeRound(engine: Engine, seconds: number, out: number[]): Promise<void> {
  await engine.select();
  for (let i = 0; i < WARMUP_RUNS; i++) await engine.run();
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  for (;;) {
    const t0 = performance.now();
    await engine.run();
    const t1 = performance.now();
    out.push(t1 - t0);
    n++;
    if (n >= MAX_SAMPLES_PER_ROUND || t1 + (t1 - t0) > deadline) break;
  }
}

function fmt(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function fmtRate(r: number): string {
  return Math.round(r).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const budget = Number(args.get('budget') ?? '6');
  const rounds = Number(args.get('rounds') ?? '3');
  const ctThreads = (args.get('threads') ?? '2,1').split(',').map(Number);
  const ortThreads = (args.get('ort-threads') ?? '2,1').split(',').map(Number);
  const load = loadavg();
  const started = new Date();

  setNumThreads(ctThreads[0]);
  setBackend('wasm');
  if (getBackend() !== 'wasm') throw new Error(`wasm backend requested, '${getBackend()}' selected`);

  const rows: string[] = [];
  const checks: string[] = [];
  for (const preset of MODELS) {
    const p = MODEL_PRESETS[preset];
    const model = buildModel(p.architecture, p.options, new Generator(1234)).eval();
    const bytes = exportOnnx(model, { inputShape: [1, 28, 28] });
    const sessions = new Map<number, InferenceSession>();
    for (const t of ortThreads) {
      sessions.set(
        t,
        await InferenceSession.create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
          intraOpNumThreads: t,
          interOpNumThreads: 1,
          executionMode: 'sequential',
          graphOptimizationLevel: 'all',
        }),
      );
    }
    const first = sessions.values().next().value as InferenceSession;
    const inName = first.inputNames[0];
    const outName = first.outputNames[0];

    let ctX: Tensor | null = null;
    let ortFeed: Record<string, OrtTensor> = {};
    const engines: Engine[] = [
      ...ctThreads.map((t): Engine => ({
        label: `convnet-ts wasm, ${t} thread${t === 1 ? '' : 's'}`,
        family: 'convnet-ts',
        threads: t,
        select: async () => {
          if (getNumThreads() === t) return;
          // a new thread count restarts the worker pool; its threads start in the background
          setNumThreads(t);
          await new Promise((r) => setTimeout(r, 300));
          if (getNumThreads() !== t) throw new Error(`convnet-ts: ${t} threads requested, ${getNumThreads()} running`);
        },
        prepare: (x) => {
          ctX = x;
        },
        run: () => noGrad(() => model.forward(ctX as Tensor)).data[0],
      })),
      ...[...sessions].map(([t, s]): Engine => ({
        label: `onnxruntime-node ${ortEnv.versions.node ?? ''}, ${t} thread${t === 1 ? '' : 's'}`,
        family: 'ort',
        threads: t,
        select: () => Promise.resolve(),
        prepare: (x) => {
          ortFeed = { [inName]: new OrtTensor('float32', Float32Array.from(x.data as Float32Array), x.shape as number[]) };
        },
        run: async () => ((await s.run(ortFeed))[outName].data as Float32Array)[0],
      })),
    ];

    for (const batch of BATCHES) {
      const x = randn([batch, 1, 28, 28], { generator: new Generator(99 + batch) });
      for (const e of engines) e.prepare(x);
      // agreement before timing
      const ref = noGrad(() => model.forward(x)).data as Float32Array;
      for (const [t, s] of sessions) {
        const got = (await s.run(ortFeed))[outName].data as Float32Array;
        const d = relDiff(ref, got);
        const line = `${preset}, batch ${batch}, ORT ${t} thread${t === 1 ? '' : 's'}: max |diff| / max |output| = ${d.rel.toExponential(2)} (max abs diff ${d.abs.toExponential(2)}, max |output| ${d.scale.toPrecision(3)}, ${got.length} outputs)`;
        checks.push(line);
        if (!(d.rel <= TOLERANCE)) throw new Error(`outputs disagree: ${line}`);
      }
      const samples = engines.map(() => [] as number[]);
      for (let r = 0; r < rounds; r++) {
        // alternate the engines' order too, so that neither always follows the other
        const order = engines.map((_, i) => i);
        if (r % 2 === 1) order.reverse();
        for (const i of order) await timeRound(engines[i], budget / rounds, samples[i]);
      }
      // ORT at N threads is compared with convnet-ts at N threads (else with the first convnet-ts row)
      const ctMedian = (threads: number): number => {
        const i = engines.findIndex((e) => e.family === 'convnet-ts' && e.threads === threads);
        return stats(samples[i >= 0 ? i : 0]).median;
      };
      engines.forEach((e, i) => {
        const s = stats(samples[i]);
        const ratio = e.family === 'ort' ? `${(ctMedian(e.threads) / s.median).toFixed(2)}` : '';
        rows.push(
          `| ${preset} | ${e.label} | ${batch} | **${fmt(s.median)}** | ${fmt(s.min)}–${fmt(s.max)} | ${fmtRate((batch * 1000) / s.median)} | ${ratio} | ${s.n} |`,
        );
      });
      process.stderr.write(`done ${preset} batch ${batch}\n`);
    }
    for (const s of sessions.values()) await s.release();
  }

  const out: string[] = [];
  out.push('| model | engine | batch | ms median | min–max | images/s | convnet-ts / this (time) | runs |');
  out.push('|---|---|--:|--:|--:|--:|--:|--:|');
  out.push(...rows);
  out.push('');
  out.push(
    'Ratio = convnet-ts median ms ÷ ORT median ms at the same thread count (above 1: ORT is faster). Alternation: the engines take turns each round, in reversed order every other round.',
  );
  out.push('');
  out.push('Agreement checked before timing (max |convnet-ts − ORT| / max |ORT output| ≤ 1e-5):');
  out.push('');
  for (const c of checks) out.push(`- ${c}`);
  out.push('');
  const ncpu = availableParallelism();
  out.push(`- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${ncpu} logical CPU${ncpu === 1 ? '' : 's'} available to Node`);
  out.push(`- CPU vector flags: ${cpuVectorFlags()}`);
  out.push(`- load average at start: ${load.map((l) => l.toFixed(2)).join(', ')}`);
  out.push(
    `- Node ${process.version}; convnet-ts wasm (${ctThreads.join(', ')} threads), fma ${String(backendInfo().fma)}; onnxruntime-node ${ortEnv.versions.node ?? '?'} (CPU execution provider, graphOptimizationLevel all, sequential, interOpNumThreads 1)`,
  );
  out.push(
    `- ${budget} s per engine, model and batch, over ${rounds} rounds (engines alternate each round; ${WARMUP_RUNS} warm-up runs per round)`,
  );
  out.push(
    `- date: ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC; total ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`,
  );
  process.stdout.write(out.join('\n') + '\n');
}

await main();
process.exit(0);
