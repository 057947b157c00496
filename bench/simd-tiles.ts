/**
 * How many accumulators a WebAssembly SIMD inner loop can keep in this engine's registers: the
 * measurement behind the wasm kernels' rule of at most 8 vector accumulators (see
 * src/backend/wasm/assembly/direct-conv.ts and gemm.ts). Not part of the benchmark tables.
 *
 *   npm run build && tsc -p tsconfig.bench.json && node build/bench/simd-tiles.js [--seconds 0.5]
 *
 * It compiles, with the same AssemblyScript compiler and options as the kernels, GEMM
 * micro-kernels `C[r × 4v] += A[r × k] · B[k × 4v]` (r rows, v vectors of 4 columns: r·v
 * accumulators; per k step v loads of B, r broadcasts of A) and register-only chains of fused
 * multiply-adds, and prints each one's GFLOP/s on one thread. On x64 V8 allocates 16 SIMD
 * registers (one kept as scratch) and schedules loads early, so a tile whose accumulators,
 * operands and early loads exceed them spills to the stack every step: measured on an AMD EPYC
 * (Zen 5) VM under Node 20, 4 × 8 (8 accumulators) 46–48 GFLOP/s, 5 × 8 (10) 19–20, 4 × 12,
 * 6 × 8 and 2 × 24 (12) 22–26; chains only: 8 chains 46–48, 12 chains 52–54 (so 8 accumulators
 * reach ~90 % of the core's fused multiply-add throughput).
 */
import asc from 'assemblyscript/asc';
import { setFlagsFromString } from 'node:v8';
import { parseArgs } from './common.js';

/** The AssemblyScript source of an r × 4v GEMM tile kernel named `name`, repeated `reps` times over k steps. */
function tileSource(name: string, r: number, v: number): string {
  const acc = (i: number, j: number): string => `c${i}_${j}`;
  const lines: string[] = [];
  lines.push(`export function ${name}(ap0: usize, bp0: usize, k: i32, reps: i32, c: usize): void {`);
  lines.push('  for (let rep = 0; rep < reps; rep++) {');
  lines.push('    let ap = ap0;');
  lines.push('    let bp = bp0;');
  for (let i = 0; i < r; i++) for (let j = 0; j < v; j++) lines.push(`    let ${acc(i, j)} = f32x4.splat(0);`);
  lines.push('    for (let s = 0; s < k; s++) {');
  for (let j = 0; j < v; j++) lines.push(`      const b${j} = v128.load(bp, ${16 * j});`);
  for (let i = 0; i < r; i++) {
    lines.push(`      ${i === 0 ? 'let ' : ''}a = v128.load32_splat(ap, ${4 * i});`);
    for (let j = 0; j < v; j++) lines.push(`      ${acc(i, j)} = f32x4.relaxed_madd(a, b${j}, ${acc(i, j)});`);
  }
  lines.push(`      ap += ${4 * r};`);
  lines.push(`      bp += ${16 * v};`);
  lines.push('    }');
  for (let i = 0; i < r; i++) for (let j = 0; j < v; j++) lines.push(`    v128.store(c, ${acc(i, j)}, ${16 * (i * v + j)});`);
  lines.push('  }');
  lines.push('}');
  return lines.join('\n');
}

/** A loop of `chains` independent fused multiply-add chains on registers only, `n` steps. */
function chainSource(name: string, chains: number): string {
  const lines = [`export function ${name}(n: i32): f32 {`, '  const a = f32x4.splat(1.0000001);', '  const b = f32x4.splat(0.9999999);'];
  for (let i = 0; i < chains; i++) lines.push(`  let c${i} = f32x4.splat(0);`);
  lines.push('  for (let s = 0; s < n; s++) {');
  for (let i = 0; i < chains; i++) lines.push(`    c${i} = f32x4.relaxed_madd(a, b, c${i});`);
  lines.push('  }');
  let sum = 'c0';
  for (let i = 1; i < chains; i++) sum = `f32x4.add(${sum}, c${i})`;
  lines.push(`  return f32x4.extract_lane(${sum}, 0);`, '}');
  return lines.join('\n');
}

const TILES: ReadonlyArray<readonly [number, number]> = [
  [4, 2],
  [5, 2],
  [6, 2],
  [4, 3],
  [2, 6],
];
const CHAINS = [8, 12];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const seconds = Number(args.get('seconds') ?? 0.5);
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  const source = [...TILES.map(([r, v]) => tileSource(`tile${r}x${4 * v}`, r, v)), ...CHAINS.map((n) => chainSource(`chains${n}`, n))].join(
    '\n\n',
  );
  const { error, binary, stderr } = await asc.compileString(source, {
    optimizeLevel: 3,
    runtime: 'stub',
    noAssert: true,
    enable: ['simd', 'relaxed-simd'],
    initialMemory: 64,
  });
  if (error || binary === null) throw new Error(`simd-tiles: asc failed: ${error?.message ?? ''}\n${stderr.toString()}`);
  const instance = await WebAssembly.instantiate(new WebAssembly.Module(new Uint8Array(binary)), { env: { abort: () => {} } });
  const e = instance.exports as Record<string, (...a: number[]) => number>;
  const k = 576;
  const [A, B, C] = [65536, 1 << 20, 3 << 20];
  /** GFLOP/s of `run(reps)` doing `flopsPerRep` each, after tier-up (many short calls, then a pause). */
  async function rate(run: (reps: number) => void, flopsPerRep: number): Promise<number> {
    for (let i = 0; i < 2000; i++) run(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    let reps = 64;
    for (;;) {
      const start = performance.now();
      run(reps);
      const ms = performance.now() - start;
      if (ms > seconds * 1000) return (reps * flopsPerRep) / ms / 1e6;
      reps *= 2;
    }
  }
  console.log(`one thread, ${process.version}; GEMM tiles over k = ${k} (A and B in cache):`);
  for (const [r, v] of TILES) {
    const g = await rate((reps) => e[`tile${r}x${4 * v}`](A, B, k, reps, C), 2 * k * r * 4 * v);
    console.log(`  ${r} × ${4 * v} tile (${r * v} accumulators): ${g.toFixed(1)} GFLOP/s`);
  }
  for (const n of CHAINS) {
    const g = await rate((reps) => e[`chains${n}`](reps * 1000), 1000 * n * 8);
    console.log(`  ${n} chains of fused multiply-adds, registers only: ${g.toFixed(1)} GFLOP/s`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
