/**
 * The wasm backend in a real browser page's main thread, where Chrome refuses synchronous
 * compilation of modules over 4 KB, so only `ready()` (asynchronous compilation) can load it.
 *
 * The built `dist/` (npm test builds it first) is served over a local static server on
 * 127.0.0.1; a headless Chromium (Debian's /usr/bin/chromium: no browser is ever downloaded)
 * opens a page whose module script imports `/dist/index.js`, awaits `ready()`, and checks that
 * wasm is selected, that a conv2d forward and backward on wasm equals the same on ref within
 * 1e-5, and that a few SGD steps of a tiny CNN reduce the loss. It does so twice: as the browser
 * is, and with the refusal enforced by the page (a `WebAssembly.Module` that throws for modules
 * over 4 KB, as Chrome's main thread does), since some Chromium builds (headless 156, say)
 * compile synchronously after all — there the page must fall back to `ref` until `ready()`
 * resolves, then switch to wasm. A third page is served cross-origin isolated (COOP/COEP
 * headers): there the kernels must run on Web Workers as well, one thread per core by default,
 * all started when `ready()` resolves, with results equal to ref's. Machines without Chromium skip
 * that test, saying why. The static check that `dist/index.js` imports nothing Node-only
 * (its import graph holds relative imports only) runs everywhere.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');

/** What the page reports (see PAGE_SCRIPT). */
interface PageResult {
  error?: string;
  before: string;
  ready: string;
  backend: string;
  maxDiff: number;
  losses: number[];
}

/**
 * The page's module script (plain JavaScript, run by the browser). It records into
 * `window.result` and never throws, so that failures come back with their message.
 */
const PAGE_SCRIPT = `
import * as C from '/dist/index.js';
const result = {};
try {
  // what a page gets without ready(): the synchronous path (refused by Chrome's main thread)
  result.before = C.getBackend();
  result.ready = await C.ready();
  result.backend = C.getBackend();

  // conv2d forward + backward, once per backend, on the same inputs
  const run = (name) => {
    C.setBackend(name);
    const g = new C.Generator(7);
    const x = C.randn([2, 3, 9, 8], { generator: g }).setRequiresGrad(true);
    const w = C.randn([4, 3, 3, 3], { generator: g }).setRequiresGrad(true);
    const b = C.randn([4], { generator: g }).setRequiresGrad(true);
    const r = C.randn([2, 4, 5, 4], { generator: g });
    const y = C.F.conv2d(x, w, b, { stride: 2, padding: 1 });
    C.sum(C.mul(y, r)).backward();
    return [y, x.grad, w.grad, b.grad].map((t) => Array.from(t.data));
  };
  const onRef = run('ref');
  const onWasm = run('wasm');
  let maxDiff = 0;
  for (let i = 0; i < onRef.length; i++) {
    if (onRef[i].length !== onWasm[i].length) throw new Error('shape mismatch in output ' + i);
    for (let j = 0; j < onRef[i].length; j++) maxDiff = Math.max(maxDiff, Math.abs(onRef[i][j] - onWasm[i][j]));
  }
  result.maxDiff = maxDiff;

  // a few training steps of a tiny CNN on wasm
  C.setBackend('wasm');
  C.manualSeed(1);
  const g = new C.Generator(3);
  const model = new C.nn.Sequential(
    new C.nn.Conv2d(1, 4, 3, { padding: 1 }), new C.nn.ReLU(), new C.nn.MaxPool2d(2),
    new C.nn.Flatten(), new C.nn.Linear(4 * 4 * 4, 3),
  );
  const x = C.randn([12, 1, 8, 8], { generator: g });
  const labels = Array.from({ length: 12 }, (_, i) => i % 3);
  const opt = new C.optim.SGD(model.parameters(), { lr: 0.1 });
  result.losses = [];
  for (let step = 0; step < 8; step++) {
    opt.zeroGrad();
    const loss = C.F.crossEntropy(model.forward(x), labels);
    loss.backward();
    opt.step();
    result.losses.push(loss.item());
  }
} catch (e) {
  result.error = String(e && e.stack || e);
}
window.result = result;
`;

/** What the cross-origin isolated page reports (see ISOLATED_SCRIPT). */
interface IsolatedResult {
  error?: string;
  isolated: boolean;
  ready: string;
  cores: number;
  threads: number;
  readyThreads: number;
  relDiff: number;
  losses: number[];
}

/**
 * The module script of a cross-origin isolated page: SharedArrayBuffer is available, so the
 * kernels run on Web Workers too. After `ready()` every worker has started; a convolution large
 * enough to be split across the threads, forward and backward, must equal ref's, and a small
 * LeNet-like network (its Conv2d, ReLU, MaxPool2d blocks fused) must train.
 */
const ISOLATED_SCRIPT = `
import * as C from '/dist/index.js';
import { backendFor } from '/dist/backend/registry.js';
const result = {};
try {
  result.isolated = self.crossOriginIsolated;
  result.cores = navigator.hardwareConcurrency;
  result.ready = await C.ready();
  result.threads = C.getNumThreads();
  result.readyThreads = backendFor('float32').waitForThreads(0);
  const run = (name) => {
    C.setBackend(name);
    const g = new C.Generator(11);
    const x = C.randn([8, 8, 24, 24], { generator: g }).setRequiresGrad(true);
    const w = C.randn([16, 8, 3, 3], { generator: g }).setRequiresGrad(true);
    const r = C.randn([8, 16, 24, 24], { generator: g });
    const y = C.F.conv2d(x, w, null, { padding: 1 });
    C.sum(C.mul(y, r)).backward();
    return [y, x.grad, w.grad].map((t) => Array.from(t.data));
  };
  const onRef = run('ref');
  const onWasm = run('wasm');
  let relDiff = 0;
  for (let i = 0; i < onRef.length; i++) {
    const scale = Math.max(...onRef[i].map(Math.abs));
    for (let j = 0; j < onRef[i].length; j++) relDiff = Math.max(relDiff, Math.abs(onRef[i][j] - onWasm[i][j]) / scale);
  }
  result.relDiff = relDiff;
  C.setBackend('wasm');
  const g = new C.Generator(5);
  const model = new C.nn.Sequential(
    new C.nn.Conv2d(1, 6, 5, { padding: 2, generator: g }), new C.nn.ReLU(), new C.nn.MaxPool2d(2),
    new C.nn.Conv2d(6, 16, 5, { generator: g }), new C.nn.ReLU(), new C.nn.MaxPool2d(2),
    new C.nn.Flatten(), new C.nn.Linear(16 * 5 * 5, 3, { generator: g }),
  );
  const x = C.randn([32, 1, 28, 28], { generator: g });
  const labels = Array.from({ length: 32 }, (_, i) => i % 3);
  const opt = new C.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  result.losses = [];
  for (let step = 0; step < 8; step++) {
    opt.zeroGrad();
    const loss = C.F.crossEntropy(model.forward(x), labels);
    loss.backward();
    opt.step();
    result.losses.push(loss.item());
  }
} catch (e) {
  result.error = String(e && e.stack || e);
}
window.result = result;
`;

/** A classic script, run before the module: Chrome's main-thread refusal of synchronous compilation. */
const REFUSE_SYNC = `
const SyncModule = WebAssembly.Module;
function RefusingModule(bytes) {
  if (bytes.byteLength > 4096) throw new RangeError('WebAssembly.Module(): Wasm code generation disallowed by embedder (emulated)');
  return new SyncModule(bytes);
}
RefusingModule.prototype = SyncModule.prototype;
WebAssembly.Module = RefusingModule;
`;

/** The test page; with `refuseSync`, synchronous compilation of large modules throws. */
function page(refuseSync: boolean): string {
  const pre = refuseSync ? `<script>${REFUSE_SYNC}</script>` : '';
  return `<!doctype html><meta charset="utf-8"><title>convnet-ts wasm</title>${pre}<script type="module">${PAGE_SCRIPT}</script>`;
}

/** A page whose Content-Security-Policy refuses WebAssembly: ready() must fall back to ref and say why. */
const CSP_SCRIPT = `
import * as C from '/dist/index.js';
const result = {};
try {
  result.ready = await C.ready();
  result.info = C.backendInfo();
  result.sum = C.tensor([1, 2, 3]).sum().item();
} catch (e) {
  result.error = String(e && e.stack || e);
}
window.result = result;
`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json', '.wasm': 'application/wasm' };

/** A static server for the page and `dist/`, on 127.0.0.1 at a random port. */
async function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/' || path === '/refuse-sync') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(path === '/refuse-sync'));
      return;
    }
    if (path === '/strict-csp') {
      // WebAssembly refused: no 'wasm-unsafe-eval' in script-src
      const html = `<!doctype html><meta charset="utf-8"><title>convnet-ts csp</title><script type="module">${CSP_SCRIPT}</script>`;
      res
        .writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'" })
        .end(html);
      return;
    }
    if (path === '/isolated') {
      // the headers that make a page cross-origin isolated (and give it SharedArrayBuffer)
      const html = `<!doctype html><meta charset="utf-8"><title>convnet-ts threads</title><script type="module">${ISOLATED_SCRIPT}</script>`;
      res
        .writeHead(200, {
          'content-type': 'text/html',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        })
        .end(html);
      return;
    }
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(DIST + sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** Every module in the static import graph of `entry` (a file in dist/), and its bare imports. */
function importGraph(entry: string): { files: Set<string>; bare: string[] } {
  const files = new Set<string>();
  const bare: string[] = [];
  const pending = [entry];
  // tsc emits each import/export statement at the start of a line (doc comments start with ' *')
  const importRe = /^(?:import|export)\s(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm;
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(importRe)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) pending.push(resolve(dirname(file), spec));
      else bare.push(`${spec} (in ${file.slice(ROOT.length + 1)})`);
    }
  }
  return { files, bare };
}

describe('the wasm backend in a browser', () => {
  it('dist/index.js imports nothing Node-only (relative imports only)', () => {
    const { files, bare } = importGraph(join(DIST, 'index.js'));
    expect(files.size).toBeGreaterThan(10);
    expect(bare).toEqual([]);
    expect([...files].some((f) => f.endsWith(`${sep}node.js`) && dirname(f) === DIST)).toBe(false);
  });

  it.skipIf(!existsSync(CHROMIUM))(
    `loads in a page's main thread via ready(), matches ref, trains, and uses Web Workers in a cross-origin isolated page (needs ${CHROMIUM}: skipped where it is missing)`,
    async () => {
      const { server, origin } = await serve();
      const profile = mkdtempSync(join(tmpdir(), 'convnet-ts-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const tab = context.pages()[0] ?? (await context.newPage());
        const errors: string[] = [];
        tab.on('pageerror', (e) => errors.push(e.message));
        for (const path of ['/', '/refuse-sync']) {
          await tab.goto(`${origin}${path}`);
          await tab.waitForFunction('window.result !== undefined', undefined, { timeout: 10_000 });
          const result = await tab.evaluate<PageResult>('window.result');
          expect(errors, path).toEqual([]);
          expect(result.error, path).toBeUndefined();
          if (path === '/refuse-sync') expect(result.before, 'before ready(), where sync compilation is refused').toBe('ref');
          expect(result.ready, path).toBe('wasm');
          expect(result.backend, path).toBe('wasm');
          expect(result.maxDiff, path).toBeLessThan(1e-5);
          expect(result.losses.length, path).toBe(8);
          expect(result.losses.every(Number.isFinite), path).toBe(true);
          expect(result.losses[result.losses.length - 1], path).toBeLessThan(result.losses[0]);
        }

        // a page whose CSP refuses WebAssembly: ref, with the reason in backendInfo and one console warning
        const warnings: string[] = [];
        const onConsole = (m: { type(): string; text(): string }): void => {
          if (m.type() === 'warning' && m.text().startsWith('convnet-ts:')) warnings.push(m.text());
        };
        tab.on('console', onConsole);
        await tab.goto(`${origin}/strict-csp`);
        await tab.waitForFunction('window.result !== undefined', undefined, { timeout: 10_000 });
        const csp = await tab.evaluate<{ error?: string; ready: string; info: { backend: string; wasmUnavailable: string }; sum: number }>(
          'window.result',
        );
        tab.off('console', onConsole);
        expect(csp.error).toBeUndefined();
        expect(csp.ready).toBe('ref');
        expect(csp.info.backend).toBe('ref');
        expect(csp.info.wasmUnavailable).toMatch(/^refused by the page's Content-Security-Policy .*script-src 'wasm-unsafe-eval'/);
        expect(csp.sum).toBe(6);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/^convnet-ts: the wasm backend did not load \(refused by the page's Content-Security-Policy/);

        // a cross-origin isolated page: Web Workers share the kernels' memory
        await tab.goto(`${origin}/isolated`);
        await tab.waitForFunction('window.result !== undefined', undefined, { timeout: 20_000 });
        const isolated = await tab.evaluate<IsolatedResult>('window.result');
        expect(errors).toEqual([]);
        expect(isolated.error).toBeUndefined();
        expect(isolated.isolated, 'crossOriginIsolated').toBe(true);
        expect(isolated.ready).toBe('wasm');
        expect(isolated.threads, 'default thread count = navigator.hardwareConcurrency').toBe(isolated.cores);
        expect(isolated.readyThreads, 'every worker started by the time ready() resolved').toBe(isolated.threads);
        expect(isolated.relDiff).toBeLessThan(1e-5);
        expect(isolated.losses.every(Number.isFinite)).toBe(true);
        expect(isolated.losses[isolated.losses.length - 1]).toBeLessThan(isolated.losses[0]);
      } finally {
        await context.close();
        server.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
