// `webgpu-nn experiment NAME`: runs every run of a table entry into one directory (a sub-directory per run when
// there are several), sharing a --time-limit fairly (each run gets what is left divided by the runs to go).
// Re-run into the same directory, it continues: finished runs are kept, a cut run resumes from its checkpoint.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../options.js';
import { isDatasetName, loadDataset, type LoadedDataset } from '../registry/datasets.js';
import { ExperimentWriter, RunWriter } from '../results/run-dir.js';
import type { RunResult } from '../results/record.js';
import { runOne, type DataLimits } from './session.js';
import type { RunSpec } from './spec.js';
import type { ExperimentSpec } from './table.js';

export interface ExperimentOptions {
  dir: string;
  command: string;
  adapter: string;
  /** Seconds for the whole experiment; null for none. */
  timeLimit: number | null;
  limits?: DataLimits;
  verbose: 0 | 1 | 2;
  /** Overrides the experiment's dataset (a path to another copy). */
  dataset?: string;
  log?: (line: string) => void;
}

/** What a run needs of an experiment (`train` passes its one run). */
export type RunList = Pick<ExperimentSpec, 'runs'> & { notebook?: string };

/** The result of this run finished in `dir` by an earlier invocation, or null; a different run there is refused. */
function finishedRun(dir: string, spec: RunSpec, epochs: number): RunResult | null {
  const path = join(dir, 'results.json');
  if (!existsSync(path)) return null;
  let r: RunResult;
  try {
    r = JSON.parse(readFileSync(path, 'utf8')) as RunResult;
  } catch {
    return null;
  }
  if (r.format !== 'webgpu-nn/run-results@1' || r.status !== 'finished') return null;
  const want = { model: spec.model, optimizer: spec.optimizer, learning_rate: spec.learningRate, schedule: spec.schedule, batch_size: spec.batchSize, seed: spec.seed, epochs };
  const differs = Object.entries(want).filter(([k, v]) => r[k as keyof typeof want] !== v);
  if (differs.length) {
    throw new UsageError(`${path} holds a finished run with other settings (${differs.map(([k, v]) => `${k} ${r[k as keyof typeof want]} there, ${v} now`).join('; ')}); pass another --out`);
  }
  return r;
}

export async function runExperiment(name: string, exp: RunList, o: ExperimentOptions): Promise<RunResult[]> {
  const log = o.log ?? ((l: string) => console.log(l));
  const t0 = performance.now();
  const multi = exp.runs.length > 1;
  const top = multi ? new ExperimentWriter(o.dir, name, { command: o.command, adapter: o.adapter, date: new Date().toISOString(), notebook: exp.notebook }) : undefined;
  const datasets = new Map<string, LoadedDataset>();
  const dirs = new Map<string, string>();
  const results: RunResult[] = [];
  for (const [i, spec0] of exp.runs.entries()) {
    const spec = o.dataset ? { ...spec0, dataset: o.dataset } : spec0;
    const dir = multi ? join(o.dir, spec.id) : o.dir;
    const done = finishedRun(dir, spec, Math.min(spec.epochs, o.limits?.epochs ?? Infinity));
    if (done) {
      log(`[${name}] ${spec.id}: finished earlier, kept (${dir}/results.json)`);
      if (top) top.runs.push(new RunWriter(dir, done, exp.notebook, top));
      results.push(done);
      dirs.set(spec.id, dir);
      continue;
    }
    let data = datasets.get(spec.dataset);
    if (!data) {
      if (!o.dataset && !isDatasetName(spec.dataset) && !existsSync(spec.dataset)) {
        throw new UsageError(`experiment ${name} reads ${spec.dataset}, which does not exist here; pass --dataset PATH to a copy (an image folder or .tar.gz with train/ and test/)`);
      }
      log(`loading ${spec.dataset} ...`);
      datasets.set(spec.dataset, (data = await loadDataset(spec.dataset)));
    }
    const left = o.timeLimit === null ? null : o.timeLimit * 1000 - (performance.now() - t0);
    const deadline = left === null ? null : performance.now() + Math.max(0, left) / (exp.runs.length - i);
    if (multi) log(`\n[${name}] run ${i + 1}/${exp.runs.length}: ${spec.id} -> ${dir}`);
    results.push(await runOne(spec, {
      experiment: name, dir, data, command: o.command, adapter: o.adapter, deadline, limits: o.limits, verbose: o.verbose, notebook: exp.notebook,
      parent: top, earlierRuns: dirs,
    }));
    dirs.set(spec.id, dir);
  }
  if (top) {
    top.status = results.some((r) => r.status === 'stopped') ? 'stopped' : 'finished';
    top.writeTables();
  }
  return results;
}
