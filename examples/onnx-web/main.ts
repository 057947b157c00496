/**
 * The same LeNet-5 on two engines in one page: a seeded `lenet5-modern`, exported with `exportOnnx`
 * at build time (lenet5-modern.onnx, see vite.config.ts) and run by ONNX Runtime Web's wasm
 * execution provider, and the same seeded model built here with convnet-ts on its wasm backend, on
 * the same 256 MNIST digits (digits.bin). The page shows both outputs, their largest difference, and the median time per
 * batch (1 and 256 digits) of each; `#status` carries the numbers as data attributes for
 * test/browser/onnx-web.test.ts.
 *
 * Both engines get the same thread count: 4 at most, 1 where the page is not cross-origin isolated
 * (no SharedArrayBuffer, so no worker threads for either).
 */
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { DIGITS_FILE, ONNX_FILE, SEED } from './shared.js';

/** Timed runs of each engine and batch size (after one warm-up run). */
const REPEATS = 15;
/** Rows of the outputs table. */
const SHOWN = 4;

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} is missing`);
  return found as T;
}

/** The median of the times `run` takes, in milliseconds, after one untimed run. */
async function medianMs(run: () => Promise<unknown> | unknown): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** A file beside index.html, as bytes. */
async function fetchBytes(name: string): Promise<Uint8Array> {
  const response = await fetch(`./${name}`);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The digits file: labels, then pixels as k/255. */
async function loadDigits(): Promise<{ labels: Uint8Array; pixels: Float32Array; count: number }> {
  const bytes = await fetchBytes(DIGITS_FILE);
  const count = bytes.length / 785;
  if (!Number.isInteger(count)) throw new Error(`digits.bin: ${bytes.length} bytes is not a whole number of digits`);
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[count + i] / 255;
  return { labels: bytes.subarray(0, count), pixels, count };
}

function row(cells: (string | number)[], header = false): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement(header ? 'th' : 'td');
    td.textContent = String(c);
    tr.append(td);
  }
  return tr;
}

async function main(): Promise<void> {
  const [C, O, ort, digits, onnx] = await Promise.all([
    import('../../src/index.js'),
    import('../../src/onnx.js'),
    import('onnxruntime-web/wasm'),
    loadDigits(),
    fetchBytes(ONNX_FILE),
  ]);
  const threads = crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency)) : 1;

  // convnet-ts: the wasm backend, loaded asynchronously (a page's main thread refuses synchronous compilation)
  C.setNumThreads(threads);
  await C.ready();
  C.setBackend('wasm');
  // the model the ONNX file was exported from: same architecture, same seed
  const model = C.buildModel('lenet5', { modern: true }, new C.Generator(SEED)).eval();

  // ONNX Runtime Web: its kernels from this page's origin (a build asset), no CDN
  ort.env.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, location.href).href };
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;

  const batch = (n: number): Float32Array => digits.pixels.subarray(0, n * 784);
  const runConvnet = (n: number): Float32Array => {
    const x = new C.Tensor(batch(n).slice(), [n, 1, 28, 28]);
    return C.noGrad(() => model.call(x)).data as Float32Array;
  };
  const runOrt = async (n: number): Promise<Float32Array> => {
    const feeds = { [inputName]: new ort.Tensor('float32', batch(n).slice(), [n, 1, 28, 28]) };
    const out = await session.run(feeds);
    return out[outputName].data as Float32Array;
  };

  const n = digits.count;
  const yConvnet = runConvnet(n);
  const yOrt = await runOrt(n);
  if (yConvnet.length !== yOrt.length) throw new Error(`output sizes differ: convnet-ts ${yConvnet.length}, ORT ${yOrt.length}`);
  let maxDiff = 0;
  let maxAbs = 0;
  let agree = 0;
  const classes = yConvnet.length / n;
  for (let i = 0; i < yConvnet.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(yConvnet[i] - yOrt[i]));
    maxAbs = Math.max(maxAbs, Math.abs(yConvnet[i]));
  }
  const argmax = (y: Float32Array, i: number): number => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (y[i * classes + k] > y[i * classes + best]) best = k;
    return best;
  };
  for (let i = 0; i < n; i++) if (argmax(yConvnet, i) === argmax(yOrt, i)) agree++;

  // export and import in the page: the same bytes as the build's file; the imported model computes the same outputs
  const exported = O.exportOnnx(model, { inputShape: [1, 28, 28] });
  const exportSame = exported.length === onnx.length && exported.every((b, i) => b === onnx[i]);
  const imported = O.importOnnx(exported).eval();
  const yImported = C.noGrad(() => imported.call(new C.Tensor(batch(n).slice(), [n, 1, 28, 28]))).data;
  let importMaxDiff = 0;
  for (let i = 0; i < yConvnet.length; i++) importMaxDiff = Math.max(importMaxDiff, Math.abs(yImported[i] - yConvnet[i]));
  el('roundtrip').textContent =
    `exportOnnx in this page wrote ${exported.length} bytes, ${exportSame ? 'the same as' : 'different from'} the build's ${ONNX_FILE}; ` +
    `importOnnx of them computes the same logits (largest difference ${importMaxDiff.toExponential(2)}).`;

  const timings = {
    ort1: await medianMs(() => runOrt(1)),
    ortN: await medianMs(() => runOrt(n)),
    convnet1: await medianMs(() => runConvnet(1)),
    convnetN: await medianMs(() => runConvnet(n)),
  };

  const ms = (t: number): string => `${t.toFixed(2)} ms`;
  const tbody = el('timings').querySelector('tbody')!;
  tbody.append(
    row([
      `ONNX Runtime Web ${ort.env.versions.web ?? ''} (wasm EP, ${threads} thread${threads === 1 ? '' : 's'})`,
      ms(timings.ort1),
      ms(timings.ortN),
    ]),
    row([
      `convnet-ts (${C.backendInfo().backend} backend, ${C.backendInfo().threads} thread${threads === 1 ? '' : 's'})`,
      ms(timings.convnet1),
      ms(timings.convnetN),
    ]),
  );
  el('difference').textContent =
    `Largest |ORT − convnet-ts| over ${n} × ${classes} logits: ${maxDiff.toExponential(2)} ` +
    `(${(maxDiff / maxAbs).toExponential(2)} of the largest |y|, ${maxAbs.toFixed(3)}); ` +
    `the predicted class agrees on ${agree} of ${n} digits. The model is untrained (seed ${SEED}): the point is the agreement.`;
  const outputs = el('outputs').querySelector('tbody')!;
  for (let i = 0; i < SHOWN; i++) {
    const logits = (y: Float32Array): string => Array.from(y.subarray(i * classes, (i + 1) * classes), (v) => v.toFixed(4)).join(' ');
    outputs.append(row([`#${i} (a ${digits.labels[i]})`, 'ORT', logits(yOrt)]), row(['', 'convnet-ts', logits(yConvnet)]));
  }

  const status = el('status');
  Object.assign(status.dataset, {
    state: 'done',
    maxDiff: String(maxDiff),
    maxAbs: String(maxAbs),
    agree: String(agree),
    count: String(n),
    outputs: String(yOrt.length),
    threads: String(threads),
    backend: C.backendInfo().backend,
    ortMs1: String(timings.ort1),
    ortMsN: String(timings.ortN),
    convnetMs1: String(timings.convnet1),
    convnetMsN: String(timings.convnetN),
    exportSame: String(exportSame),
    importMaxDiff: String(importMaxDiff),
  });
  status.textContent = `Done: ${n} digits on both engines.`;
  el('result').hidden = false;
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  const status = el('status');
  status.dataset.state = 'error';
  status.textContent = 'Failed.';
  const error = el('error');
  error.hidden = false;
  error.textContent = message;
  console.error(e);
});
