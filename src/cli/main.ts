#!/usr/bin/env -S MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TOP_PAD_=268435456 node
/**
 * `convnet`: train, evaluate and use convolutional networks from the command line.
 * Errors are printed as one line (no stack trace) with a non-zero exit code.
 *
 * The first line starts Node with glibc's allocator told to keep freed memory (`env -S` sets the
 * variables before Node starts; glibc reads them only then; other C libraries ignore them).
 * By default glibc returns large freed blocks to the system, and the next tensor of that size
 * faults its pages in again: measured on a 2-core VM, `convnet train --model vgg6` spent about
 * a fifth of its time on that (287 → 357 images/s with the setting). `npm run train` sets the
 * same variables; set them yourself when you run `node dist/cli/main.js` or train from your own
 * program (see the README's "Performance").
 */
import { readFileSync } from 'node:fs';
import { type CommandSpec, helpText, parseCommand } from './args.js';
import { CliError, usageError } from './errors.js';
import { runTrain, trainSpec } from './train.js';
import { evalSpec, runEval } from './eval.js';
import { predictSpec, runPredict } from './predict.js';
import { runSummary, summarySpec } from './summary.js';
import { plotSpec, runPlot } from './plot.js';
import { runViz, vizSpec } from './viz.js';
import { exportSpec, runExport } from './export.js';

const COMMANDS: [CommandSpec, (positionals: string[], values: Record<string, string | boolean | undefined>) => number | Promise<number>][] =
  [
    [trainSpec, (_p, v) => runTrain(v)],
    [evalSpec, runEval],
    [predictSpec, runPredict],
    [summarySpec, (p) => runSummary(p)],
    [plotSpec, runPlot],
    [vizSpec, runViz],
    [exportSpec, runExport],
  ];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map(([s]) => s.name.length));
  return [
    'Usage: convnet <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map(([s]) => `  ${s.name.padEnd(width)}  ${s.brief}`),
    '',
    "Run 'convnet <command> --help' for a command's options.",
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI on `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const entry = COMMANDS.find(([s]) => s.name === name);
  if (entry === undefined) throw usageError(`unknown command '${name}' (commands: ${COMMANDS.map(([s]) => s.name).join(', ')})`);
  const [spec, run] = entry;
  const args = parseCommand(spec, rest);
  if (args.help) {
    process.stdout.write(`${helpText(spec)}\n`);
    return 0;
  }
  return run(args.positionals, args.values);
}

// A closed stdout (`convnet summary MODEL | head -1`) is not a crash: the rest of the output is
// dropped, and a training run goes on to save its model.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`convnet: ${message}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : 1;
  },
);
