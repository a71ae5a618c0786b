// bench:compare output: a markdown table (times, rates, same-run ratios, share of the binding ceiling) plus the
// training steps' dispatch counts and peak GPU bytes, or with --json one object per figure as issue 12 specifies.
import type { Ceilings } from './ceilings.js';
import type { Result } from './measure.js';
import { SYSTEMS, type SystemName } from './systems.js';
import { stepExtras } from './train.js';
import { NOT_MEASURED } from './fit.js';
import { tuningFile } from '../../src/kernels/tuning.js';

/** The ceiling that binds a figure (the larger lower bound on its time) and its share of it at `ms`. */
export function share(r: Result, ms: number, fma: number, copy: number): { bound: 'FMA' | 'copy'; share: number } {
  const fmaMs = r.work.flops / (fma * 1e6), copyMs = r.work.bytes / (copy * 1e6);
  return fmaMs >= copyMs ? { bound: 'FMA', share: fmaMs / ms } : { bound: 'copy', share: copyMs / ms };
}

const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;

function cell(r: Result, s: SystemName, fma: number, copy: number): string {
  const ms = r.ms[s];
  if (ms === null) return r.errors[s] === NOT_MEASURED ? '-' : 'cannot run';
  const { bound, share: sh } = share(r, ms, fma, copy);
  const rate = bound === 'FMA' ? `${(r.work.flops / (ms * 1e6)).toFixed(2)} GFLOP/s` : `${(r.work.bytes / (ms * 1e6)).toFixed(2)} GB/s`;
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms (${rate}, ${pct(sh)})`;
}

/** Printed before the first row: the cell format. */
export function printHeader(): void {
  console.log('Cells: median ms (rate, share of the binding ceiling); the ceilings are the adapter\'s (a wasm CPU thread is not bound');
  console.log('by them). Ratios: median per-repetition time ratio other / webgpu-nn (> 1: webgpu-nn is faster).\n');
  console.log('| figure | bound | webgpu-nn | tfjs-webgpu | tfjs-wasm | vs tfjs-webgpu | vs tfjs-wasm |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
}

/** One figure's row, printed as soon as it is measured (shares against the ceilings' running medians). */
export function printRow(r: Result, fma: number, copy: number): void {
  const ours = r.ms.webgpu_nn;
  const bound = ours === null ? '' : share(r, ours, fma, copy).bound;
  const ratio = (s: SystemName): string => (r.speedup[s] === undefined ? '-' : `${r.speedup[s]!.toFixed(2)}x`);
  console.log(`| ${r.work.name} | ${bound} | ${SYSTEMS.map((s) => cell(r, s, fma, copy)).join(' | ')} | ${ratio('tfjs_webgpu')} | ${ratio('tfjs_wasm')} |`);
}

/** The final table: every row against the whole run's ceilings, then the training steps' extras. */
export function printTable(results: Result[], fma: number, copy: number, c: Ceilings): void {
  const range = (xs: number[]): string => `${Math.min(...xs).toFixed(1)}..${Math.max(...xs).toFixed(1)}`;
  console.log(`\nFMA ceiling ${fma.toFixed(1)} GFLOP/s [${range(c.fma)}], copy ceiling ${copy.toFixed(2)} GB/s [${range(c.copy)}] (medians of ${c.fma.length} samples)`);
  printHeader();
  for (const r of results) printRow(r, fma, copy);
  const steps = results.filter((r) => stepExtras.has(r.work.name));
  if (!steps.length) return;
  console.log('\n| training step | GFLOP | GB bound (webgpu-nn) | dispatches webgpu-nn / tfjs-webgpu | peak GPU MB webgpu-nn / tfjs-webgpu (allocated) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of steps) {
    const e = stepExtras.get(r.work.name)!;
    const mb = (b?: number): string => (b === undefined ? '-' : (b / 2 ** 20).toFixed(1));
    console.log(`| ${r.work.name} | ${(r.work.flops / 1e9).toFixed(2)} | ${(r.work.bytes / 1e9).toFixed(2)} | ` +
      `${e.dispatches.webgpu_nn ?? '-'} / ${e.dispatches.tfjs_webgpu ?? '-'} | ${mb(e.peakBytes.webgpu_nn)} / ${mb(e.peakBytes.tfjs_webgpu)} |`);
  }
  const tuned = process.env.WEBGPU_NN_AUTOTUNE !== 'off';
  console.log(`\nwebgpu-nn's GEMM-based kernels and training steps ran on ${tuned ? `autotuned tiles, as fit() runs them (cache: ${tuningFile()})` : 'the untuned default tiles (WEBGPU_NN_AUTOTUNE=off)'}.`);
}

export function printJson(results: Result[], fma: number, copy: number): void {
  const row = (name: string, unit: string, v: Partial<Record<SystemName, number | null>>, flops: number | null, bytes: number | null): void =>
    console.log(JSON.stringify({ name, unit, webgpu_nn: v.webgpu_nn ?? null, tfjs_webgpu: v.tfjs_webgpu ?? null, tfjs_wasm: v.tfjs_wasm ?? null, flops, bytes }));
  for (const r of results) {
    row(r.work.name, 'ms', r.ms, r.work.flops, r.work.bytes);
    const e = stepExtras.get(r.work.name);
    if (e) {
      row(`${r.work.name} dispatches`, 'dispatches/step', e.dispatches, null, null);
      row(`${r.work.name} peak GPU bytes`, 'bytes', e.peakBytes, null, null);
    }
  }
  console.log(JSON.stringify({ name: 'fma-ceiling', value: fma, unit: 'GFLOP/s' }));
  console.log(JSON.stringify({ name: 'copy-ceiling', value: copy, unit: 'GB/s' }));
}
