/** The IDX format: every type code, big-endian dims and data, and the error messages. */
import { describe, expect, it } from 'vitest';
import { parseIdx } from '../../src/data/index.js';
import { idxBytes } from './idx-helpers.js';

describe('parseIdx', () => {
  it('reads unsigned bytes (0x08), a view of the input', () => {
    const bytes = idxBytes(0x08, [2, 3], [0, 1, 2, 253, 254, 255]);
    const { dims, data } = parseIdx(bytes);
    expect(dims).toEqual([2, 3]);
    expect(data).toBeInstanceOf(Uint8Array);
    expect([...data]).toEqual([0, 1, 2, 253, 254, 255]);
  });
  it('reads signed bytes (0x09)', () => {
    const { data } = parseIdx(idxBytes(0x09, [4], [-128, -1, 0, 127]));
    expect(data).toBeInstanceOf(Int8Array);
    expect([...data]).toEqual([-128, -1, 0, 127]);
  });
  it('reads big-endian shorts (0x0B)', () => {
    const bytes = idxBytes(0x0b, [3], [-2, 258, 32767]);
    expect([...bytes.subarray(8)]).toEqual([0xff, 0xfe, 0x01, 0x02, 0x7f, 0xff]);
    const { data } = parseIdx(bytes);
    expect(data).toBeInstanceOf(Int16Array);
    expect([...data]).toEqual([-2, 258, 32767]);
  });
  it('reads big-endian ints (0x0C) with 3 big-endian dims', () => {
    const bytes = idxBytes(0x0c, [1, 2, 2], [1, -1, 65536, -2147483648]);
    expect([...bytes.subarray(4, 16)]).toEqual([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2]);
    const { dims, data } = parseIdx(bytes);
    expect(dims).toEqual([1, 2, 2]);
    expect(data).toBeInstanceOf(Int32Array);
    expect([...data]).toEqual([1, -1, 65536, -2147483648]);
  });
  it('reads big-endian floats (0x0D) and doubles (0x0E)', () => {
    const f = parseIdx(idxBytes(0x0d, [3], [0.5, -1.25, 3e10]));
    expect(f.data).toBeInstanceOf(Float32Array);
    expect([...f.data]).toEqual([0.5, -1.25, Math.fround(3e10)]);
    const d = parseIdx(idxBytes(0x0e, [2], [Math.PI, -1e-300]));
    expect(d.data).toBeInstanceOf(Float64Array);
    expect([...d.data]).toEqual([Math.PI, -1e-300]);
  });
  it('reads a buffer that starts at an odd offset of a larger buffer', () => {
    const inner = idxBytes(0x0c, [2], [7, -7]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    expect([...parseIdx(outer.subarray(3)).data]).toEqual([7, -7]);
  });
  it('reads an empty dimension (no elements)', () => {
    expect(parseIdx(idxBytes(0x08, [0, 28, 28], [])).dims).toEqual([0, 28, 28]);
  });

  it('rejects a bad magic number', () => {
    const bytes = idxBytes(0x08, [1], [5]);
    bytes[1] = 0x01;
    expect(() => parseIdx(bytes, 'x.idx')).toThrow(
      'x.idx: bad IDX magic number: expected the first two bytes to be 0x00 0x00, got 0x00 0x01',
    );
  });
  it('rejects an unknown type code', () => {
    const bytes = idxBytes(0x08, [1], [5]);
    bytes[2] = 0x0a;
    expect(() => parseIdx(bytes)).toThrow('IDX: unknown IDX type code 0x0A');
  });
  it('rejects truncated data, naming the file, the dims and both sizes', () => {
    const header = idxBytes(0x08, [60000, 28, 28], []).subarray(0, 16);
    const bytes = new Uint8Array(16 + 1000);
    bytes.set(header);
    expect(() => parseIdx(bytes, 'train-images-idx3-ubyte')).toThrow(
      'train-images-idx3-ubyte: expected 47040000 data bytes for dims [60000, 28, 28], got 1000',
    );
  });
  it('rejects trailing bytes, a truncated header and a short file', () => {
    const bytes = idxBytes(0x0c, [2], [1, 2]);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => parseIdx(longer)).toThrow('IDX: expected 8 data bytes for dims [2], got 9');
    expect(() => parseIdx(bytes.subarray(0, 6))).toThrow('truncated IDX header: 1 dimensions need 8 header bytes, got 6');
    expect(() => parseIdx(new Uint8Array([0, 0]))).toThrow('too short for an IDX header');
  });
});
