// Quick speed check of the wasm backend (not a test, not the benchmark suite): LeNet-5 (modern)
// training steps at batch 64 on ref / wasm 1 thread / wasm 2 threads, and the 64→64 3×3 conv on
// 32×32 at batch 32, forward and forward + backward, as GFLOP/s. Needs `npm run build` first.
//
//   node scripts/wasm-speed.mjs [--only lenet|conv] [--threads 1,2] [--skip-ref]
import { F, Generator, lenet5, optim, randn, setBackend, setNumThreads, noGrad } from '../dist/index.js';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const threadList = args.includes('--threads') ? args[args.indexOf('--threads') + 1].split(',').map(Number) : [1, 2];
const skipRef = args.includes('--skip-ref');

/** Median milliseconds of `fn` over at least `minRuns` runs and `minMs`, after `warmup` runs. */
function time(fn, { warmup = 3, minRuns = 5, minMs = 2000 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  const start = performance.now();
  while (samples.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

function lenetStep() {
  const g = new Generator(0);
  const model = lenet5({ modern: true, generator: g });
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([64, 1, 28, 28], { generator: g });
  const labels = Array.from({ length: 64 }, (_, i) => (i * 7) % 10);
  return () => {
    opt.zeroGrad();
    F.crossEntropy(model.forward(x), labels).backward();
    opt.step();
  };
}

function convPass(backward) {
  const g = new Generator(1);
  const x = randn([32, 64, 32, 32], { generator: g, requiresGrad: backward });
  const w = randn([64, 64, 3, 3], { generator: g, requiresGrad: backward });
  if (!backward) return () => noGrad(() => F.conv2d(x, w, null, { padding: 1 }));
  return () => {
    x.grad = null;
    w.grad = null;
    F.conv2d(x, w, null, { padding: 1 }).sum().backward();
  };
}

const configs = [...(skipRef ? [] : [['ref', 1]]), ...threadList.map((t) => ['wasm', t])];
const FWD_FLOPS = 2 * 32 * 64 * 64 * 9 * 32 * 32;
for (const [backend, threads] of configs) {
  setBackend(backend);
  setNumThreads(threads);
  const label = backend === 'ref' ? 'ref' : `wasm ${threads} thread${threads > 1 ? 's' : ''}`;
  if (only !== 'conv') {
    const ms = time(lenetStep(), { minMs: backend === 'ref' ? 3000 : 2000 });
    console.log(`${label.padEnd(16)} LeNet-5 train step, batch 64: ${ms.toFixed(2)} ms = ${((64 / ms) * 1000).toFixed(0)} images/s`);
  }
  if (only !== 'lenet' && backend !== 'ref') {
    const f = time(convPass(false));
    const fb = time(convPass(true));
    console.log(`${label.padEnd(16)} conv 64->64 3x3 32x32 batch 32: forward ${f.toFixed(1)} ms = ${(FWD_FLOPS / f / 1e6).toFixed(1)} GFLOP/s, ` +
      `forward+backward ${fb.toFixed(1)} ms = ${((3 * FWD_FLOPS) / fb / 1e6).toFixed(1)} GFLOP/s`);
  }
}
