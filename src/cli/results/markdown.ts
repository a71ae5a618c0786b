// The notebook's results table (learning rate, schedule or optimiser, augmentation, best epoch, validation and
// test loss and accuracy) plus ms/step, input-wait share and wall time: as Markdown for results.md and as
// aligned text for the terminal. Rows sort by validation accuracy, best first, as the notebook's DataFrame does.
import type { RunResult } from './record.js';

const f4 = (v: number | null): string => (v === null ? '-' : v.toFixed(4));
export const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${(100 * v).toFixed(2)}%`);
export const fmtSeconds = (s: number): string => (s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(2)} h`);

const COLUMNS: Array<[string, (r: RunResult) => string]> = [
  ['Learning rate', (r) => (r.schedule === 'cyclical' ? `cyclical (max ${r.learning_rate})` : String(r.learning_rate))],
  ['Optimiser', (r) => r.optimizer],
  ['Schedule', (r) => r.schedule],
  ['Augmentation', (r) => r.augmentation],
  ['Best epoch', (r) => (r.best_epoch === null ? '-' : String(r.best_epoch))],
  ['Val loss', (r) => f4(r.val_loss)],
  ['Val accuracy', (r) => f4(r.val_accuracy)],
  ['Test loss', (r) => (r.test_evaluated ? f4(r.test_loss) : 'not yet')],
  ['Test accuracy', (r) => (r.test_evaluated ? f4(r.test_accuracy) : 'not yet')],
  ['ms/step', (r) => (r.ms_per_step === null ? '-' : r.ms_per_step.toFixed(1))],
  ['Input wait', (r) => pct(r.input_wait_share)],
  ['Epochs', (r) => `${r.epochs_run}/${r.epochs}`],
  ['Wall time', (r) => fmtSeconds(r.wall_seconds)],
  ['Stopped by', (r) => r.stopped_by ?? r.status],
];

export function sortByValAccuracy(rows: readonly RunResult[]): RunResult[] {
  return [...rows].sort((a, b) => (b.val_accuracy ?? -1) - (a.val_accuracy ?? -1));
}

export function markdownTable(rows: readonly RunResult[]): string {
  const lines = [`| ${COLUMNS.map(([h]) => h).join(' | ')} |`, `| ${COLUMNS.map(() => '---').join(' | ')} |`];
  for (const r of sortByValAccuracy(rows)) lines.push(`| ${COLUMNS.map(([, f]) => f(r)).join(' | ')} |`);
  return lines.join('\n');
}

/** The table as aligned plain text, for the end of `train` and `experiment`. */
export function textTable(rows: readonly RunResult[]): string {
  return alignedRows([COLUMNS.map(([h]) => h), ...sortByValAccuracy(rows).map((r) => COLUMNS.map(([, f]) => f(r)))]).join('\n');
}

/** Rows of cells as lines with each column padded to its widest cell. */
export function alignedRows(cells: readonly string[][]): string[] {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

export interface MarkdownHeader {
  title: string;
  status: string;
  command: string;
  adapter: string;
  date: string;
  notebook?: string;
  notes?: string[];
}

export function resultsMarkdown(h: MarkdownHeader, rows: readonly RunResult[], curves: string[]): string {
  const out = [
    `# ${h.title}`, '',
    `- status: ${h.status}`,
    `- command: \`${h.command}\``,
    `- adapter: ${h.adapter}`,
    `- started: ${h.date}`,
  ];
  if (h.notebook) out.push(`- notebook: ${h.notebook}`);
  for (const n of h.notes ?? []) out.push(`- ${n}`);
  out.push('', markdownTable(rows), '');
  for (const c of curves) out.push(`![learning curves](${c})`, '');
  return out.join('\n');
}
