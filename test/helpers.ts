// Test helpers: seeded host data, GPU/CPU tensor pairs, and closeness checks with tolerances per op.
import { expect } from 'vitest';
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
