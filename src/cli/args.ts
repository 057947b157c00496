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

/**
 * A numeric option: a finite number within the range (and an integer when `integer`). Anything else
 * is a usage error that says what is expected and what was given, e.g.
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
  const v = Number(raw);
  const ok = typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(v) && (!integer || Number.isInteger(v));
  if (!ok || v < min || v > max || (positive && v <= 0)) {
    throw usageError(`${command}: --${name} must be ${describeRange({ min, max, positive, integer })}, got '${String(raw)}'`, command);
  }
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
