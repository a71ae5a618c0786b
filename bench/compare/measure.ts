// Interleaved timing: every system's runner is prepared and warmed up, then the repetitions go A B C A B C so the
// three systems see the same machine load; each sample runs enough iterations to last ~40 ms. One ceiling sample
// is taken before each figure, so the ceilings are measured across the same run.
import type { Ceilings } from './ceilings.js';
import { LABEL, SYSTEMS, type Runner, type SystemName } from './systems.js';
import type { Work } from './work.js';

const SAMPLE_MS = 40;
const MAX_ITERATIONS = 16;

export interface Result {
  work: Work;
  /** Median ms per iteration, or null where the system cannot run the work. */
  ms: Record<SystemName, number | null>;
  /** Median of the per-repetition ratios other / webgpu-nn (> 1: webgpu-nn is faster). */
  speedup: Partial<Record<SystemName, number>>;
  errors: Partial<Record<SystemName, string>>;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timed(r: Runner, n: number, steps = 1): Promise<number> {
  const t0 = performance.now();
  await r.run(n);
  return (performance.now() - t0) / (n * steps);
}

export async function measureWork(work: Work, ceilings: Ceilings, log: (line: string) => void): Promise<Result> {
  await ceilings.sample();
  const runners = new Map<SystemName, { r: Runner; n: number; ms: number[] }>();
  const errors: Result['errors'] = {};
  for (const s of SYSTEMS) {
    try {
      const r = await work.make[s]();
      await r.run(1); // compiles pipelines
      const t = await timed(r, 1);
      const n = work.step ? 1 : Math.min(MAX_ITERATIONS, Math.max(1, Math.ceil(SAMPLE_MS / t)));
      runners.set(s, { r, n, ms: [] });
    } catch (err) {
      errors[s] = ((err as Error).message ?? String(err)).split('\n')[0]!;
      log(`  ${work.name}: ${LABEL[s]} cannot run it: ${errors[s]}`);
    }
  }
  for (let rep = 0; rep < work.reps; rep++) {
    for (const [, v] of runners) v.ms.push(await timed(v.r, v.n, work.stepsPerSample));
  }
  for (const [, v] of runners) v.r.dispose();
  const ms = Object.fromEntries(SYSTEMS.map((s) => [s, runners.has(s) ? median(runners.get(s)!.ms) : null])) as Result['ms'];
  const speedup: Result['speedup'] = {};
  const ours = runners.get('webgpu_nn')?.ms;
  for (const s of SYSTEMS) {
    const theirs = runners.get(s)?.ms;
    if (s !== 'webgpu_nn' && ours && theirs) speedup[s] = median(theirs.map((t, i) => t / ours[i]!));
  }
  return { work, ms, speedup, errors };
}
