/**
 * A small, strict XML parser for checking the SVG the CLI writes: it accepts the XML declaration,
 * elements with double- or single-quoted attributes, self-closing tags, text and the five
 * predefined entities, and throws on anything malformed (unclosed or mismatched tags, a stray `<`
 * or `&`, a repeated attribute, text or a second element after the root).
 */

/** An element: its name, attributes, child elements and text (entities decoded). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === ':' || c === '-' || c === '_' || c === '.';
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r';
}

/** Parses `source` as one XML document; returns its root element. */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    const line = source.slice(0, i).split('\n').length;
    throw new Error(`XML: ${why} at line ${line}`);
  };
  const skipSpace = (): void => {
    while (i < source.length && isSpace(source[i])) i++;
  };
  const name = (): string => {
    const start = i;
    while (i < source.length && isNameChar(source[i])) i++;
    if (i === start) fail(`expected a name, got '${source[i] ?? 'end of input'}'`);
    return source.slice(start, i);
  };
  const decode = (raw: string): string => {
    let out = '';
    for (let k = 0; k < raw.length; k++) {
      if (raw[k] === '<') fail("'<' in text or an attribute value");
      if (raw[k] !== '&') {
        out += raw[k];
        continue;
      }
      const end = raw.indexOf(';', k);
      const entity = end < 0 ? undefined : ENTITIES[raw.slice(k + 1, end)];
      if (entity === undefined) fail(`bad entity '${raw.slice(k, k + 8)}'`);
      out += entity;
      k = end;
    }
    return out;
  };
  const element = (): XmlElement => {
    if (source[i] !== '<') fail("expected '<'");
    i++;
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (source.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (source[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail(`expected a space before an attribute of <${el.name}>`);
      const attr = name();
      if (attr in el.attributes) fail(`attribute '${attr}' repeated on <${el.name}>`);
      if (source[i] !== '=') fail(`expected '=' after '${attr}'`);
      i++;
      const quote = source[i];
      if (quote !== '"' && quote !== "'") fail(`expected a quoted value for '${attr}'`);
      const end = source.indexOf(quote, i + 1);
      if (end < 0) fail(`unterminated value of '${attr}'`);
      el.attributes[attr] = decode(source.slice(i + 1, end));
      i = end + 1;
    }
    for (;;) {
      if (i >= source.length) fail(`<${el.name}> is not closed`);
      if (source.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        skipSpace();
        if (source[i] !== '>') fail(`expected '>' after </${closing}`);
        i++;
        return el;
      }
      if (source[i] === '<') el.children.push(element());
      else {
        const end = source.indexOf('<', i);
        el.text += decode(source.slice(i, end < 0 ? source.length : end));
        i = end < 0 ? source.length : end;
      }
    }
  };
  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== source.length) fail('content after the root element');
  return root;
}

/** Every element of the tree under (and including) `root`, in document order. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}
