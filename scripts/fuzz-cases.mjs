// The fuzzer's cases (scripts/fuzz.mjs): seeded mutations of the seed corpus (fuzz-corpus.mjs).
// Case `i` of parser `p` under seed `s` is always the same bytes, so that a failure is replayed by
// its numbers alone.
import { gunzipSync, gzipSync } from 'node:zlib';
import { CHANNELS, DEPTHS, chunk, concat, encodePng, fixCrcs, randomSamples } from './png-encode.mjs';
import { idxBytes, prng } from './fuzz-corpus.mjs';

/** The parsers fuzzed, in order. */
export const PARSERS = ['safetensors', 'model', 'idx', 'idx-gz', 'png'];

/** A 32-bit hash of the numbers, to seed one case's PRNG. */
function hash(...xs) {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return h;
}

/** Helpers over one PRNG. */
function chooser(rand) {
  const int = (n) => Math.floor(rand() * n);
  return { rand, int, pick: (xs) => xs[int(xs.length)], chance: (p) => rand() < p };
}

/** Numbers that break size arithmetic. */
const INTERESTING_U32 = [
  0,
  1,
  2,
  3,
  7,
  8,
  28,
  255,
  256,
  1000,
  30000,
  65535,
  65536,
  2 ** 20,
  2 ** 24,
  2 ** 26 + 1,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
];
const INTERESTING_JSON_NUMBERS = [
  0,
  -0,
  1,
  -1,
  2,
  3,
  28,
  255,
  1.5,
  0.5,
  -2,
  1e-8,
  1e-9,
  1e-320,
  65536,
  2 ** 24,
  2 ** 24 + 1,
  3000,
  5000,
  10000,
  20000,
  40000,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  1e9,
  1e15,
  1e308,
  -1e308,
];
const INTERESTING_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'toString',
  'prototype',
  'hasOwnProperty',
  'lenet5',
  'modules',
  'F16',
  'F32',
  'I32',
  'F64',
  'x'.repeat(300),
  '\u0000',
  '\ud800',
];

// ---------------------------------------------------------------------------------------------
// Generic byte mutations

function flipBits(b, c) {
  for (let k = 1 + c.int(8); k > 0 && b.length > 0; k--) b[c.int(b.length)] ^= 1 << c.int(8);
  return b;
}

function setBytes(b, c) {
  for (let k = 1 + c.int(4); k > 0 && b.length > 0; k--) b[c.int(b.length)] = c.pick([0, 0xff, 0x7f, 0x80, 0x01, c.int(256)]);
  return b;
}

function truncate(b, c) {
  return b.subarray(0, c.chance(0.3) ? c.int(Math.min(b.length, 64)) : c.int(b.length + 1));
}

function spliceBytes(b, c) {
  const at = c.int(b.length + 1);
  if (c.chance(0.5)) return concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + c.int(16)))]);
  const len = 1 + c.int(c.chance(0.1) ? 4096 : 16);
  const insert = c.chance(0.5) ? b.subarray(c.int(b.length), c.int(b.length) + len) : Uint8Array.from({ length: len }, () => c.int(256));
  return concat([b.subarray(0, at), insert, b.subarray(at)]);
}

function appendJunk(b, c) {
  return concat([b, Uint8Array.from({ length: 1 + c.int(64) }, () => c.int(256))]);
}

function setU32(b, at, v) {
  if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, v >>> 0);
  return b;
}

const GENERIC = [flipBits, setBytes, truncate, spliceBytes, appendJunk];

function generic(b, c) {
  return c.pick(GENERIC)(b, c);
}

// ---------------------------------------------------------------------------------------------
// PNG

/** The chunks of a PNG (where its structure is intact): [offset, length, type]. */
function pngChunks(b) {
  const out = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let pos = 8; pos + 12 <= b.length;) {
    const length = v.getUint32(pos);
    if (pos + 12 + length > b.length) break;
    out.push([pos, length, String.fromCharCode(...b.subarray(pos + 4, pos + 8))]);
    pos += 12 + length;
  }
  return out;
}

function mutatePng(seed, c, corpus) {
  let b = seed.slice();
  const kind = c.int(10);
  if (kind === 0) {
    // IHDR width and/or height
    if (c.chance(0.7)) setU32(b, 16, c.pick(INTERESTING_U32));
    if (c.chance(0.7)) setU32(b, 20, c.pick(INTERESTING_U32));
  } else if (kind === 1) {
    // bit depth, colour type, compression, filter, interlace
    b[24 + c.int(5)] = c.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 255, c.int(256)]);
  } else if (kind === 2) {
    // a chunk's length field
    const chunks = pngChunks(b);
    if (chunks.length > 0) setU32(b, c.pick(chunks)[0], c.pick([...INTERESTING_U32, c.int(200)]));
  } else if (kind === 3) {
    // the image data replaced: a bomb, random bytes, or the data of another size
    const data = c.pick([...corpus.zlibBombs, Uint8Array.from({ length: c.int(300) }, () => c.int(256))]);
    b = concat([ihdrOnly(b), chunk('IDAT', data), chunk('IEND')]);
  } else if (kind === 4) {
    // drop, duplicate or reorder chunks
    const chunks = pngChunks(b);
    if (chunks.length > 1) {
      const parts = chunks.map(([pos, len]) => b.subarray(pos, pos + 12 + len));
      const i = 1 + c.int(parts.length - 1);
      const op = c.int(3);
      if (op === 0) parts.splice(i, 1);
      else if (op === 1) parts.splice(i, 0, parts[c.int(parts.length)]);
      else parts.splice(c.int(parts.length), 0, ...parts.splice(i, 1));
      b = concat([b.subarray(0, 8), ...parts]);
    }
  } else if (kind === 5) {
    // a new size with data that fits it or not, and every colour type / depth / interlace
    const colorType = c.pick([0, 2, 3, 4, 6]);
    const bitDepth = c.pick(DEPTHS[colorType]);
    const [width, height] = [1 + c.int(c.chance(0.1) ? 3000 : 40), 1 + c.int(40)];
    const samples = randomSamples(width, height, bitDepth, colorType, c.rand, colorType === 3 ? 2 : undefined);
    const palette =
      colorType === 3
        ? [
            [1, 2, 3],
            [4, 5, 6],
          ]
        : undefined;
    b = encodePng({ width, height, bitDepth, colorType, interlace: c.int(2), samples, palette, idatSize: 1 + c.int(100) });
    if (c.chance(0.5)) {
      // claim another size than the data has
      setU32(b, 16 + 4 * c.int(2), Math.max(1, (c.chance(0.5) ? width : height) + c.int(5) - 2));
    }
    // filter bytes out of range, palette indices past the palette: caught by other mutations
  } else if (kind === 6) {
    // truncated image data: fewer rows than the header says, with good CRCs
    const colorType = c.pick([0, 2, 3, 4, 6]);
    const bitDepth = c.pick(DEPTHS[colorType]);
    const [width, height] = [1 + c.int(30), 2 + c.int(30)];
    const channels = CHANNELS[colorType];
    const samples = randomSamples(width, height, bitDepth, colorType, c.rand, colorType === 3 ? 1 : undefined);
    const short = encodePng({
      width,
      height: height - 1,
      bitDepth,
      colorType,
      samples: samples.slice(0, width * (height - 1) * channels),
      palette: [[9, 9, 9]],
    });
    b = setU32(short, 20, height);
  } else if (kind === 7) {
    b = generic(b, c);
  } else {
    b = c.int(2) === 0 ? flipBits(b, c) : setBytes(b, c);
  }
  // most mutations get their CRCs fixed, so that they reach the decoder beyond the CRC checks
  if (c.chance(0.85)) fixCrcs(b);
  return b;
}

/** The signature and IHDR chunk of a PNG. */
function ihdrOnly(b) {
  return b.subarray(0, Math.min(b.length, 33));
}

// ---------------------------------------------------------------------------------------------
// IDX

function mutateIdxPlain(seed, c) {
  let b = seed.slice();
  const kind = c.int(6);
  if (kind === 0) {
    // a dimension
    const ndim = b[3];
    if (ndim > 0) setU32(b, 4 + 4 * c.int(ndim), c.pick(INTERESTING_U32));
  } else if (kind === 1) {
    // the type code or the number of dimensions
    b[2 + c.int(2)] = c.pick([0, 1, 3, 8, 9, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 255, c.int(256)]);
  } else if (kind === 2) {
    b[c.int(2)] = c.pick([1, 0x1f, 0x8b, 0xff]);
  } else if (kind === 3) {
    // a consistent header of another shape, data bytes to match or not
    const type = c.pick([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e]);
    const dims = Array.from({ length: 1 + c.int(4) }, () => c.int(6));
    b = idxBytes(type, dims, (i) => i);
    if (c.chance(0.5)) b = c.chance(0.5) ? truncate(b, c) : appendJunk(b, c);
  } else b = generic(b, c);
  return b;
}

function mutateIdxGz(seed, c, corpus) {
  const kind = c.int(5);
  if (kind === 0) {
    // gzip of a mutated plain file
    return new Uint8Array(gzipSync(mutateIdxPlain(gunzipped(seed), c)));
  }
  if (kind === 1) {
    // bombs: a large inflation behind a bad header, a good header declaring little, or a lot
    return c.pick(corpus.gzBombs);
  }
  if (kind === 2) {
    // two gzip members, or junk after the member
    return concat([seed, c.chance(0.5) ? seed : Uint8Array.from({ length: 1 + c.int(20) }, () => c.int(256))]);
  }
  return generic(seed.slice(), c);
}

/** A seed, gunzipped (node's zlib is safe here: the seeds are ours). */
function gunzipped(gz) {
  return new Uint8Array(gunzipSync(gz, { maxOutputLength: 1 << 20 })); // a bomb throws, and is mutated as bytes
}

// ---------------------------------------------------------------------------------------------
// safetensors and model files

/** The header (parsed) and data of a safetensors file this corpus made. */
function splitSafetensors(b) {
  const n = Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true));
  return { header: JSON.parse(Buffer.from(b.subarray(8, 8 + n)).toString('utf8')), data: b.subarray(8 + n) };
}

/** A safetensors file of `headerText` and `data`; `lengthDelta` is added to the header length field. */
function joinSafetensors(headerText, data, lengthDelta = 0) {
  const json = Buffer.from(headerText, 'utf8');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, json.length + lengthDelta)), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A random JSON value, small. */
function randomJson(c, depth = 0) {
  const k = c.int(depth > 2 ? 4 : 6);
  if (k === 0) return c.pick(INTERESTING_JSON_NUMBERS);
  if (k === 1) return c.pick(INTERESTING_STRINGS);
  if (k === 2) return c.pick([null, true, false]);
  if (k === 3) return c.pick([[], {}]);
  if (k === 4) return Array.from({ length: c.int(4) }, () => randomJson(c, depth + 1));
  return Object.fromEntries(Array.from({ length: c.int(3) }, () => [c.pick(INTERESTING_STRINGS), randomJson(c, depth + 1)]));
}

/** Replaces one random node of a JSON value (numbers, strings, arrays, objects) with a mutation of it. */
function mutateJsonValue(value, c, depth = 0) {
  const isArr = Array.isArray(value);
  const isObj = typeof value === 'object' && value !== null && !isArr;
  if (isArr && value.length > 0 && value.every((x) => typeof x === 'number') && c.chance(0.25)) {
    const v = c.pick(INTERESTING_JSON_NUMBERS);
    return value.map(() => v); // every size of a layer at once: Linear(40000, 40000)
  }
  if ((isArr || isObj) && c.chance(0.75) && depth < 12) {
    const keys = isArr ? value.map((_, i) => i) : Object.keys(value);
    if (keys.length > 0) {
      const key = c.pick(keys);
      const copy = isArr ? [...value] : { ...value };
      const op = c.int(6);
      if (op === 0) delete copy[key];
      else if (op === 1 && isArr) copy.push(c.chance(0.5) ? copy[key] : randomJson(c));
      else if (op === 1) copy[c.pick(INTERESTING_STRINGS)] = randomJson(c);
      else copy[key] = mutateJsonValue(copy[key], c, depth + 1);
      return isArr ? copy.filter((x) => x !== undefined) : copy;
    }
  }
  if (typeof value === 'number') return c.chance(0.8) ? c.pick(INTERESTING_JSON_NUMBERS) : value + c.int(5) - 2;
  if (typeof value === 'string' && c.chance(0.5)) return c.pick(INTERESTING_STRINGS);
  if (c.chance(0.2)) return deepNest(c.pick([10, 100, 1000, 10000]), value);
  return randomJson(c);
}

/** `inner` inside `depth` arrays: written out by `toJson` (JSON.stringify would overflow the stack). */
class Nest {
  constructor(depth, inner) {
    this.depth = depth;
    this.inner = inner;
  }
}

function deepNest(depth, inner) {
  return new Nest(depth, inner);
}

/** JSON.stringify, writing each `Nest` as its brackets around its value. */
function toJson(value) {
  const nests = [];
  const text = JSON.stringify(value, (_, v) => (v instanceof Nest ? `@@nest${nests.push(v) - 1}@@` : v)) ?? 'null';
  return text.replace(/"@@nest(\d+)@@"/g, (_, i) => '['.repeat(nests[i].depth) + toJson(nests[i].inner) + ']'.repeat(nests[i].depth));
}

/** Metadata fields of model files whose values are JSON. */
const JSON_METADATA = ['inputShape', 'normalization', 'classNames', 'options', 'modules'];

function mutateHeader(header, c) {
  const h = JSON.parse(JSON.stringify(header));
  const names = Object.keys(h).filter((k) => k !== '__metadata__');
  const kind = c.int(12);
  if (kind <= 3 && h.__metadata__ !== undefined) {
    // model metadata: a JSON field mutated, or replaced, or a string field changed
    const meta = h.__metadata__;
    const key = c.chance(0.8) ? c.pick(JSON_METADATA) : c.pick(Object.keys(meta));
    if (meta[key] !== undefined && c.chance(0.8)) {
      let parsed;
      try {
        parsed = JSON.parse(meta[key]);
      } catch {
        parsed = meta[key];
      }
      const mutated = mutateJsonValue(parsed, c);
      meta[key] = c.chance(0.9) ? toJson(mutated) : String(mutated);
    } else if (c.chance(0.5)) meta[key] = c.chance(0.5) ? c.pick(INTERESTING_STRINGS) : JSON.stringify(randomJson(c));
    else meta[c.pick(['architecture', 'format', 'modules', 'training.epochs'])] = c.pick(INTERESTING_STRINGS);
    if (c.chance(0.1)) meta.architecture = c.pick(INTERESTING_STRINGS);
    return toJson(h);
  }
  if (kind === 4 && names.length > 0) {
    // a tensor's offsets or shape
    const t = h[c.pick(names)];
    const field = c.pick(['data_offsets', 'shape']);
    if (Array.isArray(t[field]) && t[field].length > 0 && c.chance(0.7))
      t[field][c.int(t[field].length)] = c.pick(INTERESTING_JSON_NUMBERS);
    else t[field] = randomJson(c);
    return toJson(h);
  }
  if (kind === 5 && names.length > 0) {
    const t = h[c.pick(names)];
    t.dtype = c.pick(['F16', 'BF16', 'I64', 'U8', 'F32', 'F64', 'I32', 'bogus', 7, null]);
    return toJson(h);
  }
  if (kind === 6) {
    // deep nesting, around a tensor entry or a metadata value, or as the whole header
    const depth = c.pick([63, 64, 65, 100, 10000, 100000]);
    const where = c.int(3);
    if (where === 0 && names.length > 0) h[c.pick(names)] = deepNest(depth, h[c.pick(names)]);
    else if (where === 1) h.__metadata__ = deepNest(depth, h.__metadata__ ?? {});
    else return '['.repeat(depth) + ']'.repeat(depth);
    return toJson(h);
  }
  if (kind === 7) {
    // many tensors: zero-sized ones (valid!), or entries of any kind
    const count = c.pick([1000, 99_999, 100_001, 150_000]);
    const parts = [toJson(h).slice(0, -1)];
    const entry = c.chance(0.7) ? '{"dtype":"F32","shape":[0],"data_offsets":[0,0]}' : '0';
    for (let i = 0; i < count; i++) parts.push(`,"t${i}":${entry}`);
    return parts.join('') + '}';
  }
  if (kind === 8) {
    // a long array or a large map inside the header
    const n = c.pick([1000, 100_000, 4_000_000]);
    const big = c.chance(0.5)
      ? `[${'0,'.repeat(n - 1)}0]`
      : `{${Array.from({ length: Math.min(n, 500_000) }, (_, i) => `"k${i}":"v"`).join(',')}}`;
    const name = names.length > 0 && c.chance(0.5) ? c.pick(names) : '__metadata__';
    return toJson(h).replace(/}$/, `,${JSON.stringify(name + (c.chance(0.5) ? '' : 'x'))}:${big}}`);
  }
  if (kind === 9 && names.length > 0) {
    // a tensor entry replaced by any value, or renamed
    const name = c.pick(names);
    if (c.chance(0.5)) h[name] = randomJson(c);
    else {
      h[c.pick(INTERESTING_STRINGS)] = h[name];
      delete h[name];
    }
    return toJson(h);
  }
  return toJson(mutateJsonValue(h, c));
}

function mutateSafetensors(seed, c) {
  const kind = c.int(8);
  // a header grown huge by an earlier round (many tensors, long arrays) is mutated as bytes: rebuilding it is slow
  if (kind <= 3 && seed.length < 1 << 20) {
    try {
      const { header, data } = splitSafetensors(seed);
      const text = mutateHeader(header, c);
      const delta = c.chance(0.9) ? 0 : c.pick([-1, 1, -8, 8, 1000]);
      let d = data;
      if (c.chance(0.1)) d = c.chance(0.5) ? data.subarray(0, c.int(data.length + 1)) : concat([data, new Uint8Array(1 + c.int(16))]);
      return joinSafetensors(text, d, delta);
    } catch {
      // an earlier round left no JSON header (or one too deep to copy): mutate the bytes instead
      return generic(seed.slice(), c);
    }
  }
  const b = seed.slice();
  if (kind === 4) {
    // the header length field
    const v = new DataView(b.buffer);
    const choice = c.int(4);
    if (choice === 0) v.setBigUint64(0, BigInt(c.pick(INTERESTING_U32)), true);
    else if (choice === 1) v.setBigUint64(0, 2n ** 64n - 1n - BigInt(c.int(3)), true);
    else if (choice === 2) v.setBigUint64(0, 100_000_000n + BigInt(c.int(3)) - 1n, true);
    else v.setUint32(4, c.pick(INTERESTING_U32), true);
    return b;
  }
  if (kind === 5) {
    // a number inside the header's JSON text changed in place (offsets, shapes, lengths)
    const text = Buffer.from(b).toString('latin1');
    const numbers = [...text.matchAll(/\d+/g)].filter((m) => m.index > 8 && m.index < text.length - 1);
    if (numbers.length === 0) return generic(b, c);
    const m = c.pick(numbers);
    const replacement = String(c.pick(INTERESTING_JSON_NUMBERS));
    return Uint8Array.from(Buffer.from(text.slice(0, m.index) + replacement + text.slice(m.index + m[0].length), 'latin1'));
  }
  return generic(b, c);
}

// ---------------------------------------------------------------------------------------------

const MUTATORS = { safetensors: mutateSafetensors, model: mutateSafetensors, idx: mutateIdxPlain, 'idx-gz': mutateIdxGz, png: mutatePng };

/**
 * Case `index` of `parser` under `seed`: a seed file (case 0 of each seed file is the seed itself,
 * unmutated), mutated one to three times.
 */
export function makeCase(corpus, parser, seed, index) {
  const seeds = corpus[parser];
  const c = chooser(prng(hash(seed, PARSERS.indexOf(parser), index)));
  if (index < seeds.length) return seeds[index];
  let b = c.pick(seeds);
  const rounds = c.chance(0.8) ? 1 : 2 + c.int(2);
  for (let r = 0; r < rounds; r++) {
    try {
      b = MUTATORS[parser](b, c, corpus);
    } catch {
      b = generic(b.slice(), c); // a structured mutation of what an earlier round left unstructured
    }
  }
  return b;
}
