/** The safetensors format: bit-exact round trips, PyTorch's layout, atomic files, and every rejection. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor/tensor.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { loadSafetensors, saveSafetensors } from '../../src/io/files.js';

/** The raw bytes of a tensor's storage, for bit-exact comparisons (NaN payloads, -0). */
function bytesOf(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** A float32 tensor holding exactly these bit patterns. */
function f32Bits(bits: number[], shape = [bits.length]): Tensor {
  const data = new Float32Array(bits.length);
  new Uint32Array(data.buffer).set(bits);
  return new Tensor(data, shape);
}

/** A file with this header (JSON text, or an object to stringify; padded to 8 bytes) and data buffer. */
function craft(header: string | object, data: Uint8Array | number = 0): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const h = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  h.set(json);
  const buf = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + buf.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(buf, 8 + h.length);
  return out;
}

/** The header JSON text of an encoded file. */
function headerText(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

describe('round trip', () => {
  it('float32 is bit-exact, NaN payloads, infinities, -0 and subnormals included', () => {
    const bits = [
      0x7fc00000, 0x7fc00001, 0xffc12345, 0x7f800001 /* signalling NaN */, 0x7f800000, 0xff800000, 0x80000000 /* -0 */,
      0x00000001 /* smallest subnormal */, 0x3f800000, 0xc0490fdb,
    ];
    const t = f32Bits(bits, [2, 5]);
    const { tensors } = decodeSafetensors(encodeSafetensors({ x: t }));
    expect(tensors.x.dtype).toBe('float32');
    expect(tensors.x.shape).toEqual([2, 5]);
    expect(bytesOf(tensors.x)).toEqual(bytesOf(t));
    expect(Array.from(new Uint32Array(tensors.x.data.buffer))).toEqual(bits);
  });

  it('float64 and int32 are bit-exact', () => {
    const f64 = new Tensor(new Float64Array([Math.PI, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 1e-300]), [4, 2]);
    new DataView(f64.data.buffer).setBigUint64(16, 0x7ff8_dead_beef_0001n, true); // a NaN with a payload
    const i32 = new Tensor(new Int32Array([-2147483648, 2147483647, 0, -1, 42, 7]), [3, 2]);
    const { tensors } = decodeSafetensors(encodeSafetensors({ w: f64, labels: i32 }));
    expect(tensors.w.dtype).toBe('float64');
    expect(tensors.w.shape).toEqual([4, 2]);
    expect(bytesOf(tensors.w)).toEqual(bytesOf(f64));
    expect(tensors.labels.dtype).toBe('int32');
    expect(tensors.labels.data).toBeInstanceOf(Int32Array);
    expect(tensors.labels.toArray()).toEqual([
      [-2147483648, 2147483647],
      [0, -1],
      [42, 7],
    ]);
  });

  it('empty tensors (shape [0], [2, 0, 3]) and scalars (shape [])', () => {
    const src = {
      empty: new Tensor(new Float32Array(0), [0]),
      empty3d: new Tensor(new Float64Array(0), [2, 0, 3]),
      scalar: new Tensor(new Float32Array([-0]), []),
      count: new Tensor(new Int32Array([5]), []),
    };
    const { tensors } = decodeSafetensors(encodeSafetensors(src));
    expect(Object.keys(tensors).sort()).toEqual(['count', 'empty', 'empty3d', 'scalar']);
    expect(tensors.empty.shape).toEqual([0]);
    expect(tensors.empty.size).toBe(0);
    expect(tensors.empty3d.shape).toEqual([2, 0, 3]);
    expect(tensors.empty3d.dtype).toBe('float64');
    expect(tensors.scalar.shape).toEqual([]);
    expect(Object.is(tensors.scalar.item(), -0)).toBe(true);
    expect(tensors.count.item()).toBe(5);
  });

  it('no tensors at all', () => {
    const bytes = encodeSafetensors({});
    expect(headerText(bytes)).toBe('{}      ');
    expect(decodeSafetensors(bytes)).toEqual({ tensors: {}, metadata: {} });
  });

  it('metadata round-trips (sorted keys, unicode); absent metadata decodes as {}', () => {
    const metadata = { format: 'pt', 'note ✓': 'line1\nline2 "quoted" 🙂', empty: '' };
    const t = new Tensor(new Float32Array([1, 2]), [2]);
    const decoded = decodeSafetensors(encodeSafetensors({ t }, metadata));
    expect(decoded.metadata).toEqual(metadata);
    expect(decodeSafetensors(encodeSafetensors({ t })).metadata).toEqual({});
    expect(headerText(encodeSafetensors({ t }, {}))).not.toContain('__metadata__');
  });

  it('unusual tensor names survive, __proto__ and unicode included', () => {
    const src: Record<string, Tensor> = {};
    Object.defineProperty(src, '__proto__', { value: new Tensor(new Float32Array([1]), [1]), enumerable: true });
    src['layer.0.ünïcode 🙂'] = new Tensor(new Float32Array([2]), [1]);
    src[''] = new Tensor(new Float32Array([3]), [1]);
    const { tensors } = decodeSafetensors(encodeSafetensors(src));
    expect(Object.keys(tensors).sort()).toEqual(['', '__proto__', 'layer.0.ünïcode 🙂']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(tensors, '__proto__')?.value).toBeInstanceOf(Tensor);
    expect(tensors[''].item()).toBe(3);
  });

  it('decoded storage is a fresh aligned copy, even from an unaligned view of the input', () => {
    const t = new Tensor(new Float64Array([1.5, -2.5, 3.25]), [3]);
    const bytes = encodeSafetensors({ a: new Tensor(new Float32Array([7]), [1]), t });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const view = shifted.subarray(3);
    const { tensors } = decodeSafetensors(view);
    expect(tensors.t.toArray()).toEqual([1.5, -2.5, 3.25]);
    expect(tensors.t.data.buffer).not.toBe(shifted.buffer);
    expect(tensors.t.data.byteOffset).toBe(0);
    shifted.fill(0);
    expect(tensors.t.toArray()).toEqual([1.5, -2.5, 3.25]);
  });

  it('encoding copies: changing the tensor afterwards does not change the bytes', () => {
    const t = new Tensor(new Float32Array([1, 2, 3]), [3]);
    const bytes = encodeSafetensors({ t });
    t.data[0] = 99;
    expect(decodeSafetensors(bytes).tensors.t.toArray()).toEqual([1, 2, 3]);
  });
});

describe('layout (as safetensors.torch.save_file writes it)', () => {
  it('matches the reference implementation byte for byte', () => {
    // The reference's own serialization test: one F32 tensor "attn.0" of shape [1, 2, 3], values 0..5.
    const t = new Tensor(new Float32Array([0, 1, 2, 3, 4, 5]), [1, 2, 3]);
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64);
    const expected = new Uint8Array(8 + 64 + 24);
    expected[0] = 64;
    expected.set(new TextEncoder().encode(json), 8);
    expected.set(new Uint8Array(t.data.buffer), 72);
    expect(encodeSafetensors({ 'attn.0': t })).toEqual(expected);
    // ...and its empty file with metadata: the header padded with spaces to 40 bytes.
    expect(headerText(encodeSafetensors({}, { framework: 'pt' }))).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it('sorts by dtype (F64, F32, I32) then name, contiguously, header padded to a multiple of 8', () => {
    const bytes = encodeSafetensors(
      {
        z: new Tensor(new Float32Array(3), [3]),
        b: new Tensor(new Int32Array(1), [1]),
        a: new Tensor(new Float32Array(1), [1]),
        y: new Tensor(new Float64Array(2), [2]),
      },
      { format: 'pt' },
    );
    const text = headerText(bytes);
    expect(text.length % 8).toBe(0);
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},' +
        '"y":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},' +
        '"a":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},' +
        '"z":{"dtype":"F32","shape":[3],"data_offsets":[20,32]},' +
        '"b":{"dtype":"I32","shape":[1],"data_offsets":[32,36]}}',
    );
    expect(bytes.length).toBe(8 + text.length + 36);
  });

  it('decodes tensors listed in any order, with trailing header spaces', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const bytes = craft(
      '{"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}   ',
      data,
    );
    const { tensors } = decodeSafetensors(bytes);
    expect(tensors.a.item()).toBe(1);
    expect(tensors.b.toArray()).toEqual([2, 3]);
  });
});

describe('a file written by PyTorch (test/fixtures/gen_safetensors_fixture.py)', () => {
  interface Expected {
    metadata: Record<string, string>;
    headerLength: number;
    order: string[];
    tensors: Record<string, { dtype: string; shape: number[]; data: number[] }>;
  }
  const fixture = fileURLToPath(new URL('../fixtures/torch-model.safetensors', import.meta.url));
  const expected = JSON.parse(fs.readFileSync(fixture.replace(/\.safetensors$/, '.json'), 'utf8')) as Expected;
  const dtypes: Record<string, string> = { F32: 'float32', F64: 'float64', I32: 'int32' };

  it('loads with exactly the values PyTorch wrote', () => {
    const { tensors, metadata } = loadSafetensors(fixture);
    expect(metadata).toEqual({ format: 'pt' });
    expect(metadata).toEqual(expected.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, e] of Object.entries(expected.tensors)) {
      const t = tensors[name];
      expect(t.dtype, name).toBe(dtypes[e.dtype]);
      expect(t.shape, name).toEqual(e.shape);
      expect(Array.from(t.data), name).toEqual(e.data);
    }
  });

  it('re-encoding the loaded tensors reproduces the file byte for byte', () => {
    const { tensors, metadata } = loadSafetensors(fixture);
    const bytes = encodeSafetensors(tensors, metadata);
    expect(headerText(bytes).length).toBe(expected.headerLength);
    expect(bytes).toEqual(new Uint8Array(fs.readFileSync(fixture)));
  });
});

describe('files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-ts-safetensors-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves and loads; no temporary file is left behind', () => {
    const file = path.join(dir, 'model.safetensors');
    const w = new Tensor(new Float32Array([1, -2, 3.5, NaN]), [2, 2]);
    saveSafetensors(file, { w }, { epoch: '3' });
    expect(fs.readdirSync(dir)).toEqual(['model.safetensors']);
    const { tensors, metadata } = loadSafetensors(file);
    expect(bytesOf(tensors.w)).toEqual(bytesOf(w));
    expect(metadata).toEqual({ epoch: '3' });
  });

  it('replaces an existing file completely', () => {
    const file = path.join(dir, 'model.safetensors');
    saveSafetensors(file, { big: new Tensor(new Float64Array(1000), [1000]), old: new Tensor(new Int32Array([1]), [1]) });
    saveSafetensors(file, { small: new Tensor(new Float32Array([4]), [1]) });
    expect(fs.readdirSync(dir)).toEqual(['model.safetensors']);
    const { tensors } = loadSafetensors(file);
    expect(Object.keys(tensors)).toEqual(['small']);
    expect(tensors.small.item()).toBe(4);
  });

  it('a failed save leaves no file and says why', () => {
    const file = path.join(dir, 'missing-dir', 'model.safetensors');
    expect(() => saveSafetensors(file, { t: new Tensor(new Float32Array(1), [1]) })).toThrow(
      new RegExp(`^safetensors: cannot write '${escapeRegExp(file)}': ENOENT`),
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a missing file is a one-line read error naming the path', () => {
    const file = path.join(dir, 'nope.safetensors');
    expect(() => loadSafetensors(file)).toThrow(
      new RegExp(`^safetensors: cannot read '${escapeRegExp(file)}': ENOENT: no such file or directory`),
    );
  });

  it('a malformed file gives the decoding error with the path appended', () => {
    const file = path.join(dir, 'short.safetensors');
    fs.writeFileSync(file, new Uint8Array(3));
    expect(() => loadSafetensors(file)).toThrow(
      `safetensors: not a safetensors file: it has 3 bytes, fewer than the 8 of the header length (in '${file}')`,
    );
    const text = path.join(dir, 'notes.safetensors');
    fs.writeFileSync(text, 'some notes, not tensors');
    expect(() => loadSafetensors(text)).toThrow(
      `safetensors: not a safetensors file: the first 8 bytes ("some not") give a header length of 8390045716234202995, ` +
        `more than the 100000000-byte limit (in '${text}')`,
    );
    const cut = path.join(dir, 'cut.safetensors');
    const whole = encodeSafetensors({ w: new Tensor(new Float32Array(6), [2, 3]) });
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 10));
    expect(() => loadSafetensors(cut)).toThrow(`safetensors: truncated: expected ${whole.length} bytes, got ${whole.length - 10}`);
    expect(() => loadSafetensors(cut)).toThrow(`(in '${cut}')`);
  });
});

describe('rejections', () => {
  const f32 = (n: number): Uint8Array => new Uint8Array(4 * n);
  const entry = (dtype: unknown, shape: unknown, offsets: unknown): object => ({ dtype, shape, data_offsets: offsets });

  it('bytes that are not a safetensors file say so, with the header length their first 8 bytes give', () => {
    expect(() => decodeSafetensors(new Uint8Array(0))).toThrow(
      'safetensors: not a safetensors file: it has 0 bytes, fewer than the 8 of the header length',
    );
    expect(() => decodeSafetensors(new Uint8Array(7))).toThrow('safetensors: not a safetensors file: it has 7 bytes');
    // text: the first 8 bytes read as a huge little-endian length
    expect(() => decodeSafetensors(new TextEncoder().encode('this is not a model'))).toThrow(
      'safetensors: not a safetensors file: the first 8 bytes ("this is ") give a header length of 2338328219631577204, ' +
        'more than the 100000000-byte limit',
    );
    // a PNG signature: shown in hex
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(() => decodeSafetensors(png)).toThrow(
      'safetensors: not a safetensors file: the first 8 bytes (89 50 4e 47 0d 0a 1a 0a) give a header length of 727905341920923785',
    );
    // a plausible length, but no JSON object after it
    const small = new Uint8Array(24);
    small[0] = 16;
    small.set(new TextEncoder().encode('GIF89a..........'), 8);
    expect(() => decodeSafetensors(small)).toThrow(
      'safetensors: not a safetensors file: the first 8 bytes (10 00 00 00 00 00 00 00) give a header length of 16, ' +
        'but the header is not a JSON object (it begins "GIF89a..........")',
    );
    small.set(new TextEncoder().encode('  '), 8);
    expect(() => decodeSafetensors(small.subarray(0, 12))).toThrow('give a header length of 16, but the file has 12 bytes');
  });

  it('a truncated file: expected N bytes, got M', () => {
    const good = encodeSafetensors({ t: new Tensor(new Float32Array(16), [4, 4]) });
    const headerEnd = 8 + headerText(good).length;
    expect(() => decodeSafetensors(good.subarray(0, 20))).toThrow(
      `safetensors: truncated: expected at least ${headerEnd} bytes (8 + a ${headerEnd - 8}-byte header), got 20`,
    );
    expect(() => decodeSafetensors(good.subarray(0, good.length - 1))).toThrow(
      `safetensors: truncated: expected ${good.length} bytes, got ${good.length - 1} ` +
        "(tensor 't' data_offsets [0, 64] lie outside the 63-byte data section)",
    );
    expect(() => decodeSafetensors(good.subarray(0, headerEnd))).toThrow(`truncated: expected ${good.length} bytes, got ${headerEnd}`);
  });

  it('an oversized header length', () => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, 100_000_001n, true);
    expect(() => decodeSafetensors(bytes)).toThrow(
      'safetensors: not a safetensors file: the first 8 bytes (01 e1 f5 05 00 00 00 00) give a header length of 100000001, ' +
        'more than the 100000000-byte limit',
    );
    view.setBigUint64(0, 0xffff_ffff_ffff_ffffn, true);
    expect(() => decodeSafetensors(bytes)).toThrow('give a header length of 18446744073709551615, more than the 100000000-byte limit');
    view.setBigUint64(0, 9n, true);
    expect(() => decodeSafetensors(bytes)).toThrow('give a header length of 9, but the file has 16 bytes');
    bytes[8] = 0x7b; // '{': a header cut short
    expect(() => decodeSafetensors(bytes)).toThrow('safetensors: truncated: expected at least 17 bytes (8 + a 9-byte header), got 16');
  });

  it('a header that is not UTF-8, not JSON, or not an object', () => {
    const bad = craft('{}      ');
    bad[9] = 0xff;
    expect(() => decodeSafetensors(bad)).toThrow('safetensors: the 8-byte header is not valid UTF-8');
    expect(() => decodeSafetensors(craft('{"a": '))).toThrow(
      /^safetensors: the header is not valid JSON: .* \(it begins "\{\\"a\\": {3}"\)$/,
    );
    expect(() => decodeSafetensors(craft(''))).toThrow(
      'safetensors: not a safetensors file: the first 8 bytes (00 00 00 00 00 00 00 00) give a header length of 0, ' +
        'but the header is not a JSON object (it is empty)',
    );
    expect(() => decodeSafetensors(craft('[1, 2]'))).toThrow('but the header is not a JSON object (it begins "[1, 2]  ")');
    expect(() => decodeSafetensors(craft('null'))).toThrow('but the header is not a JSON object (it begins "null    ")');
    expect(() => decodeSafetensors(craft({ w: 5 }))).toThrow(
      "safetensors: tensor 'w' must be an object with dtype, shape and data_offsets, got 5",
    );
  });

  it('an unknown or unsupported dtype, naming the tensor', () => {
    expect(() => decodeSafetensors(craft({ 'conv.weight': entry('F16', [2], [0, 4]) }, 4))).toThrow(
      "safetensors: tensor 'conv.weight' has dtype F16, which is not supported (supported: F32, F64, I32)",
    );
    expect(() => decodeSafetensors(craft({ h: entry('BF16', [2], [0, 4]) }, 4))).toThrow(
      "safetensors: tensor 'h' has dtype BF16, which is not supported (supported: F32, F64, I32)",
    );
    expect(() => decodeSafetensors(craft({ n: entry('I64', [1], [0, 8]) }, 8))).toThrow("tensor 'n' has dtype I64, which is not supported");
    expect(() => decodeSafetensors(craft({ x: entry('float32', [1], [0, 4]) }, 4))).toThrow(
      'safetensors: tensor \'x\' has unknown dtype "float32" (supported: F32, F64, I32)',
    );
    expect(() => decodeSafetensors(craft({ x: entry('toString', [1], [0, 4]) }, 4))).toThrow('has unknown dtype "toString"');
    expect(() => decodeSafetensors(craft({ x: entry(undefined, [1], [0, 4]) }, 4))).toThrow(
      "safetensors: tensor 'x' dtype must be a string, got nothing",
    );
  });

  it('a shape that is not an array of non-negative integers', () => {
    for (const shape of [[2, -1], [1.5], ['2'], 4, null, [2 ** 53]]) {
      expect(() => decodeSafetensors(craft({ x: entry('F32', shape, [0, 8]) }, 8))).toThrow(
        `safetensors: tensor 'x' shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
      );
    }
  });

  it('data_offsets that are not two ordered integers', () => {
    for (const offsets of [[4, 0], [0], [0, 4, 8], [-4, 0], [0, 4.5], '0,4', undefined]) {
      expect(() => decodeSafetensors(craft({ x: entry('F32', [1], offsets) }, 4))).toThrow(
        "safetensors: tensor 'x' data_offsets must be two non-negative integers [begin, end] with begin <= end, got " +
          (offsets === undefined ? 'nothing' : JSON.stringify(offsets)),
      );
    }
  });

  it('offsets outside the data section', () => {
    const bytes = craft({ 'conv1.weight': entry('F32', [1024], [0, 4096]) }, 1024);
    expect(() => decodeSafetensors(bytes)).toThrow(
      `safetensors: truncated: expected ${bytes.length + 3072} bytes, got ${bytes.length} ` +
        "(tensor 'conv1.weight' data_offsets [0, 4096] lie outside the 1024-byte data section)",
    );
    expect(() => decodeSafetensors(craft({ a: entry('F32', [1], [0, 4]), b: entry('F32', [1], [8, 12]) }, 4))).toThrow(
      'safetensors: data section bytes [4, 8) are not covered by any tensor',
    );
  });

  it('a byte length that does not match shape × dtype size', () => {
    expect(() => decodeSafetensors(craft({ w: entry('F32', [2, 3], [0, 20]) }, 20))).toThrow(
      "safetensors: tensor 'w' of shape [2, 3] and dtype F32 needs 24 bytes, but data_offsets [0, 20] hold 20",
    );
    expect(() => decodeSafetensors(craft({ w: entry('F64', [2], [0, 8]) }, 8))).toThrow(
      "safetensors: tensor 'w' of shape [2] and dtype F64 needs 16 bytes, but data_offsets [0, 8] hold 8",
    );
  });

  it('overlapping tensors, holes and trailing bytes', () => {
    expect(() => decodeSafetensors(craft({ a: entry('F32', [4], [0, 16]), b: entry('F32', [4], [8, 24]) }, f32(6)))).toThrow(
      "safetensors: tensors 'a' data_offsets [0, 16] and 'b' data_offsets [8, 24] overlap",
    );
    expect(() => decodeSafetensors(craft({ a: entry('F32', [2], [0, 8]), b: entry('F32', [2], [0, 8]) }, f32(2)))).toThrow(
      "safetensors: tensors 'a' data_offsets [0, 8] and 'b' data_offsets [0, 8] overlap",
    );
    expect(() => decodeSafetensors(craft({ a: entry('F32', [1], [0, 4]), b: entry('F32', [1], [8, 12]) }, f32(3)))).toThrow(
      'safetensors: data section bytes [4, 8) are not covered by any tensor',
    );
    expect(() => decodeSafetensors(craft({ a: entry('F32', [1], [0, 4]) }, f32(2)))).toThrow(
      'safetensors: data section bytes [4, 8) are not covered by any tensor',
    );
  });

  it('__metadata__ that is not a map of strings', () => {
    expect(() => decodeSafetensors(craft({ __metadata__: { format: 'pt', epoch: 3 } }))).toThrow(
      "safetensors: __metadata__ value for key 'epoch' must be a string, got 3",
    );
    expect(() => decodeSafetensors(craft({ __metadata__: ['pt'] }))).toThrow(
      'safetensors: __metadata__ must be an object of strings, got ["pt"]',
    );
  });

  it('names with control characters are quoted as JSON in messages, keeping them one line', () => {
    expect(() => decodeSafetensors(craft({ 'a\nb': entry('F16', [1], [0, 2]) }, 2))).toThrow(
      'safetensors: tensor "a\\nb" has dtype F16, which is not supported',
    );
  });

  it('encoding rejects a tensor named __metadata__ and non-string metadata', () => {
    const t = new Tensor(new Float32Array(1), [1]);
    expect(() => encodeSafetensors({ __metadata__: t })).toThrow(
      "safetensors: '__metadata__' is reserved for metadata and cannot name a tensor",
    );
    const metadata = JSON.parse('{"epoch": 3}') as Record<string, string>;
    expect(() => encodeSafetensors({ t }, metadata)).toThrow("safetensors: metadata value for key 'epoch' must be a string, got 3");
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
