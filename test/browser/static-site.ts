/**
 * A page built by Vite and served the way `npm run playground` serves it: `vite build` of a config
 * into `site`, then `scripts/playground-serve.mjs` (cross-origin isolation headers and the strict
 * Content-Security-Policy) on a free port. Used by the playground's and the ONNX example's tests.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds the page of `config` (relative to the repository root) into `site` and serves it; resolves to its URL and the server process. */
export async function buildAndServe(config: string, site: string): Promise<{ url: string; server: ChildProcess }> {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', config, '--outDir', site, '--logLevel', 'error'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const server = spawn(process.execPath, [join(ROOT, 'scripts', 'playground-serve.mjs'), '--dir', site, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((done, fail) => {
    let text = '';
    server.stdout?.on('data', (d: Buffer) => {
      text += String(d);
      const m = /http:\/\/\S+\//.exec(text);
      if (m !== null) done(m[0]);
    });
    server.once('exit', (code) => fail(new Error(`the server exited with ${code}: ${text}`)));
  });
  return { url, server };
}
