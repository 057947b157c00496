/**
 * The playground page end to end, in a real browser: Debian's headless Chromium (/usr/bin/chromium,
 * driven by playwright-core; no browser is downloaded) opens the page built by vite and served by
 * `scripts/playground-serve.mjs`, with the headers `npm run playground` serves it under:
 * cross-origin isolation and the strict Content-Security-Policy of the issue. The test then uses
 * the page as a person would — it clicks Start, draws with the mouse, sets the explorer's fields,
 * downloads and uploads model files — and checks what the page shows against the library run in
 * Node and against the `convnet` CLI as a subprocess:
 *
 * - the page loads with no console error and reports its backend and thread count;
 * - training 100 batches brings the loss down and held-out accuracy above 80%;
 * - the feature-map and filter canvases are drawn (not blank) and change with training;
 * - a stroke on the drawing canvas gives a prediction;
 * - the explorer's output size equals the formula and its values equal `F.conv2d`, `F.convolve2d`,
 *   `F.convTranspose2d`, `F.maxPool2d`, `F.avgPool2d` in Node, for a table of 24 choices (every
 *   padding kind, stride, dilation, transposed with outputPadding, pooling); an invalid choice shows
 *   the library's own error message;
 * - a model downloaded from the page gives, under `convnet eval`, the held-out count the page showed;
 *   a model trained by `convnet train` loads in the page, which then shows the count `convnet eval`
 *   gives;
 * - at 360 px the page does not scroll sideways, and every control has a label.
 *
 * It writes a screenshot of each panel to build/playground-screenshots/ (to docs/playground/, the
 * README's pictures, with CONVNET_SCREENSHOTS=docs). Machines without Chromium skip it, saying why.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { F, Tensor } from '../../src/index.js';
import { convOutputSize, convTransposeOutputSize, poolOutputSize } from '../../src/geometry/output-size.js';
import { buildAndServe } from './static-site.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const SCREENSHOTS =
  process.env.CONVNET_SCREENSHOTS === 'docs' ? join(ROOT, 'docs', 'playground') : join(ROOT, 'build', 'playground-screenshots');

/** The CSP `npm run playground` serves the page under (and the issue asks the page to work under). */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:";

/** Runs `convnet ARGS…` and returns its exit code and output. */
function convnet(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The `(correct/count)` of `convnet eval`'s accuracy line. */
function evalCount(stdout: string): { correct: number; count: number } {
  const m = /^accuracy: [\d.]+% \((\d+)\/(\d+)\)$/m.exec(stdout);
  if (m === null) throw new Error(`no accuracy line in:\n${stdout}`);
  return { correct: Number(m[1]), count: Number(m[2]) };
}

/** A hash of the pixels of every canvas under `selector`, and how many of them hold one colour only. */
async function canvasState(page: Page, selector: string): Promise<{ count: number; blank: number; hash: string }> {
  const pixels = await page.$$eval(selector, (canvases) =>
    (canvases as HTMLCanvasElement[]).map((c) => {
      // read through a copy made for reading, so that the readback warns nothing in the page's console
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const context = copy.getContext('2d', { willReadFrequently: true });
      context?.drawImage(c, 0, 0);
      const data = context?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let distinct = 0;
      for (let i = 4; i < data.length && distinct === 0; i += 4) {
        if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3]) distinct = 1;
      }
      return { distinct, bytes: Array.from(data) };
    }),
  );
  const hash = createHash('sha256');
  for (const p of pixels) hash.update(Uint8Array.from(p.bytes));
  return { count: pixels.length, blank: pixels.filter((p) => p.distinct === 0).length, hash: hash.digest('hex') };
}

/** One choice in the explorer. */
interface ExplorerCase {
  mode: 'xcorr' | 'convolve' | 'transposed' | 'maxpool' | 'avgpool';
  n: number;
  m: number;
  stride: number;
  dilation?: number;
  padding: 'narrow' | 'wide' | 'equal' | number | [number, number, number, number];
  outputPadding?: number;
}

/** Every padding kind, strides, dilations, transposed convolutions with outputPadding, and pooling. */
const EXPLORER_CASES: ExplorerCase[] = [
  { mode: 'xcorr', n: 6, m: 3, stride: 1, padding: 'narrow' },
  { mode: 'xcorr', n: 6, m: 3, stride: 1, padding: 'wide' },
  { mode: 'xcorr', n: 6, m: 3, stride: 1, padding: 'equal' },
  { mode: 'xcorr', n: 7, m: 3, stride: 2, padding: 1 },
  { mode: 'xcorr', n: 8, m: 3, stride: 3, padding: 2 },
  { mode: 'xcorr', n: 7, m: 3, stride: 1, dilation: 2, padding: 'narrow' },
  { mode: 'xcorr', n: 9, m: 3, stride: 1, dilation: 2, padding: 'equal' },
  { mode: 'xcorr', n: 6, m: 2, stride: 1, dilation: 3, padding: 'wide' },
  { mode: 'xcorr', n: 6, m: 3, stride: 1, padding: [1, 0, 2, 1] },
  { mode: 'xcorr', n: 5, m: 5, stride: 1, padding: 'narrow' },
  { mode: 'convolve', n: 6, m: 3, stride: 1, padding: 'narrow' },
  { mode: 'convolve', n: 5, m: 3, stride: 1, padding: 'wide' },
  { mode: 'convolve', n: 7, m: 3, stride: 1, dilation: 2, padding: 'equal' },
  { mode: 'convolve', n: 8, m: 2, stride: 2, dilation: 2, padding: 2 },
  { mode: 'convolve', n: 6, m: 4, stride: 2, padding: [0, 1, 1, 0] },
  { mode: 'transposed', n: 3, m: 3, stride: 2, padding: 0 },
  { mode: 'transposed', n: 3, m: 3, stride: 2, padding: 1, outputPadding: 1 },
  { mode: 'transposed', n: 4, m: 2, stride: 3, padding: 0, outputPadding: 2 },
  { mode: 'transposed', n: 3, m: 3, stride: 1, dilation: 2, padding: 1, outputPadding: 1 },
  { mode: 'transposed', n: 4, m: 3, stride: 2, padding: [1, 0, 0, 1] },
  { mode: 'transposed', n: 5, m: 3, stride: 1, padding: 0 },
  { mode: 'maxpool', n: 6, m: 2, stride: 2, padding: 'narrow' },
  { mode: 'maxpool', n: 7, m: 3, stride: 2, padding: 1 },
  { mode: 'avgpool', n: 6, m: 2, stride: 2, padding: 'narrow' },
  { mode: 'avgpool', n: 5, m: 3, stride: 1, padding: 1 },
];

/** `[top, bottom, left, right]` of a case, by the notes' definitions (S3, S19): wide p = m' − 1, equal-width p = (m' − 1)/2. */
function pads(c: ExplorerCase): [number, number, number, number] {
  const mEff = c.m + (c.m - 1) * ((c.dilation ?? 1) - 1);
  if (Array.isArray(c.padding)) return c.padding;
  const p = c.padding === 'narrow' ? 0 : c.padding === 'wide' ? mEff - 1 : c.padding === 'equal' ? (mEff - 1) / 2 : c.padding;
  return [p, p, p, p];
}

/** The output size by the formulas of src/geometry/output-size.ts: `[rows, cols]`. */
function formulaSize(c: ExplorerCase): [number, number] {
  const [t, b, l, r] = pads(c);
  const d = c.dilation ?? 1;
  if (c.mode === 'transposed') {
    return [
      convTransposeOutputSize(c.n, c.m, c.stride, t, b, d, c.outputPadding ?? 0),
      convTransposeOutputSize(c.n, c.m, c.stride, l, r, d, c.outputPadding ?? 0),
    ];
  }
  if (c.mode === 'maxpool' || c.mode === 'avgpool')
    return [poolOutputSize(c.n, c.m, c.stride, t, false), poolOutputSize(c.n, c.m, c.stride, l, false)];
  return [convOutputSize(c.n, c.m, c.stride, t, b, d), convOutputSize(c.n, c.m, c.stride, l, r, d)];
}

/** The op of the case computed in Node on the page's input and kernel. */
function nodeOutput(c: ExplorerCase, x: number[], w: number[]): Tensor {
  const input = new Tensor(Float32Array.from(x), [1, 1, c.n, c.n]);
  const kernel = (): Tensor => new Tensor(Float32Array.from(w), [1, 1, c.m, c.m]);
  const dilation = c.dilation ?? 1;
  switch (c.mode) {
    case 'xcorr':
      return F.conv2d(input, kernel(), null, { stride: c.stride, padding: c.padding, dilation });
    case 'convolve':
      return F.convolve2d(input, kernel(), null, { stride: c.stride, padding: c.padding, dilation });
    case 'transposed': {
      const padding = typeof c.padding === 'string' ? pads(c)[0] : c.padding;
      return F.convTranspose2d(input, kernel(), null, { stride: c.stride, padding, dilation, outputPadding: c.outputPadding ?? 0 });
    }
    case 'maxpool':
      return F.maxPool2d(input, { kernelSize: c.m, stride: c.stride, padding: pads(c)[0] });
    case 'avgpool':
      return F.avgPool2d(input, { kernelSize: c.m, stride: c.stride, padding: pads(c)[0] });
  }
}

/** Sets the explorer's fields to a case (mode first: it decides which padding kinds are offered). */
async function setExplorer(page: Page, c: ExplorerCase): Promise<void> {
  await page.selectOption('#ex-mode', c.mode);
  await page.fill('#ex-n', String(c.n));
  await page.fill('#ex-m', String(c.m));
  await page.fill('#ex-stride', String(c.stride));
  if (await page.isEnabled('#ex-dilation')) await page.fill('#ex-dilation', String(c.dilation ?? 1));
  if (Array.isArray(c.padding)) {
    await page.selectOption('#ex-padding-kind', 'asymmetric');
    const ids = ['#ex-pad-top', '#ex-pad-bottom', '#ex-pad-left', '#ex-pad-right'];
    for (let k = 0; k < 4; k++) await page.fill(ids[k], String(c.padding[k]));
  } else if (typeof c.padding === 'number') {
    await page.selectOption('#ex-padding-kind', 'number');
    await page.fill('#ex-p', String(c.padding));
  } else {
    await page.selectOption('#ex-padding-kind', c.padding);
  }
  if (c.mode === 'transposed') await page.fill('#ex-output-padding', String(c.outputPadding ?? 0));
  await page.click('#ex-all');
}

/** What the explorer shows: its input and kernel values, the output size and values, the formula text and any error. */
async function readExplorer(page: Page): Promise<{
  x: number[];
  w: number[];
  rows: number;
  cols: number;
  out: (number | null)[];
  formulas: string;
  error: string | null;
}> {
  return page.evaluate(() => {
    const x: number[] = [];
    const cells = Array.from(document.querySelectorAll<HTMLElement>('#explorer-input .cell.input'));
    const n = Math.sqrt(cells.length);
    for (const cell of cells) x[Number(cell.dataset.i) * n + Number(cell.dataset.j)] = Number(cell.dataset.value);
    const w = Array.from(document.querySelectorAll<HTMLElement>('#explorer-kernel .cell.kernel'), (c) => Number(c.dataset.value));
    const size = document.getElementById('explorer-size') as HTMLElement;
    const out = Array.from(document.querySelectorAll<HTMLElement>('#explorer-output .cell.out'), (c) =>
      c.dataset.value === undefined ? null : Number(c.dataset.value),
    );
    const error = document.getElementById('explorer-error') as HTMLElement;
    return {
      x,
      w,
      rows: Number(size.dataset.rows ?? -1),
      cols: Number(size.dataset.cols ?? -1),
      out,
      formulas: (document.getElementById('explorer-formulas') as HTMLElement).innerText,
      error: error.hidden ? null : error.textContent,
    };
  });
}

describe.skipIf(!existsSync(CHROMIUM))(
  `the playground in Chromium${existsSync(CHROMIUM) ? '' : ' (skipped: no /usr/bin/chromium)'}`,
  () => {
    let dir: string;
    let server: ChildProcess;
    let url: string;
    let browser: Browser;
    let page: Page;
    const consoleProblems: string[] = [];
    const headers: Record<string, string> = {};

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'convnet-playground-'));
      const site = join(dir, 'site');
      ({ url, server } = await buildAndServe('playground/vite.config.ts', site));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => consoleProblems.push(`uncaught: ${e.message}`));
      page.on('response', (r) => {
        if (r.url() === url) Object.assign(headers, r.headers());
      });
      mkdirSync(SCREENSHOTS, { recursive: true });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      server?.kill();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('loads under the strict CSP, cross-origin isolated, and says which backend and how many threads it got', async () => {
      await page.goto(url);
      expect(headers['content-security-policy']).toBe(CSP);
      expect(headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
      const status = page.locator('#backend-status');
      await page.waitForFunction(() => (document.getElementById('backend-status') as HTMLElement).dataset.backend !== undefined, null, {
        timeout: 60_000,
      });
      expect(await status.getAttribute('data-backend')).toBe('wasm');
      expect(await status.getAttribute('data-isolated')).toBe('true');
      const threads = Number(await status.getAttribute('data-threads'));
      expect(threads).toBeGreaterThanOrEqual(1);
      expect(await status.textContent()).toContain(`${threads} thread${threads === 1 ? '' : 's'}`);
      expect(await status.textContent()).toContain('8,000 training and 2,000 held-out digits');
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    }, 90_000);

    let before: { maps: Awaited<ReturnType<typeof canvasState>>; filters: Awaited<ReturnType<typeof canvasState>> };

    it('draws the feature maps and filters of the untrained network', async () => {
      await page.waitForFunction(
        () => document.querySelectorAll('#stages canvas').length > 0 && document.querySelectorAll('#filters canvas').length > 0,
      );
      await page.waitForTimeout(300);
      before = { maps: await canvasState(page, '#stages canvas'), filters: await canvasState(page, '#filters canvas') };
      // classic LeNet-5: C1 6, S2 6, C3 16, S4 16, C5 120, F6 84, output 10 → at least the 6 + 16 maps of C1 and C3
      expect(before.maps.count).toBeGreaterThanOrEqual(22);
      // C1's 6 filters and C3's 60: one per link of the table (SPEC S7), not 16 × 6
      expect(before.filters.count).toBe(6 + 60);
      expect(before.filters.blank).toBe(0);
      // a map may be flat where the digit is empty, but not most of them
      expect(before.maps.blank).toBeLessThan(before.maps.count / 2);
      await page.locator('#inside').screenshot({ path: join(SCREENSHOTS, 'inside-untrained.png') });
    });

    it('trains 100 batches: the loss goes down, held-out accuracy passes 80%, maps and filters change', async () => {
      await page.fill('#set-eval-every', '25');
      await page.click('#btn-start');
      await page.waitForFunction(
        () => {
          const rows = document.querySelectorAll<HTMLElement>('#curve-table tbody tr');
          return rows.length > 0 && Number(rows[rows.length - 1].dataset.batches) >= 100;
        },
        null,
        { timeout: 120_000 },
      );
      await page.click('#btn-pause');
      await page.waitForFunction(() => (document.getElementById('train-status') as HTMLElement).dataset.state === 'paused');
      const rows = await page.$$eval('#curve-table tbody tr', (trs) =>
        (trs as HTMLElement[]).map((r) => ({
          batches: Number(r.dataset.batches),
          trainLoss: Number(r.dataset.trainLoss),
          heldOutLoss: Number(r.dataset.heldOutLoss),
          heldOutAccuracy: Number(r.dataset.heldOutAccuracy),
        })),
      );
      const first = rows[0];
      const last = rows[rows.length - 1];
      expect(first.batches).toBe(0);
      expect(last.batches).toBeGreaterThanOrEqual(100);
      expect(last.heldOutLoss).toBeLessThan(first.heldOutLoss / 2);
      const trained = rows.filter((r) => r.batches > 0 && Number.isFinite(r.trainLoss));
      expect(trained.length).toBeGreaterThanOrEqual(3);
      expect(trained[trained.length - 1].trainLoss).toBeLessThan(trained[0].trainLoss);
      expect(last.heldOutAccuracy).toBeGreaterThan(0.8);
      // the curves are drawn: uPlot's canvases, one per chart, not blank
      const charts = await canvasState(page, '.chart canvas');
      expect(charts.count).toBe(2);
      expect(charts.blank).toBe(0);
      expect(await page.textContent('#train-status')).toMatch(/images\/s/);

      await page.waitForTimeout(500);
      const maps = await canvasState(page, '#stages canvas');
      const filters = await canvasState(page, '#filters canvas');
      expect(maps.hash).not.toBe(before.maps.hash);
      expect(filters.hash).not.toBe(before.filters.hash);
      expect(filters.blank).toBe(0);
      await page.locator('#train').screenshot({ path: join(SCREENSHOTS, 'train.png') });
      await page.locator('#inside').screenshot({ path: join(SCREENSHOTS, 'inside.png') });
    }, 150_000);

    it('shows a misclassified held-out digit in one click', async () => {
      const thumb = page.locator('#misclassified-list button').first();
      await thumb.waitFor();
      const index = await thumb.getAttribute('data-index');
      await thumb.click();
      await expect.poll(() => page.inputValue('#held-out-index')).toBe(index);
      await expect.poll(() => page.textContent('#inside-caption')).toMatch(/predicted/);
    });

    it('predicts a digit drawn with the mouse, and with a finger', async () => {
      await page.locator('#draw').scrollIntoViewIfNeeded();
      const box = await page.locator('#draw-canvas').boundingBox();
      if (box === null) throw new Error('the drawing canvas is not shown');
      // a "1": one vertical stroke in the middle
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
      await page.mouse.down();
      for (let k = 1; k <= 20; k++)
        await page.mouse.move(box.x + box.width * (0.5 - 0.02 * (k / 20)), box.y + box.height * (0.15 + 0.7 * (k / 20)));
      await page.mouse.up();
      await expect.poll(() => page.getAttribute('#draw-prediction', 'data-prediction'), { timeout: 15_000 }).toMatch(/^\d$/);
      expect(await page.textContent('#draw-prediction')).toContain(String(await page.getAttribute('#draw-prediction', 'data-prediction')));
      expect(await page.locator('#draw-probs .prob-row').count()).toBe(10);
      // a network at 80-90% held-out reads one straight stroke as a 1 once the drawing is preprocessed as MNIST was
      expect(await page.getAttribute('#draw-prediction', 'data-prediction')).toBe('1');
      const preview = await canvasState(page, '#draw-preview');
      expect(preview.blank).toBe(0);
      await page.locator('#draw').screenshot({ path: join(SCREENSHOTS, 'draw.png') });

      // the same stroke with a finger: touch events, as a phone sends them
      await page.click('#btn-clear');
      await expect.poll(() => page.getAttribute('#draw-prediction', 'data-prediction')).toBeNull();
      const cdp = await page.context().newCDPSession(page);
      const point = (fx: number, fy: number): { x: number; y: number } => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point(0.5, 0.15)] });
      for (let k = 1; k <= 20; k++) {
        await cdp.send('Input.dispatchTouchEvent', {
          type: 'touchMove',
          touchPoints: [point(0.5 - 0.02 * (k / 20), 0.15 + 0.7 * (k / 20))],
        });
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      await expect.poll(() => page.getAttribute('#draw-prediction', 'data-prediction'), { timeout: 15_000 }).toBe('1');
      await cdp.detach();
    });

    it(`the explorer's output size equals the formula and its values equal the library's in Node, for ${EXPLORER_CASES.length} choices`, async () => {
      await page.locator('#explorer').scrollIntoViewIfNeeded();
      for (const c of EXPLORER_CASES) {
        await setExplorer(page, c);
        const shown = await readExplorer(page);
        const what = JSON.stringify(c);
        expect(shown.error, what).toBeNull();
        expect(shown.x, what).toHaveLength(c.n * c.n);
        if (c.mode !== 'maxpool' && c.mode !== 'avgpool') expect(shown.w, what).toHaveLength(c.m * c.m);
        const [rows, cols] = formulaSize(c);
        expect([shown.rows, shown.cols], what).toEqual([rows, cols]);
        // the formula line ends with the output size, the numbers plugged in
        expect(shown.formulas, what).toMatch(new RegExp(`= ${rows}\\b`));
        const y = nodeOutput(c, shown.x, c.mode === 'maxpool' || c.mode === 'avgpool' ? [] : shown.w);
        expect(y.shape, what).toEqual([1, 1, rows, cols]);
        expect(shown.out, what).toHaveLength(rows * cols);
        for (let i = 0; i < rows * cols; i++) expect(shown.out[i], `${what} output ${i}`).toBeCloseTo(y.data[i], 5);
      }
      await setExplorer(page, { mode: 'transposed', n: 3, m: 3, stride: 2, padding: 1, outputPadding: 1 });
      await page.locator('#explorer').screenshot({ path: join(SCREENSHOTS, 'explorer.png') });
    }, 120_000);

    it("an invalid choice explains itself with the library's error message", async () => {
      const bad: ExplorerCase = { mode: 'xcorr', n: 3, m: 5, stride: 1, padding: 'narrow' };
      await setExplorer(page, bad);
      const shown = await readExplorer(page);
      let expected = '';
      try {
        nodeOutput(bad, shown.x, shown.w);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).not.toBe('');
      expect(shown.error).toBe(expected);
      // outputPadding must be smaller than the stride or the dilation
      const badTransposed: ExplorerCase = { mode: 'transposed', n: 3, m: 3, stride: 1, padding: 0, outputPadding: 1 };
      await setExplorer(page, badTransposed);
      const t = await readExplorer(page);
      let expectedT = '';
      try {
        nodeOutput(badTransposed, t.x, t.w);
      } catch (e) {
        expectedT = (e as Error).message;
      }
      expect(expectedT).toMatch(/outputPadding/);
      expect(t.error).toBe(expectedT);
    });

    it('a model downloaded from the page gives, under convnet eval, the held-out count the page shows', async () => {
      await page.locator('#train').scrollIntoViewIfNeeded();
      const status = page.locator('#model-status');
      const correct = Number(await status.getAttribute('data-correct'));
      const count = Number(await status.getAttribute('data-count'));
      expect(count).toBe(2000);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-download')]);
      expect(download.suggestedFilename()).toMatch(/\.safetensors$/);
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const r = convnet('eval', file);
      expect(r.code, r.stderr).toBe(0);
      expect(evalCount(r.stdout)).toEqual({ correct, count });
    }, 60_000);

    it('a model trained by convnet train loads in the page, which shows the count convnet eval gives', async () => {
      const file = join(dir, 'from-cli.safetensors');
      const trained = convnet('train', '--model', 'lenet5-modern', '--epochs', '1', '--limit', '2000', '-o', file);
      expect(trained.code, trained.stderr).toBe(0);
      const evaluated = convnet('eval', file);
      expect(evaluated.code, evaluated.stderr).toBe(0);
      await page.setInputFiles('#file-load', file);
      const status = page.locator('#model-status');
      await expect.poll(() => status.getAttribute('data-source'), { timeout: 30_000 }).toBe('from-cli.safetensors');
      await expect.poll(() => status.getAttribute('data-batches'), { timeout: 30_000 }).toBe('0');
      expect(await status.textContent()).toContain('lenet5-modern');
      expect({
        correct: Number(await status.getAttribute('data-correct')),
        count: Number(await status.getAttribute('data-count')),
      }).toEqual(evalCount(evaluated.stdout));
      expect(await page.inputValue('#set-model')).toBe('lenet5-modern');
    }, 120_000);

    it('at 360 px wide the page does not scroll sideways, and every control has a label', async () => {
      await page.setViewportSize({ width: 360, height: 800 });
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const unlabeled = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('input, select, button, canvas#draw-canvas'))
          .filter((el) => {
            const labels = (el as HTMLInputElement).labels;
            const named = (labels !== undefined && labels !== null && labels.length > 0) || el.getAttribute('aria-label') !== null;
            return !named && (el.textContent ?? '').trim() === '';
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabeled).toEqual([]);
      // the explorer can be driven from the keyboard: Enter on the step buttons, Tab between them
      await setExplorer(page, EXPLORER_CASES[0]);
      await page.focus('#ex-back');
      await page.keyboard.press('Enter');
      const position = Number(await page.inputValue('#ex-position'));
      expect(position).toBeGreaterThan(0);
      await page.keyboard.press('Enter');
      expect(Number(await page.inputValue('#ex-position'))).toBe(position - 1);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      expect(Number(await page.inputValue('#ex-position'))).toBe(position);
      await page.screenshot({ path: join(SCREENSHOTS, 'narrow.png') });
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('wrote no console error or warning, and wrote a screenshot of each panel', () => {
      expect(consoleProblems).toEqual([]);
      expect(readdirSync(SCREENSHOTS).sort()).toEqual(expect.arrayContaining(['draw.png', 'explorer.png', 'inside.png', 'train.png']));
    });
  },
);
