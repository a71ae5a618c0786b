// Repeated runs side by side: the same configuration trained with several seeds gives a spread, and a single
// run's accuracy (the notebook's, or ours) is one draw from it. Rows are grouped by configuration (model, data,
// optimiser, rate, schedule, augmentation, batch size, training set), each group summarised by the mean, the
// sample standard deviation and the range of its finished runs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../options.js';
import { alignedRows, pct } from './markdown.js';
import type { RunResult } from './record.js';

export interface ComparedRun {
  dir: string;
  result: RunResult;
}

/** The run results under each path: a run directory, or an experiment directory with one folder per run. */
export function readRuns(paths: readonly string[]): ComparedRun[] {
  const out: ComparedRun[] = [];
  for (const dir of paths) {
    const file = join(dir, 'results.json');
    if (!existsSync(file)) throw new UsageError(`compare: '${dir}' has no results.json (expected a run or experiment directory)`);
    let json: { format?: string; runs?: RunResult[] };
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
    } catch (err) {
      throw new UsageError(`compare: ${file} is not valid JSON (${(err as Error).message})`);
    }
    if (json.format === 'webgpu-nn/run-results@1') out.push({ dir, result: json as RunResult });
    else if (json.format === 'webgpu-nn/experiment-results@1' && Array.isArray(json.runs)) out.push(...json.runs.map((r) => ({ dir: join(dir, r.run), result: r })));
    else throw new UsageError(`compare: ${file} is neither a run's nor an experiment's results (format '${json.format ?? 'missing'}')`);
  }
  return out;
}

/** What makes two runs repeats of one configuration (the seed is what varies). */
export function configKey(r: RunResult): string {
  const lr = r.schedule === 'constant' ? `${r.learning_rate}` : `${r.learning_rate} ${r.schedule}`;
  return `${r.model} on ${r.dataset}, ${r.optimizer} ${lr}, augmentation ${r.augmentation}, batch ${r.batch_size}, ${r.train_samples} training images`;
}

export interface Spread {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); null for a single run. */
  std: number | null;
  min: number;
  max: number;
}

export function spread(xs: readonly number[]): Spread | null {
  if (!xs.length) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
  return { n: xs.length, mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

export interface Group {
  config: string;
  runs: ComparedRun[];
  /** Over the runs whose test set was scored with their best checkpoint. */
  test: Spread | null;
  val: Spread | null;
}

/** Groups by configuration; a run given twice (a copy of its directory) counts once. */
export function groupRuns(runs: readonly ComparedRun[]): Group[] {
  const groups = new Map<string, ComparedRun[]>();
  const seen = new Set<string>();
  for (const run of runs) {
    const identity = `${run.result.experiment}/${run.result.run}@${run.result.date}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const key = configKey(run.result);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups].map(([config, rs]) => {
    const scored = rs.filter((r) => r.result.test_evaluated && r.result.test_accuracy !== null);
    return {
      config, runs: rs,
      test: spread(scored.map((r) => r.result.test_accuracy!)),
      val: spread(scored.map((r) => r.result.val_accuracy!)),
    };
  });
}

/** '98.66% ± 0.04 (n = 3, 98.62-98.71%)': mean ± sample std in points. */
export function fmtSpread(s: Spread | null): string {
  if (!s) return 'no finished run';
  if (s.n === 1) return `${pct(s.mean)} (n = 1)`;
  const std = s.std === null ? '' : ` ± ${(100 * s.std).toFixed(2)}`;
  return `${pct(s.mean)}${std} (n = ${s.n}, ${pct(s.min)}-${pct(s.max)})`;
}

const ROW: Array<[string, (r: ComparedRun) => string]> = [
  ['Run', (r) => r.dir],
  ['Seed', (r) => String(r.result.seed)],
  ['Best epoch', (r) => (r.result.best_epoch === null ? '-' : String(r.result.best_epoch))],
  ['Val accuracy', (r) => pct(r.result.val_accuracy)],
  ['Test accuracy', (r) => (r.result.test_evaluated ? pct(r.result.test_accuracy) : 'not yet')],
  ['Epochs', (r) => `${r.result.epochs_run}/${r.result.epochs}`],
  ['Stopped by', (r) => r.result.stopped_by ?? r.result.status],
  ['ms/step', (r) => (r.result.ms_per_step === null ? '-' : r.result.ms_per_step.toFixed(1))],
];

/** The groups as Markdown: one table of runs per configuration and its spread. */
export function compareMarkdown(groups: readonly Group[]): string {
  const out: string[] = [];
  for (const g of groups) {
    out.push(`### ${g.config}`, '', `| ${ROW.map(([h]) => h).join(' | ')} |`, `| ${ROW.map(() => '---').join(' | ')} |`);
    for (const r of g.runs) out.push(`| ${ROW.map(([, f]) => f(r)).join(' | ')} |`);
    out.push('', `- test accuracy: ${fmtSpread(g.test)}`, `- val accuracy: ${fmtSpread(g.val)}`, '');
  }
  return out.join('\n');
}

/** The same as aligned text for the terminal. */
export function compareText(groups: readonly Group[]): string {
  const out: string[] = [];
  for (const g of groups) {
    const lines = alignedRows([ROW.map(([h]) => h), ...g.runs.map((r) => ROW.map(([, f]) => f(r)))]);
    out.push(g.config, ...lines.map((line) => `  ${line}`));
    out.push(`  test accuracy ${fmtSpread(g.test)}; val accuracy ${fmtSpread(g.val)}`, '');
  }
  return out.join('\n').trimEnd();
}
