/**
 * CLI numbers are read strictly as decimal: what runs is what was typed. `numberOption` is tested
 * on its own (a table of texts), then every command with a numeric option is run as a subprocess
 * with a few bad values, each a usage error (exit 2) naming the option and the value.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type NumberRange, numberOption } from '../../src/cli/args.js';
import { CliError } from '../../src/cli/errors.js';
import { MAIN, cliIn, expectCleanError } from './run-cli.js';

/** The message of `numberOption`'s usage error, or the number it gave. */
function parse(raw: string | boolean | undefined, range: NumberRange): number | string {
  try {
    return numberOption('train', 'x', raw, -1, range);
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    return (e as CliError).message.replace(/ \(see 'convnet train --help'\)$/, '');
  }
}

const INT = { min: 1, integer: true };
const SIGNED_INT = { integer: true };
const POSITIVE = { positive: true };
const UNIT = { min: 0, max: 1 };

describe('numberOption: integers are decimal digits with an optional sign', () => {
  const cases: [string, NumberRange, number | string][] = [
    ['15', INT, 15],
    ['+5', INT, 5],
    ['007', INT, 7],
    ['-3', SIGNED_INT, -3],
    ['-0', SIGNED_INT, 0],
    ['9007199254740991', INT, 9007199254740991],
    ['0x10', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got '0x10'"],
    ['0b11', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got '0b11'"],
    ['0o17', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got '0o17'"],
    ['1e1', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got '1e1'"],
    ['1.0', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got '1.0'"],
    ['1.5', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got '1.5'"],
    [' 5', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got ' 5'"],
    ['5 ', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got '5 '"],
    ['', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got ''"],
    ['Infinity', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got 'Infinity'"],
    ['NaN', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got 'NaN'"],
    ['1_000', INT, "train: --x must be a positive integer (decimal digits, e.g. 15), got '1_000'"],
    ['two', SIGNED_INT, "train: --x must be an integer (decimal digits, e.g. 15 or -3), got 'two'"],
    ['0', INT, "train: --x must be a positive integer, got '0'"],
    ['-2', INT, "train: --x must be a positive integer, got '-2'"],
    ['9007199254740993', INT, 'train: --x 9007199254740993 is too large in magnitude (integers go up to ±9007199254740991)'],
    [
      '-99999999999999999999',
      SIGNED_INT,
      'train: --x -99999999999999999999 is too large in magnitude (integers go up to ±9007199254740991)',
    ],
  ];
  for (const [raw, range, expected] of cases) {
    it(`'${raw}' ${JSON.stringify(range)} → ${typeof expected === 'number' ? expected : 'error'}`, () => {
      expect(parse(raw, range)).toBe(expected);
    });
  }
});

describe('numberOption: numbers are decimal with an optional exponent; underflow and overflow are errors', () => {
  const form = '(a decimal number, e.g. 0.05, 5 or 1e-3)';
  const cases: [string, NumberRange, number | string][] = [
    ['0.05', POSITIVE, 0.05],
    ['5', POSITIVE, 5],
    ['5.', POSITIVE, 5],
    ['.5', UNIT, 0.5],
    ['1e-3', POSITIVE, 0.001],
    ['1E+2', POSITIVE, 100],
    ['+0.1', POSITIVE, 0.1],
    ['1e-320', POSITIVE, 1e-320],
    ['-0', UNIT, 0],
    ['0e-400', UNIT, 0],
    ['1e-400', POSITIVE, 'train: --x 1e-400 is too small to represent (it would be 0)'],
    ['-1e-400', UNIT, 'train: --x -1e-400 is too small to represent (it would be 0)'],
    ['0.0000001e-400', UNIT, 'train: --x 0.0000001e-400 is too small to represent (it would be 0)'],
    ['1e400', POSITIVE, 'train: --x 1e400 is too large to represent (it would be Infinity)'],
    ['-1e400', {}, 'train: --x -1e400 is too large to represent (it would be -Infinity)'],
    ['0x1p3', POSITIVE, `train: --x must be a positive number ${form}, got '0x1p3'`],
    ['0x10', POSITIVE, `train: --x must be a positive number ${form}, got '0x10'`],
    [' 5', POSITIVE, `train: --x must be a positive number ${form}, got ' 5'`],
    ['', POSITIVE, `train: --x must be a positive number ${form}, got ''`],
    ['Infinity', POSITIVE, `train: --x must be a positive number ${form}, got 'Infinity'`],
    ['-Infinity', {}, `train: --x must be a number ${form}, got '-Infinity'`],
    ['NaN', UNIT, `train: --x must be a number in [0, 1] ${form}, got 'NaN'`],
    ['1_000', POSITIVE, `train: --x must be a positive number ${form}, got '1_000'`],
    ['1e', POSITIVE, `train: --x must be a positive number ${form}, got '1e'`],
    ['.', POSITIVE, `train: --x must be a positive number ${form}, got '.'`],
    ['0.1.2', POSITIVE, `train: --x must be a positive number ${form}, got '0.1.2'`],
    ['0', POSITIVE, "train: --x must be a positive number, got '0'"],
    ['-0.1', POSITIVE, "train: --x must be a positive number, got '-0.1'"],
    ['1.5', UNIT, "train: --x must be a number in [0, 1], got '1.5'"],
  ];
  for (const [raw, range, expected] of cases) {
    it(`'${raw}' ${JSON.stringify(range)} → ${typeof expected === 'number' ? expected : 'error'}`, () => {
      expect(parse(raw, range)).toBe(expected);
    });
  }
  it('an absent option gives the fallback; a flag without its value is an error', () => {
    expect(parse(undefined, POSITIVE)).toBe(-1);
    expect(parse(true, POSITIVE)).toBe('train: --x must be a positive number, got no value');
  });
});

describe('every command reads its numbers strictly (subprocesses)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convnet-numbers-'));
  const convnet = cliIn(dir);
  beforeAll(() => {
    expect(existsSync(MAIN), 'dist/cli/main.js: run npm run build first').toBe(true);
  });
  // (summary takes no numeric option; the model and image files need not exist: numbers are read first)
  const cases: [string[], string][] = [
    [['train', '--epochs', '0x10'], "train: --epochs must be a positive integer (decimal digits, e.g. 15), got '0x10'"],
    [['train', '--epochs', '1e1'], "train: --epochs must be a positive integer (decimal digits, e.g. 15), got '1e1'"],
    [['train', '--seed', '1_000'], "train: --seed must be an integer (decimal digits, e.g. 15 or -3), got '1_000'"],
    [['train', '--lr', '1e-400'], 'train: --lr 1e-400 is too small to represent (it would be 0)'],
    [['train', '--lr', '0x1p3'], "train: --lr must be a positive number (a decimal number, e.g. 0.05, 5 or 1e-3), got '0x1p3'"],
    [['train', '--lr', 'Infinity'], "train: --lr must be a positive number (a decimal number, e.g. 0.05, 5 or 1e-3), got 'Infinity'"],
    [['train', '--momentum', 'NaN'], "train: --momentum must be a number in [0, 1] (a decimal number, e.g. 0.05, 5 or 1e-3), got 'NaN'"],
    [['train', '--batch-size', ' 5'], "train: --batch-size must be a positive integer (decimal digits, e.g. 15), got ' 5'"],
    [['train', '--limit', ''], "train: --limit must be a positive integer (decimal digits, e.g. 15), got ''"],
    [
      ['eval', 'm.safetensors', '--batch-size', '0x100'],
      "eval: --batch-size must be a positive integer (decimal digits, e.g. 15), got '0x100'",
    ],
    [['eval', 'm.safetensors', '--limit', '1e3'], "eval: --limit must be a positive integer (decimal digits, e.g. 15), got '1e3'"],
    [
      ['predict', 'm.safetensors', 'x.png', '--top', '3.0'],
      "predict: --top must be a positive integer (decimal digits, e.g. 15), got '3.0'",
    ],
    [
      ['predict', 'm.safetensors', 'x.png', '--threads', '0x2'],
      "predict: --threads must be an integer in [1, 256] (decimal digits, e.g. 15), got '0x2'",
    ],
    [['plot', 'm.jsonl', '--width', '1e3'], "plot: --width must be an integer in [200, 10000] (decimal digits, e.g. 15), got '1e3'"],
    [
      ['plot', 'm.jsonl', '--height', 'Infinity'],
      "plot: --height must be an integer in [150, 10000] (decimal digits, e.g. 15), got 'Infinity'",
    ],
    [
      ['viz', 'm.safetensors', '--filters', 'f.png', '--threads', ''],
      "viz: --threads must be an integer in [1, 256] (decimal digits, e.g. 15), got ''",
    ],
  ];
  for (const [args, message] of cases) {
    it(`convnet ${args.map((a) => (a === '' || a.includes(' ') ? `'${a}'` : a)).join(' ')}`, () => {
      const r = convnet(...args);
      expectCleanError(r, `convnet: ${message} (see 'convnet ${args[0]} --help')`);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    });
  }
});
