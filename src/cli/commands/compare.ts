// `webgpu-nn compare DIR... [--out FILE]`: run results side by side, grouped by configuration, with the mean,
// sample standard deviation and range of each group's accuracies (src/cli/results/compare.ts). Reads files only.
import { Argument, type Command } from 'commander';
import { compareMarkdown, compareText, groupRuns, readRuns } from '../results/compare.js';
import { writeAtomic } from '../results/files.js';

export function register(program: Command): void {
  program.command('compare').description('compare finished runs (e.g. one experiment with several --seed): a table per configuration with the mean ± std of its accuracies')
    .addArgument(new Argument('<dirs...>', 'run directories (from train or experiment) or experiment directories'))
    .option('--out <file>', 'also write the tables as Markdown to FILE')
    .action((dirs: string[], o: { out?: string }) => {
      const groups = groupRuns(readRuns(dirs));
      console.log(compareText(groups));
      if (o.out) writeAtomic(o.out, `${compareMarkdown(groups)}\n`);
    });
}
