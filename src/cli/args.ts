/** Argument parsing for the CLI, on `node:util`'s `parseArgs` (strict: unknown options are errors). */
import { parseArgs } from 'node:util';
import { usageError } from './errors.js';

/** One option of a CLI command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in `--help`. */
  help: string;
  /** Shown in `--help` as the default. */
  default?: string;
  /** Placeholder name of the value in `--help`. */
  value?: string;
}

/** A CLI command: its name, help texts, positional arguments and options. */
export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  brief: string;
  summary: string;
  /** Positional arguments, e.g. `['MODEL', 'IMAGE.png']`. */
  positionals: string[];
  options: Record<string, OptionSpec>;
  examples: string[];
  /** Shown at the end of `--help` (exit statuses, say), as written. */
  epilogue?: string;
}

/** The `--help` text of a command. */
export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: convnet ${spec.name}${spec.positionals.map((p) => ` ${p}`).join('')} [options]`, '', spec.summary, '', 'Options:'];
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return [flag, `${o.help}${o.default !== undefined ? ` (default: ${o.default})` : ''}`];
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([f]) => f.length));
  for (const [f, h] of rows) lines.push(`  ${f.padEnd(width)}  ${h}`);
  if (spec.examples.length > 0) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  if (spec.epilogue !== undefined) lines.push('', spec.epilogue);
  return lines.join('\n');
}

/** A parsed command line. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/** Parses `argv` against `spec`; unknown options and a wrong number of positionals are usage errors. */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeNumbers(argv, options), allowPositionals: true, options, strict: true });
  } catch (e) {
    throw usageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' '), spec.name);
  }
  const help = parsed.values.help === true;
  if (!help && parsed.positionals.length !== spec.positionals.length) {
    const expected = spec.positionals.length === 0 ? 'no arguments' : spec.positionals.join(' ');
    throw usageError(
      `${spec.name}: expected ${expected}, got ${parsed.positionals.length === 0 ? 'none' : parsed.positionals.join(' ')}`,
      spec.name,
    );
  }
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals, help };
}

/** A value that reads as a negative number (`-1`, `-0.1`, `-.5`, `-1e-3`), not as an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `argv` with each negative number that follows an option taking a value joined to it
 * (`--lr -0.1` → `--lr=-0.1`, `-s -3` → `--seed=-3`): `parseArgs` would take `-0.1` for an option
 * and reject the line as ambiguous, where the user meant the number (which the option's own
 * check then accepts or rejects with its range).
 */
function joinNegativeNumbers(argv: string[], options: Record<string, { type: 'string' | 'boolean'; short?: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--')
      ? arg.slice(2)
      : arg.length === 2 && arg[0] === '-'
        ? Object.keys(options).find((k) => options[k].short === arg[1])
        : undefined;
    if (name !== undefined && options[name]?.type === 'string' && i + 1 < argv.length && NEGATIVE_NUMBER.test(argv[i + 1])) {
      out.push(`--${name}=${argv[i + 1]}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** The range of a numeric option, as `numberOption`'s message says it. */
export interface NumberRange {
  /** The smallest value allowed (default: none). */
  min?: number;
  /** The largest value allowed (default: none). */
  max?: number;
  /** Whether the value must be greater than 0 (a learning rate, say). */
  positive?: boolean;
  integer?: boolean;
}

/** An integer as a numeric option takes it: decimal digits with an optional sign (`15`, `-3`). */
const DECIMAL_INTEGER = /^[+-]?\d+$/;
/** A number as a numeric option takes it: decimal, with an optional exponent (`0.05`, `.5`, `5.`, `-1e-3`). */
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A numeric option: a decimal number within the range (and an integer when `integer`). The text is
 * read strictly, so that what runs is what was typed: an integer is decimal digits with an optional
 * sign, a number is decimal with an optional exponent; hexadecimal (`0x10`), `Infinity`, `NaN`,
 * digit separators (`1_000`), spaces and the empty string are refused, as is a number that
 * underflows to 0 (`1e-400`) or overflows to infinity, and an integer past 2^53 − 1. Anything
 * else is a usage error that names the option and the value and says what the option accepts, e.g.
 * `train: --lr must be a positive number, got '-0.1'`.
 */
export function numberOption(
  command: string,
  name: string,
  raw: string | boolean | undefined,
  fallback: number,
  { min = -Infinity, max = Infinity, positive = false, integer = false }: NumberRange = {},
): number {
  if (raw === undefined) return fallback;
  const accepts = describeRange({ min, max, positive, integer });
  const fail = (why: string): never => {
    throw usageError(`${command}: --${name} ${why}`, command);
  };
  if (typeof raw !== 'string') return fail(`must be ${accepts}, got no value`);
  if (!(integer ? DECIMAL_INTEGER : DECIMAL_NUMBER).test(raw)) {
    const form = integer ? `decimal digits, e.g. 15${min < 0 ? ' or -3' : ''}` : 'a decimal number, e.g. 0.05, 5 or 1e-3';
    return fail(`must be ${accepts} (${form}), got '${raw}'`);
  }
  const parsed = Number(raw);
  if (!Number.isFinite(parsed)) return fail(`${raw} is too large to represent (it would be ${parsed})`);
  // a mantissa with a non-zero digit that gives 0 underflowed: the value typed is not the value used
  if (parsed === 0 && /[1-9]/.test(raw.split(/[eE]/)[0])) return fail(`${raw} is too small to represent (it would be 0)`);
  if (integer && !Number.isSafeInteger(parsed))
    return fail(`${raw} is too large in magnitude (integers go up to ±${Number.MAX_SAFE_INTEGER})`);
  const v = parsed === 0 ? 0 : parsed; // -0 → 0
  if (v < min || v > max || (positive && v <= 0)) fail(`must be ${accepts}, got '${raw}'`);
  return v;
}

/** `a positive integer`, `a number in [0, 1]`, `a number ≥ 0`, …: what a numeric option accepts. */
function describeRange({ min, max, positive, integer }: Required<NumberRange>): string {
  const kind = integer ? 'integer' : 'number';
  if ((positive || (integer && min === 1)) && max === Infinity) return `a positive ${kind}`;
  if (min > -Infinity && max < Infinity) return `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`;
  if (min > -Infinity) return `${integer ? 'an integer' : 'a number'} ≥ ${min}`;
  if (max < Infinity) return `${integer ? 'an integer' : 'a number'} ≤ ${max}`;
  return positive ? `a positive ${kind}` : integer ? 'an integer' : 'a number';
}

/** A choice option: one of `choices`. */
export function choiceOption<T extends string>(
  command: string,
  name: string,
  raw: string | boolean | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw usageError(`${command}: --${name} must be one of ${choices.join(', ')}, got '${String(raw)}'`, command);
  }
  return raw as T;
}
