// Quick profile of benchmark W1 (LeNet-5 training step, batch 64) and W2 (inference, batch 256)
// on the wasm backend: median step time per thread count, and a per-kernel breakdown (time spent
// inside each Backend method, the rest being JS-side op/autograd/optimizer work). Not a test, not
// the benchmark suite (bench/). Needs `npm run build` first.
//
//   node scripts/w1-profile.mjs [--threads 1,2] [--runs 200] [--breakdown] [--w2]
import { F, Generator, nn, noGrad, optim, randn, setBackend, setNumThreads } from '../dist/index.js';
import { backendFor } from '../dist/backend/registry.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const threadList = opt('--threads', '1,2').split(',').map(Number);
const runs = Number(opt('--runs', '200'));
const breakdown = args.includes('--breakdown');
const w2 = args.includes('--w2');

function lenet(generator) {
  const init = { generator };
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2, ...init }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5, init), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(),
    new nn.Linear(400, 120, init), new nn.ReLU(), new nn.Linear(120, 84, init), new nn.ReLU(), new nn.Linear(84, 10, init),
  );
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function w1Step() {
  const g = new Generator(1234);
  const model = lenet(g);
  const sgd = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([64, 1, 28, 28], { generator: g });
  const y = Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 10);
  return () => {
    sgd.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    sgd.step();
    return loss.item();
  };
}

function w2Step() {
  const g = new Generator(1234);
  const model = lenet(g).eval();
  const x = randn([256, 1, 28, 28], { generator: g });
  return () => noGrad(() => model.forward(x)).data[0];
}

/** Wraps every method of the selected backend to accumulate its time by `method:detail`. */
function instrument(backend) {
  const totals = new Map();
  const originals = {};
  for (const key of Object.keys(backend)) {
    const f = backend[key];
    if (typeof f !== 'function' || ['setThreads', 'waitForThreads'].includes(key)) continue;
    originals[key] = f;
    backend[key] = (...a) => {
      const t0 = performance.now();
      const r = f.apply(backend, a);
      const dt = performance.now() - t0;
      let label = key;
      if (key === 'unary' || key === 'unaryBackward' || key === 'binary') label += `:${a[0]}`;
      if (key.startsWith('conv2d')) label += `:${a[a.length - 2].cIn}->${a[a.length - 2].cOut}`;
      if (key === 'matmul') label += `:${a.slice(3).join('x')}`;
      if (key === 'sum' || key === 'permute') label += `:[${a[1].join(',')}]`;
      const e = totals.get(label) ?? { ms: 0, calls: 0 };
      e.ms += dt;
      e.calls++;
      totals.set(label, e);
      return r;
    };
  }
  return {
    totals,
    restore() {
      Object.assign(backend, originals);
    },
  };
}

for (const threads of threadList) {
  setNumThreads(threads);
  setBackend('wasm');
  backendFor('float32').waitForThreads();
  for (const [name, make] of [['W1', w1Step], ...(w2 ? [['W2', w2Step]] : [])]) {
    const step = make();
    for (let i = 0; i < 20; i++) step();
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      step();
      samples.push(performance.now() - t0);
    }
    const ms = median(samples);
    const batch = name === 'W1' ? 64 : 256;
    console.log(`${name} wasm ${threads}t: ${ms.toFixed(2)} ms median (${((batch / ms) * 1000).toFixed(0)} img/s), min ${Math.min(...samples).toFixed(2)}`);
    if (breakdown) {
      const inst = instrument(backendFor('float32'));
      const n = 50;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) step();
      const total = (performance.now() - t0) / n;
      inst.restore();
      let kernels = 0;
      const rows = [...inst.totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
      for (const [label, { ms: t, calls }] of rows) {
        kernels += t / n;
        console.log(`  ${label.padEnd(40)} ${(t / n).toFixed(3).padStart(7)} ms  ${(calls / n).toFixed(0).padStart(3)} calls`);
      }
      console.log(`  ${'(kernels total)'.padEnd(40)} ${kernels.toFixed(3).padStart(7)} ms of ${total.toFixed(3)} ms; JS/other ${(total - kernels).toFixed(3)} ms`);
    }
  }
}
process.exit(0);
