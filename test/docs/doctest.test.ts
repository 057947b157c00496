/** The doc-test machinery itself: blocks and markers, and value checks that fail when a README value is wrong. */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import { EXPECT_PRELUDE, codeBlocks, withChecks } from './doctest.js';

/** Runs `__expect(actual, expectedSource)` as a checked program would. */
function check(actual: unknown, expected: string): void {
  const js = ts.transpileModule(`${EXPECT_PRELUDE}\nreturn __expect;`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const expect_ = new Function(js)() as (a: unknown, e: unknown, where: string) => void;
  expect_(actual, new Function(`return (${expected});`)(), 'README line 7');
}

describe('codeBlocks', () => {
  it('finds fenced blocks with their language, first line and marker', () => {
    const md = [
      '# t',
      '<!-- doctest: skip: needs a GPU -->',
      '```ts',
      'a();',
      '```',
      '',
      '<!-- doctest: setup: import { F } from "x";',
      'const y = 1; -->',
      '',
      '```sh',
      'convnet train',
      '```',
      '<!-- doctest: continues -->',
      '```',
      'output',
      '```',
    ].join('\n');
    expect(codeBlocks(md)).toEqual([
      { lang: 'ts', code: 'a();', line: 3, marker: { kind: 'skip', reason: 'needs a GPU' } },
      { lang: 'sh', code: 'convnet train', line: 10, marker: { kind: 'setup', code: 'import { F } from "x";\nconst y = 1;' } },
      { lang: '', code: 'output', line: 14, marker: { kind: 'continues' } },
    ]);
  });

  it('a skip without a reason is an error', () => {
    expect(() => codeBlocks('<!-- doctest: skip -->\n```ts\nx;\n```')).toThrow('line 1: a doctest skip must give its reason');
  });
});

describe('withChecks', () => {
  it('turns an expression with a value in its comment (same line or next) into a check', () => {
    const code = [
      "F.conv1d(x, w, null, { padding: 'narrow' }); // alias 'valid', p = 0:   [[[-2, -2, -2]]]   length 3",
      'F.convTranspose1d(a, b, null, { stride: 2 });',
      '// [[[1, 1, 3, 2, 2]]]: a zero inserted',
      'gradcheck(f, [xs, ws]); // true, or throws',
      "backendInfo(); // { backend: 'ref', threads: 1 }",
      'const y = x.sum(); // [[1]] is not checked: a declaration',
      'setBackend(name); // or (maybe) [1, 2]: no nested array',
    ].join('\n');
    expect(withChecks(code, 10, 'README').split('\n')).toEqual([
      `__expect(F.conv1d(x, w, null, { padding: 'narrow' }), [[[-2, -2, -2]]], "README line 11");`,
      '__expect(F.convTranspose1d(a, b, null, { stride: 2 }), [[[1, 1, 3, 2, 2]]], "README line 12");',
      '// [[[1, 1, 3, 2, 2]]]: a zero inserted',
      '__expect(gradcheck(f, [xs, ws]), true, "README line 14");',
      `__expect(backendInfo(), { backend: 'ref', threads: 1 }, "README line 15");`,
      'const y = x.sum(); // [[1]] is not checked: a declaration',
      'setBackend(name); // or (maybe) [1, 2]: no nested array',
    ]);
  });

  it('the checks pass on the right values and name the line on a wrong one', () => {
    check(tensor([[[-2, -2, -2]]]), '[[[-2, -2, -2]]]');
    check(tensor([[0.1, 0.2]]), '[[0.1, 0.2]]');
    check({ backend: 'ref', threads: 1, fma: false }, "{ backend: 'ref', threads: 1 }");
    check(true, 'true');
    expect(() => check(tensor([[[-2, -2, 4]]]), '[[[-2, -2, -2]]]')).toThrow('README line 7: expected [[[-2,-2,-2]]], got [[[-2,-2,4]]]');
    expect(() => check(tensor([[1, 2, 3]]), '[[1, 2]]')).toThrow('expected [[1,2]], got [[1,2,3]]');
    expect(() => check({ backend: 'wasm' }, "{ backend: 'ref' }")).toThrow(`expected {"backend":"ref"}, got {"backend":"wasm"}`);
    expect(() => check(false, 'true')).toThrow('expected true, got false');
  });
});
