/**
 * Where a training step's time goes on the wasm backend (not part of the benchmark tables): the
 * median step time of W1 (modern LeNet-5 training, batch 64), W2 (its inference, batch 256),
 * W5 (classic LeNet-5 training, batch 64), W6 (ResNet-20 training, batch 128), or the `resnet8` or
 * `vgg6` preset's training step (batch 128) per thread count
 * and, with `--breakdown`, the time spent
 * inside each Backend kernel (by kernel and shape), the rest being JavaScript: ops, autograd, the
 * optimizer, copies.
 *
 *   npm run bench:profile -- [--workloads W1,W2,W5,W6,resnet8,vgg6] [--threads 1,2] [--runs 200] [--breakdown]
 *
 * The kernels are timed by wrapping the methods of the selected backend object, which the public
 * API does not hand out: this one script imports the backend registry from dist/ directly.
 */
import { F, Generator, buildModel, type nn, lenet5, noGrad, optim, randn, setBackend, setNumThreads } from 'convnet-ts';
import { parseArgs } from './common.js';
import { lenet, trainingLabels } from './convnet_models.js';

type Registry = typeof import('../dist/backend/registry.js');
type Backend = ReturnType<Registry['backendFor']>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** A training step of `build`'s model (W1: modern LeNet-5; W5: classic; W6: ResNet-20 at batch 128). */
function trainingStep(build: (g: Generator) => nn.Module, batch = 64): () => number {
  const g = new Generator(1234);
  const model = build(g).train();
  const sgd = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([batch, 1, 28, 28], { generator: g });
  const y = trainingLabels(batch);
  return () => {
    sgd.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    sgd.step();
    return loss.item();
  };
}

function w2Step(): () => number {
  const g = new Generator(1234);
  const model = lenet(g).eval();
  const x = randn([256, 1, 28, 28], { generator: g });
  return () => noGrad(() => model.forward(x)).data[0];
}

/** A kernel call's label: the method, and what tells its calls apart (op, channels, shape). */
function callLabel(method: string, args: unknown[]): string {
  const geometry = args[args.length - 2];
  if (method === 'unary' || method === 'unaryBackward' || method === 'binary') return `${method}:${String(args[0])}`;
  if (method.startsWith('conv2d') && typeof geometry === 'object' && geometry !== null && 'cIn' in geometry && 'cOut' in geometry) {
    return `${method}:${String(geometry.cIn)}->${String(geometry.cOut)}`;
  }
  if (method === 'matmul') return `${method}:${args.slice(3).join('x')}`;
  if ((method === 'sum' || method === 'permute') && Array.isArray(args[1])) return `${method}:[${args[1].join(',')}]`;
  return method;
}

/** Wraps every kernel of `backend` to add up its time by label; `restore()` undoes it. */
function instrument(backend: Backend): { totals: Map<string, { ms: number; calls: number }>; restore(): void } {
  const totals = new Map<string, { ms: number; calls: number }>();
  const originals: [string, unknown][] = [];
  for (const [key, f] of Object.entries(backend)) {
    if (typeof f !== 'function' || ['setThreads', 'waitForThreads', 'threadsReady'].includes(key)) continue;
    originals.push([key, f]);
    const wrapped = (...args: unknown[]): unknown => {
      const t0 = performance.now();
      const r: unknown = f.apply(backend, args);
      const e = totals.get(callLabel(key, args)) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t0;
      e.calls++;
      totals.set(callLabel(key, args), e);
      return r;
    };
    Object.defineProperty(backend, key, { value: wrapped, configurable: true, writable: true });
  }
  return {
    totals,
    restore() {
      for (const [key, f] of originals) Object.defineProperty(backend, key, { value: f, configurable: true, writable: true });
    },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const threadList = (args.get('threads') ?? '1,2').split(',').map(Number);
  const runs = Number(args.get('runs') ?? '200');
  const breakdown = args.has('breakdown');
  const registry = (await import(new URL('../../dist/backend/registry.js', import.meta.url).href)) as Registry;
  const all: Record<string, [() => () => number, number]> = {
    W1: [() => trainingStep(lenet), 64],
    W2: [w2Step, 256],
    W5: [() => trainingStep((generator) => lenet5({ generator })), 64],
    W6: [() => trainingStep((generator) => buildModel('resnet', { blocksPerStage: 3 }, generator), 128), 128],
    resnet8: [() => trainingStep((generator) => buildModel('resnet', { blocksPerStage: 1 }, generator), 128), 128],
    vgg6: [() => trainingStep((generator) => buildModel('vgg', {}, generator), 128), 128],
  };
  const names = (args.get('workloads') ?? 'W1').split(',');
  const workloads = names.map((name): [string, () => () => number, number] => {
    const w = all[name];
    if (w === undefined) throw new Error(`unknown workload '${name}' (one of ${Object.keys(all).join(', ')})`);
    return [name, ...w];
  });
  for (const threads of threadList) {
    setNumThreads(threads);
    setBackend('wasm');
    const backend = registry.backendFor('float32');
    if ('waitForThreads' in backend && typeof backend.waitForThreads === 'function') backend.waitForThreads();
    for (const [name, make, batch] of workloads) {
      const step = make();
      for (let i = 0; i < 20; i++) step();
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        step();
        samples.push(performance.now() - t0);
      }
      const ms = median(samples);
      console.log(
        `${name} wasm ${threads}t: ${ms.toFixed(2)} ms median (${((batch / ms) * 1000).toFixed(0)} img/s), min ${Math.min(...samples).toFixed(2)}`,
      );
      if (!breakdown) continue;
      const inst = instrument(backend);
      const n = 50;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) step();
      const total = (performance.now() - t0) / n;
      inst.restore();
      let kernels = 0;
      for (const [label, { ms: t, calls }] of [...inst.totals.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
        kernels += t / n;
        console.log(`  ${label.padEnd(40)} ${(t / n).toFixed(3).padStart(7)} ms  ${(calls / n).toFixed(0).padStart(3)} calls`);
      }
      console.log(
        `  ${'(kernels total)'.padEnd(40)} ${kernels.toFixed(3).padStart(7)} ms of ${total.toFixed(3)} ms; JS/other ${(total - kernels).toFixed(3)} ms`,
      );
    }
  }
}

await main();
process.exit(0);
