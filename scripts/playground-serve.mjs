#!/usr/bin/env node
// Serves the built playground (build/playground/, made by `npm run playground:build`) on
// localhost with the headers it is meant to run under: Cross-Origin-Opener-Policy and
// Cross-Origin-Embedder-Policy, which make the page cross-origin isolated so that the wasm
// kernels run on a pool of Web Workers, and a strict Content-Security-Policy. Prints the URL and
// serves until Ctrl-C.
//
//   node scripts/playground-serve.mjs [--dir DIR] [--port N] [--host HOST]
//
// Port 0 picks a free port; the default 5173 moves on to the next free one when taken.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Content-Security-Policy of the page: its own scripts, wasm compilation, Blob-URL workers (the kernels' thread pool). */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:";

/** The headers of every response: cross-origin isolation (SharedArrayBuffer, the thread pool) and the CSP. */
export const HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.bin': 'application/octet-stream',
};

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: join(ROOT, 'build', 'playground') },
    port: { type: 'string', default: '5173' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
const dir = resolve(values.dir);
if (!existsSync(join(dir, 'index.html'))) {
  console.error(`playground: ${join(dir, 'index.html')} is missing; build it first with npm run playground:build`);
  process.exit(1);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`playground: --port must be an integer in [0, 65535], got ${values.port}`);
  process.exit(1);
}

const server = createServer((req, res) => {
  let path;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400, HEADERS).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, HEADERS).end();
    return;
  }
  const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { ...HEADERS, 'content-type': type, 'content-length': statSync(file).size });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
});

/** Listens on `p`, moving on to the next port when the default one is taken. */
function listen(p, tries) {
  server.once('error', (e) => {
    if (e.code === 'EADDRINUSE' && tries > 0) listen(p + 1, tries - 1);
    else {
      console.error(`playground: cannot listen on ${values.host}:${p}: ${e.message}`);
      process.exit(1);
    }
  });
  server.listen(p, values.host, () => {
    const address = server.address();
    const host = values.host.includes(':') ? `[${values.host}]` : values.host;
    console.log(`playground: serving ${dir}`);
    console.log(`playground: http://${host}:${address.port}/  (cross-origin isolated; Ctrl-C to stop)`);
  });
}
listen(port, port === 0 ? 0 : 20);

process.on('SIGINT', () => {
  server.close();
  process.exit(0);
});
