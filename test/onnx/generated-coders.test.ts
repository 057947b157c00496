/**
 * The ONNX protobuf coders (src/io/onnx/proto/onnx-subset.generated.js) are what protobufjs's
 * generator writes from onnx-subset.proto with the options of `npm run gen:onnx-proto`: the test
 * regenerates them into a temporary file and compares, so that the schema and the committed code
 * cannot drift apart. And they are plain code: no `Function(` or `eval(`, which a page's
 * Content-Security-Policy without 'unsafe-eval' would refuse (test/browser/onnx-web.test.ts
 * exports and imports under such a policy).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GENERATED = join(ROOT, 'src/io/onnx/proto/onnx-subset.generated.js');

it('onnx-subset.generated.js is what `npm run gen:onnx-proto` writes from onnx-subset.proto', () => {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
    'gen:onnx-proto'
  ];
  const dir = mkdtempSync(join(tmpdir(), 'convnet-onnx-proto-'));
  try {
    const out = join(dir, 'coders.js');
    const args = script
      .split(/\s+/)
      .slice(1)
      .map((a) => (a === 'src/io/onnx/proto/onnx-subset.generated.js' ? out : a));
    const r = spawnSync(join(ROOT, 'node_modules/.bin/pbjs'), args, { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(GENERATED, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it('the coders compile nothing at run time', () => {
  const code = readFileSync(GENERATED, 'utf8');
  expect(code).not.toMatch(/\bFunction\s*\(|\beval\s*\(/);
  expect(code).toMatch(/^import \$protobuf from "protobufjs\/minimal\.js";$/m);
});
