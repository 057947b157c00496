// Generates src/backend/wasm/abi.generated.ts — the JS side's view of the wasm kernels — from the
// AssemblyScript sources, so that nothing the two sides share is typed twice:
//   - assembly/abi.ts: every `export const enum` (descriptor fields, op codes) becomes a frozen
//     object of the same name, and every `export const` integer (MR, NR, …) a constant;
//   - assembly/index.ts: every exported function (re-exported or defined there) becomes a method
//     of the `WasmKernels` interface with its parameters and doc comment; those named `…Task`
//     with the signature (desc, chunk, chunks) are the parallel tasks (`TASK_NAMES`).
// It parses with the TypeScript compiler (AssemblyScript is TypeScript syntax), so it needs no asc
// run: `npm run typecheck` calls it on a fresh clone. Run by scripts/build-wasm.mjs.
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** AssemblyScript value types the kernels' exports may take or return, all JS numbers. */
const NUMBER_TYPES = new Set(['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'isize', 'usize', 'f32', 'f64', 'bool']);

function parse(path) {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
}

function isExported(node) {
  return (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export) !== 0;
}

/** The JSDoc text directly above `node`, or ''. */
function docOf(node, source) {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const docs = ranges.map((r) => source.text.slice(r.pos, r.end)).filter((c) => c.startsWith('/**'));
  return docs.length > 0 ? docs[docs.length - 1] : '';
}

/** `doc` re-indented by `indent` spaces (or '' when empty), followed by a newline. */
function indentDoc(doc, indent) {
  if (doc === '') return '';
  const pad = ' '.repeat(indent);
  return (
    doc
      .split('\n')
      .map((line, i) => (i === 0 ? pad + line.trim() : `${pad} ${line.trim()}`))
      .join('\n') + '\n'
  );
}

/** An integer literal (optionally negated), or an error naming where. */
function integerOf(expr, where) {
  if (ts.isNumericLiteral(expr) && Number.isInteger(Number(expr.text))) return Number(expr.text);
  if (ts.isPrefixUnaryExpression(expr) && expr.operator === ts.SyntaxKind.MinusToken) return -integerOf(expr.operand, where);
  throw new Error(`wasm-abi: ${where} must be an integer literal, got '${expr.getText()}'`);
}

/** The enums and constants of abi.ts. */
function readAbi(path) {
  const source = parse(path);
  const enums = [];
  const constants = [];
  for (const node of source.statements) {
    if (ts.isEnumDeclaration(node) && isExported(node)) {
      let next = 0;
      const members = node.members.map((m) => {
        const name = m.name.getText();
        const value = m.initializer ? integerOf(m.initializer, `${node.name.text}.${name}`) : next;
        next = value + 1;
        return { name, value, doc: docOf(m, source) };
      });
      // a descriptor's fields are consecutive i32 values: its indices must be 0, 1, 2, …
      if (node.name.text.endsWith('Desc') && members.some((m, i) => m.value !== i)) {
        throw new Error(`wasm-abi: the fields of descriptor ${node.name.text} must be numbered 0, 1, 2, … without gaps`);
      }
      enums.push({ name: node.name.text, doc: docOf(node, source), members });
    } else if (ts.isVariableStatement(node) && isExported(node)) {
      for (const d of node.declarationList.declarations) {
        constants.push({ name: d.name.getText(), value: integerOf(d.initializer, d.name.getText()), doc: docOf(node, source) });
      }
    } else if (!ts.isImportDeclaration(node)) {
      throw new Error(`wasm-abi: ${path} may hold only exported const enums and constants, found '${node.getText().slice(0, 60)}'`);
    }
  }
  return { enums, constants };
}

/** The function declarations exported by `index.ts`, in export order, following `export { … } from`. */
function readExports(indexPath) {
  const dir = dirname(indexPath);
  const index = parse(indexPath);
  const functions = [];
  const sources = new Map();
  const declarationIn = (file, name) => {
    if (!sources.has(file)) sources.set(file, parse(file));
    const source = sources.get(file);
    const fn = source.statements.find((s) => ts.isFunctionDeclaration(s) && s.name?.text === name && isExported(s));
    if (fn === undefined) throw new Error(`wasm-abi: ${file} exports no function '${name}'`);
    return { fn, source };
  };
  for (const node of index.statements) {
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && node.exportClause && ts.isNamedExports(node.exportClause)) {
      const file = join(dir, `${node.moduleSpecifier.text}.ts`);
      for (const el of node.exportClause.elements) {
        const exportedName = el.name.text;
        const { fn, source } = declarationIn(file, (el.propertyName ?? el.name).text);
        functions.push(signature(exportedName, fn, source));
      }
    } else if (ts.isFunctionDeclaration(node) && isExported(node)) {
      functions.push(signature(node.name.text, node, index));
    }
  }
  return functions;
}

function typeName(type, where) {
  const name = type?.getText() ?? 'void';
  if (name !== 'void' && !NUMBER_TYPES.has(name))
    throw new Error(`wasm-abi: ${where} has type '${name}', which JS cannot pass as a number`);
  return name === 'void' ? 'void' : 'number';
}

function signature(name, fn, source) {
  const params = fn.parameters.map((p) => ({
    name: p.name.getText(),
    type: typeName(p.type, `${name}(${p.name.getText()})`),
    asType: p.type.getText(),
  }));
  return { name, params, returns: typeName(fn.type, `${name}'s result`), doc: docOf(fn, source) };
}

/** Whether `f` is a parallel task: named `…Task`, taking (desc: usize, chunk: i32, chunks: i32). */
function isTask(f) {
  if (!f.name.endsWith('Task')) return false;
  const expected = [
    ['desc', 'usize'],
    ['chunk', 'i32'],
    ['chunks', 'i32'],
  ];
  const ok = f.params.length === 3 && f.params.every((p, i) => p.name === expected[i][0] && p.asType === expected[i][1]);
  if (!ok) throw new Error(`wasm-abi: task ${f.name} must take (desc: usize, chunk: i32, chunks: i32) and return void`);
  return true;
}

/**
 * The text of abi.generated.ts for the kernels at `assemblyDir`, with `buildConstants` (`{ name,
 * value, doc }`: facts of the build that the JS side needs, such as the shared memory's maximum) first.
 */
export function generateAbi(assemblyDir, buildConstants = []) {
  const { enums, constants } = readAbi(join(assemblyDir, 'abi.ts'));
  const functions = readExports(join(assemblyDir, 'index.ts'));
  const tasks = functions.filter(isTask).map((f) => f.name);
  const lines = ['// Generated by scripts/wasm-abi.mjs from src/backend/wasm/assembly/abi.ts and index.ts — do not edit.', ''];
  for (const c of buildConstants) lines.push(`/** ${c.doc} */`, `export const ${c.name} = ${c.value};`, '');
  for (const c of constants) lines.push(`${indentDoc(c.doc, 0)}export const ${c.name} = ${c.value};`, '');
  for (const e of enums) {
    lines.push(`${indentDoc(e.doc, 0)}export const ${e.name} = Object.freeze({`);
    for (const m of e.members) lines.push(`${indentDoc(m.doc, 2)}  ${m.name}: ${m.value},`);
    lines.push('} as const);', '');
  }
  lines.push("/** The kernels module's exports (see assembly/index.ts and the files it re-exports). */", 'export interface WasmKernels {');
  for (const f of functions) {
    lines.push(`${indentDoc(f.doc, 2)}  ${f.name}(${f.params.map((p) => `${p.name}: ${p.type}`).join(', ')}): ${f.returns};`);
  }
  lines.push('}', '');
  lines.push('/** Every export of the kernels module, in export order. */');
  lines.push(`export const KERNEL_NAMES = [${functions.map((f) => `'${f.name}'`).join(', ')}] as const;`, '');
  lines.push(
    '/** The parallel kernels `(desc, chunk, chunks)`: what a worker thread may be asked to run (workers receive an index into this list). */',
  );
  lines.push(`export const TASK_NAMES = [${tasks.map((t) => `'${t}'`).join(', ')}] as const;`, '');
  lines.push('/** The name of a parallel kernel. */', 'export type TaskName = (typeof TASK_NAMES)[number];', '');
  lines.push('/** A kernel export looked up by name (throwing where the module lacks it). */');
  lines.push('export type PickExport = (exports: WebAssembly.Exports, name: string) => (...args: number[]) => number;', '');
  lines.push('/** The typed exports of an instance of the kernels module, each looked up with `pick`. */');
  lines.push('export function kernelsOf(exports: WebAssembly.Exports, pick: PickExport): WasmKernels {');
  lines.push('  return {');
  for (const f of functions) lines.push(`    ${f.name}: pick(exports, '${f.name}'),`);
  lines.push('  };', '}', '');
  return lines.join('\n');
}
