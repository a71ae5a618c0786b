// GEMM tile variants forced through WEBGPU_NN_GEMM_TILES on lavapipe, so no path runs only on hardware GPUs: the
// workgroup-memory tiles (the hardware default, and one with fewer A loads than invocations, whose slot is
// guarded) under matmul's four transpose forms, the fused epilogue, batching, and all
// three convolutions (aligned and unaligned channels, strided phases); then the pin's errors and the autotuner.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2d } from '../../src/kernels/conv2d.js';
import { matmul } from '../../src/kernels/matmul.js';
import {
  autotune, candidates, chooseTiles, fixedSubgroupSize, hardwareTiles, parseTiles, tilesProblem, resetTuning, shapeClass, softwareTiles, tuningFile, untunedClasses,
} from '../../src/kernels/tuning.js';
import * as nn from '../../src/index.js';
import { checkConv, checkMatmul, shapes } from './gemm-checks.js';
import { withTuningCache } from '../helpers.js';

const PIN = 'WEBGPU_NN_GEMM_TILES';
afterEach(() => {
  delete process.env[PIN];
});

const VARIANTS = {
  'hardware default 4x4/16x16/16': '4x4/16x16/16',
  '4x4/8x4/4: fewer A loads than invocations, so the A slot is guarded': '4x4/8x4/4',
};

describe('workgroup-memory GEMM tiles, pinned', () => {
  for (const [what, pin] of Object.entries(VARIANTS)) {
    it(`${what}: matmul, all transposes, bias + relu, batched`, async () => {
      process.env[PIN] = pin;
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        await checkMatmul(shapes(37, 45, 70, tA, tB));
      }
      await checkMatmul({ a: [33, 20], b: [20, 24], o: { biasN: 24, activation: 'relu' } });
      await checkMatmul({ a: [3, 9, 13], b: [13, 10] });
    });

    it(`${what}: conv2d forward, gradInput and gradFilter`, async () => {
      process.env[PIN] = pin;
      await checkConv({ x: [2, 9, 8, 8], w: [3, 3, 8, 8], o: { padding: 'same' } }, true);
      await checkConv({ x: [2, 9, 9, 4], w: [3, 3, 4, 12], o: { padding: 'same', strides: 2 } });
      await checkConv({ x: [2, 7, 9, 3], w: [3, 3, 3, 5], o: { padding: 'valid' } });
    });
  }

  it('WEBGPU_NN_AUTOTUNE=off (the tests\' setting) ignores the tuning cache and records nothing', () => {
    expect(process.env.WEBGPU_NN_AUTOTUNE).toBe('off');
    resetTuning();
    const a = nn.tensor(new Float32Array(8 * 8), [8, 8]);
    matmul(a, a).dispose();
    a.dispose();
    expect(untunedClasses()).toEqual([]);
  });

  it('the pin is validated: a bad string, TN not a multiple of 4, TM for transposed A, workgroup memory', () => {
    const a = nn.tensor(new Float32Array(12), [3, 4]);
    try {
      const run = (pin: string, transposeA = false): unknown => {
        process.env[PIN] = pin;
        return () => matmul(a, a, { transposeA, transposeB: !transposeA }).dispose();
      };
      expect(run('4x8')).toThrow("WEBGPU_NN_GEMM_TILES: expected TMxTN/WGXxWGY, TMxTN/WGXxWGY/BK, TMxTN/WGXxWGY/sgS or TMxTN/WGXxWGY/sgbS (e.g. 4x8/8x1, 4x4/16x16/16, 8x8/8x1/sg8 or 4x16/1x8/sgb8) but got '4x8'");
      expect(run('4x6/8x1')).toThrow('WEBGPU_NN_GEMM_TILES=4x6/8x1: TN must be a positive multiple of 4');
      expect(run('3x8/8x1', true)).toThrow('WEBGPU_NN_GEMM_TILES=3x8/8x1: matmul.tA reads A along m, so TM must be a multiple of 4 (got 3)');
      expect(run('8x8/16x16/64')).toThrow(/the tiles need 65536 bytes of workgroup memory, over the device's \d+/);
      expect(run('4x4/64x64')).toThrow(/a 64x64 workgroup exceeds the device's limits/);
    } finally {
      a.dispose();
    }
  });
});

// lavapipe's subgroup size is fixed (8 on 256-bit SIMD); the pins below are built from what the device reports.
describe('subgroup-broadcast GEMM tiles (A: sg, B: sgb), pinned', () => {
  const pins = (S: number): Record<string, string> => ({
    [`${S}x8/${S}x1/sg${S}: one A load per lane`]: `${S}x8/${S}x1/sg${S}`,
    [`${2 * S}x4/${2 * S}x1/sg${S}: two subgroups per workgroup, two A loads per lane`]: `${2 * S}x4/${2 * S}x1/sg${S}`,
    [`${4 * S}x4/${S}x1/sg${S}: four A loads per lane`]: `${4 * S}x4/${S}x1/sg${S}`,
    [`4x${2 * S}/1x${S}/sgb${S}: B broadcast, two B loads per lane`]: `4x${2 * S}/1x${S}/sgb${S}`,
    [`4x${S}/1x${2 * S}/sgb${S}: B broadcast, two subgroups per workgroup`]: `4x${S}/1x${2 * S}/sgb${S}`,
  });

  it('matmul in all four transpose forms (A read along k and along m), bias + relu, batched, and the three convolutions', async (ctx) => {
    await nn.init();
    const S = fixedSubgroupSize();
    // CI runs on lavapipe, whose subgroup size is fixed: there a missing size is a failure, not a skip.
    if (!S && process.env.CI) throw new Error('CI: the adapter reports no fixed subgroup size, so the subgroup tiles would go untested');
    if (!S) return ctx.skip();
    for (const pin of Object.values(pins(S))) {
      process.env[PIN] = pin;
      // Unaligned, aligned (vec4 loaders, M % 4 == 0 along m), and fewer rows than one block (M < 4, M < S).
      for (const [M, K, N] of [[37, 45, 70], [40, 48, 72], [1, 20, 36], [3, 17, 33]] as const) {
        for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) await checkMatmul(shapes(M, K, N, tA, tB));
      }
      await checkMatmul({ a: [33, 20], b: [20, 24], o: { biasN: 24, activation: 'relu' } });
      await checkMatmul({ a: [3, 9, 13], b: [13, 10] });
      await checkConv({ x: [2, 9, 8, 8], w: [3, 3, 8, 8], o: { padding: 'same' } }, true);
      await checkConv({ x: [2, 9, 9, 4], w: [3, 3, 4, 12], o: { padding: 'same', strides: 2 } });
      await checkConv({ x: [2, 7, 9, 3], w: [3, 3, 3, 5], o: { padding: 'valid' } });
      // KO = N * OH = 32 over a single row block: gradFilter splits K into slices on any core count.
      await checkConv({ x: [2, 16, 8, 8], w: [1, 1, 8, 8] });
    }
  });

  it('the pin is refused where it cannot run: a size the device does not have, WGY > 1, TM or WGX not multiples of S; never with BK', async () => {
    await nn.init();
    const S = fixedSubgroupSize();
    const a = nn.tensor(new Float32Array(12), [3, 4]);
    try {
      const run = (pin: string): unknown => {
        process.env[PIN] = pin;
        return () => matmul(a, a, { transposeB: true }).dispose();
      };
      expect(parseTiles('32x4/8x1/sg8')).toEqual({ TM: 32, TN: 4, WGX: 8, WGY: 1, SG: 8 });
      const other = (S ?? 8) * 2;
      expect(run(`${other}x4/${other}x1/sg${other}`)).toThrow(S ? `sg${other} does not match the device's subgroup size ${S}` : 'needs the subgroups feature');
      if (S) {
        expect(run(`${S}x4/${S}x2/sg${S}`)).toThrow(`sg${S} needs WGY = 1 and WGX and TM multiples of ${S}`);
        expect(run(`${S + 4}x4/${S}x1/sg${S}`)).toThrow(`sg${S} needs WGY = 1 and WGX and TM multiples of ${S}`);
        expect(run(`${S}x4/${S / 2}x1/sg${S}`)).toThrow(`sg${S} needs WGY = 1 and WGX and TM multiples of ${S}`);
        expect(run(`4x${S}/2x${S}/sgb${S}`)).toThrow(`sgb${S} needs WGX = 1, WGY a multiple of ${S} and TN a multiple of ${S}`);
        expect(run(`4x4/1x${S}/sgb${S}`)).toThrow(`sgb${S} needs WGX = 1, WGY a multiple of ${S} and TN a multiple of ${S}`);
        // The pin's grammar cannot say both; a hand-edited cache file could.
        expect(tilesProblem({ TM: S, TN: 4, WGX: S, WGY: 1, BK: 16, SG: S }, 'matmul')).toBe('subgroup tiles (sg, sgb) and workgroup-memory tiles (BK) do not combine');
      }
    } finally {
      a.dispose();
    }
  });
});

describe('autotune', () => {
  withTuningCache();

  it('times each candidate of a seen shape class, keeps the fastest, caches it per adapter, and uses it', async () => {
    const a = nn.tensor(new Float32Array(40 * 24).fill(1), [40, 24]), b = nn.tensor(new Float32Array(24 * 16).fill(1), [24, 16]);
    matmul(a, b).dispose();
    const key = shapeClass({ site: 'matmul', M: 40, N: 16, K: 24, flags: '00111' });
    expect(untunedClasses()).toEqual([key]);
    // A fake clock: the 3rd candidate is fastest. Calls are warm-ups (one per candidate), then rounds of them all.
    const cands = candidates(true, { site: 'matmul', M: 40, N: 16, K: 24 });
    let calls = 0;
    const results = await autotune({ time: async (run) => { run(); const i = calls++ % cands.length; return i === 2 ? 1 : 10 + i; } });
    expect(calls).toBe(4 * cands.length);
    expect(results).toHaveLength(1);
    expect(results[0]!.timings).toHaveLength(cands.length);
    expect(results[0]!.best).toEqual(cands[2]);
    expect(results[0]!.fallback).toEqual(softwareTiles(40, 16, false, 24));
    expect(untunedClasses()).toEqual([]);
    const file = JSON.parse(readFileSync(tuningFile(), 'utf8'));
    expect(file.adapter).toBe((await nn.init()).info.description);
    expect(file.choices[key]).toEqual(cands[2]);
    // A new process (simulated by dropping the memory cache) reads the choice back.
    resetTuning();
    expect(chooseTiles({ site: 'matmul', M: 40, N: 16, K: 24, flags: '00111', replay: () => { throw new Error('not replayed'); } })).toEqual(cands[2]);
    const c = matmul(a, b);
    expect(Array.from(await c.data())).toEqual(new Array(40 * 16).fill(24));
    for (const t of [a, b, c]) t.dispose();
  });

  it('repeats a short candidate within a sample and compares time per run', async () => {
    resetTuning();
    const a = nn.tensor(new Float32Array(300 * 50).fill(1), [300, 50]), b = nn.tensor(new Float32Array(50 * 40).fill(1), [50, 40]);
    matmul(a, b).dispose();
    const cands = candidates(true, { site: 'matmul', M: 300, N: 40, K: 50 });
    // Candidate 2 takes 0.5 ms alone in round 1 (so the next rounds repeat it 20 times: 20 ms a sample, 1 ms a run);
    // the others take 10 ms a sample at one run each. Per run, candidate 2 wins; per sample it would lose.
    let calls = 0;
    const results = await autotune({
      time: async (run) => {
        run();
        const call = calls++, round = Math.floor(call / cands.length) - 1, i = call % cands.length;
        return i !== 2 ? 10 : round <= 0 ? 0.5 : 20;
      },
    });
    expect(results).toHaveLength(1);
    expect(results[0]!.best).toEqual(cands[2]);
    expect(results[0]!.timings[2]!.ms).toBe(1);
    a.dispose();
    b.dispose();
  });

  it('real timings on a conv class pick one of the candidates and leak nothing', async () => {
    resetTuning();
    const before = nn.liveTensors();
    const x = nn.tensor(new Float32Array(2 * 6 * 6 * 4), [2, 6, 6, 4]), w = nn.tensor(new Float32Array(3 * 3 * 4 * 8), [3, 3, 4, 8]);
    conv2d(x, w, undefined, { padding: 'same' }).dispose();
    const results = await autotune({ reps: 1 });
    expect(results.map((r) => r.shapeClass.split('|')[0])).toEqual(['conv.forward']);
    expect(results[0]!.timings.every((t) => t.ms > 0)).toBe(true);
    x.dispose();
    w.dispose();
    expect(nn.liveTensors()).toBe(before);
  });

  it('a budget tunes the biggest classes first and leaves the rest for the next call', async () => {
    resetTuning();
    const shapes = [[8, 8, 8], [32, 32, 32], [16, 16, 16]] as const;
    const ts = shapes.map(([M, K]) => nn.tensor(new Float32Array(M * K), [M, K]));
    for (const t of ts) matmul(t, t).dispose();
    let clock = 0;
    const time = async (run: () => void): Promise<number> => { run(); clock += 1; return 1; };
    const first = await autotune({ time, reps: 1, budgetMs: 1, now: () => clock });
    expect(first.map((r) => r.shapeClass.split('|')[2])).toEqual(['M32']);
    expect(untunedClasses()).toHaveLength(2);
    const rest = await autotune({ time, reps: 1, now: () => clock });
    expect(rest.map((r) => r.shapeClass.split('|')[2])).toEqual(['M16', 'M8']);
    for (const t of ts) t.dispose();
  });

  it('candidates respect the site: transposed A gets only TM % 4 == 0; the hardware list leads with its default', () => {
    for (const t of candidates(true, { site: 'conv.gradFilter', M: 3, N: 8, K: 100 })) expect(t.TM % 4).toBe(0);
    expect(candidates(false, { site: 'matmul', M: 256, N: 256, K: 256 })[0]).toEqual(hardwareTiles(256));
    expect(parseTiles('4x4/16x16/16')).toEqual({ TM: 4, TN: 4, WGX: 16, WGY: 16, BK: 16 });
  });

  it('the software default broadcasts A (wide outputs) or B (narrow ones) over a subgroup, never where lanes would idle or K is short', () => {
    expect(softwareTiles(1024, 1024, false, 1024, 8)).toEqual({ TM: 8, TN: 8, WGX: 8, WGY: 1, SG: 8 });
    expect(softwareTiles(64, 32, true, 4096, 8)).toEqual({ TM: 8, TN: 4, WGX: 8, WGY: 1, SG: 8 });
    // A C = 1 conv's gradInput (one output column), a 3x3 conv over one channel (K = 9), no subgroups: register tiles.
    // Narrow outputs (8-31 columns, ResNet18's 16-filter convs) broadcast B instead, the lanes stacked along rows.
    expect(softwareTiles(65536, 16, false, 144, 8)).toEqual({ TM: 4, TN: 16, WGX: 1, WGY: 8, SGB: 8 });
    expect(softwareTiles(144, 10, true, 65536, 8)).toEqual({ TM: 4, TN: 8, WGX: 1, WGY: 8, SGB: 8 });
    // A C = 1 conv's gradInput (one output column), a 3x3 conv over one channel (K = 9), a batch-1 Dense (8 rows
    // computed for 1), no subgroups: register tiles.
    for (const t of [softwareTiles(50176, 1, false, 288, 8), softwareTiles(50176, 32, false, 9, 8), softwareTiles(1, 512, false, 1024, 8)]) {
      expect(t.SG ?? t.SGB).toBeUndefined();
    }
    expect(softwareTiles(1024, 1024, false, 1024, null)).toEqual(softwareTiles(1024, 1024, false, 1024));
    expect(softwareTiles(1024, 1024, false, 1024).SG).toBeUndefined();
  });
});
