// Formats the AssemblyScript kernels (src/backend/wasm/assembly) with Prettier and the project's
// settings. Prettier's TypeScript parser rejects AssemblyScript's decorators on functions
// (`@inline`), so each decorator line becomes a placeholder comment for the formatting and is put
// back after it; everything else is Prettier's own output.
//
//   node scripts/format-assembly.mjs           rewrite the files that are not formatted
//   node scripts/format-assembly.mjs --check   list them and exit 1 (npm run lint)
import * as prettier from 'prettier';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'src/backend/wasm/assembly');
const check = process.argv.includes('--check');

const DECORATOR = /^([ \t]*)@(inline|lazy|unsafe|global)[ \t]*$/gm;
const PLACEHOLDER = /^([ \t]*)\/\/ @assemblyscript-decorator (\w+)$/gm;

/** `text` formatted as Prettier would format it if it could parse the decorators. */
async function format(text, file) {
  const options = { ...(await prettier.resolveConfig(file)), filepath: file, parser: 'typescript' };
  const hidden = text.replace(DECORATOR, '$1// @assemblyscript-decorator $2');
  return (await prettier.format(hidden, options)).replace(PLACEHOLDER, '$1@$2');
}

let unformatted = 0;
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  const file = join(dir, name);
  const text = readFileSync(file, 'utf8');
  const formatted = await format(text, file);
  if (formatted === text) continue;
  unformatted++;
  if (check) console.log(`[warn] ${relative(root, file)}`);
  else writeFileSync(file, formatted);
}
if (check && unformatted > 0) {
  console.log(`[warn] ${unformatted} AssemblyScript file(s) not formatted: run \`npm run format\`.`);
  process.exit(1);
}
