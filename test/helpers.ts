// Test helpers: seeded host data, GPU/CPU tensor pairs, and closeness checks with tolerances per op.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { resetTuning } from '../src/kernels/tuning.js';
import { rand01, randNormal, rngKey } from '../src/kernels/random.js';
import { isOpen, tensor, type Tensor } from '../src/index.js';

export const hasGpu = (): boolean => isOpen();

/** Seeded normal values. */
export function randomData(n: number, seed: number, scale = 1): Float32Array {
  const key = rngKey(seed);
  return Float32Array.from({ length: n }, (_, i) => randNormal(key, i) * scale);
}

/** Seeded uniform values in [lo, hi). */
export function uniformData(n: number, seed: number, lo: number, hi: number): Float32Array {
  const key = rngKey(seed);
  return Float32Array.from({ length: n }, (_, i) => lo + (hi - lo) * rand01(key, i));
}

/** The same values on both devices. */
export function pair(data: Float32Array, shape: readonly number[]): { gpu: Tensor; cpu: Tensor } {
  return { gpu: tensor(data, shape, { dtype: 'f32', device: 'webgpu' }), cpu: tensor(data, shape, { dtype: 'f32', device: 'cpu' }) };
}

/** Asserts |a - b| <= atol + rtol * |b| elementwise (NaN must match NaN). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  let worst = -1, worstErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) { worst = i; worstErr = Infinity; break; }
      continue;
    }
    if (a === e) continue;
    const err = Math.abs(a - e) / (atol + rtol * Math.abs(e));
    if (!(err <= worstErr)) { worstErr = err; worst = i; }
  }
  if (worstErr > 1) {
    throw new Error(`${what} mismatch at ${worst}: got ${actual[worst]} expected ${expected[worst]} (error ${worstErr.toFixed(2)}x tolerance)`);
  }
}

/**
 * Autotuning on for the enclosing describe, with a throwaway cache directory (and any extra environment), restored
 * and forgotten afterwards (test/setup.ts turns autotuning off for every other test).
 */
export function withTuningCache(env: Record<string, string> = {}): void {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wgnn-tune-'));
    Object.assign(process.env, { WEBGPU_NN_CACHE: dir, WEBGPU_NN_AUTOTUNE: 'on', ...env });
    resetTuning();
  });
  afterAll(() => {
    for (const k of ['WEBGPU_NN_CACHE', ...Object.keys(env)]) delete process.env[k];
    process.env.WEBGPU_NN_AUTOTUNE = 'off';
    resetTuning();
    rmSync(dir, { recursive: true, force: true });
  });
}
