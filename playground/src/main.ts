/**
 * The playground page: starts the training worker, loads the digits from the page's own origin,
 * and wires the four panels. The explorer computes in this thread on the `ref` backend (its
 * inputs are tiny); everything else runs in the worker, on the wasm backend.
 */
import { type BackendInfo, setBackend } from 'convnet-ts';
import { WorkerClient } from './client.js';
import { bundledSplits } from './data.js';
import { DIGITS_FILE } from './digits-format.js';
import { byId } from './dom.js';
import { DrawPanel } from './draw-panel.js';
import { ExplorerPanel } from './explorer-panel.js';
import { InsidePanel } from './inside-panel.js';
import { TrainPanel } from './train-panel.js';

/** Threads asked for in the address (`?threads=N`), or null for the default (one per core). */
function requestedThreads(): number | null {
  const value = new URLSearchParams(location.search).get('threads');
  if (value === null) return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : null;
}

/** The header's line about the backend: which, how many threads, and why only one where so. */
function backendText(info: BackendInfo, isolated: boolean, cores: number): string {
  if (info.backend !== 'wasm')
    return `Backend ${info.backend}: WebAssembly SIMD is not available here (${info.wasmUnavailable ?? 'unknown reason'}).`;
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const where = isolated
    ? `${threads} (the training worker and ${info.threads - 1} Web Worker${info.threads === 2 ? '' : 's'} of the kernels' pool; ${cores} cores)`
    : `${threads}: the page is not cross-origin isolated, so the kernels cannot share memory with more workers`;
  return `Backend wasm, ${where}${info.fma ? ', fused multiply-add' : ''}.`;
}

async function main(): Promise<void> {
  setBackend('ref');
  const status = byId('backend-status', HTMLElement);
  new ExplorerPanel();
  const client = new WorkerClient();
  const train = new TrainPanel(client);
  const inside = new InsidePanel(client);
  new DrawPanel(client, inside);
  client.on('ready', (m) => {
    status.textContent = `${backendText(m.backend, m.isolated, m.cores)} ${m.trainCount.toLocaleString('en')} training and ${m.heldOutCount.toLocaleString('en')} held-out digits.`;
    status.dataset.backend = m.backend.backend;
    status.dataset.threads = String(m.backend.threads);
    status.dataset.isolated = String(m.isolated);
  });
  client.on('error', (m) => {
    if (m.context === 'init' || m.context === 'worker') status.textContent = `The worker failed: ${m.message}`;
  });
  const response = await fetch(new URL(DIGITS_FILE, document.baseURI));
  if (!response.ok) throw new Error(`cannot load the digits (${DIGITS_FILE}: HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  inside.setDigits(bundledSplits(bytes));
  const { model, seed } = train.initialModel();
  client.send({ type: 'init', digits: bytes, threads: requestedThreads(), model, seed }, [bytes.buffer]);
}

main().catch((e: unknown) => {
  byId('backend-status', HTMLElement).textContent = `The page failed to start: ${e instanceof Error ? e.message : String(e)}`;
});
