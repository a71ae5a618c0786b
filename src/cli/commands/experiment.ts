// `webgpu-nn experiment NAME [--quick] [--out DIR] [--time-limit T]`: one of the notebook's experiments with its
// settings (src/cli/experiments/table.ts), results rewritten after every epoch.
import { Argument, type Command } from 'commander';
import { runExperiment } from '../experiments/run.js';
import { EXPERIMENTS } from '../experiments/table.js';
import { checkDataset } from '../registry/datasets.js';
import { defaultRunDir } from '../results/files.js';
import { textTable } from '../results/markdown.js';
import { intArg, parseDuration, UsageError } from '../options.js';
import { asParser, commandLine, markStoppedOnSignal, openDevice, verbosity } from './common.js';

interface ExperimentCliOptions {
  quick?: boolean;
  out?: string;
  timeLimit?: number;
  subset?: number;
  epochs?: number;
  dataset?: string;
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
    .option('--epochs <n>', 'at most n epochs per run', intArg())
    .option('--dataset <path>', 'another copy of the experiment\'s dataset', asParser(checkDataset))
    .addHelpText('after', () => `\nExperiments:\n${listing()}`)
    .action(async (name: string, o: ExperimentCliOptions) => {
      const exp = EXPERIMENTS[name];
      if (!exp) throw new UsageError(`unknown experiment '${name}' (expected one of: ${Object.keys(EXPERIMENTS).join(', ')})`);
      const q = o.quick ? exp.quick : undefined;
      const cap = (a?: number, b?: number): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
      const sub = o.subset, quarter = sub === undefined ? undefined : Math.ceil(sub / 4);
      const limits = {
        quick: !!o.quick, epochs: cap(q?.epochs, o.epochs), trainSamples: cap(q?.trainSamples, sub), valSamples: cap(q?.valSamples, quarter), testSamples: cap(q?.testSamples, quarter),
      };
      const dir = o.out ?? defaultRunDir(name);
      const adapter = await openDevice();
      markStoppedOnSignal();
      console.log(`${name}: ${exp.description}\nwriting to ${dir}/`);
      const results = await runExperiment(name, exp, { dir, command: commandLine(), adapter, timeLimit: o.timeLimit ?? null, limits, verbose: verbosity(), dataset: o.dataset });
      console.log(`\n${textTable(results)}\n\nresults in ${dir}/ (results.json, results.md${results.length > 1 ? ', one folder per run' : ', history.csv, curves.svg/png, best.safetensors'})`);
    });
}
