/**
 * Tensors print as PyTorch prints them: the fixtures hold PyTorch 1.13's `str(tensor)` for each
 * case (test/fixtures/gen_print_fixtures.py), translated into this library's spellings.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Tensor, tensor } from '../../src/index.js';
import { allocate, type DType } from '../../src/tensor/dtype.js';
import { formatTensor, setPrintOptions } from '../../src/tensor/format.js';

interface Case {
  name: string;
  shape: number[];
  dtype: DType;
  data: (number | string)[];
  torch: string;
}

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'printing', 'print.json');
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: Case[] };

const decode = (v: number | string): number =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : (v as number);

/**
 * PyTorch's text in this library's spellings: `…` for `...`, `shape=[0, 3]` for `size=(0, 3)`,
 * `dtype=int32` for `dtype=torch.int32`; and a summarized tensor also names its shape (PyTorch's
 * does not: its values alone do not show it).
 */
function translate(c: Case): string {
  let s = c.torch.replaceAll('...', '…').replace(/dtype=torch\.(\w+)/, 'dtype=$1');
  s = s.replace(/size=\(([^)]*)\)/, (_, dims: string) => `shape=[${dims.replace(/,$/, '')}]`);
  const size = c.shape.reduce((a, b) => a * b, 1);
  if (size > 1000) s = s.replace(/(\]+)((, dtype=\w+)?)\)$/, `$1, shape=[${c.shape.join(', ')}]$2)`);
  return s;
}

describe('tensors print as PyTorch prints them', () => {
  for (const c of cases) {
    it(c.name, () => {
      const data = allocate(c.dtype, c.data.length);
      c.data.forEach((v, i) => (data[i] = decode(v)));
      expect(formatTensor(new Tensor(data, c.shape))).toBe(translate(c));
    });
  }
});

describe('the suffix and print options', () => {
  afterEach(() => setPrintOptions({ reset: true }));

  it('names requiresGrad on a leaf and the op that computed a result', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(formatTensor(x)).toBe('tensor([1., 2.], requiresGrad=true)');
    expect(formatTensor(x.mul(2))).toBe('tensor([2., 4.], gradFn=<mul>)');
  });

  it('precision, threshold and edgeItems change what prints; bad options are named', () => {
    setPrintOptions({ precision: 2 });
    expect(formatTensor(tensor([1.125, 2]))).toBe('tensor([1.12, 2.00])');
    setPrintOptions({ threshold: 4, edgeItems: 1 });
    expect(formatTensor(tensor([1, 2, 3, 4, 5]))).toBe('tensor([1.,  …, 5.], shape=[5])');
    expect(() => setPrintOptions({ precision: -1 })).toThrow('setPrintOptions: precision must be an integer >= 0, got -1');
    expect(() => setPrintOptions({ digits: 3 } as never)).toThrow(/^setPrintOptions: unknown option 'digits'/);
  });
});
