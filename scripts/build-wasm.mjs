// Builds the JS side's view of the wasm backend's AssemblyScript kernels (src/backend/wasm/assembly):
//   - src/backend/wasm/abi.generated.ts: descriptor layouts, op codes, tile sizes and the kernels'
//     signatures, read from the sources by scripts/wasm-abi.mjs (no compiler run), and the shared
//     memory's maximum size;
//   - the kernels compiled four times — for a shared memory (threads) and for a plain one, each with
//     and without relaxed SIMD (fused multiply-adds) — in two forms: src/backend/wasm/kernels-*.wasm,
//     which Node reads synchronously (so the first op needs no `await`), and
//     src/backend/wasm/kernels.generated.ts, the same bytes as base64 strings, which `ready()`
//     imports dynamically (so a browser bundle keeps them in a chunk of their own, loaded only
//     then, and a bundler needs no asset handling). Compiling is skipped when the sources, the
//     compiler version and the flags are those the files were built from (their hash is recorded).
// Run by `npm run build` and `npm run typecheck` before tsc; exits non-zero if asc fails.
// scripts/finish-dist.mjs copies the .wasm files into dist/ after tsc.
//
//   node scripts/build-wasm.mjs [--force]
import asc from 'assemblyscript/asc';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAbi } from './wasm-abi.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assemblyDir = join(root, 'src/backend/wasm/assembly');
const entry = 'src/backend/wasm/assembly/index.ts';
const kernelsTarget = join(root, 'src/backend/wasm/kernels.generated.ts');
const abiTarget = join(root, 'src/backend/wasm/abi.generated.ts');
const wasmDir = join(root, 'src/backend/wasm');

/** The maximum memory a shared module declares, in 64 KiB pages (4 GiB). */
const MAX_PAGES = 65536;

const common = ['-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '--importMemory', '--noExportMemory'];
const shared = ['--enable', 'threads', '--sharedMemory', '--maximumMemory', String(MAX_PAGES)];
/** A shared memory (threads) or a plain one, each with and without relaxed SIMD (fused multiply-adds, assembly/madd.ts). */
const variants = {
  shared: [...common, ...shared],
  plain: common,
  sharedFma: [...common, ...shared, '--enable', 'relaxed-simd'],
  plainFma: [...common, '--enable', 'relaxed-simd'],
};

/** The file of each variant in src/backend/wasm/ (and dist/backend/wasm/), as src/backend/wasm/module.ts names them. */
const wasmFile = (name) => `kernels-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.wasm`;

/** Writes `text` to `path` unless it already holds exactly that (so tsc and vitest see no change). */
function writeIfChanged(path, text) {
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // first build
  }
  if (old !== text) writeFileSync(path, text);
}

/** A hash of everything the binaries depend on: the sources, the compiler's version and the flags. */
function inputsHash() {
  const hash = createHash('sha256');
  const version = createRequire(import.meta.url)('assemblyscript/package.json').version;
  hash.update(`asc ${version}\n${JSON.stringify(variants)}\n${MAX_PAGES}\n`);
  for (const file of readdirSync(assemblyDir).sort()) hash.update(`${file}\n${readFileSync(join(assemblyDir, file), 'utf8')}\n`);
  return hash.digest('hex');
}

async function compile(name, flags) {
  let binary = null;
  const { error, stderr } = await asc.main([entry, '--baseDir', root, '--outFile', 'kernels.wasm', ...flags], {
    writeFile(file, contents) {
      if (file.endsWith('.wasm')) binary = contents;
    },
  });
  if (error || binary === null) {
    process.stderr.write(stderr.toString());
    throw new Error(`build-wasm: asc failed for the ${name} variant: ${error ? error.message : 'no binary written'}`);
  }
  return Buffer.from(binary);
}

try {
  const maxPages = { name: 'SHARED_MAX_PAGES', value: MAX_PAGES, doc: 'The maximum memory (64 KiB pages) the shared variants declare.' };
  writeIfChanged(abiTarget, generateAbi(assemblyDir, [maxPages]));
  const hash = inputsHash();
  const stamp = `// Inputs hash: ${hash}`;
  let previous = '';
  try {
    previous = readFileSync(kernelsTarget, 'utf8');
  } catch {
    // first build
  }
  const filesPresent = Object.keys(variants).every((name) => existsSync(join(wasmDir, wasmFile(name))));
  if (!process.argv.includes('--force') && previous.includes(`\n${stamp}\n`) && filesPresent) {
    console.log('build-wasm: kernels up to date');
  } else {
    const binaries = {};
    for (const [name, flags] of Object.entries(variants)) binaries[name] = await compile(name, flags);
    for (const [name, binary] of Object.entries(binaries)) writeFileSync(join(wasmDir, wasmFile(name)), binary);
    const constant = (name, what) =>
      `/** The kernels compiled for ${what}, base64 (${binaries[name].length} bytes). */\n` +
      `export const ${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_WASM_BASE64: string = '${binaries[name].toString('base64')}';\n`;
    writeIfChanged(
      kernelsTarget,
      `// Generated by scripts/build-wasm.mjs from src/backend/wasm/assembly — do not edit.
${stamp}
${constant('shared', 'a shared memory (threads)')}${constant('plain', 'a plain memory (one thread)')}${constant('sharedFma', 'a shared memory, with relaxed SIMD')}${constant('plainFma', 'a plain memory, with relaxed SIMD')}`,
    );
    console.log(
      `build-wasm: ${Object.values(binaries)
        .map((b) => b.length)
        .join(' + ')} bytes of wasm -> src/backend/wasm/kernels-*.wasm and kernels.generated.ts`,
    );
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
