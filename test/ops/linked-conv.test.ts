/** Link-table convolution (S7) and LeNet-5's C3 table. */
import { describe, expect, it } from 'vitest';
import { F, Generator, randn } from '../../src/index.js';
import { linkCount } from '../../src/ops/linked-conv.js';
import { expectClose } from '../helpers.js';

describe('linkedConv2d', () => {
  it('the C3 table is 16x6 with 60 connections (6×3 + 6×4 + 3×4 + 6)', () => {
    expect(F.LENET5_C3_TABLE.length).toBe(16);
    expect(F.LENET5_C3_TABLE.every((row) => row.length === 6)).toBe(true);
    expect(linkCount(F.LENET5_C3_TABLE)).toBe(60);
    expect(F.LENET5_C3_TABLE[0]).toEqual([1, 1, 1, 0, 0, 0]);
    expect(F.LENET5_C3_TABLE[15]).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it('masked weights get exactly zero gradient; connected ones get the plain conv gradient', () => {
    const g = new Generator(11);
    const x = randn([2, 6, 10, 10], { generator: g });
    const w = randn([16, 6, 5, 5], { generator: g, requiresGrad: true });
    const b = randn([16], { generator: g, requiresGrad: true });
    F.linkedConv2d(x, w, b, { table: F.LENET5_C3_TABLE }).square().sum().backward();
    for (let p = 0; p < 16; p++) {
      for (let d = 0; d < 6; d++) {
        const block = w.grad!.data.slice((p * 6 + d) * 25, (p * 6 + d + 1) * 25);
        if (F.LENET5_C3_TABLE[p][d] === 0)
          expect(
            [...block].every((v) => v === 0),
            `W[${p},${d}]`,
          ).toBe(true);
        else
          expect(
            [...block].some((v) => v !== 0),
            `W[${p},${d}]`,
          ).toBe(true);
      }
    }
  });
  it('output map p depends only on the input maps it is linked to', () => {
    const g = new Generator(12);
    const x = randn([1, 6, 8, 8], { generator: g });
    const w = randn([16, 6, 3, 3], { generator: g });
    const y = F.linkedConv2d(x, w, null, { table: F.LENET5_C3_TABLE });
    // change input map 5: maps 0, 1, 2 (linked to 0–3 only) must not move
    const x2 = x.clone();
    for (let i = 5 * 64; i < 6 * 64; i++) x2.data[i] += 1;
    const y2 = F.linkedConv2d(x2, w, null, { table: F.LENET5_C3_TABLE });
    const plane = 36;
    for (const p of [0, 1, 2, 6, 7]) expect(y2.data.slice(p * plane, (p + 1) * plane)).toEqual(y.data.slice(p * plane, (p + 1) * plane));
    for (const p of [3, 4, 5, 15]) expect(y2.data.slice(p * plane, (p + 1) * plane)).not.toEqual(y.data.slice(p * plane, (p + 1) * plane));
  });
  it('an all-ones table is the plain convolution', () => {
    const g = new Generator(13);
    const x = randn([1, 3, 6, 6], { generator: g });
    const w = randn([2, 3, 3, 3], { generator: g });
    const table = [
      [1, 1, 1],
      [1, 1, 1],
    ];
    expectClose(F.linkedConv2d(x, w, null, { table, padding: 1 }), F.conv2d(x, w, null, { padding: 1 }), 0, 0);
  });
});
