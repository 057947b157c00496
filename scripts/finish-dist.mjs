// Completes dist/ after `tsc -p tsconfig.build.json` (the last step of `npm run build`):
//   - copies the compiled kernels, src/backend/wasm/kernels-*.wasm, beside dist/backend/wasm/module.js,
//     which reads them in Node;
//   - copies the generated ONNX protobuf coders, src/io/onnx/proto/*.generated.{js,d.ts} (plain
//     JavaScript that tsc does not compile), beside the schema module that imports them;
//   - removes the source map of the base64 kernels module (data: nothing to step through, and
//     200 KB of base64 again in its sourcesContent) and the comment that points to it;
//   - removes what an earlier build left for a source file that no longer exists, so that dist/
//     (and the package, which `prepack` builds) holds exactly what src/ compiles to.
//
//   node scripts/finish-dist.mjs
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

const wasmSrc = join(src, 'backend/wasm');
const wasmDist = join(dist, 'backend/wasm');
const kernelFiles = readdirSync(wasmSrc).filter((f) => /^kernels-.*\.wasm$/.test(f));
if (kernelFiles.length === 0) throw new Error('finish-dist: no src/backend/wasm/kernels-*.wasm: run scripts/build-wasm.mjs first');
for (const f of kernelFiles) copyFileSync(join(wasmSrc, f), join(wasmDist, f));

const protoSrc = join(src, 'io/onnx/proto');
const protoDist = join(dist, 'io/onnx/proto');
mkdirSync(protoDist, { recursive: true });
const protoFiles = readdirSync(protoSrc).filter((f) => /\.generated\.(js|d\.ts)$/.test(f));
if (protoFiles.length !== 2)
  throw new Error('finish-dist: expected src/io/onnx/proto/onnx-subset.generated.{js,d.ts}: run npm run gen:onnx-proto');
for (const f of protoFiles) copyFileSync(join(protoSrc, f), join(protoDist, f));

const base64Module = join(wasmDist, 'kernels.generated.js');
writeFileSync(base64Module, readFileSync(base64Module, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
rmSync(`${base64Module}.map`, { force: true });

/** The source a file of dist/ was compiled from (`x.js`, `x.d.ts`, `x.js.map` → `src/x.ts`), or null for the copied files. */
function sourceOf(file) {
  if (/^kernels-.*\.wasm$/.test(file.split('/').pop())) return null;
  if (/\.generated\.(js|d\.ts)$/.test(file) && file.startsWith('io/onnx/proto/')) return join(src, file);
  return join(src, file.replace(/(\.d\.ts|\.js\.map|\.js|\.d\.ts\.map)$/, '.ts'));
}
let removed = 0;
for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  const path = join(dist, file);
  if (!statSync(path).isFile()) continue;
  const source = sourceOf(file);
  if (source !== null && !existsSync(source)) {
    rmSync(path);
    removed++;
  }
}
console.log(
  `finish-dist: ${kernelFiles.length} kernel files and ${protoFiles.length} ONNX coder files copied${removed > 0 ? `, ${removed} stale files removed` : ''}`,
);
