/**
 * The IDX file format of MNIST (and Fashion-MNIST, EMNIST, …), browser-safe:
 *
 *     bytes 0–1  zero
 *     byte  2    element type: 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double
 *     byte  3    number of dimensions d
 *     then       d big-endian uint32 sizes, then the elements, big-endian, row-major
 */

/** The element arrays an IDX file can hold. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: its dimension sizes and its elements, row-major. */
export interface IdxArray {
  dims: number[];
  data: IdxData;
}

interface IdxType {
  name: string;
  size: number;
  read: (view: DataView, offset: number, count: number) => IdxData;
}

function reader<T extends IdxData>(
  make: (count: number) => T,
  size: number,
  get: (view: DataView, at: number) => number,
): (view: DataView, offset: number, count: number) => T {
  return (view, offset, count) => {
    const out = make(count);
    for (let i = 0; i < count; i++) out[i] = get(view, offset + i * size);
    return out;
  };
}

const IDX_TYPES: ReadonlyMap<number, IdxType> = new Map<number, IdxType>([
  [0x08, { name: 'unsigned byte', size: 1, read: (v, o, c) => new Uint8Array(v.buffer, v.byteOffset + o, c) }],
  [0x09, { name: 'signed byte', size: 1, read: (v, o, c) => new Int8Array(v.buffer, v.byteOffset + o, c) }],
  [
    0x0b,
    {
      name: 'short',
      size: 2,
      read: reader(
        (c) => new Int16Array(c),
        2,
        (v, at) => v.getInt16(at, false),
      ),
    },
  ],
  [
    0x0c,
    {
      name: 'int',
      size: 4,
      read: reader(
        (c) => new Int32Array(c),
        4,
        (v, at) => v.getInt32(at, false),
      ),
    },
  ],
  [
    0x0d,
    {
      name: 'float',
      size: 4,
      read: reader(
        (c) => new Float32Array(c),
        4,
        (v, at) => v.getFloat32(at, false),
      ),
    },
  ],
  [
    0x0e,
    {
      name: 'double',
      size: 8,
      read: reader(
        (c) => new Float64Array(c),
        8,
        (v, at) => v.getFloat64(at, false),
      ),
    },
  ],
]);

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0').toUpperCase()}`;
}

/**
 * The most data bytes an IDX file may declare (2³⁰, 1 GiB: 2³⁰ unsigned bytes or 2²⁷ doubles;
 * EMNIST ByClass, the largest MNIST-like set, has 0.55 GB of images). Checked against the header's
 * dimensions before anything is allocated or decompressed.
 */
export const MAX_IDX_BYTES = 2 ** 30;

/** Limits of `parseIdx` and `readIdxFile`. */
export interface IdxOptions {
  /** The most data bytes the header may declare (default `MAX_IDX_BYTES`). */
  maxBytes?: number;
}

/** A checked IDX header: element type, dims, and the sizes in bytes of the header and the data it declares. */
export interface IdxHeader {
  type: number;
  dims: number[];
  headerBytes: number;
  dataBytes: number;
}

/** The size in bytes of the header that starts with `start` (at least its first 4 bytes). */
export function idxHeaderBytes(start: Uint8Array): number {
  return 4 + 4 * start[3];
}

/** The `maxBytes` of `options` (a positive integer), or `MAX_IDX_BYTES`. */
export function idxMaxBytes(op: string, options: IdxOptions): number {
  if (typeof options !== 'object' || options === null) throw new Error(`${op}: options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) if (key !== 'maxBytes') throw new Error(`${op}: unknown option '${key}' (it takes maxBytes)`);
  const max = options.maxBytes ?? MAX_IDX_BYTES;
  if (!Number.isSafeInteger(max) || max < 0) throw new Error(`${op}: maxBytes must be a non-negative integer, got ${String(max)}`);
  return max;
}

/**
 * Parses and checks the header at the start of `bytes` (which may hold more than the header, or,
 * when they are all there is, less): the magic number, the type code, the dimension count, and the
 * data size the dims declare against `maxBytes`. `name` starts every error message.
 */
export function parseIdxHeader(bytes: Uint8Array, name: string, maxBytes: number): IdxHeader {
  if (bytes.length < 4) throw new Error(`${name}: too short for an IDX header (${bytes.length} bytes, need at least 4)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${name}: bad IDX magic number: expected the first two bytes to be 0x00 0x00, got ${hex(bytes[0])} ${hex(bytes[1])}`);
  }
  const type = IDX_TYPES.get(bytes[2]);
  if (type === undefined) {
    throw new Error(`${name}: unknown IDX type code ${hex(bytes[2])} (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)`);
  }
  const ndim = bytes[3];
  if (ndim === 0) throw new Error(`${name}: IDX dimension count is 0`);
  const headerBytes = idxHeaderBytes(bytes);
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated IDX header: ${ndim} dimensions need ${headerBytes} header bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  // a product of up to 255 factors below 2³² may round, but only above maxBytes, where it is refused
  const dataBytes = dims.reduce((p, d) => p * d, type.size);
  if (dataBytes > maxBytes) {
    const bytesText =
      Number.isFinite(dataBytes) && dataBytes <= Number.MAX_SAFE_INTEGER ? `${dataBytes}` : `about ${dataBytes.toPrecision(3)}`;
    throw new Error(
      `${name}: IDX dims [${dims.join(', ')}] of ${type.name}s declare ${bytesText} data bytes, more than the limit of ${maxBytes} (maxBytes)`,
    );
  }
  return { type: bytes[2], dims, headerBytes, dataBytes };
}

/**
 * Parses an IDX file held in `bytes`. `name` (a file name, say) starts every error message.
 * Byte data (types 0x08, 0x09) are views of `bytes`, not copies; wider types are decoded from
 * big-endian into new arrays. The data must fill the file exactly: a truncated file, or one with
 * trailing bytes, is an error that gives the expected and actual sizes. The header is checked,
 * its declared data size included (at most `options.maxBytes`, default `MAX_IDX_BYTES`), before
 * anything is allocated.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX', options: IdxOptions = {}): IdxArray {
  if (!(bytes instanceof Uint8Array))
    throw new Error(`parseIdx: bytes must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  const header = parseIdxHeader(bytes, name, idxMaxBytes('parseIdx', options));
  const { dims, headerBytes, dataBytes } = header;
  const type = IDX_TYPES.get(header.type)!;
  const got = bytes.length - headerBytes;
  if (got !== dataBytes) {
    throw new Error(`${name}: expected ${dataBytes} data bytes for dims [${dims.join(', ')}], got ${got}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { dims, data: type.read(view, headerBytes, dataBytes / type.size) };
}
