/**
 * Benchmark worker for TensorFlow.js (tfjs-core 4.22 with tfjs-backend-cpu or tfjs-backend-wasm):
 * runs one workload and prints a result line.
 *
 *   node build/bench/tfjs_worker.js --backend cpu|wasm --workload W1 --budget 20 [--data DIR]
 *
 * The network is built from tf ops (tfjs-layers is not installed) in NHWC, tfjs's layout; a
 * one-channel NCHW image has the same memory layout as NHWC, so the same data is used. The wasm
 * binaries are loaded from node_modules (no network). Kernels the backend lacks (tfjs-backend-wasm
 * has no Conv2DBackpropFilter, so no CNN training) are reported as "unsupported".
 */
import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TF from '@tensorflow/tfjs-core';
import type * as TFWasm from '@tensorflow/tfjs-backend-wasm';
import {
  LEARNING_RATE,
  MOMENTUM,
  W1_BATCH,
  W2_BATCH,
  W3,
  W4_BATCH,
  type WorkerResult,
  type Workload,
  asWorkload,
  emit,
  errorMessage,
  measure,
  measureEpoch,
  parseArgs,
  permutation,
  randomFloats,
  readEpochData,
  requireArg,
} from './common.js';

register(new URL('./tfjs_hooks.js', import.meta.url));
const require = createRequire(import.meta.url);

const tf: typeof TF = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu');
const tfwasm: typeof TFWasm = await import('@tensorflow/tfjs-backend-wasm');
// The gradients of the kernels (see tfjs_hooks.ts): the same file @tensorflow/tfjs imports.
await import(pathToFileURL(join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'register_all_gradients.js')).href);

type Info = Record<string, string | number | boolean>;

async function selectBackend(name: string): Promise<Info> {
  const info: Info = { tfjs: tf.version_core };
  if (name === 'wasm') {
    // A directory path with a trailing slash: the backend reads tfjs-backend-wasm{,-simd,-threaded-simd}.wasm from it.
    tfwasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  tf.enableProdMode();
  if (name === 'wasm') {
    info.simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    info.multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
    info.threads = tfwasm.getThreadsCount();
  } else {
    info.threads = 1;
  }
  info.backend = tf.getBackend();
  return info;
}

interface LeNet {
  vars: TF.Variable[];
  forward(x: TF.Tensor4D): TF.Tensor2D;
}

/** The W1 network in NHWC: weights uniform in ±1/√fan-in, as PyTorch's and convnet-ts's default. */
function lenet(): LeNet {
  let seed = 1;
  const v = (shape: number[], fanIn: number): TF.Variable => {
    const b = 1 / Math.sqrt(fanIn);
    return tf.variable(tf.randomUniform(shape, -b, b, 'float32', seed++));
  };
  const w1 = v([5, 5, 1, 6], 25);
  const b1 = v([6], 25);
  const w2 = v([5, 5, 6, 16], 150);
  const b2 = v([16], 150);
  const w3 = v([400, 120], 400);
  const b3 = v([120], 400);
  const w4 = v([120, 84], 120);
  const b4 = v([84], 120);
  const w5 = v([84, 10], 84);
  const b5 = v([10], 84);
  return {
    vars: [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5],
    forward(x) {
      let h: TF.Tensor4D = tf.relu(tf.add<TF.Tensor4D>(tf.conv2d(x, w1 as TF.Tensor4D, 1, 'same'), b1));
      h = tf.maxPool(h, 2, 2, 'valid');
      h = tf.relu(tf.add<TF.Tensor4D>(tf.conv2d(h, w2 as TF.Tensor4D, 1, 'valid'), b2));
      h = tf.maxPool(h, 2, 2, 'valid');
      let f: TF.Tensor2D = tf.reshape(h, [x.shape[0], 400]);
      f = tf.relu(tf.add<TF.Tensor2D>(tf.matMul(f, w3), b3));
      f = tf.relu(tf.add<TF.Tensor2D>(tf.matMul(f, w4), b4));
      return tf.add<TF.Tensor2D>(tf.matMul(f, w5), b5);
    },
  };
}

function oneHot(labels: Int32Array): TF.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32')) as TF.Tensor2D;
}

function trainer(model: LeNet): (x: TF.Tensor4D, y: TF.Tensor2D) => Promise<number> {
  const opt = tf.train.momentum(LEARNING_RATE, MOMENTUM);
  return async (x, y) => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.forward(x)) as TF.Scalar, true, model.vars);
    if (loss === null) throw new Error('minimize returned no loss');
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  };
}

/** A workload this engine does not take part in. */
class NotMeasured extends Error {}

async function run(
  workload: Workload,
  budget: number,
  dataDir: string | undefined,
): Promise<Omit<WorkerResult, 'engine' | 'config' | 'workload' | 'status' | 'info'>> {
  switch (workload) {
    case 'W5':
      throw new NotMeasured('W5 (classic LeNet-5: trainable subsampling, a link table) is measured for convnet-ts and PyTorch only');
    case 'W6':
      throw new NotMeasured('W6 (ResNet-20 training: BatchNorm, residual blocks) is measured for convnet-ts and PyTorch only');
    case 'W1': {
      const step = trainer(lenet());
      const x = tf.tensor4d(randomFloats(W1_BATCH * 784, 1), [W1_BATCH, 28, 28, 1]);
      const y = oneHot(Int32Array.from({ length: W1_BATCH }, (_, i) => (i * 7) % 10));
      return measure(() => step(x, y), budget);
    }
    case 'W2': {
      const model = lenet();
      const x = tf.tensor4d(randomFloats(W2_BATCH * 784, 2), [W2_BATCH, 28, 28, 1]);
      return measure(async () => {
        const out = tf.tidy(() => model.forward(x));
        await out.data();
        out.dispose();
      }, budget);
    }
    case 'W3f':
    case 'W3fb': {
      const x = tf.tensor4d(randomFloats(W3.n * W3.h * W3.w * W3.c, 3), [W3.n, W3.h, W3.w, W3.c]);
      const w = tf.tensor4d(randomFloats(W3.k * W3.k * W3.c * W3.c, 4), [W3.k, W3.k, W3.c, W3.c]);
      if (workload === 'W3f') {
        return measure(async () => {
          const out = tf.conv2d(x, w, 1, 'same');
          await out.data();
          out.dispose();
        }, budget);
      }
      const dy = tf.tensor4d(randomFloats(W3.n * W3.h * W3.w * W3.c, 5), [W3.n, W3.h, W3.w, W3.c]);
      const grads = tf.grads((a: TF.Tensor, b: TF.Tensor) => tf.conv2d(a as TF.Tensor4D, b as TF.Tensor4D, 1, 'same'));
      return measure(async () => {
        const [gx, gw] = grads([x, w], dy);
        await Promise.all([gx.data(), gw.data()]);
        gx.dispose();
        gw.dispose();
      }, budget);
    }
    case 'W4': {
      if (dataDir === undefined) throw new Error('W4 needs --data');
      const d = readEpochData(dataDir);
      const step = trainer(lenet());
      const batches = Math.ceil(d.n / W4_BATCH);
      let order = permutation(d.n, 7);
      let calls = 0;
      return measureEpoch(
        async (k) => {
          if (calls++ === 2) order = permutation(d.n, 8); // the timed epoch: a fresh shuffle
          const idx = order.subarray(k * W4_BATCH, Math.min((k + 1) * W4_BATCH, d.n));
          const xs = new Float32Array(idx.length * 784);
          const ys = new Int32Array(idx.length);
          idx.forEach((i, j) => {
            xs.set(d.images.subarray(i * 784, (i + 1) * 784), j * 784);
            ys[j] = d.labels[i];
          });
          const x = tf.tensor4d(xs, [idx.length, 28, 28, 1]);
          const y = oneHot(ys);
          const loss = await step(x, y);
          x.dispose();
          y.dispose();
          return loss;
        },
        batches,
        budget,
      );
    }
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = requireArg(args, 'backend');
  const workload = asWorkload(requireArg(args, 'workload'));
  const budget = Number(requireArg(args, 'budget'));
  const base = { engine: 'tfjs', config: args.get('config') ?? `tfjs-${backend}`, workload };
  let info: Info = {};
  try {
    info = await selectBackend(backend);
    const r = await run(workload, budget, args.get('data'));
    emit({ ...base, status: 'ok', ...r, info });
  } catch (e) {
    const msg = errorMessage(e);
    const missing = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(msg);
    if (e instanceof NotMeasured) emit({ ...base, status: 'unsupported', reason: msg, info });
    else if (missing !== null)
      emit({ ...base, status: 'unsupported', reason: `no ${missing[1]} kernel in tfjs-backend-${missing[2]}`, info });
    else emit({ ...base, status: 'error', reason: msg, info });
  }
}

await main();
process.exit(0);
