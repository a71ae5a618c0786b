// Weight constraints against Keras's formulas (written here with plain index arithmetic), on GPU and CPU.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { getConstraint, maxNorm, minMaxNorm, nonNeg, unitNorm, type Constraint } from '../../src/nn/constraints.js';
import { expectClose, randomData } from '../helpers.js';

const EPS = 1e-7;

/** Keras: norms = sqrt(sum(w^2, axis, keepdims)); w * desired(norms) / (EPS + norms). */
function reference(w: Float32Array, shape: number[], axes: number[], desired: (n: number) => number): number[] {
  const rank = shape.length;
  const ax = axes.map((a) => (a < 0 ? a + rank : a));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const groupKey = (flat: number): string => shape.map((d, i) => (ax.includes(i) ? 0 : Math.floor(flat / strides[i]!) % d)).join(',');
  const sums = new Map<string, number>();
  w.forEach((v, i) => sums.set(groupKey(i), (sums.get(groupKey(i)) ?? 0) + v * v));
  return Array.from(w, (v, i) => {
    const norm = Math.sqrt(sums.get(groupKey(i))!);
    return v * (desired(norm) / (EPS + norm));
  });
}

const SHAPES: Array<[number[], number | number[]]> = [
  [[5], 0], [[17, 5], 0], [[10, 130], 0], [[10, 130], 1], [[3, 3, 4, 6], [0, 1, 2]], [[3, 3, 4, 6], -1], [[2, 3, 5], [0, 2]], [[64, 257], 0],
  // Long single axes: a Dense kernel's 784 inputs, and 100 rows over only 3 groups.
  [[784, 20], 0], [[100, 3], 0],
];

describe.each(['webgpu', 'cpu'] as const)('constraints on %s', (device) => {
  const check = async (make: (axis: number | number[]) => Constraint, desired: (n: number) => number, scale: number): Promise<void> => {
    for (const [shape, axis] of SHAPES) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = randomData(n, n + shape.length, scale);
      const w = nn.tensor(data, shape, { dtype: 'f32', device });
      make(axis).apply(w);
      expectClose(await w.data(), reference(data, shape, typeof axis === 'number' ? [axis] : axis, desired), 1e-6, 2e-5, `${shape} axis ${axis}`);
      w.dispose();
    }
  };

  it('Keras: max_norm(m, axis) = w * clip(norm, 0, m) / (1e-7 + norm)', async () => {
    // scale 0.5 puts the group norms on both sides of the limit 2 for these shapes.
    await check((axis) => maxNorm(2, axis), (n) => Math.min(n, 2), 0.5);
    await check((axis) => maxNorm(3, axis), (n) => Math.min(n, 3), 2);
  });

  it('Keras: unit_norm and min_max_norm', async () => {
    await check((axis) => unitNorm(axis), () => 1, 1);
    await check((axis) => minMaxNorm(0.5, 1.5, 0.7, axis), (n) => 0.7 * Math.min(Math.max(n, 0.5), 1.5) + 0.3 * n, 0.3);
  });

  it('Keras: non_neg clamps negatives to zero', async () => {
    const w = nn.tensor([-1, 0, 2, -0.5, 3, -7, 1], [7], { dtype: 'f32', device });
    nonNeg().apply(w);
    expect(Array.from(await w.data())).toEqual([0, 0, 2, 0, 3, 0, 1]);
    w.dispose();
  });
});

describe('constraint details', () => {
  it('Keras: defaults max_norm(2, axis=0), config and string names', () => {
    expect(maxNorm().getConfig()).toEqual({ max_value: 2, axis: 0 });
    expect(maxNorm(3).getConfig()).toEqual({ max_value: 3, axis: 0 });
    expect(getConstraint('non_neg')!.className).toBe('NonNeg');
    expect(getConstraint('MaxNorm')!.getConfig()).toEqual({ max_value: 2, axis: 0 });
    expect(getConstraint(null)).toBeNull();
    expect(() => getConstraint('radial')).toThrow(/unknown constraint 'radial'/);
  });

  it('a zero column stays zero (epsilon keeps the division finite)', async () => {
    const w = nn.tensor([0, 1, 0, 1], [2, 2]);
    maxNorm(0.5).apply(w);
    expectClose(await w.data(), [0, 0.5 / (Math.SQRT2 + EPS), 0, 0.5 / (Math.SQRT2 + EPS)], 1e-7, 1e-6);
    w.dispose();
  });

  it('rejects a bad axis, naming the constraint', () => {
    const w = nn.tensor([1, 2], [2]);
    expect(() => maxNorm(2, 3).apply(w)).toThrow(/maxNorm: axis 3 is out of range for rank 1/);
    w.dispose();
  });
});
