#!/usr/bin/env node
// webgpu-nn command line (commander). Each command lives in its own file under commands/ and registers itself
// here in one line. Usage errors (unknown option or command, missing or malformed value, unknown model,
// dataset or experiment) print one line and exit 2; --help exits 0. Every path ends in process.exit: Dawn
// keeps Node's event loop alive.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { close } from '../tensor/device.js';
import { register as bench } from './commands/bench.js';
import { register as classify } from './commands/classify.js';
import { register as compare } from './commands/compare.js';
import { register as data } from './commands/data.js';
import { register as demo } from './commands/demo.js';
import { register as evaluate } from './commands/evaluate.js';
import { register as experiment } from './commands/experiment.js';
import { register as info } from './commands/info.js';
import { register as predict } from './commands/predict.js';
import { register as profile } from './commands/profile.js';
import { register as summary } from './commands/summary.js';
import { register as train } from './commands/train.js';
import { register as tune } from './commands/tune.js';
import { setArgv } from './commands/common.js';
import './experiments/mnist_transfer.js';   // registers the mnist-transfer experiment and its models
import { UsageError } from './options.js';

const COMMANDS: Array<(program: Command) => void> = [info, demo, train, evaluate, predict, experiment, compare, summary, classify, data, bench, profile, tune];

/** Every command and sub-command, for configuring them alike. */
function* allCommands(c: Command): Generator<Command> {
  yield c;
  for (const sub of c.commands) yield* allCommands(sub);
}

export function buildProgram(): Command {
  const program = new Command('webgpu-nn')
    .description('a deep-learning engine on WebGPU: train and inspect the Keras notebook\'s networks')
    .showSuggestionAfterError(true);
  for (const register of COMMANDS) register(program);
  for (const c of allCommands(program)) {
    const name = [...lineage(c)].join(' ');
    c.exitOverride().configureOutput({
      // Commander's error and its suggestion, on one line, with where to look for what is accepted.
      outputError: (str, write) => write(`${str.trim().replace(/\s*\n\s*/g, ' ')} (see '${name} --help')\n`),
    });
  }
  return program;
}

function lineage(c: Command): string[] {
  const names: string[] = [];
  for (let x: Command | null = c; x; x = x.parent) names.unshift(x.name());
  return names;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  setArgv(argv);
  if (argv.length === 0) {
    console.log(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and `help` exit 0; help shown because a sub-command is missing (`webgpu-nn data`) is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    const e = err as Error;
    if (e instanceof UsageError) {
      console.error(`webgpu-nn: ${e.message}`);
      return 2;
    }
    console.error(e.name === 'NoAdapterError' || e.name === 'DataError' ? e.message : `webgpu-nn: ${e.message}`);
    return 1;
  }
}

// Dawn keeps the event loop alive, so the process exits explicitly.
// Runs only as the entry script (node dist/cli.js, or the npm bin link), not when a test imports buildProgram.
const entry = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (entry && entry === realpathSync(fileURLToPath(import.meta.url))) {
  main(process.argv.slice(2)).then((code) => {
    close();
    process.exit(code);
  });
}
