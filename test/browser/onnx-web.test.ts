/**
 * The ONNX Runtime Web example (examples/onnx-web/) in a real browser: Debian's headless Chromium
 * (/usr/bin/chromium, driven by playwright-core; no browser is downloaded) opens the page built by
 * vite and served by `scripts/playground-serve.mjs` (cross-origin isolated, strict CSP). The page
 * exports a seeded lenet5-modern with `exportOnnx`, runs it with onnxruntime-web's wasm execution
 * provider and on convnet-ts's wasm backend, on the same 256 digits; the test checks that both ran,
 * that the outputs agree within 1e-4 of the largest |y|, that `exportOnnx` and `importOnnx` work in
 * the page under its CSP (no 'unsafe-eval'): the same bytes as the build's export, the same outputs
 * after import — that every request stayed on the page's origin, and that the console stayed clean. Machines without Chromium skip it, saying why.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndServe } from './static-site.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))(
  `the onnxruntime-web example in Chromium${existsSync(CHROMIUM) ? '' : ' (skipped: no /usr/bin/chromium)'}`,
  () => {
    let dir: string;
    let server: ChildProcess;
    let url: string;
    let browser: Browser;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'convnet-onnx-web-'));
      const site = join(dir, 'site');
      ({ url, server } = await buildAndServe('examples/onnx-web/vite.config.ts', site));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      server?.kill();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('runs the exported LeNet-5 on ONNX Runtime Web and on convnet-ts, with the same outputs, from its own origin only', async () => {
      const page = await browser.newPage();
      const consoleProblems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => consoleProblems.push(`uncaught: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(url);
      const status = page.locator('#status');
      await page.waitForFunction(() => (document.getElementById('status') as HTMLElement).dataset.state !== 'running', null, {
        timeout: 30_000,
      });
      const error = await page.locator('#error').textContent();
      expect(await status.getAttribute('data-state'), error ?? '').toBe('done');
      const num = async (name: string): Promise<number> => Number(await status.getAttribute(`data-${name}`));

      // both engines ran: 256 digits × 10 logits, convnet-ts on its wasm backend, and each was timed
      expect(await num('count')).toBe(256);
      expect(await num('outputs')).toBe(2560);
      expect(await status.getAttribute('data-backend')).toBe('wasm');
      for (const t of ['ort-ms1', 'ort-ms-n', 'convnet-ms1', 'convnet-ms-n']) expect(await num(t), t).toBeGreaterThan(0);
      // the same outputs: max |ORT − convnet-ts| ≤ 1e-4 of the largest |y|, and the same predicted class for every digit
      const maxAbs = await num('max-abs');
      expect(maxAbs).toBeGreaterThan(0);
      expect(await num('max-diff')).toBeLessThanOrEqual(1e-4 * maxAbs);
      expect(await num('agree')).toBe(256);
      // exportOnnx and importOnnx under the page's CSP: the build's bytes exactly, and the same logits back
      expect(await status.getAttribute('data-export-same')).toBe('true');
      expect(await num('import-max-diff')).toBe(0);
      // the page shows both outputs and the timings
      expect(await page.locator('#outputs tbody tr').count()).toBe(8);
      expect(await page.locator('#timings tbody').textContent()).toMatch(/ONNX Runtime Web.*ms.*convnet-ts.*ms/s);

      // nothing came from another origin (no CDN: ORT's kernels are a build asset), and the console stayed clean
      const origin = new URL(url).origin;
      expect(requests.filter((r) => new URL(r).origin !== origin && !r.startsWith('blob:'))).toEqual([]);
      expect(requests.some((r) => /ort-wasm-simd-threaded.*\.wasm$/.test(r))).toBe(true);
      expect(consoleProblems).toEqual([]);
      console.log(
        `onnx-web: max diff ${await num('max-diff')} (max |y| ${maxAbs}), threads ${await num('threads')}; ` +
          `batch 1: ORT ${(await num('ort-ms1')).toFixed(2)} ms, convnet-ts ${(await num('convnet-ms1')).toFixed(2)} ms; ` +
          `batch 256: ORT ${(await num('ort-ms-n')).toFixed(2)} ms, convnet-ts ${(await num('convnet-ms-n')).toFixed(2)} ms`,
      );
      await page.close();
    }, 40_000);
  },
);
