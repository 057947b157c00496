/**
 * Doc-tests: every code block of README.md runs, so the README cannot drift from the API.
 *
 * The convention, for whoever edits the README:
 * - A ```ts or ```js block is a program of its own: an ES module run with Node against the built
 *   package (`import … from 'convnet-ts'` and `'convnet-ts/node'` resolve to dist/, as for a user;
 *   `npm test` builds first), after a type check against the package's declarations (strict).
 * - A block that is not self-contained says so in an HTML comment on the line before it:
 *   `<!-- doctest: continues -->` runs it after the ts block before it, in the same scope (it may use
 *   that block's names); `<!-- doctest: setup: CODE -->` runs CODE first (the imports, and inputs of
 *   the shapes the prose gives, for a fragment); `<!-- doctest: skip: REASON -->` skips it, and the
 *   test says so with the reason. Keep skips rare.
 * - A line `expr; // … value …` is checked: a tensor's `toArray()` (or an array) against the first
 *   nested-array literal `[[…]]` of its comment, to float32 precision, an object against an object
 *   literal that opens the comment (the keys it lists), a boolean against `true`/`false`. The comment
 *   may also stand alone on the next line.
 * - In a ```sh block, each `convnet …` line runs as a subprocess of dist/cli/main.js, in order, in
 *   one directory: `train` makes the lenet5.safetensors that `eval`, `predict` and `summary` read,
 *   `predict` gets a held-out digit as digit.png. `train` runs with `--limit 256 --epochs 1` added:
 *   the README's commands train for 15 epochs on 8,000 digits, too long for the suite (their full
 *   run is `npm run train`, and the training test in test/training). A command whose `--data`
 *   directory is missing (Fashion-MNIST) is skipped, saying so. Other sh lines (`npm ci`,
 *   `npm test`) are what `.ci/run` runs.
 * - Blocks without a language (sample output, the layer list) and ```python are not run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGrayPng } from '../../src/data/png.js';
import { loadSplits } from '../../src/data/splits.js';
import { type CodeBlock, EXPECT_PRELUDE, codeBlocks, withChecks } from './doctest.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const README = join(ROOT, 'README.md');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const blocks = codeBlocks(readFileSync(README, 'utf8'));

/** Languages whose blocks run, and those that are prose (output, listings) or another language. */
const PROGRAM_LANGS = new Set(['ts', 'typescript', 'js', 'javascript']);
const SHELL_LANGS = new Set(['sh', 'bash', 'shell']);
const NOT_RUN = new Set(['', 'python', 'text']);

/** One ts/js block as a program: its test title, its source (TypeScript), or why it is skipped. */
interface Program {
  block: CodeBlock;
  title: string;
  source: string | null;
  skip: string | null;
}

function programs(): Program[] {
  const out: Program[] = [];
  let previous: string | null = null;
  for (const block of blocks.filter((b) => PROGRAM_LANGS.has(b.lang))) {
    const firstLine = block.code.split('\n')[0].trim();
    const title = `README line ${block.line}: ${firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine}`;
    const m = block.marker;
    if (m?.kind === 'skip') {
      out.push({ block, title, source: null, skip: m.reason });
      continue;
    }
    const code = withChecks(block.code, block.line, 'README');
    let body: string;
    if (m?.kind === 'continues') {
      if (previous === null) throw new Error(`README line ${block.line}: 'continues' with no program before it`);
      body = `${previous}\n${code}`;
    } else body = m?.kind === 'setup' ? `${m.code}\n${code}` : code;
    previous = body;
    out.push({ block, title, source: `${body}\n${EXPECT_PRELUDE}`, skip: null });
  }
  return out;
}

const runnable = programs();
/** Where the programs are written: inside the repository, so that 'convnet-ts' resolves to it (a package may import itself by name). */
const workDir = join(ROOT, 'build', 'doctest');
const files = new Map<Program, string>();

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/: run npm run build first').toBe(true);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  runnable.forEach((p, i) => {
    if (p.source === null) return;
    const file = join(workDir, `block-${i}-line-${p.block.line}.ts`);
    writeFileSync(file, p.source);
    files.set(p, file);
  });
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('README.md', () => {
  it('has only code blocks of languages the doc-test knows', () => {
    const unknown = blocks.filter((b) => !PROGRAM_LANGS.has(b.lang) && !SHELL_LANGS.has(b.lang) && !NOT_RUN.has(b.lang));
    expect(unknown.map((b) => `line ${b.line}: ${b.lang}`)).toEqual([]);
    expect(runnable.length).toBeGreaterThan(5);
    // the value checks keep matching the README's comments (10 when this was written)
    const checks = runnable.map((p) => p.source?.match(/__expect\(/g)?.length ?? 0).reduce((a, b) => a + b, 0);
    expect(checks).toBeGreaterThanOrEqual(10);
  });

  it('every ts block type-checks against the built package (strict)', () => {
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    };
    const program = ts.createProgram([...files.values()], options);
    const messages = ts.getPreEmitDiagnostics(program).map((d) => {
      const where =
        d.file === undefined
          ? ''
          : `${d.file.fileName.replace(`${workDir}/`, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `;
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  }, 60_000);

  for (const p of runnable) {
    if (p.skip !== null) {
      it.skip(`${p.title} — skipped: ${p.skip}`, () => {});
      continue;
    }
    it(`${p.title} runs, and its commented values hold`, () => {
      const file = files.get(p)!;
      const js = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText;
      const mjs = file.replace(/\.ts$/, '.mjs');
      writeFileSync(mjs, js);
      const r = spawnSync(process.execPath, [mjs], { cwd: workDir, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    }, 120_000);
  }
});

describe('README.md: the convnet commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convnet-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const commands = blocks
    .filter((b) => SHELL_LANGS.has(b.lang))
    .flatMap((b) => b.code.split('\n').map((l, i) => ({ text: l.replace(/\s+#.*$/, '').trim(), line: b.line + 1 + i })))
    .filter((c) => c.text.startsWith('convnet '));

  it('shows every command that convnet --help lists', () => {
    const help = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' }).stdout;
    const listed = help
      .slice(help.indexOf('Commands:'))
      .split('\n')
      .slice(1)
      .map((l) => /^ {2}(\w+) /.exec(l)?.[1]);
    const names = listed.slice(0, listed.indexOf(undefined));
    expect(names).toContain('viz');
    expect(new Set(commands.map((c) => c.text.split(/\s+/)[1]))).toEqual(new Set(names));
  });

  for (const c of commands) {
    const args = c.text.split(/\s+/).slice(1);
    const data = args.includes('--data') ? args[args.indexOf('--data') + 1] : undefined;
    const shortened = args[0] === 'train' ? [...args, '--limit', '256', '--epochs', '1'] : args;
    const title = `README line ${c.line}: ${c.text}${args[0] === 'train' ? ' (with --limit 256 --epochs 1)' : ''}`;
    if (data !== undefined && !existsSync(data)) {
      it.skip(`${title} — skipped: ${data} is missing (apt-get install dataset-fashion-mnist)`, () => {});
      continue;
    }
    it(
      title,
      () => {
        if (args.includes('digit.png') && !existsSync(join(dir, 'digit.png'))) {
          writeGrayPng(join(dir, 'digit.png'), loadSplits(undefined, 1).heldOut.images.slice(0, 784), 28, 28);
        }
        const r = spawnSync(process.execPath, [MAIN, ...shortened], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
        expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
        if (args[0] === 'train') expect(r.stdout).toMatch(/held-out accuracy: [\d.]+%\n$/);
      },
      300_000,
    );
  }
});
