/**
 * The safetensors format (Hugging Face), encoded and decoded in memory; browser-safe.
 *
 * Layout: an 8-byte little-endian u64 `N`, then `N` bytes of UTF-8 JSON header, then the data
 * buffer. The header maps each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}`
 * (offsets relative to the start of the data buffer) and may hold a `"__metadata__"` map of
 * strings; it may be padded with trailing spaces. Tensor data is row-major and little-endian.
 *
 * Writing follows `safetensors.torch.save_file` byte for byte: tensors sorted by dtype alignment
 * (F64, then F32, then I32) and then by name, laid out contiguously from offset 0,
 * `__metadata__` first in the header, the header padded with spaces to a multiple of 8 bytes.
 * Reading is as strict as the reference reader: the tensors must tile the data buffer exactly
 * (no overlaps, no holes, no trailing bytes).
 */
import { type DType, type TypedArray, allocate } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../tensor/arguments.js';

/** The largest header accepted, as in the reference implementation (100 MB). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/**
 * The deepest nesting of arrays and objects accepted in the header (64). A valid header nests 3
 * deep (`{ name: { shape: [...] } }`); the cap is checked by a scan of the bytes before
 * `JSON.parse`, so that a deeply nested header is refused before it costs time or stack.
 */
export const SAFETENSORS_MAX_DEPTH = 64;

/**
 * The most tensors accepted in one file (100,000; a model of this library has tens). Checked by
 * the same scan, before anything is parsed, along with the number of JSON values and object
 * members in the header (at most 16 and 5 per tensor), so that neither many tensors nor a huge
 * array or map inside the header is ever built.
 */
export const SAFETENSORS_MAX_TENSORS = 100_000;

/**
 * How many JSON values (array elements and object members) and object members the header may hold
 * per tensor allowed: a tensor entry has 4 members (its name, dtype, shape, data_offsets) and about
 * 6 + rank values. Object members cost the most to parse (a 1.6-million-member map takes 600 MB).
 */
const VALUES_PER_TENSOR = 16;
const MEMBERS_PER_TENSOR = 5;

/** Limits of `decodeSafetensors`, each checked before the header is parsed. */
export interface SafetensorsOptions {
  /** The largest header, in bytes (default `SAFETENSORS_MAX_HEADER_BYTES`, 100 MB). */
  maxHeaderBytes?: number;
  /** The deepest nesting of the header's JSON (default `SAFETENSORS_MAX_DEPTH`, 64). */
  maxDepth?: number;
  /** The most tensors (default `SAFETENSORS_MAX_TENSORS`, 100,000). */
  maxTensors?: number;
}

/** The key of the free-form string map in the header; no tensor may have this name. */
const METADATA_KEY = '__metadata__';

/** safetensors dtype names of the dtypes a `Tensor` can hold. */
const DTYPE_TO_SAFETENSORS: Record<DType, string> = { float64: 'F64', float32: 'F32', int32: 'I32' };

/** Element size in bytes, and the dtype of the decoded tensor, of each supported dtype name. */
const SAFETENSORS_DTYPES: Record<string, { dtype: DType; bytes: number } | undefined> = {
  F64: { dtype: 'float64', bytes: 8 },
  F32: { dtype: 'float32', bytes: 4 },
  I32: { dtype: 'int32', bytes: 4 },
};

/** dtypes of the format that a `Tensor` cannot hold (rejected by name rather than as unknown). */
const UNSUPPORTED_DTYPES = new Set([
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'I16',
  'U16',
  'F16',
  'BF16',
  'U32',
  'I64',
  'U64',
  'C64',
]);

const SUPPORTED_LIST = 'F32, F64, I32';

/** Whether this platform stores typed-array elements little-endian (every mainstream one does). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Serializes `tensors` (and optional string `metadata`) to the bytes of a `.safetensors` file.
 * float32, float64 and int32 tensors are stored as F32, F64 and I32; the values are copied bit for
 * bit (NaN payloads and -0 included). An empty `metadata` map is omitted from the header.
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors);
  for (const name of names) {
    if (name === METADATA_KEY) throw new Error(`safetensors: '${METADATA_KEY}' is reserved for metadata and cannot name a tensor`);
    if (!(tensors[name] instanceof Tensor)) {
      throw new Error(`safetensors: ${quote(name)} is not a Tensor (got ${describe(tensors[name])})`);
    }
  }
  names.sort((a, b) => dtypeRank(tensors[b].dtype) - dtypeRank(tensors[a].dtype) || compareCodePoints(a, b));

  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareCodePoints);
    for (const k of keys) {
      if (typeof metadata[k] !== 'string') {
        throw new Error(`safetensors: metadata value for key ${quote(k)} must be a string, got ${describe(metadata[k])}`);
      }
    }
    if (keys.length > 0) header[METADATA_KEY] = Object.fromEntries(keys.map((k) => [k, metadata[k]]));
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const end = offset + t.data.byteLength;
    Object.defineProperty(header, name, {
      value: { dtype: DTYPE_TO_SAFETENSORS[t.dtype], shape: [...t.shape], data_offsets: [offset, end] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    offset = end;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const name of names) {
    const data = tensors[name].data;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    if (!LITTLE_ENDIAN) swapBytes(out.subarray(pos, pos + data.byteLength), data.BYTES_PER_ELEMENT);
    pos += data.byteLength;
  }
  return out;
}

/**
 * Parses the bytes of a `.safetensors` file. Every field is validated, and anything malformed
 * throws an `Error` whose message starts with `safetensors: ` and names the offending value:
 * bytes that are not safetensors at all (`not a safetensors file: the first 8 bytes give a header
 * length of …`), a cut-off file (`truncated: expected N bytes, got M`), a header that is not valid
 * JSON or not an object, an unsupported dtype such as F16 or BF16, a bad shape, offsets outside the
 * data section, overlapping or leaving holes, a byte length that does not match the shape. The
 * tensor data is copied into fresh, aligned typed arrays; `bytes` is not retained. A missing
 * `__metadata__` decodes as `{}`.
 *
 * Limits (`options`), checked before the header is parsed: its length (`maxHeaderBytes`, default
 * 100 MB), its nesting depth (`maxDepth`, default 64), the number of tensors (`maxTensors`, default
 * 100,000) and with it the number of JSON values (16 per tensor) and object members (5 per tensor). `bytes` that are not a
 * `Uint8Array` throw `decodeSafetensors: bytes must be a Uint8Array, got …`.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: SafetensorsOptions = {},
): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`decodeSafetensors: bytes must be a Uint8Array, got ${kindOf(bytes)}`);
  }
  checkOptions('decodeSafetensors', options, ['maxHeaderBytes', 'maxDepth', 'maxTensors']);
  const maxHeaderBytes = limit('maxHeaderBytes', options.maxHeaderBytes, SAFETENSORS_MAX_HEADER_BYTES);
  const maxDepth = limit('maxDepth', options.maxDepth, SAFETENSORS_MAX_DEPTH);
  const maxTensors = limit('maxTensors', options.maxTensors, SAFETENSORS_MAX_TENSORS);
  if (bytes.length < 8) {
    throw new Error(`safetensors: not a safetensors file: it has ${bytes.length} bytes, fewer than the 8 of the header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  const lengthField = `the first 8 bytes (${preview(bytes.subarray(0, 8))}) give a header length of ${n}`;
  if (n > BigInt(maxHeaderBytes)) {
    throw new Error(`safetensors: not a safetensors file: ${lengthField}, more than the ${maxHeaderBytes}-byte limit`);
  }
  const headerLength = Number(n);
  // The reference reader requires the header to start with '{' (its InvalidHeaderStart error).
  const startsLikeHeader = bytes.length > 8 && bytes[8] === 0x7b;
  if (8 + headerLength > bytes.length) {
    throw new Error(
      startsLikeHeader
        ? `safetensors: truncated: expected at least ${8 + headerLength} bytes (8 + a ${headerLength}-byte header), got ${bytes.length}`
        : `safetensors: not a safetensors file: ${lengthField}, but the file has ${bytes.length} bytes`,
    );
  }
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (!startsLikeHeader || headerLength === 0) {
    const begins = headerLength === 0 ? 'it is empty' : `it begins ${JSON.stringify(lenientText(headerBytes.subarray(0, 24)))}`;
    throw new Error(`safetensors: not a safetensors file: ${lengthField}, but the header is not a JSON object (${begins})`);
  }

  checkHeaderShape(headerBytes, maxDepth, maxTensors);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new Error(`safetensors: the ${headerLength}-byte header is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    const begins = JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
    throw new Error(`safetensors: the header is not valid JSON: ${e instanceof Error ? e.message : String(e)} (it begins ${begins})`);
  }
  if (!isPlainObject(header)) {
    throw new Error(`safetensors: header must be a JSON object, got ${describe(header)}`);
  }

  const data = bytes.subarray(8 + headerLength);
  const metadata = parseMetadata(header[METADATA_KEY]);
  const names = Object.keys(header).filter((name) => name !== METADATA_KEY);
  if (names.length > maxTensors) {
    throw new Error(`safetensors: the header lists ${names.length} tensors, more than the limit of ${maxTensors} (maxTensors)`);
  }
  const entries = names.map((name) => parseEntry(name, header[name]));

  // The tensors must tile the data section: sorted by offsets, each begins where the last ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (e.begin < covered) {
      const prev = sorted[i - 1];
      throw new Error(
        `safetensors: tensors ${quote(prev.name)} data_offsets [${prev.begin}, ${prev.end}] and ` +
          `${quote(e.name)} data_offsets [${e.begin}, ${e.end}] overlap`,
      );
    }
    if (e.begin > covered) {
      throw new Error(`safetensors: data section bytes [${covered}, ${e.begin}) are not covered by any tensor`);
    }
    covered = e.end;
  }
  if (covered > data.length) {
    // A consistent header whose tensors end past the end of the file: the file was cut short.
    const outside = sorted.find((e) => e.end > data.length)!;
    throw new Error(
      `safetensors: truncated: expected ${8 + headerLength + covered} bytes, got ${bytes.length} ` +
        `(tensor ${quote(outside.name)} data_offsets [${outside.begin}, ${outside.end}] lie outside the ${data.length}-byte data section)`,
    );
  }
  if (covered < data.length) {
    throw new Error(`safetensors: data section bytes [${covered}, ${data.length}) are not covered by any tensor`);
  }

  const tensors = Object.fromEntries(entries.map((e) => [e.name, new Tensor(copyOut(data.subarray(e.begin, e.end), e.dtype), e.shape)]));
  return { tensors, metadata };
}

/** What a value that should have been bytes is, for a message. */
function kindOf(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (v instanceof ArrayBuffer) return 'an ArrayBuffer (wrap it: new Uint8Array(buffer))';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${describe(v)}`;
}

/** A limit given in `SafetensorsOptions` (a positive integer), or its default. */
function limit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`decodeSafetensors: ${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/**
 * Scans the header's bytes (structural characters are ASCII, and UTF-8 continuation bytes never
 * are) before it is parsed, and throws if its arrays and objects nest deeper than `maxDepth`, if
 * its top-level object has more than `maxTensors` tensor entries (plus `__metadata__`), or if it
 * holds more JSON values than `maxTensors` tensors could need. A header this scan passes costs
 * `JSON.parse` no more than a few values per byte of a bounded count; one it refuses costs no
 * more than the scan. Malformed JSON is left for `JSON.parse` to report.
 */
function checkHeaderShape(header: Uint8Array, maxDepth: number, maxTensors: number): void {
  const maxValues = VALUES_PER_TENSOR * (maxTensors + 1);
  const maxMembers = MEMBERS_PER_TENSOR * (maxTensors + 1);
  let depth = 0;
  let topMembers = 0;
  let members = 0;
  let values = 1;
  let inString = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next byte
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw new Error(`safetensors: the header nests deeper than the limit of ${maxDepth} (maxDepth)`);
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x3a) {
      // ':' starts an object member's value
      if (depth === 1 && ++topMembers > maxTensors + 1) {
        throw new Error(`safetensors: the header lists more than ${maxTensors} tensors, the limit (maxTensors)`);
      }
      if (++members > maxMembers) {
        throw new Error(
          `safetensors: the header holds more than ${maxMembers} object members, more than ${maxTensors} tensors need (maxTensors)`,
        );
      }
      values++;
    } else if (c === 0x2c && ++values > maxValues) {
      // ',' starts the next array element or object member
      throw new Error(
        `safetensors: the header holds more than ${maxValues} JSON values, more than ${maxTensors} tensors need (maxTensors)`,
      );
    }
  }
}

/** One validated header entry. */
interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** Validates the header entry of tensor `name` (its offsets are checked against the data section by the caller). */
function parseEntry(name: string, raw: unknown): Entry {
  if (!isPlainObject(raw)) {
    throw new Error(`safetensors: tensor ${quote(name)} must be an object with dtype, shape and data_offsets, got ${describe(raw)}`);
  }
  const { dtype: rawDtype, shape, data_offsets: offsets } = raw;
  if (typeof rawDtype !== 'string') {
    throw new Error(`safetensors: tensor ${quote(name)} dtype must be a string, got ${describe(rawDtype)}`);
  }
  const info = Object.hasOwn(SAFETENSORS_DTYPES, rawDtype) ? SAFETENSORS_DTYPES[rawDtype] : undefined;
  if (info === undefined) {
    throw new Error(
      UNSUPPORTED_DTYPES.has(rawDtype)
        ? `safetensors: tensor ${quote(name)} has dtype ${rawDtype}, which is not supported (supported: ${SUPPORTED_LIST})`
        : `safetensors: tensor ${quote(name)} has unknown dtype ${JSON.stringify(rawDtype)} (supported: ${SUPPORTED_LIST})`,
    );
  }
  if (!isIntegerArray(shape)) {
    throw new Error(`safetensors: tensor ${quote(name)} shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  if (!isIntegerArray(offsets) || offsets.length !== 2 || offsets[0] > offsets[1]) {
    throw new Error(
      `safetensors: tensor ${quote(name)} data_offsets must be two non-negative integers [begin, end] ` +
        `with begin <= end, got ${describe(offsets)}`,
    );
  }
  const [begin, end] = offsets;
  let count = 1;
  for (const d of shape) count *= d;
  const needed = count * info.bytes;
  if (needed !== end - begin) {
    throw new Error(
      `safetensors: tensor ${quote(name)} of shape ${shapeStr(shape)} and dtype ${rawDtype} needs ${needed} bytes, ` +
        `but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype: info.dtype, shape, begin, end };
}

/** Validates the `__metadata__` entry (absent: `{}`). */
function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) {
    throw new Error(`safetensors: ${METADATA_KEY} must be an object of strings, got ${describe(raw)}`);
  }
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') {
      throw new Error(`safetensors: ${METADATA_KEY} value for key ${quote(k)} must be a string, got ${describe(v)}`);
    }
    entries.push([k, v]);
  }
  return Object.fromEntries(entries);
}

/** Copies little-endian `bytes` into a new, aligned storage of `dtype`. */
function copyOut(bytes: Uint8Array, dtype: DType): TypedArray {
  const out = allocate(dtype, bytes.length / elementBytes(dtype));
  const raw = new Uint8Array(out.buffer);
  raw.set(bytes);
  if (!LITTLE_ENDIAN) swapBytes(raw, out.BYTES_PER_ELEMENT);
  return out;
}

/** Reverses the bytes of each `width`-byte element in place (little- ↔ big-endian). */
function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

function elementBytes(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/**
 * The reference writer's dtype order, by which tensors are sorted descending: F64 > F32 > I32
 * (its dtype enum is ordered by alignment, and F32 comes after I32 among the 4-byte types).
 */
function dtypeRank(dtype: DType): number {
  return dtype === 'float64' ? 2 : dtype === 'float32' ? 1 : 0;
}

/** Orders strings by Unicode code point (= UTF-8 byte order, as Rust and Python sort). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done === true || cb.done === true) return (ca.done === true ? 0 : 1) - (cb.done === true ? 0 : 1);
    const d = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether `v` is an array of non-negative (safe) integers. */
function isIntegerArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d: unknown) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
}

/** A tensor name or key in quotes for an error message (JSON-escaped if it has odd characters). */
function quote(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || name[i] === "'" || name[i] === '\\') {
      return JSON.stringify(name);
    }
  }
  return `'${name}'`;
}

/** Bytes for an error message: as a JSON string where they are printable ASCII, else in hex. */
function preview(bytes: Uint8Array): string {
  const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
  return printable ? JSON.stringify(String.fromCharCode(...bytes)) : Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** UTF-8 text with invalid sequences replaced, for an error message. */
function lenientText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** A short, one-line rendering of a JSON value for an error message. */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v instanceof Tensor) return v.toString();
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
