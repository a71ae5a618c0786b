// Seeded splits and per-epoch shuffles: determinism, disjointness, coverage, stratification, and rough uniformity.
import { describe, expect, it } from 'vitest';
import { epochPermutation, permutation, trainValSplit } from '../../src/data/index.js';

const isPermutation = (p: Int32Array, n: number): boolean => p.length === n && new Set(p).size === n && p.every((v) => v >= 0 && v < n);

describe('permutations', () => {
  it('are seeded permutations', () => {
    for (const n of [0, 1, 2, 7, 1000]) expect(isPermutation(permutation(n, 3), n)).toBe(true);
    expect(Array.from(permutation(50, 3))).toEqual(Array.from(permutation(50, 3)));
    expect(Array.from(permutation(50, 3))).not.toEqual(Array.from(permutation(50, 4)));
  });

  it('shuffle differently each epoch, in the same sequence for the same seed', () => {
    const epochs = [0, 1, 2, 3].map((e) => epochPermutation(1000, 42, e));
    for (const p of epochs) expect(isPermutation(p, 1000)).toBe(true);
    expect(new Set(epochs.map((p) => p.join(','))).size).toBe(4);
    expect(epochs.map((p) => p.join(','))).toEqual([0, 1, 2, 3].map((e) => epochPermutation(1000, 42, e).join(',')));
    expect(epochPermutation(1000, 43, 0).join(',')).not.toBe(epochs[0]!.join(','));
    expect(() => epochPermutation(10, 1, -1)).toThrow(/epoch must be a non-negative integer/);
  });

  it('put every item at every position about equally often', () => {
    const counts = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    for (let seed = 0; seed < 4000; seed++) permutation(4, seed).forEach((v, pos) => counts[pos]![v]!++);
    for (const row of counts) for (const c of row) expect(Math.abs(c - 1000)).toBeLessThan(120); // ~4 sigma
  });
});

describe('trainValSplit', () => {
  const labels = Uint8Array.from({ length: 1003 }, (_, i) => (i * 7) % 10 < 7 ? i % 3 : 3 + (i % 7));

  it('holds out ceil(20%) like train_test_split, disjoint and covering, sorted, deterministic', () => {
    const { train, val } = trainValSplit(labels);
    expect(val.length).toBe(Math.ceil(0.2 * 1003));
    expect(train.length + val.length).toBe(1003);
    expect(isPermutation(Int32Array.from([...train, ...val]), 1003)).toBe(true);
    expect(Array.from(train)).toEqual(Array.from(train).sort((a, b) => a - b));
    const again = trainValSplit(labels);
    expect(Array.from(again.val)).toEqual(Array.from(val));
    expect(Array.from(trainValSplit(labels, { seed: 7 }).val)).not.toEqual(Array.from(val));
    expect(trainValSplit(new Uint8Array(60000)).val.length).toBe(12000);
    expect(trainValSplit(new Uint8Array(7)).val.length).toBe(2);
  });

  it('stratified: each class keeps its share in both parts', () => {
    const { train, val } = trainValSplit(labels, { stratify: true, valFraction: 0.25, seed: 1 });
    expect(val.length).toBe(Math.ceil(0.25 * 1003));
    expect(isPermutation(Int32Array.from([...train, ...val]), 1003)).toBe(true);
    for (let c = 0; c < 10; c++) {
      const total = labels.filter((l) => l === c).length;
      const inVal = Array.from(val).filter((i) => labels[i] === c).length;
      expect(Math.abs(inVal - total * 0.25)).toBeLessThan(1);
    }
    expect(Array.from(trainValSplit(labels, { stratify: true, valFraction: 0.25, seed: 1 }).val)).toEqual(Array.from(val));
  });

  it('rejects fractions that leave a part empty', () => {
    expect(() => trainValSplit(labels, { valFraction: 0 })).toThrow(/valFraction must be in \(0, 1\), got 0/);
    expect(() => trainValSplit(new Uint8Array(2), { valFraction: 0.9 })).toThrow(/leaves no training samples/);
  });
});
