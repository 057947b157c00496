/**
 * Doc-tests of a Markdown file: its fenced code blocks, the markers that say how to run them, and
 * the programs made of them (used by readme.test.ts, whose header states the convention).
 */

/** A fenced code block. */
export interface CodeBlock {
  /** The info string's first word, lower case (`ts`, `sh`, `python`, `` for none). */
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The `<!-- doctest: … -->` marker on the last non-blank line before the fence, if any. */
  marker: Marker | null;
}

/** What a marker says: skip the block (with a reason), run it after the previous one, or prepend setup code. */
export type Marker = { kind: 'skip'; reason: string } | { kind: 'continues' } | { kind: 'setup'; code: string };

const MARKER = /^<!--\s*doctest:\s*(skip|continues|setup)\b:?([\s\S]*?)-->\s*$/;

/** The fenced blocks of `markdown`, each with the marker before it. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```\s*(\S*)/.exec(lines[i]);
    if (open === null) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`line ${start + 1}: code block never closed`);
    blocks.push({
      lang: open[1].toLowerCase(),
      code: lines.slice(start + 1, end).join('\n'),
      line: start + 1,
      marker: markerBefore(lines, start),
    });
    i = end;
  }
  return blocks;
}

/** The marker ending on the last non-blank line before line `index` (it may span several lines). */
function markerBefore(lines: string[], index: number): Marker | null {
  let end = index - 1;
  while (end >= 0 && lines[end].trim() === '') end--;
  if (end < 0 || !lines[end].trimEnd().endsWith('-->')) return null;
  let start = end;
  while (start > 0 && !lines[start].includes('<!--')) start--;
  const m = MARKER.exec(
    lines
      .slice(start, end + 1)
      .join('\n')
      .trim(),
  );
  if (m === null) return null;
  const text = m[2].trim();
  if (m[1] === 'skip') {
    if (text === '') throw new Error(`line ${start + 1}: a doctest skip must give its reason`);
    return { kind: 'skip', reason: text };
  }
  return m[1] === 'continues' ? { kind: 'continues' } : { kind: 'setup', code: text };
}

/**
 * `code` with each checkable line turned into a check: an expression statement on one line whose
 * comment (on the same line, or alone on the next) holds an expected value — the first nested-array
 * literal `[[…]]` in it, or an object literal or `true`/`false` at its start — becomes
 * `__expect(expr, value, 'README line N')`. `firstLine` is the block's first line in the file.
 */
export function withChecks(code: string, firstLine: number, file: string): string {
  const lines = code.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const statement = /^(\s*)(.*?;)\s*(?:\/\/\s*(.*))?$/.exec(lines[i]);
    let comment = statement?.[3];
    let consumed = 0;
    if (statement !== null && comment === undefined && i + 1 < lines.length) {
      const next = /^\s*\/\/\s*(.*)$/.exec(lines[i + 1]);
      if (next !== null) {
        comment = next[1];
        consumed = 1;
      }
    }
    const expected = comment === undefined ? null : expectedValue(comment);
    if (statement === null || expected === null || !isExpression(statement[2])) {
      out.push(lines[i]);
      continue;
    }
    const expr = statement[2].slice(0, -1);
    out.push(`${statement[1]}__expect(${expr}, ${expected}, ${JSON.stringify(`${file} line ${firstLine + 1 + i}`)});`);
    for (let k = 0; k < consumed; k++) out.push(lines[++i]);
  }
  return out.join('\n');
}

/** Whether `statement` (ending in `;`) is a one-line expression: no declaration or keyword, balanced brackets. */
function isExpression(statement: string): boolean {
  if (/^(const|let|var|import|export|return|if|for|while|function|class|type|interface|await)\b/.test(statement)) return false;
  let depth = 0;
  for (const c of statement) {
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth < 0) return false;
  }
  return depth === 0;
}

/** The expected value a comment gives (as source text), or null. */
function expectedValue(comment: string): string | null {
  const text = comment.trim();
  if (/^(true|false)\b/.test(text)) return text.startsWith('true') ? 'true' : 'false';
  if (text.startsWith('{')) return balanced(text, 0);
  const at = text.indexOf('[[');
  return at === -1 ? null : balanced(text, at);
}

/** The bracketed literal that opens at `text[start]`, or null if it does not close. */
function balanced(text: string, start: number): string | null {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if ('[{'.includes(text[i])) depth++;
    else if (']}'.includes(text[i]) && --depth === 0) return text.slice(start, i + 1);
  }
  return null;
}

/**
 * The definition of `__expect` that checked programs start with: a tensor (anything with
 * `toArray()`) or nested array is compared element by element within 1e-5 relative / 1e-6 absolute
 * (float32), an object by the keys the expected object lists, a boolean exactly.
 */
export const EXPECT_PRELUDE = `
function __expect(actual: unknown, expected: unknown, where: string): void {
  const value = typeof actual === 'object' && actual !== null && 'toArray' in actual && typeof actual.toArray === 'function' ? actual.toArray() : actual;
  const close = (a: unknown, e: unknown): boolean => {
    if (typeof e === 'number') return typeof a === 'number' && Math.abs(a - e) <= 1e-6 + 1e-5 * Math.abs(e);
    if (Array.isArray(e)) return Array.isArray(a) && a.length === e.length && e.every((x, i) => close(a[i], x));
    if (typeof e === 'object' && e !== null) {
      return typeof a === 'object' && a !== null && Object.entries(e).every(([k, x]) => close((a as Record<string, unknown>)[k], x));
    }
    return a === e;
  };
  if (!close(value, expected)) throw new Error(\`\${where}: expected \${JSON.stringify(expected)}, got \${JSON.stringify(value)}\`);
}
`;
