/**
 * The package as a user gets it: `npm pack` of this checkout (from the dist/ that `npm test` builds
 * first, so `--ignore-scripts`; packing for real runs `prepack`, which builds), installed from the
 * tarball into a fresh project with `npm install <tgz> --offline`. Its dependencies are copied in
 * from this checkout's node_modules first, so no registry is needed. Checked there: no build step
 * runs on install, `import { tensor } from 'convnet-ts'` works (on wasm, synchronously) and so do
 * `convnet-ts/node` and the `convnet` binary, every source map ships its sources, every relative
 * link of the README resolves inside the package, the README says the package is ESM only, and a
 * browser bundle (Vite, the bundler the devDependencies bring) of an app that imports only `tensor`
 * carries none of the wasm kernels, while one that awaits `ready()` gets them in a chunk of their own.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, Record<string, string>>;
};
/** The lifecycle scripts npm runs when a package is installed. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];
/** The start of every wasm module in base64 ("\0asm"). */
const WASM_BASE64_MAGIC = 'AGFzbQ';

const app = mkdtempSync(join(tmpdir(), 'convnet-package-'));
const installed = join(app, 'node_modules', PKG.name);
let installLog = '';

function run(command: string, args: string[], cwd: string): { code: number | null; out: string; stdout: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/: run npm run build first').toBe(true);
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', app], ROOT);
  expect(pack.code, pack.out).toBe(0);
  // stdout only: npm may warn on stderr (about the project's .npmrc settings for other packages' install scripts)
  const tarball = join(app, (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string }[])[0].filename);
  for (const dep of Object.keys(PKG.dependencies))
    cpSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: PKG.dependencies }));
  const install = run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--foreground-scripts'], app);
  installLog = install.out;
  expect(install.code, install.out).toBe(0);
}, 180_000);

afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('the package installed from its tarball', () => {
  it('installs without a build step: dist/ is in the tarball and no install script runs', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    for (const script of INSTALL_SCRIPTS) expect(manifest.scripts?.[script], `scripts.${script}`).toBeUndefined();
    expect(manifest.scripts?.prepack).toMatch(/npm run build/);
    expect(installLog).not.toMatch(/> convnet-ts@[\d.]+ (prepare|preinstall|install|postinstall|build)/);
    // the repository's own .npmrc (onnxruntime-node-install=skip, for a devDependency) is read here because the
    // app sits inside the repository, or reaches it as npm_config_* from an npm-run parent; npm never packs .npmrc
    const warnings = installLog
      .split('\n')
      .filter((l) => /npm warn/i.test(l) && !/Unknown (project|env) config "onnxruntime-node-install"/.test(l));
    expect(warnings).toEqual([]);
    for (const f of ['dist/index.js', 'dist/node.js', 'dist/cli/main.js', 'dist/backend/wasm/kernels-shared.wasm']) {
      expect(existsSync(join(installed, f)), f).toBe(true);
    }
  });

  it("import { tensor } from 'convnet-ts' works in Node, on wasm, with no await; so do convnet-ts/node and the convnet binary", () => {
    const script = [
      "import { tensor, getBackend } from 'convnet-ts';",
      "import { loadBundledDigits } from 'convnet-ts/node';",
      'const x = tensor([[1, 2], [3, 4]]);',
      'console.log(x.mul(x).sum().item(), getBackend(), loadBundledDigits().n);',
    ].join('\n');
    const r = run(process.execPath, ['--input-type=module', '-e', script], app);
    expect(r.code, r.out).toBe(0);
    expect(r.out.trim()).toMatch(/^30 (wasm|ref) 10000$/);
    if (process.env.CONVNET_ALLOW_NO_WASM !== '1') expect(r.out).toContain(' wasm ');
    const bin = join(app, 'node_modules', '.bin', 'convnet');
    // the binary starts Node with glibc's allocator keeping freed memory (as `npm run train` does)
    const shebang = readFileSync(bin, 'utf8').split('\n')[0];
    const scriptEnv = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.train;
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S (MALLOC_\w+_=\d+ )+node$/);
    for (const setting of shebang.match(/MALLOC_\w+_=\d+/g) ?? []) expect(scriptEnv).toContain(setting);
    const version = run(bin, ['--version'], app);
    expect(version.code, version.out).toBe(0);
    expect(version.out.trim()).toBe(PKG.version);
  });

  it('every source map ships its sources, and every sourceMappingURL names a file in the package', () => {
    const files = filesUnder(installed);
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(10);
    for (const f of maps) {
      const map = JSON.parse(readFileSync(join(installed, f), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      map.sources.forEach((source, i) => {
        const shipped = existsSync(join(installed, dirname(f), source)) || typeof map.sourcesContent?.[i] === 'string';
        expect(shipped, `${f}: source ${source} is neither in the package nor in sourcesContent`).toBe(true);
      });
    }
    for (const f of files.filter((g) => g.endsWith('.js'))) {
      const url = /\n\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(installed, f), 'utf8'))?.[1];
      if (url !== undefined) expect(existsSync(join(installed, dirname(f), url)), `${f} -> ${url}`).toBe(true);
    }
  });

  it("the README's relative links resolve inside the package", () => {
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^(https?:|mailto:|#)/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const target = join(installed, link.split('#')[0]);
      expect(relative(installed, target).startsWith('..'), link).toBe(false);
      expect(existsSync(target), `README link ${link} is not in the package`).toBe(true);
    }
  });

  it('is ESM only, and the README says so', () => {
    for (const [entry, conditions] of Object.entries(PKG.exports)) {
      if (typeof conditions === 'object') expect(Object.keys(conditions), entry).not.toContain('require');
    }
    expect(readFileSync(join(installed, 'README.md'), 'utf8')).toMatch(/ESM only/);
  });
});

describe('a browser bundle of an app (Vite)', () => {
  /** The chunks Vite makes of an app whose entry is `source`, bundled against the installed package. */
  async function bundle(name: string, source: string): Promise<{ fileName: string; code: string; isEntry: boolean; imports: string[] }[]> {
    const dir = join(app, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'app.js'), source);
    const out = await build({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      build: { write: false, minify: false, rollupOptions: { input: join(dir, 'app.js') } },
    });
    const outputs = Array.isArray(out) ? out : [out];
    return outputs.flatMap((o) => ('output' in o ? o.output : [])).flatMap((c) => (c.type === 'chunk' ? [c] : []));
  }

  it('of an app that imports only tensor carries none of the wasm kernels', async () => {
    const chunks = await bundle('only-tensor', "import { tensor } from 'convnet-ts';\nconsole.log(tensor([1, 2]).sum().item());\n");
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks) expect(c.code.includes(WASM_BASE64_MAGIC), c.fileName).toBe(false);
  }, 60_000);

  it('of an app that awaits ready() loads the kernels from a chunk of their own, not from its entry chunk', async () => {
    const chunks = await bundle(
      'with-ready',
      "import { ready, tensor } from 'convnet-ts';\nawait ready();\nconsole.log(tensor([1, 2]).sum().item());\n",
    );
    const entry = chunks.filter((c) => c.isEntry);
    expect(entry).toHaveLength(1);
    const statics = new Set([entry[0].fileName, ...entry[0].imports]);
    for (const c of chunks.filter((d) => statics.has(d.fileName))) expect(c.code.includes(WASM_BASE64_MAGIC), c.fileName).toBe(false);
    expect(chunks.filter((c) => !statics.has(c.fileName) && c.code.includes(WASM_BASE64_MAGIC))).toHaveLength(1);
  }, 60_000);
});
