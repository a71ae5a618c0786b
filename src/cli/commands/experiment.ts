// `webgpu-nn experiment NAME [--quick] [--out DIR] [--time-limit T]`: one of the notebook's experiments with its
// settings (src/cli/experiments/table.ts), results rewritten after every epoch. Re-run with the same --out (or
// --resume DIR) it continues a cut experiment: finished runs kept, the cut one resumed from its checkpoint.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, type Command } from 'commander';
import { runExperiment } from '../experiments/run.js';
import { EXPERIMENTS } from '../experiments/table.js';
import { checkDataset } from '../registry/datasets.js';
import { defaultRunDir, writeJson } from '../results/files.js';
import { textTable } from '../results/markdown.js';
import { intArg, parseDuration, UsageError } from '../options.js';
import { asParser, commandLine, markStoppedOnSignal, openDevice, verbosity } from './common.js';

interface ExperimentCliOptions {
  quick?: boolean;
  out?: string;
  timeLimit?: number;
  subset?: number;
  subsetAll?: boolean;
  epochs?: number;
  dataset?: string;
  resume?: string;
  seed?: number;
}

/** DIR/experiment.json: the options an experiment was started with, which `--resume DIR` reads back. */
const SETTINGS_FILE = 'experiment.json';
const SAVED_OPTIONS = ['quick', 'subset', 'subsetAll', 'epochs', 'dataset', 'seed', 'timeLimit'] as const;

function resumedOptions(name: string, dir: string, o: ExperimentCliOptions, cmd: Command): ExperimentCliOptions {
  if (o.out && o.out !== dir) throw new UsageError(`--resume ${dir} and --out ${o.out} name different directories; give one`);
  if (!existsSync(dir)) throw new UsageError(`--resume ${dir}: no such directory`);
  const path = join(dir, SETTINGS_FILE);
  if (!existsSync(path)) throw new UsageError(`--resume ${dir}: no ${SETTINGS_FILE} there (written by \`webgpu-nn experiment\` into its directory); re-run with --out ${dir} and the first run's options`);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { name: string; options: ExperimentCliOptions };
  if (saved.name !== name) throw new UsageError(`--resume ${dir}: it holds experiment ${saved.name}, not ${name}`);
  const given = SAVED_OPTIONS.filter((k) => k !== 'timeLimit' && cmd.getOptionValueSource(k) === 'cli');
  if (given.length) throw new UsageError(`--resume takes the experiment's options from ${path}; drop ${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
  return { ...saved.options, timeLimit: o.timeLimit ?? saved.options.timeLimit, out: dir };
}

function listing(): string {
  const w = Math.max(...Object.keys(EXPERIMENTS).map((n) => n.length));
  return Object.entries(EXPERIMENTS).map(([n, e]) => `  ${n.padEnd(w)}  ${e.description}`).join('\n');
}

export function register(program: Command): void {
  program.command('experiment').description('run one of the notebook\'s experiments with its settings')
    // Names are checked in the action, not with .choices(), so experiments registered later are accepted too.
    .addArgument(new Argument('<name>', 'experiment (listed below)'))
    .option('--quick', 'a smoke run: a few hundred steps at most (a subset of the data, 1-2 epochs)')
    .option('--out <dir>', 'run directory (default runs/<name>-<time>)')
    .option('--time-limit <duration>', 'stop training after this long (90s, 30m, 2h), shared by the runs of a sweep', parseDuration)
    .option('--subset <n>', 'use only n training images (and n/4 validation and test images)', intArg())
    .option('--subset-all', 'with --subset: shrink every run, also those that keep the full data (mnist-transfer\'s frozen run)')
    .option('--epochs <n>', 'at most n epochs per run', intArg())
    .option('--dataset <path>', 'another copy of the experiment\'s dataset', asParser(checkDataset))
    .option('--seed <n>', 'seed of the split, shuffles, initialisers, dropout and augmentation of every run (default: the notebook\'s 42)', intArg(0))
    .option('--resume <dir>', 'continue the experiment in DIR (as --out DIR, which must exist): finished runs kept, the cut run resumed')
    .addHelpText('after', () => `\nExperiments:\n${listing()}`)
    .action(async (name: string, given: ExperimentCliOptions, cmd: Command) => {
      const table = EXPERIMENTS[name];
      if (!table) throw new UsageError(`unknown experiment '${name}' (expected one of: ${Object.keys(EXPERIMENTS).join(', ')})`);
      const o = given.resume ? resumedOptions(name, given.resume, given, cmd) : given;
      // Another seed repeats the experiment as a new draw: the notebook's figures are one draw each.
      const exp = o.seed === undefined ? table : { ...table, runs: table.runs.map((r) => ({ ...r, seed: o.seed! })) };
      const q = o.quick ? exp.quick : undefined;
      const cap = (a?: number, b?: number): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
      const sub = o.subset, quarter = sub === undefined ? undefined : Math.ceil(sub / 4);
      const limits = {
        quick: !!o.quick, all: !!o.subsetAll, epochs: cap(q?.epochs, o.epochs), trainSamples: cap(q?.trainSamples, sub), valSamples: cap(q?.valSamples, quarter), testSamples: cap(q?.testSamples, quarter),
      };
      const dir = o.out ?? defaultRunDir(name);
      const adapter = await openDevice();
      markStoppedOnSignal();
      if (!given.resume) writeJson(join(dir, SETTINGS_FILE), { format: 'webgpu-nn/experiment-settings@1', name, options: Object.fromEntries(SAVED_OPTIONS.map((k) => [k, o[k]])) });
      console.log(`${name}: ${exp.description}\nwriting to ${dir}/`);
      const results = await runExperiment(name, exp, { dir, command: commandLine(), adapter, timeLimit: o.timeLimit ?? null, limits, verbose: verbosity(), dataset: o.dataset });
      console.log(`\n${textTable(results)}\n\nresults in ${dir}/ (results.json, results.md${results.length > 1 ? ', one folder per run' : ', history.csv, curves.svg/png, best.safetensors'})`);
    });
}
