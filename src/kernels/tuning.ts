// Which tiles each GEMM call (matmul and the three implicit-GEMM convolutions) runs with, per adapter: a variant
// pinned by WEBGPU_NN_GEMM_TILES, else the winner of an earlier autotune of the call's shape class (cached on disk
// per adapter and driver), else the adapter's default: register blocks on CPU adapters such as lavapipe, where
// barriers are expensive, and workgroup-memory tiles on hardware GPUs. Every call records its shape class, so
// autotune() (run by fit after its first step, or by `webgpu-nn tune`) can time the candidates for what was seen.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gpu } from '../tensor/device.js';
import type { GemmTiles } from './gemm.js';
import { sharedTileBytes } from './gemm.shared.js';

/** The GEMM call sites. Sites that read A along m (transposed A) need TM % 4 == 0. */
export type GemmSite = 'matmul' | 'matmul.tA' | 'conv.forward' | 'conv.gradInput' | 'conv.gradFilter';

export interface GemmCall {
  site: GemmSite;
  M: number;
  N: number;
  K: number;
  /** Kernel flags that select a different pipeline (alignment, transposes, phases): part of the shape class. */
  flags: string;
  /** Makes fresh operands of the same shapes (the caller's may be gone by the time autotune runs). */
  replay: () => GemmReplay;
}

export interface GemmReplay {
  /** Records the GEMM with the given tiles. */
  run(tiles: GemmTiles): void;
  dispose(): void;
}

const pow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));
const alongM = (site: GemmSite): boolean => site === 'matmul.tA' || site === 'conv.gradFilter';

/**
 * Tiles measured fastest on lavapipe (bench/matmul.ts, bench/conv.ts, `webgpu-nn profile`). lavapipe scalarises
 * every storage load (a bounds-checked load per lane and component, even at a uniform address), so loads, not FMAs,
 * bound its GEMMs, and with a fixed subgroup size S one operand is loaded once per subgroup and broadcast: A (SG,
 * S x 8 or S x 4 blocks in S-lane workgroups) where the output has at least 4S columns, else B (SGB, 4 x S or
 * 4 x 2S blocks, the lanes stacked along rows) where it has at least S; each ran its layers 1.5-2x faster than the
 * register tiles below (bench/RESULTS.md). Without subgroups: a workgroup is at least 8 invocations (the SIMD
 * width) with WGY = 1 when there are 8 column threads; narrow outputs stack rows instead (WGY > 1) rather than
 * leave lanes idle. Short reductions (K <= 32, e.g. a 3x3 conv over 1 channel) use fat 8x8 blocks and
 * 32-invocation workgroups, because there the per-workgroup cost dominates.
 */
export function softwareTiles(M: number, N: number, transposeA = false, K = Infinity, subgroup: number | null = null): GemmTiles {
  const short = K <= 32;
  const S = subgroup && subgroup % 4 === 0 && !short ? subgroup : 0;
  // Each lane needs 4 columns under SG (a C = 1 conv's gradInput has one) and a row block under either (a batch-1
  // Dense would compute S rows for 1).
  if (S && N >= 4 * S && M >= S) return { TM: S, TN: N >= 8 * S ? 8 : 4, WGX: S, WGY: 1, SG: S };
  if (S && N >= S && M >= 4 * S) return { TM: 4, TN: N >= 2 * S ? 2 * S : S, WGX: 1, WGY: S, SGB: S };
  const TN = N >= 64 || (short && N > 4) ? 8 : 4;
  const TM = M < 4 && !transposeA ? Math.max(1, M) : short ? 8 : 4;
  const WGX = Math.min(8, pow2(Math.ceil(N / TN)));
  return { TM, TN, WGX, WGY: (short ? 32 : 8) / WGX };
}

/** Hardware GPUs: 64 x 64 output tiles per 256-invocation workgroup, staged 16 deep in workgroup memory. */
export function hardwareTiles(M: number, transposeA = false): GemmTiles {
  if (M < 4 && !transposeA) return { TM: Math.max(1, M), TN: 4, WGX: 16, WGY: 8 };
  return { TM: 4, TN: 4, WGX: 16, WGY: 16, BK: 16 };
}

/** The adapter's default for a shape. */
export function defaultTiles(M: number, N: number, transposeA = false, K = Infinity): GemmTiles {
  return gpu().info.isSoftware ? softwareTiles(M, N, transposeA, K, fixedSubgroupSize()) : hardwareTiles(M, transposeA);
}

/**
 * Parses WEBGPU_NN_GEMM_TILES: TMxTN/WGXxWGY for register tiles, TMxTN/WGXxWGY/BK for workgroup-memory tiles,
 * TMxTN/WGXxWGY/sgS for register tiles whose A rows are shared by subgroup broadcast.
 */
export function parseTiles(text: string, source = 'WEBGPU_NN_GEMM_TILES'): GemmTiles {
  const m = /^(\d+)x(\d+)\/(\d+)x(\d+)(?:\/(\d+)|\/sg(\d+)|\/sgb(\d+))?$/.exec(text.trim());
  if (!m) {
    throw new Error(`${source}: expected TMxTN/WGXxWGY, TMxTN/WGXxWGY/BK, TMxTN/WGXxWGY/sgS or TMxTN/WGXxWGY/sgbS (e.g. 4x8/8x1, 4x4/16x16/16, 8x8/8x1/sg8 or 4x16/1x8/sgb8) but got '${text}'`);
  }
  const [TM, TN, WGX, WGY] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (m[5]) return { TM, TN, WGX, WGY, BK: Number(m[5]) };
  if (m[6]) return { TM, TN, WGX, WGY, SG: Number(m[6]) };
  if (m[7]) return { TM, TN, WGX, WGY, SGB: Number(m[7]) };
  return { TM, TN, WGX, WGY };
}

/** The device's subgroup size when it is fixed and the subgroups feature is enabled, else null. */
export function fixedSubgroupSize(): number | null {
  const { device, info } = gpu();
  if (!device.features.has('subgroups')) return null;
  const { subgroupMinSize: lo, subgroupMaxSize: hi } = info;
  return lo && lo === hi ? lo : null;
}

/** Why these tiles cannot run at a site on this device, or null. */
export function tilesProblem(t: GemmTiles, site: GemmSite): string | null {
  const { limits } = gpu();
  if (t.TM < 1 || t.TN < 4 || t.TN % 4 !== 0) return `TN must be a positive multiple of 4 and TM >= 1 (got ${t.TM}x${t.TN})`;
  if (alongM(site) && t.TM % 4 !== 0) return `${site} reads A along m, so TM must be a multiple of 4 (got ${t.TM})`;
  const threads = t.WGX * t.WGY;
  if (threads > limits.maxComputeInvocationsPerWorkgroup || t.WGX > limits.maxComputeWorkgroupSizeX || t.WGY > limits.maxComputeWorkgroupSizeY) {
    return `a ${t.WGX}x${t.WGY} workgroup exceeds the device's limits (${limits.maxComputeInvocationsPerWorkgroup} invocations)`;
  }
  const S = t.SG ?? t.SGB;
  if (S !== undefined) {
    const tag = t.SG ? `sg${S}` : `sgb${S}`;
    if (t.SG && t.SGB) return 'sg and sgb tiles do not combine';
    if (t.BK !== undefined) return 'subgroup tiles (sg, sgb) and workgroup-memory tiles (BK) do not combine';
    // The broadcast needs full subgroups; WebGPU does not promise them on hardware GPUs, and only CPU adapters were measured.
    if (!gpu().info.isSoftware) return `${tag} tiles are for CPU adapters (software SIMD lanes); this adapter is a hardware GPU`;
    const size = fixedSubgroupSize();
    if (size !== S) {
      return size === null ? `${tag} needs the subgroups feature with a fixed subgroup size, which this device lacks` : `${tag} does not match the device's subgroup size ${size}`;
    }
    if (t.SG && (t.WGY !== 1 || t.WGX % S !== 0 || t.TM % S !== 0)) return `${tag} needs WGY = 1 and WGX and TM multiples of ${S} (got ${t.TM}x${t.TN}/${t.WGX}x${t.WGY})`;
    if (t.SGB && (t.WGX !== 1 || t.WGY % S !== 0 || t.TN % S !== 0)) return `${tag} needs WGX = 1, WGY a multiple of ${S} and TN a multiple of ${S} (got ${t.TM}x${t.TN}/${t.WGX}x${t.WGY})`;
  }
  if (t.BK !== undefined) {
    if (t.BK < 4 || t.BK % 4 !== 0) return `BK must be a positive multiple of 4 (got ${t.BK})`;
    if (sharedTileBytes(t) > limits.maxComputeWorkgroupStorageSize) {
      return `the tiles need ${sharedTileBytes(t)} bytes of workgroup memory, over the device's ${limits.maxComputeWorkgroupStorageSize}`;
    }
  }
  return null;
}

// ---- the tuned-choice cache, one JSON file per adapter + driver ----

interface CacheFile {
  adapter: string;
  choices: Record<string, GemmTiles>;
}

let cache: CacheFile | null = null;
const seen = new Map<string, GemmCall>();

const disabled = (): boolean => process.env.WEBGPU_NN_AUTOTUNE === 'off';

// Bumped when the candidate lists or the kernels they name change, so choices timed against older variants (which
// may lose to the new defaults) are tuned again instead of reused. 2: A-broadcast tiles (SG); 3: B-broadcast (SGB);
// 4: short kernels timed over repeated runs (choices before were noise below ~1 ms).
const CANDIDATES_VERSION = 4;

/**
 * The cache file of this adapter: $WEBGPU_NN_CACHE (or ~/.cache/webgpu-nn)/tuning/<hash of adapter + driver +
 * candidates version>.json.
 */
export function tuningFile(): string {
  const root = process.env.WEBGPU_NN_CACHE ?? join(homedir(), '.cache', 'webgpu-nn');
  const hash = createHash('sha256').update(`${gpu().info.description}|candidates ${CANDIDATES_VERSION}`).digest('hex').slice(0, 16);
  return join(root, 'tuning', `${hash}.json`);
}

function loadCache(): CacheFile {
  if (cache) return cache;
  const adapter = gpu().info.description;
  cache = { adapter, choices: {} };
  const file = tuningFile();
  if (!existsSync(file)) return cache;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (parsed.adapter === adapter && parsed.choices && typeof parsed.choices === 'object') cache.choices = parsed.choices;
  } catch {
    // A corrupt cache only costs a re-tune; it is rewritten whole by the next autotune.
  }
  return cache;
}

function saveCache(c: CacheFile): void {
  const file = tuningFile();
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(c, null, 1)}\n`);
  renameSync(tmp, file);
}

/** Conv kernel flags plus the filter size and stride, which change the loaders' cost, as a shape-class tag. */
export function convClassFlags(g: { KH: number; KW: number; SH: number; SW: number }, flags: Record<string, unknown>): string {
  const bits = Object.values(flags).map((v) => (typeof v === 'boolean' ? Number(v) : String(v))).join('');
  return `${bits}k${g.KH}x${g.KW}s${g.SH}x${g.SW}`;
}

/** The shape class: site, kernel flags and power-of-two buckets of M, N and K. */
export function shapeClass(c: Pick<GemmCall, 'site' | 'M' | 'N' | 'K' | 'flags'>): string {
  return `${c.site}|${c.flags}|M${pow2(c.M)}|N${pow2(c.N)}|K${pow2(c.K)}`;
}

/** The tiles a GEMM call runs with (see the file comment for the order), recording its shape class. */
export function chooseTiles(call: GemmCall): GemmTiles {
  const pinned = process.env.WEBGPU_NN_GEMM_TILES;
  if (pinned) {
    const t = parseTiles(pinned);
    const problem = tilesProblem(t, call.site);
    if (problem) throw new Error(`WEBGPU_NN_GEMM_TILES=${pinned}: ${problem}`);
    return t;
  }
  const fallback = defaultTiles(call.M, call.N, alongM(call.site), call.K);
  if (disabled()) return fallback;
  const key = shapeClass(call);
  const tuned = loadCache().choices[key];
  if (tuned && !tilesProblem(tuned, call.site)) return tuned;
  if (!seen.has(key)) seen.set(key, call);
  return fallback;
}

/** Shape classes seen by chooseTiles and not yet tuned. */
export function untunedClasses(): string[] {
  const choices = disabled() ? {} : loadCache().choices;
  return [...seen.keys()].filter((k) => !(k in choices));
}

/**
 * Candidate tiles per adapter kind, or the comma-separated list in WEBGPU_NN_TUNE_CANDIDATES (same syntax as the
 * pin); invalid ones for a site are skipped.
 */
export function candidates(software: boolean, call: Pick<GemmCall, 'M' | 'N' | 'K' | 'site'>): GemmTiles[] {
  const custom = process.env.WEBGPU_NN_TUNE_CANDIDATES;
  const S = software ? fixedSubgroupSize() : null;
  const subgroupTiles: GemmTiles[] = S && S % 4 === 0
    ? [
        ...[[S, 8, S], [S, 4, S], [2 * S, 8, S], [2 * S, 4, S], [S, 8, 2 * S]].map(([TM, TN, WGX]) => ({ TM: TM!, TN: TN!, WGX: WGX!, WGY: 1, SG: S })),
        ...[[4, S, S], [4, 2 * S, S], [8, 2 * S, S], [4, 2 * S, 2 * S]].map(([TM, TN, WGY]) => ({ TM: TM!, TN: TN!, WGX: 1, WGY: WGY!, SGB: S })),
      ]
    : [];
  const list: GemmTiles[] = custom ? custom.split(',').map((c) => parseTiles(c, 'WEBGPU_NN_TUNE_CANDIDATES')) : software
    ? [
        softwareTiles(call.M, call.N, alongM(call.site), call.K, S),
        softwareTiles(call.M, call.N, alongM(call.site), call.K),
        ...subgroupTiles,
        { TM: 4, TN: 8, WGX: 8, WGY: 1 }, { TM: 4, TN: 4, WGX: 8, WGY: 1 }, { TM: 8, TN: 4, WGX: 8, WGY: 1 },
        { TM: 8, TN: 8, WGX: 4, WGY: 8 }, { TM: 8, TN: 8, WGX: 4, WGY: 2 }, { TM: 8, TN: 8, WGX: 2, WGY: 4 },
        { TM: 4, TN: 8, WGX: 4, WGY: 2 }, { TM: 4, TN: 8, WGX: 8, WGY: 4 }, { TM: 4, TN: 4, WGX: 8, WGY: 4, BK: 16 },
      ]
    : [
        hardwareTiles(call.M, alongM(call.site)),
        { TM: 4, TN: 4, WGX: 16, WGY: 8, BK: 16 }, { TM: 8, TN: 4, WGX: 16, WGY: 8, BK: 16 }, { TM: 4, TN: 8, WGX: 8, WGY: 16, BK: 16 },
        { TM: 4, TN: 4, WGX: 16, WGY: 16, BK: 32 }, { TM: 4, TN: 4, WGX: 16, WGY: 8 },
      ];
  const unique = new Map(list.map((t) => [JSON.stringify(t), t]));
  return [...unique.values()].filter((t) => !tilesProblem(t, call.site));
}

export interface TuneResult {
  shapeClass: string;
  /** Median ms of each candidate, in candidate order. */
  timings: Array<{ tiles: GemmTiles; ms: number }>;
  best: GemmTiles;
  /** What the call runs with untuned (the adapter's default for its real sizes, not the class's buckets). */
  fallback: GemmTiles;
}

export interface TuneOptions {
  /** Timed repetitions per candidate, interleaved, after one warm-up run each that compiles its pipeline. */
  reps?: number;
  /** Times one run to completion in ms; the default flushes, runs and waits for the GPU. */
  time?: (run: () => void) => Promise<number>;
  /**
   * Stop starting new shape classes after this many ms (wall clock, checked between classes). The biggest classes
   * (by M x N x K) go first; the rest stay seen and untuned for the next call.
   */
  budgetMs?: number;
  /** The clock the budget is measured on (tests). */
  now?: () => number;
}

/** A timed sample's target length, and the most runs one sample repeats to reach it. */
const SAMPLE_MS = 10;
const MAX_SAMPLE_RUNS = 32;

let tuningMs = 0;
/** Wall time spent in autotune() since the process started: training subtracts it from its ms/step. */
export function tuningWallMs(): number {
  return tuningMs;
}

/** Times every candidate for each untuned shape class seen so far (within the budget), caches the winners, returns them. */
export async function autotune(o: TuneOptions = {}): Promise<TuneResult[]> {
  if (disabled()) return [];
  const t0 = performance.now();
  try {
    return await tuneClasses(o);
  } finally {
    tuningMs += performance.now() - t0;
  }
}

async function tuneClasses(o: TuneOptions): Promise<TuneResult[]> {
  const { sync } = await import('../tensor/queue.js');
  const time = o.time ?? (async (run: () => void): Promise<number> => {
    await sync();
    const t0 = performance.now();
    run();
    await sync();
    return performance.now() - t0;
  });
  const reps = o.reps ?? 3;
  const c = loadCache();
  const results: TuneResult[] = [];
  const now = o.now ?? (() => performance.now());
  const start = now();
  const work = (k: string): number => { const c = seen.get(k)!; return c.M * c.N * c.K; };
  for (const key of untunedClasses().sort((a, b) => work(b) - work(a))) {
    if (o.budgetMs !== undefined && now() - start >= o.budgetMs) break;
    const call = seen.get(key)!;
    const timings: TuneResult['timings'] = [];
    const replay = call.replay();
    const list = candidates(gpu().info.isSoftware, call);
    const runs = list.map((tiles) => (): void => replay.run(tiles));
    const ms: number[][] = list.map(() => []);
    try {
      for (const run of runs) await time(run); // compiles each pipeline before anything is timed
      // Interleaved (A B C A B C) so a change in the machine's load hits every candidate alike. A sample repeats a
      // short kernel until it lasts about SAMPLE_MS (sized by the first round): a lone sub-millisecond run times
      // the two syncs around it, not the tiles, and picked tiles at random.
      const times = runs.map(() => 1);
      for (let r = 0; r < reps; r++) {
        for (const [i, run] of runs.entries()) {
          const n = times[i]!;
          const t = (await time(() => { for (let k = 0; k < n; k++) run(); })) / n;
          ms[i]!.push(t);
          if (r === 0) times[i] = Math.min(MAX_SAMPLE_RUNS, Math.max(1, Math.ceil(SAMPLE_MS / Math.max(t, 1e-3))));
        }
      }
    } finally {
      replay.dispose();
    }
    for (const [i, tiles] of list.entries()) {
      const sorted = ms[i]!.sort((a, b) => a - b);
      timings.push({ tiles, ms: sorted[Math.floor(sorted.length / 2)]! });
    }
    if (!timings.length) continue;
    const best = timings.reduce((a, b) => (b.ms < a.ms ? b : a)).tiles;
    c.choices[key] = best;
    results.push({ shapeClass: key, timings, best, fallback: defaultTiles(call.M, call.N, alongM(call.site), call.K) });
  }
  if (results.length) saveCache(c);
  return results;
}

/** Forgets the in-memory cache and the seen classes (tests; a changed cache file). */
export function resetTuning(): void {
  cache = null;
  seen.clear();
}
