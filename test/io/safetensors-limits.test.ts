/**
 * Limits of the safetensors and model-file decoders, checked before anything heavy is built:
 * the header's nesting depth (64), its tensor count (100,000) and JSON value count, the 100 MB
 * header length; a module spec describing more weights than the file holds; a model whose forward
 * pass on its inputShape would make a tensor of more than MAX_FORWARD_ELEMENTS; arguments that
 * are not bytes.
 */
import { describe, expect, it } from 'vitest';
import { decodeModel, decodeSafetensors, encodeModel, encodeSafetensors, nn, tensor } from '../../src/index.js';
import {
  SAFETENSORS_MAX_DEPTH,
  SAFETENSORS_MAX_HEADER_BYTES,
  SAFETENSORS_MAX_TENSORS,
  type SafetensorsOptions,
} from '../../src/io/safetensors.js';
import { MAX_FORWARD_ELEMENTS } from '../../src/io/model-file.js';

/** A safetensors file of the header text `json` and `data`. */
function file(json: string, data = new Uint8Array(0)): Uint8Array {
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

/** A header of `n` zero-size F32 tensors. */
function manyTensors(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`"${i.toString(36)}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
  return `{${parts.join(',')}}`;
}

/**
 * Runs `fn`, returning its error message and how long it took. The tests bound the time at 10 s: not a
 * speed measurement, a guard against the old paths, which took from 23 s to minutes.
 */
function timed(fn: () => unknown): { message: string; ms: number } {
  const t0 = Date.now();
  try {
    fn();
  } catch (e) {
    return { message: (e as Error).message, ms: Date.now() - t0 };
  }
  return { message: '(no error)', ms: Date.now() - t0 };
}

describe('safetensors limits', () => {
  it('the defaults', () => {
    expect([SAFETENSORS_MAX_HEADER_BYTES, SAFETENSORS_MAX_DEPTH, SAFETENSORS_MAX_TENSORS]).toEqual([100_000_000, 64, 100_000]);
  });
  it('decodeSafetensors(null), a string, an ArrayBuffer: an Error naming the function and the value', () => {
    expect(() => decodeSafetensors(null as never)).toThrow('decodeSafetensors: bytes must be a Uint8Array, got null');
    expect(() => decodeSafetensors(undefined as never)).toThrow('decodeSafetensors: bytes must be a Uint8Array, got undefined');
    expect(() => decodeSafetensors('abc' as never)).toThrow('decodeSafetensors: bytes must be a Uint8Array, got string "abc"');
    expect(() => decodeSafetensors(new ArrayBuffer(8) as never)).toThrow('got an ArrayBuffer (wrap it: new Uint8Array(buffer))');
    expect(() => decodeSafetensors(new Float32Array(4) as never)).toThrow('got a Float32Array');
    expect(() => decodeModel(null as never)).toThrow('decodeModel: bytes must be a Uint8Array, got null');
  });
  it('10,000-deep nesting is refused by a scan before JSON.parse, quickly', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    for (const json of [deep, `{"a":${deep}}`, `{"__metadata__":{"x":${deep}}}`]) {
      const r = timed(() => decodeSafetensors(file(json)));
      expect(r.message).toMatch(/^safetensors: (the header nests deeper than the limit of 64 \(maxDepth\)|not a safetensors file)/);
      expect(r.ms).toBeLessThan(10_000);
    }
    // 64 levels in all (the header object and 63 arrays) are allowed, 65 are not
    expect(timed(() => decodeSafetensors(file(`{"a":${'['.repeat(63)}${']'.repeat(63)}}`))).message).toMatch(/'a' must be an object/);
    expect(timed(() => decodeSafetensors(file(`{"a":${'['.repeat(64)}${']'.repeat(64)}}`))).message).toContain('(maxDepth)');
    // brackets inside strings do not count
    const names = `{"__metadata__":{"k":"${'['.repeat(1000)}"}}`;
    expect(decodeSafetensors(file(names)).metadata.k).toBe('['.repeat(1000));
  });
  it('1.7 million zero-size tensors are refused before the header is parsed; 100,001 after it, before any tensor is built', () => {
    const bytes = file(manyTensors(1_700_000)); // 92 MB
    const r = timed(() => decodeSafetensors(bytes));
    expect(r.message).toBe('safetensors: the header lists more than 100000 tensors, the limit (maxTensors)');
    expect(r.ms).toBeLessThan(10_000);
    expect(timed(() => decodeSafetensors(file(manyTensors(100_001)))).message).toBe(
      'safetensors: the header lists 100001 tensors, more than the limit of 100000 (maxTensors)',
    );
    // the cap is an option
    const ten = file(manyTensors(10));
    expect(Object.keys(decodeSafetensors(ten).tensors)).toHaveLength(10);
    expect(() => decodeSafetensors(ten, { maxTensors: 9 })).toThrow(
      'safetensors: the header lists 10 tensors, more than the limit of 9 (maxTensors)',
    );
  }, 20_000);
  it('a header of a few tensors holding millions of JSON values, or a map of 600,000 keys, is refused by the scan', () => {
    const longShape = `{"t":{"dtype":"F32","shape":[${'1,'.repeat(4_000_000)}0],"data_offsets":[0,0]}}`;
    expect(timed(() => decodeSafetensors(file(longShape))).message).toMatch(
      /^safetensors: the header holds more than 1600016 JSON values, more than 100000 tensors need \(maxTensors\)$/,
    );
    const bigMap = `{"__metadata__":{${Array.from({ length: 600_000 }, (_, i) => `"k${i}":"v"`).join(',')}}}`;
    expect(timed(() => decodeSafetensors(file(bigMap))).message).toBe(
      'safetensors: the header holds more than 500005 object members, more than 100000 tensors need (maxTensors)',
    );
  });
  it('options: each a positive integer, unknown ones refused; the header length limit', () => {
    const ok = encodeSafetensors({ w: tensor([1, 2]) });
    expect(() => decodeSafetensors(ok, { maxDepth: 0 })).toThrow('decodeSafetensors: maxDepth must be a positive integer, got 0');
    expect(() => decodeSafetensors(ok, { maxTensors: 1.5 })).toThrow('decodeSafetensors: maxTensors must be a positive integer, got 1.5');
    expect(() => decodeSafetensors(ok, { depth: 3 } as SafetensorsOptions)).toThrow("decodeSafetensors: unknown option 'depth'");
    expect(() => decodeSafetensors(ok, { maxHeaderBytes: 8 })).toThrow(/more than the 8-byte limit/);
    expect(() => decodeSafetensors(ok, { maxDepth: 1 })).toThrow('the header nests deeper than the limit of 1 (maxDepth)');
    expect([...decodeSafetensors(ok, { maxDepth: 3, maxTensors: 1 }).tensors.w.data]).toEqual([1, 2]);
  });
});

describe('model files: what a file describes is checked before it costs memory', () => {
  /** A model file of `model` whose metadata `modules` (the spec) is rewritten by `edit`. */
  function withSpec(model: nn.Module, edit: (spec: string) => string, inputShape = [1, 8, 8]): Uint8Array {
    const { tensors, metadata } = decodeSafetensors(encodeModel(model, { inputShape }));
    return encodeSafetensors(tensors, { ...metadata, modules: edit(metadata.modules) });
  }
  const small = (): nn.Module =>
    new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(2 * 8 * 8, 3));

  it('a spec of Linear(40000, 40000) in a 6 KB file: refused before it is built (it cost 12 GB and 140 s)', () => {
    const bytes = withSpec(small(), (s) => s.replace('"args":[128,3', '"args":[40000,40000'));
    const r = timed(() => decodeModel(bytes));
    expect(r.message).toBe('model file: the module spec describes 1600000018 weights, but the file holds 407 tensor elements');
    expect(r.ms).toBeLessThan(10_000);
  });
  it('a spec of LinkedConv2d with a 40000×40000 kernel, or a 64-level-deep tree: refused before it is built', () => {
    const deep = `${'{"type":"Sequential","children":['.repeat(70)}{"type":"ReLU"}${']}'.repeat(70)}`;
    expect(() => decodeModel(withSpec(small(), () => deep))).toThrow("model file: metadata 'modules' nests deeper than 64 levels");
    const deepArgs = withSpec(small(), (s) => s.replace('"args":[1,2,3', `"args":[1,2,${'['.repeat(100)}3${']'.repeat(100)}`));
    expect(() => decodeModel(deepArgs)).toThrow("model file: metadata 'modules' nests deeper than 64 levels");
  });
  it('a padding of 3000 on a 28×28 input (it made 479 MB): refused from the layer shapes, before the forward pass', () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.Flatten(), new nn.Linear(2 * 28 * 28, 3));
    const bytes = withSpec(model, (s) => s.replace('"padding":1', '"padding":3000'), [1, 28, 28]);
    // the weights fit; the Linear does not, but the padded input is refused before it is made
    const r = timed(() => decodeModel(bytes));
    expect(r.message).toBe(
      `model file: one input of shape [1, 28, 28] makes a tensor of 72625352 elements in layer '0' (Conv2d), ` +
        `more than the ${MAX_FORWARD_ELEMENTS} a model file allows`,
    );
    expect(r.ms).toBeLessThan(10_000);
    expect(MAX_FORWARD_ELEMENTS).toBe(2 ** 23);
  });
  it('a transposed convolution whose stride makes a huge output', () => {
    const model = new nn.Sequential(new nn.ConvTranspose2d(1, 1, 2, { stride: 2 }), new nn.Flatten(), new nn.Linear(16 * 16, 2));
    const bytes = withSpec(model, (s) => s.replace('"stride":2', '"stride":9000'));
    expect(timed(() => decodeModel(bytes)).message).toMatch(
      /^model file: one input of shape \[1, 8, 8\] makes a tensor of \d+ elements in layer '0' \(ConvTranspose2d\)/,
    );
  });
  it('models that fit load as before', () => {
    const bytes = encodeModel(small(), { inputShape: [1, 8, 8] });
    expect(decodeModel(bytes).info.inputShape).toEqual([1, 8, 8]);
  });
});
