// A run directory and everything in it, rewritten (atomically) after every epoch: results.json, results.md,
// history.csv and the learning curves (curves.svg, curves.png); the best checkpoint is written beside them by
// ModelCheckpoint. A multi-run experiment (the MLP sweep) keeps one such directory per run and a summary on top.
import { basename, join } from 'node:path';
import { renderCurves } from './curves.js';
import { writeAtomic, writeJson } from './files.js';
import { resultsMarkdown, sortByValAccuracy } from './markdown.js';
import { historyCsv, type RunResult, type RunStatus } from './record.js';

export const CHECKPOINT_FILE = 'best.safetensors';

export class RunWriter {
  constructor(readonly dir: string, readonly result: RunResult, readonly notebook?: string, readonly parent?: ExperimentWriter) {}

  /** Everything but the pictures, synchronously (also what a signal handler calls). */
  writeTables(): void {
    const r = this.result;
    writeJson(join(this.dir, 'results.json'), r);
    writeAtomic(join(this.dir, 'history.csv'), historyCsv(r));
    const notes = r.note ? [r.note] : [];
    if (r.ms_per_step !== null) {
      notes.push(`input: ${r.loader_mode} loader, ${r.ms_per_step.toFixed(1)} ms/step, ${(100 * (r.input_wait_share ?? 0)).toFixed(1)}% of each step waiting for input (median over epochs)`);
    }
    if (r.autotune_seconds) notes.push(`autotuning GEMM tiles took ${r.autotune_seconds.toFixed(1)} s, left out of ms/step`);
    for (const [k, v] of Object.entries(r.measurements ?? {})) notes.push(`${k.replace(/_/g, ' ')}: ${typeof v === 'number' ? +v.toPrecision(4) : v}`);
    if (!r.test_evaluated) notes.push('test set not yet evaluated (it is, with the best checkpoint, when the run ends)');
    const md = resultsMarkdown({ title: `${r.experiment}${r.run !== r.experiment ? ` / ${r.run}` : ''}`, status: r.status, command: r.command, adapter: r.adapter, date: r.date, notebook: this.notebook, notes },
      [r], r.history.length ? ['curves.png'] : []);
    writeAtomic(join(this.dir, 'results.md'), md);
    this.parent?.writeTables();
  }

  async write(): Promise<void> {
    this.writeTables();
    if (!this.result.history.length) return;
    const { svg, png } = await renderCurves(`${this.result.experiment}${this.result.run !== this.result.experiment ? ` / ${this.result.run}` : ''}: ${this.result.model} on ${basename(this.result.dataset)}`, this.result.history);
    writeAtomic(join(this.dir, 'curves.svg'), svg);
    writeAtomic(join(this.dir, 'curves.png'), png);
  }
}

/** The top of a multi-run experiment: every run's result and the table sorted by validation accuracy. */
export class ExperimentWriter {
  readonly runs: RunWriter[] = [];
  status: RunStatus = 'running';

  constructor(readonly dir: string, readonly experiment: string, readonly header: { command: string; adapter: string; date: string; notebook?: string }) {}

  writeTables(): void {
    const results = this.runs.map((w) => w.result);
    const summary = ({ history: _h, ...rest }: RunResult): Omit<RunResult, 'history'> => rest;
    writeJson(join(this.dir, 'results.json'), {
      format: 'webgpu-nn/experiment-results@1', experiment: this.experiment, status: this.status, ...this.header,
      runs_finished: results.filter((r) => r.status !== 'running').length, runs: results.map(summary), table: sortByValAccuracy(results).map(summary),
    });
    const md = resultsMarkdown({ title: this.experiment, status: this.status, ...this.header }, results, this.runs.filter((w) => w.result.history.length).map((w) => `${w.result.run}/curves.png`));
    writeAtomic(join(this.dir, 'results.md'), md);
  }
}
