/**
 * Benchmark worker for convnet-ts: runs one workload on one backend and prints a result line.
 *
 *   node build/bench/convnet_worker.js --backend ref|wasm [--threads N] --workload W1 --budget 20 [--data DIR]
 *
 * W6 (ResNet-20) is not measured on the `ref` backend: its plain JavaScript loops take about a
 * minute per step (W3 forward + backward runs at 0.6 GFLOP/s; a step is about 24 GFLOP).
 *
 * Uses only the public API (`convnet-ts`, resolved to dist/ through the package's own exports).
 */
import {
  F,
  Generator,
  Tensor,
  backendInfo,
  buildModel,
  data,
  getBackend,
  getNumThreads,
  lenet5,
  noGrad,
  optim,
  randn,
  setBackend,
  setNumThreads,
} from 'convnet-ts';
import {
  LEARNING_RATE,
  MOMENTUM,
  W1_BATCH,
  W2_BATCH,
  W3,
  W4_BATCH,
  W5_BATCH,
  W6_BATCH,
  W6_REPEATS,
  W6_WARMUPS,
  type WorkerResult,
  type Workload,
  asWorkload,
  emit,
  errorMessage,
  measure,
  measureCounted,
  measureEpoch,
  parseArgs,
  readEpochData,
  requireArg,
} from './common.js';
import { lenet, trainingLabels } from './convnet_models.js';

/**
 * Selects `name` for float32 work, with `threads` threads for the wasm backend (`setNumThreads`
 * before `setBackend`), and says what was selected.
 */
function selectBackend(name: string, threads: number | undefined): Record<string, string | number | boolean> {
  const info: Record<string, string | number | boolean> = {};
  if (threads !== undefined && name !== 'ref') {
    setNumThreads(threads);
    info.threadsRequested = threads;
  }
  setBackend(name);
  // ref: plain JavaScript loops on the calling thread
  info.threads = name === 'ref' ? 1 : getNumThreads();
  info.backend = getBackend();
  info.fma = backendInfo().fma;
  if (getBackend() !== name) throw new Error(`backend '${name}' requested but '${getBackend()}' is selected`);
  return info;
}

/** A workload this engine/backend does not take part in (reported as such, not as an error). */
class NotMeasured extends Error {}

async function run(
  workload: Workload,
  budget: number,
  dataDir: string | undefined,
): Promise<Omit<WorkerResult, 'engine' | 'config' | 'workload' | 'status' | 'info'>> {
  const g = new Generator(1234);
  switch (workload) {
    case 'W6': {
      if (getBackend() === 'ref')
        throw new NotMeasured('W6 is not measured on the ref backend (plain JavaScript loops: about a minute per ResNet-20 step)');
      // MODEL_PRESETS.resnet20: zero-pad shortcuts, BatchNorm in training mode (batch statistics, running stats updated)
      const model = buildModel('resnet', { blocksPerStage: 3 }, g).train();
      const opt = new optim.SGD(model.parameters(), { lr: LEARNING_RATE, momentum: MOMENTUM });
      const x = randn([W6_BATCH, 1, 28, 28], { generator: g });
      const y = trainingLabels(W6_BATCH);
      return measureCounted(
        () => {
          opt.zeroGrad();
          const loss = F.crossEntropy(model.forward(x) as Tensor, y);
          loss.backward();
          opt.step();
          return loss.item();
        },
        W6_WARMUPS,
        W6_REPEATS,
        budget,
      );
    }
    case 'W1':
    case 'W5': {
      // W5: the classic LeNet-5 the CLI trains by default
      const model = workload === 'W1' ? lenet(g) : lenet5({ generator: g });
      const opt = new optim.SGD(model.parameters(), { lr: LEARNING_RATE, momentum: MOMENTUM });
      const batch = workload === 'W1' ? W1_BATCH : W5_BATCH;
      const x = randn([batch, 1, 28, 28], { generator: g });
      const y = trainingLabels(batch);
      return measure(() => {
        opt.zeroGrad();
        const loss = F.crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss.item();
      }, budget);
    }
    case 'W2': {
      const model = lenet(g).eval();
      const x = randn([W2_BATCH, 1, 28, 28], { generator: g });
      return measure(() => noGrad(() => model.forward(x)).data[0], budget);
    }
    case 'W3f':
    case 'W3fb': {
      const x = randn([W3.n, W3.c, W3.h, W3.w], { generator: g, requiresGrad: workload === 'W3fb' });
      const w = randn([W3.c, W3.c, W3.k, W3.k], { generator: g, requiresGrad: workload === 'W3fb' });
      const opts = { padding: (W3.k - 1) / 2 };
      if (workload === 'W3f') return measure(() => noGrad(() => F.conv2d(x, w, null, opts)).data[0], budget);
      const dy = randn([W3.n, W3.c, W3.h, W3.w], { generator: g });
      return measure(() => {
        x.grad = null;
        w.grad = null;
        F.conv2d(x, w, null, opts).backward(dy);
        return x.grad!.data[0] + w.grad!.data[0];
      }, budget);
    }
    case 'W4': {
      if (dataDir === undefined) throw new Error('W4 needs --data');
      const d = readEpochData(dataDir);
      const ds: data.ImageDataset = { images: d.images, labels: d.labels, n: d.n, channels: 1, height: 28, width: 28, classes: 10 };
      const model = lenet(g);
      const opt = new optim.SGD(model.parameters(), { lr: LEARNING_RATE, momentum: MOMENTUM });
      const loader = new data.DataLoader(ds, { batchSize: W4_BATCH, shuffle: true, generator: new Generator(7) });
      const step = (x: Tensor, y: Tensor): number => {
        opt.zeroGrad();
        const loss = F.crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss.item();
      };
      // Warm-up steps draw from one pass; the timed epoch is a fresh pass (a new permutation).
      let it = loader[Symbol.iterator]();
      let warm = 2;
      return measureEpoch(
        (k) => {
          if (k === 0 && warm === 0) it = loader[Symbol.iterator]();
          if (warm > 0) warm--;
          const next = it.next();
          if (next.done === true) throw new Error('DataLoader ended early');
          return step(next.value.x, next.value.y);
        },
        loader.length,
        budget,
      );
    }
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = requireArg(args, 'backend');
  const threadsArg = args.get('threads');
  const threads = threadsArg === undefined ? undefined : Number(threadsArg);
  const workload = asWorkload(requireArg(args, 'workload'));
  const budget = Number(requireArg(args, 'budget'));
  const config = args.get('config') ?? backend;
  const base = { engine: 'convnet-ts', config, workload };
  let info: Record<string, string | number | boolean> = {};
  try {
    info = selectBackend(backend, threads);
    const r = await run(workload, budget, args.get('data'));
    emit({ ...base, status: 'ok', ...r, info });
  } catch (e) {
    emit({ ...base, status: e instanceof NotMeasured ? 'unsupported' : 'error', reason: errorMessage(e), info });
  }
}

await main();
process.exit(0);
