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
 * Parses an IDX file held in `bytes`. `name` (a file name, say) starts every error message.
 * Byte data (types 0x08, 0x09) are views of `bytes`, not copies; wider types are decoded from
 * big-endian into new arrays. The data must fill the file exactly: a truncated file, or one with
 * trailing bytes, is an error that gives the expected and actual sizes.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX'): IdxArray {
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
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated IDX header: ${ndim} dimensions need ${headerBytes} header bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((p, d) => p * d, 1);
  const expected = count * type.size;
  const got = bytes.length - headerBytes;
  if (got !== expected) {
    throw new Error(`${name}: expected ${expected} data bytes for dims [${dims.join(', ')}], got ${got}`);
  }
  return { dims, data: type.read(view, headerBytes, count) };
}
