/**
 * Turns worker results into the benchmark report: per-workload tables, the ratios that matter,
 * and the machine description, as Markdown (BENCHMARKS.md, and the same text on stdout).
 */
import {
  W1_BATCH,
  W2_BATCH,
  W5_BATCH,
  W6_BATCH,
  W3_FORWARD_FLOPS,
  W3_FWD_BWD_FLOPS,
  WORKLOADS,
  WORKLOAD_TITLES,
  type WorkerResult,
  type Workload,
  stats,
} from './common.js';

/** An engine/config as the report names it. */
export interface EngineRow {
  id: string;
  label: string;
  /** 'convnet-ts', 'tfjs' or 'pytorch'. */
  family: string;
  /** Why the engine did not run at all (not installed, backend missing). */
  skipped?: string;
}

export interface ReportInput {
  date: Date;
  machine: [string, string][];
  settings: [string, string][];
  engines: EngineRow[];
  workloads: Workload[];
  results: Map<string, WorkerResult>;
}

export const W3_TARGET_FWD = 80;
export const W3_TARGET_FWD_BWD = 65;
/** Training speed (W1, W5) as a ratio of PyTorch's faster configuration; W6's ratio is reported without a target. */
export const TRAINING_TARGET = 1.0;

export function resultKey(engineId: string, workload: Workload): string {
  return `${engineId}/${workload}`;
}

/** The workload's headline number for a successful result: images/s, GFLOP/s or seconds. */
export function headline(r: WorkerResult): number | null {
  if (r.status !== 'ok' || r.samplesMs === undefined || r.samplesMs.length === 0) return null;
  const med = stats(r.samplesMs).median;
  switch (r.workload) {
    case 'W1':
      return (W1_BATCH * 1000) / med;
    case 'W2':
      return (W2_BATCH * 1000) / med;
    case 'W3f':
      return W3_FORWARD_FLOPS / (med / 1000) / 1e9;
    case 'W3fb':
      return W3_FWD_BWD_FLOPS / (med / 1000) / 1e9;
    case 'W4':
      return r.epochSeconds ?? null;
    case 'W5':
      return (W5_BATCH * 1000) / med;
    case 'W6':
      return (W6_BATCH * 1000) / med;
  }
}

const UNITS: Record<Workload, string> = {
  W1: 'images/s',
  W2: 'images/s',
  W3f: 'GFLOP/s',
  W3fb: 'GFLOP/s',
  W4: 's / epoch',
  W5: 'images/s',
  W6: 'images/s',
};
/** W4 is a time (lower is better); everything else a rate. */
const LOWER_IS_BETTER: Record<Workload, boolean> = { W1: false, W2: false, W3f: false, W3fb: false, W4: true, W5: false, W6: false };

/** 3 significant digits, with thousands separators for large numbers. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

function notes(r: WorkerResult): string {
  const out: string[] = [];
  if (r.workload === 'W4' && r.batchesDone !== undefined && r.batchesTotal !== undefined && r.batchesDone < r.batchesTotal) {
    out.push(`**extrapolated** from ${r.batchesDone}/${r.batchesTotal} batches (time budget)`);
  }
  if (r.lossEnd !== undefined) out.push(`loss of the last batches ${r.lossEnd.toFixed(3)}`);
  if (r.firstRunCounted === true) out.push('slow: first run counted, no separate warm-up');
  const info = r.info ?? {};
  if (info.threads !== undefined) out.push(`${String(info.threads)} thread${info.threads === 1 ? '' : 's'}`);
  if (info.simd === true) out.push('SIMD');
  if (info.fma === true) out.push('relaxed SIMD (fused multiply-adds)');
  return out.join('; ');
}

/** What a run that took more than `seconds` says about the headline number. */
function bound(w: Workload, seconds: number): string {
  switch (w) {
    case 'W1':
      return `< ${fmt(W1_BATCH / seconds)}`;
    case 'W2':
      return `< ${fmt(W2_BATCH / seconds)}`;
    case 'W3f':
      return `< ${fmt(W3_FORWARD_FLOPS / seconds / 1e9)}`;
    case 'W3fb':
      return `< ${fmt(W3_FWD_BWD_FLOPS / seconds / 1e9)}`;
    case 'W4':
      return `> ${fmt(seconds)}`;
    case 'W5':
      return `< ${fmt(W5_BATCH / seconds)}`;
    case 'W6':
      return `< ${fmt(W6_BATCH / seconds)}`;
  }
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/** One workload's table. */
function workloadTable(input: ReportInput, w: Workload): string[] {
  const lines = [
    `### ${WORKLOAD_TITLES[w]}`,
    '',
    `| engine | ${UNITS[w]} | ${w === 'W4' ? 'ms / batch' : 'ms'} median | min–max | IQR | runs | notes |`,
    '|---|--:|--:|--:|--:|--:|---|',
  ];
  for (const e of input.engines) {
    if (e.skipped !== undefined) {
      lines.push(`| ${e.label} | — | | | | | skipped: ${escapeCell(e.skipped)} |`);
      continue;
    }
    const r = input.results.get(resultKey(e.id, w));
    if (r === undefined) {
      lines.push(`| ${e.label} | — | | | | | not run |`);
    } else if (r.status === 'timeout' && r.atLeastSeconds !== undefined) {
      lines.push(
        `| ${e.label} | ${bound(w, r.atLeastSeconds)} | > ${fmt(r.atLeastSeconds * 1000)} | | | 0 | ${escapeCell(r.reason ?? '')} |`,
      );
    } else if (r.status === 'unsupported') {
      lines.push(`| ${e.label} | not supported | | | | | ${escapeCell(r.reason ?? '')} |`);
    } else if (r.status === 'error' || r.samplesMs === undefined || r.samplesMs.length === 0) {
      lines.push(`| ${e.label} | error | | | | | ${escapeCell((r.reason ?? 'no samples').slice(0, 200))} |`);
    } else {
      const s = stats(r.samplesMs);
      const h = headline(r)!;
      lines.push(
        `| ${e.label} | **${fmt(h)}** | ${fmt(s.median)} | ${fmt(s.min)}–${fmt(s.max)} | ${fmt(s.q1)}–${fmt(s.q3)} | ${s.n} | ${escapeCell(notes(r))} |`,
      );
    }
  }
  lines.push('');
  return lines;
}

interface Best {
  label: string;
  value: number;
}

function best(input: ReportInput, w: Workload, pick: (e: EngineRow) => boolean): Best | null {
  let out: Best | null = null;
  for (const e of input.engines) {
    if (!pick(e)) continue;
    const r = input.results.get(resultKey(e.id, w));
    const v = r === undefined ? null : headline(r);
    if (v === null) continue;
    if (out === null || (LOWER_IS_BETTER[w] ? v < out.value : v > out.value)) out = { label: e.label, value: v };
  }
  return out;
}

/** The ratios that matter, as table rows. A ratio above 1 means convnet-ts is faster. */
function ratioRows(input: ReportInput): string[] {
  const rows: string[] = [];
  const has = (w: Workload): boolean => input.workloads.includes(w);
  const ct = (e: EngineRow): boolean => e.family === 'convnet-ts';
  const missing = (what: string): string => `n/a (${what})`;
  for (const [w, what, hasTarget] of [
    ['W1', 'W1 LeNet-5 (modern) training', true],
    ['W5', 'W5 classic LeNet-5 training', true],
    ['W6', 'W6 ResNet-20 training', false],
  ] as const) {
    if (!has(w)) continue;
    const a = best(input, w, ct);
    // PyTorch's faster configuration on this machine (its BLAS decides the linear layers' speed)
    const b = best(input, w, (e) => e.family === 'pytorch');
    const ratio = a && b ? a.value / b.value : null;
    const verdict =
      ratio === null
        ? missing(a ? 'no PyTorch result' : 'no convnet-ts result')
        : `**${ratio.toFixed(3)}×**` +
          (hasTarget ? ` — target ≥ ${TRAINING_TARGET.toFixed(1)} ${ratio >= TRAINING_TARGET ? 'met' : 'not met'}` : '');
    rows.push(
      `| ${what}, images/s: convnet-ts (best) ÷ PyTorch (faster configuration) | ${verdict} | ${a ? `${fmt(a.value)} (${a.label})` : '—'} vs ${b ? `${fmt(b.value)} (${b.label})` : '—'} |`,
    );
  }
  if (has('W2')) {
    const a = best(input, 'W2', ct);
    const b = best(input, 'W2', (e) => e.family === 'tfjs');
    rows.push(
      `| W2 inference, images/s: convnet-ts (best) ÷ best tfjs | ${a && b ? `**${(a.value / b.value).toFixed(3)}×**` : missing(a ? 'no tfjs result' : 'no convnet-ts result')} | ${a ? `${fmt(a.value)} (${a.label})` : '—'} vs ${b ? `${fmt(b.value)} (${b.label})` : '—'} |`,
    );
  }
  for (const [w, target, what] of [
    ['W3f', W3_TARGET_FWD, 'forward'],
    ['W3fb', W3_TARGET_FWD_BWD, 'forward + backward'],
  ] as const) {
    if (!has(w)) continue;
    const a = best(input, w, ct);
    const verdict =
      a === null
        ? missing('no convnet-ts result')
        : `**${(a.value / target).toFixed(3)}×** of target — ${a.value >= target ? 'met' : 'not met'}`;
    rows.push(
      `| W3 ${what}, GFLOP/s: convnet-ts (best) vs target ≥ ${target} | ${verdict} | ${a ? `${fmt(a.value)} GFLOP/s (${a.label})` : '—'} |`,
    );
  }
  if (has('W4')) {
    const a = best(input, 'W4', ct);
    const b = best(input, 'W4', (e) => e.family === 'pytorch');
    rows.push(
      `| W4 epoch, speed: PyTorch s ÷ convnet-ts (best) s | ${a && b ? `**${(b.value / a.value).toFixed(3)}×**` : missing(a ? 'no PyTorch result' : 'no convnet-ts result')} | ${a ? `${fmt(a.value)} s (${a.label})` : '—'} vs ${b ? `${fmt(b.value)} s (${b.label})` : '—'} |`,
    );
  }
  return rows;
}

/** The whole report as Markdown. */
export function renderMarkdown(input: ReportInput): string {
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` (bench/run.ts) on ${input.date
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC')}. ` + 'Do not edit by hand: rerun the benchmark. See bench/README.md for what is measured and how.',
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    ...input.machine.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`),
    '',
    '## Ratios',
    '',
    'A ratio above 1 means convnet-ts is faster. "Best" is the fastest convnet-ts backend / tfjs backend that ran the workload.',
    '',
    '| ratio | value | numbers |',
    '|---|---|---|',
    ...ratioRows(input),
    '',
    '## Results',
    '',
    'Median over the timed repeats after warm-up; the headline number is computed from the median time. ' +
      'Spread: min–max and interquartile range (IQR) of the per-repeat times in ms. ' +
      'Each engine/workload pair ran in its own child process, one after another.',
    '',
  ];
  for (const w of WORKLOADS) if (input.workloads.includes(w)) lines.push(...workloadTable(input, w));
  lines.push('## Settings', '', '| | |', '|---|---|', ...input.settings.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`), '');
  return lines.join('\n');
}
