// The bench entry points' options, parsed by commander: `--help` prints them and exits 0, and an unknown option or
// a bad value is an error naming it (it used to be ignored, so `--filtr x` silently ran every figure).
import { Command, CommanderError, InvalidArgumentError } from 'commander';

export interface BenchOptions {
  json: boolean;
  filter: RegExp | null;
  /** Caps every figure's repetitions (Infinity: each figure's own default). */
  reps: number;
}

function regex(v: string): RegExp {
  try {
    return new RegExp(v);
  } catch (err) {
    throw new InvalidArgumentError(`not a regular expression (${(err as Error).message})`);
  }
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** Reads bench options from `argv` (node, script, ...args); throws commander's CommanderError on bad input or --help. */
export function readBenchOptions(name: string, description: string, withReps: boolean, argv: readonly string[]): BenchOptions {
  const program = new Command(name).description(description).exitOverride()
    .configureOutput({ writeErr: () => {} })
    .option('--json', 'one JSON object per figure on stdout instead of the table')
    .option('--filter <regex>', 'only the figures (and suites) whose name matches', regex);
  if (withReps) program.option('--reps <n>', 'at most n repetitions per figure (for a loaded machine)', positiveInt);
  program.parse([...argv]);
  const o = program.opts<{ json?: boolean; filter?: RegExp; reps?: number }>();
  return { json: o.json ?? false, filter: o.filter ?? null, reps: o.reps ?? Infinity };
}

/** process.argv's options for a bench entry point: --help exits 0, a usage error prints one line and exits 2 (as the CLI). */
export function parseBenchOptions(name: string, description: string, withReps: boolean): BenchOptions {
  try {
    return readBenchOptions(name, description, withReps, process.argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0) process.exit(0);
    process.stderr.write(`${name}: ${err.message.replace(/^error: /, '').replace(/\n/g, ' ')} (see --help)\n`);
    process.exit(2);
  }
}
