// npm run fuzz: a seeded mutation fuzzer of every decoder of untrusted files — safetensors
// (decodeSafetensors), model files (decodeModel), IDX plain (parseIdx, readIdxFile) and gzipped
// (readIdxFile), PNG (decodePng, readImageForModel) — run against the built library (dist/).
//
// The seed corpus (scripts/fuzz-cases.mjs) is made by the library itself: model files, safetensors,
// IDX files of every element type, PNGs of every colour type, bit depth and interlacing. Each case
// is a seed mutated by bit flips, byte sets, truncation, splices, size fields (PNG IHDR width and
// height, chunk lengths, IDX dims, the safetensors header length and the numbers in its JSON) and
// JSON mutations of the safetensors header (deep nesting, many tensors, wrong types, the model
// metadata inputShape, classNames, normalization, options, modules). Workers run batches of cases
// in child processes with --max-old-space-size and a per-case timeout; the run fails on any crash
// (a signal or abnormal exit), hang, thrown non-Error, engine error (TypeError, RangeError, …) or
// peak RSS over the limit (process.resourceUsage().maxRSS).
//
//   node scripts/fuzz.mjs [--cases N] [--seed S] [--parsers a,b] [--jobs J] [--batch B]
//                         [--timeout-ms T] [--max-rss-mb M] [--heap-mb H] [--out DIR] [--json]
//   node scripts/fuzz.mjs --replay PARSER:INDEX [--seed S]     writes that case to a file and runs it
//
// Defaults: 10,000 cases per parser (env FUZZ_CASES), seed 1 (env FUZZ_SEED), all parsers, 2 jobs,
// 250 cases a worker, 20 s a case, 512 MB RSS, 512 MB heap. Exit status 1 if anything failed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearTimeout, setTimeout } from 'node:timers';
import { createInterface } from 'node:readline';
import { PARSERS } from './fuzz-cases.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const o = {
    cases: Number(process.env.FUZZ_CASES ?? 10_000),
    seed: Number(process.env.FUZZ_SEED ?? 1),
    parsers: PARSERS,
    jobs: Math.max(1, Math.min(2, availableParallelism())),
    batch: 250,
    timeoutMs: 20_000,
    maxRssMb: 512,
    heapMb: 512,
    dist: resolve(HERE, '..', 'dist'),
    out: join(tmpdir(), 'convnet-fuzz-failures'),
    json: false,
    replay: undefined,
  };
  const numeric = {
    '--cases': 'cases',
    '--seed': 'seed',
    '--jobs': 'jobs',
    '--batch': 'batch',
    '--timeout-ms': 'timeoutMs',
    '--max-rss-mb': 'maxRssMb',
    '--heap-mb': 'heapMb',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a in numeric) {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`fuzz: ${a} takes a non-negative integer, got ${argv[i]}`);
      o[numeric[a]] = v;
    } else if (a === '--parsers') {
      o.parsers = argv[++i].split(',');
      for (const p of o.parsers) if (!PARSERS.includes(p)) throw new Error(`fuzz: unknown parser ${p} (known: ${PARSERS.join(', ')})`);
    } else if (a === '--dist') o.dist = resolve(argv[++i]);
    else if (a === '--out') o.out = resolve(argv[++i]);
    else if (a === '--json') o.json = true;
    else if (a === '--replay') o.replay = argv[++i];
    else throw new Error(`fuzz: unknown argument ${a}`);
  }
  if (!Number.isSafeInteger(o.cases) || !Number.isSafeInteger(o.seed)) throw new Error('fuzz: FUZZ_CASES and FUZZ_SEED must be integers');
  return o;
}

/** Runs one worker over cases [from, to) of `parser`, files in `casesDir`; resolves with its events and how it ended. */
function runWorker(o, casesDir, parser, from, to) {
  return new Promise((done) => {
    const args = [
      `--max-old-space-size=${o.heapMb}`,
      join(HERE, 'fuzz-worker.mjs'),
      o.dist,
      casesDir,
      parser,
      String(from),
      String(to),
      String(o.maxRssMb),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const results = [];
    let current = -1;
    let buffered = '';
    let stderr = '';
    let timer;
    let hung = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => {
          hung = true;
          child.kill('SIGKILL');
        },
        o.timeoutMs + (current === -1 ? 30_000 : 0),
      ); // the first case waits for the library to load too
    };
    arm();
    child.stdout.on('data', (d) => {
      buffered += d;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /^(S|D) (\d+)(?: (\S+) (\d+) (.*))?$/.exec(line);
        if (m === null) continue;
        if (m[1] === 'S') {
          current = Number(m[2]);
          arm();
        } else {
          results.push({ index: Number(m[2]), status: m[3], rssKb: Number(m[4]), message: JSON.parse(m[5]) });
          current = -2; // between cases
        }
      }
    });
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = results.length > 0 ? results[results.length - 1].index : from - 1;
      let failure;
      if (current >= 0) {
        // a case started and never finished
        const kind = hung ? 'hang' : 'crash';
        const why = hung
          ? `no result within ${o.timeoutMs} ms`
          : `exit ${signal ?? code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
        failure = { index: current, status: kind, rssKb: 0, message: why };
      } else if (code !== 0 || signal !== null) {
        failure = {
          index: last + 1,
          status: 'crash',
          rssKb: 0,
          message: `worker exit ${signal ?? code} between cases: ${stderr.trim().slice(-500)}`,
        };
      }
      if (failure !== undefined) results.push(failure);
      const next = failure !== undefined ? failure.index + 1 : last + 1;
      done({ results, next: Math.max(next, last + 1) });
    });
  });
}

/**
 * The case writer process (fuzz-writer.mjs), which holds the corpus: `write(parser, from, to)`
 * makes cases [from, to) into files `I.bin` of a new directory and resolves with its path.
 */
class CaseWriter {
  constructor(o) {
    this.seed = o.seed;
    this.child = spawn(process.execPath, [join(HERE, 'fuzz-writer.mjs'), o.dist], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.waiting = [];
    const lines = createInterface({ input: this.child.stdout });
    this.ready = new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.child.on('exit', (code) => reject(new Error(`fuzz: the case writer exited with ${code}`)));
    });
    lines.on('line', () => this.waiting.shift()?.());
  }

  async write(parser, from, to) {
    await this.ready;
    const dir = fs.mkdtempSync(join(tmpdir(), `convnet-fuzz-${parser}-`));
    const written = new Promise((resolve) => this.waiting.push(resolve));
    this.child.stdin.write(`${parser} ${this.seed} ${from} ${to} ${dir}\n`);
    await written;
    return dir;
  }

  close() {
    this.child.stdin.end();
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(join(o.dist, 'index.js'))) throw new Error(`fuzz: no built library at ${o.dist} (run npm run build)`);
  const writer = new CaseWriter(o);
  try {
    await run(o, writer);
  } finally {
    writer.close();
  }
}

async function run(o, writer) {
  if (o.replay !== undefined) {
    const [parser, index] = o.replay.split(':');
    const casesDir = await writer.write(parser, Number(index), Number(index) + 1);
    const { results } = await runWorker(o, casesDir, parser, Number(index), Number(index) + 1);
    fs.mkdirSync(o.out, { recursive: true });
    const path = join(o.out, `${parser}-${o.seed}-${index}.bin`);
    fs.copyFileSync(join(casesDir, `${index}.bin`), path);
    fs.rmSync(casesDir, { recursive: true, force: true });
    console.log(`case ${parser}:${index} (seed ${o.seed}): ${fs.statSync(path).size} bytes written to ${path}`);
    console.log(JSON.stringify(results, null, 1));
    return;
  }

  const started = Date.now();
  const stats = Object.fromEntries(
    o.parsers.map((p) => [p, { cases: 0, accepted: 0, rejected: 0, failures: [], peakRssKb: 0, peakCase: -1, ms: 0 }]),
  );
  const queue = [];
  for (const p of o.parsers) for (let from = 0; from < o.cases; from += o.batch) queue.push([p, from, Math.min(o.cases, from + o.batch)]);
  const worker = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const [parser, from, to] = job;
      const t0 = Date.now();
      // the cases are made by the writer process, so that the workers' peak memory is the parsers' alone
      const casesDir = await writer.write(parser, from, to);
      const { results, next } = await runWorker(o, casesDir, parser, from, to);
      fs.rmSync(casesDir, { recursive: true, force: true });
      const s = stats[parser];
      s.ms += Date.now() - t0;
      for (const r of results) {
        s.cases++;
        if (r.rssKb > s.peakRssKb) [s.peakRssKb, s.peakCase] = [r.rssKb, r.index];
        if (r.status === 'ok') s.accepted++;
        else if (r.status === 'rejected') s.rejected++;
        else s.failures.push(r);
      }
      if (next < to) queue.unshift([parser, next, to]); // the rest of the batch, in a fresh worker
      if (!o.json && process.stderr.isTTY) process.stderr.write(`\r${Object.values(stats).reduce((a, x) => a + x.cases, 0)} cases`);
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, worker));
  const wallMs = Date.now() - started;

  const failures = Object.entries(stats).flatMap(([p, s]) => s.failures.map((f) => ({ parser: p, ...f })));
  if (failures.length > 0) {
    fs.mkdirSync(o.out, { recursive: true });
    for (const f of failures) {
      const dir = await writer.write(f.parser, f.index, f.index + 1);
      fs.copyFileSync(join(dir, `${f.index}.bin`), join(o.out, `${f.parser}-${o.seed}-${f.index}.bin`));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const summary = {
    seed: o.seed,
    casesPerParser: o.cases,
    wallSeconds: +(wallMs / 1000).toFixed(1),
    parsers: Object.fromEntries(
      Object.entries(stats).map(([p, s]) => [
        p,
        {
          cases: s.cases,
          accepted: s.accepted,
          rejected: s.rejected,
          failures: s.failures.length,
          peakRssMb: Math.round(s.peakRssKb / 1024),
          peakCase: s.peakCase,
          workerSeconds: +(s.ms / 1000).toFixed(1),
        },
      ]),
    ),
    failures: failures.map((f) => ({ parser: f.parser, index: f.index, kind: f.status, message: f.message })),
  };
  if (o.json) console.log(JSON.stringify(summary));
  else {
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(`fuzz: seed ${o.seed}, ${o.cases} cases per parser, ${summary.wallSeconds} s`);
    for (const [p, s] of Object.entries(summary.parsers)) {
      console.log(
        `  ${p.padEnd(12)} ${String(s.cases).padStart(6)} cases  ${String(s.accepted).padStart(6)} accepted  ${String(s.rejected).padStart(6)} rejected  ${String(s.failures).padStart(4)} failures  peak RSS ${s.peakRssMb} MB (case ${s.peakCase})`,
      );
    }
    for (const f of summary.failures) console.log(`  FAIL ${f.parser}:${f.index} ${f.kind}: ${f.message}`);
    if (failures.length > 0)
      console.log(`  failing inputs in ${o.out}; replay one with: node scripts/fuzz.mjs --seed ${o.seed} --replay PARSER:INDEX`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
});
