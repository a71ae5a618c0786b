// Shared bench plumbing: Benchmark.js timing of GPU work (each cycle waits for the queue to drain), and figures
// printed as a table or, with --json, as one JSON object per line: {"name", "value", "unit", ...}.

import Benchmark from 'benchmark';
import { liveTensors, sync } from '../src/index.js';
import { parseBenchOptions } from './options.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

export interface Timing {
  meanMs: number;
  /** Relative margin of error of the mean, in percent. */
  rme: number;
  samples: number;
}

export interface MeasureOptions {
  /** Seconds Benchmark.js may spend sampling (default 3). */
  maxTime?: number;
  minSamples?: number;
}

const options = parseBenchOptions('bench', 'Benchmark.js suites of webgpu-nn on this adapter (figures in bench/RESULTS.md)', false);
export const jsonOutput = options.json;
const filter = options.filter;

/** True when a figure or suite name passes --filter. */
export function selected(name: string): boolean {
  return !filter || filter.test(name);
}

/**
 * Times `fn` with Benchmark.js. `fn` records GPU work (or does host work); each cycle ends with a queue drain, so
 * the figure is end-to-end time including the GPU. One untimed warm-up call compiles the pipelines first.
 */
export async function measure(name: string, fn: () => unknown, opts: MeasureOptions = {}): Promise<Timing> {
  await fn();
  await sync();
  const live = liveTensors();
  const timing = await run(name, fn, opts);
  // A leaking figure times the allocator, not the kernel: refuse it.
  if (liveTensors() !== live) throw new Error(`bench ${name}: ${liveTensors() - live} tensors leaked over ${timing.samples} samples`);
  return timing;
}

function run(name: string, fn: () => unknown, opts: MeasureOptions): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const bench = new Benchmark(name, {
      defer: true,
      async: true,
      maxTime: opts.maxTime ?? 3,
      minSamples: opts.minSamples ?? 5,
      fn: (deferred: { resolve(): void }) => {
        Promise.resolve(fn())
          .then(() => sync())
          .then(() => deferred.resolve(), (err: unknown) => {
            bench.abort();
            reject(err);
          });
      },
    });
    bench.on('complete', () => {
      if (bench.error) reject(bench.error);
      else resolve({ meanMs: bench.stats.mean * 1000, rme: bench.stats.rme, samples: bench.stats.sample.length });
    });
    bench.run();
  });
}

const rows: Figure[] = [];

export function report(fig: Figure): void {
  rows.push(fig);
  if (jsonOutput) console.log(JSON.stringify(fig));
  else {
    const extra = Object.entries(fig).filter(([k]) => !['name', 'value', 'unit'].includes(k)).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : v}`);
    console.log(`${fig.name.padEnd(52)} ${fig.value.toPrecision(4).padStart(10)} ${fig.unit.padEnd(9)} ${extra.join(' ')}`);
  }
}

export function figures(): readonly Figure[] {
  return rows;
}
