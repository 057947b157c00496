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
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
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

/** A numeric option: a finite number within [min, max] (and an integer when `integer`). */
export function numberOption(
  command: string,
  name: string,
  raw: string | boolean | undefined,
  fallback: number,
  { min = -Infinity, max = Infinity, integer = false } = {},
): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    const kind = integer ? 'an integer' : 'a number';
    const range = min > -Infinity && max < Infinity ? ` in [${min}, ${max}]` : min > -Infinity ? ` ≥ ${min}` : '';
    throw usageError(`${command}: --${name} must be ${kind}${range}, got '${String(raw)}'`, command);
  }
  return v;
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
