// Seeded index permutations: a train/validation split (optionally stratified) and one shuffle per epoch. All draws
// come from the counter-based RNG (src/kernels/random.ts), so the same seed gives the same indices everywhere.
// We cannot reproduce sklearn's permutation for random_state=42; the sizes follow train_test_split's rounding.

import { rand01, rngKey } from '../kernels/random.js';

/** An unbiased-enough integer in [0, n): 48 random bits from two 24-bit draws (bias < n / 2^48). */
function randBelow(key: number, counter: number, n: number): number {
  const hi = rand01(key, 2 * counter), lo = rand01(key, 2 * counter + 1);
  return Math.floor((hi + lo / 16777216) * n);
}

/** Fisher-Yates over `items` in place, drawing from `key`. */
function shuffleInPlace(items: Int32Array, key: number): Int32Array {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randBelow(key, i, i + 1);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

const range = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** A seeded permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  return shuffleInPlace(range(n), rngKey(seed));
}

/**
 * The shuffle for one epoch: a different permutation of 0..n-1 each epoch, the same sequence for the same seed.
 * Equivalent to tf.data's shuffle(reshuffle_each_iteration=True) over the whole set.
 */
export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epochPermutation: epoch must be a non-negative integer, got ${epoch}`);
  return shuffleInPlace(range(n), rngKey((Math.trunc(seed) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0));
}

export interface SplitOptions {
  /** Fraction held out for validation (sklearn's test_size); its count is rounded up, as sklearn does. Default 0.2. */
  valFraction?: number;
  /** Default 42, the notebook's random_state. */
  seed?: number;
  /** Keep each class's share the same in both parts (largest-remainder allocation of the validation count). */
  stratify?: boolean;
}

/** Indices of the two parts, each sorted ascending. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
}

/** How many of each class go to validation: proportional, summing to `total`, ties to the larger remainder, then lower class. */
function allocate(counts: number[], total: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (c * total) / n);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = counts.map((_, c) => c).sort((a, b) => exact[b]! - out[b]! - (exact[a]! - out[a]!) || a - b);
  for (const c of order) {
    if (left === 0) break;
    if (out[c]! < counts[c]!) { out[c]!++; left--; }
  }
  return out;
}

/**
 * A seeded, deterministic train/validation split of `labels.length` samples (the notebook's
 * train_test_split(test_size=0.2, random_state=42), but not sklearn's permutation). The parts are disjoint and
 * together hold every index once; the validation part has ceil(valFraction * n) samples.
 */
export function trainValSplit(labels: ArrayLike<number>, o: SplitOptions = {}): Split {
  const frac = o.valFraction ?? 0.2, seed = o.seed ?? 42, n = labels.length;
  if (!(frac > 0 && frac < 1)) throw new Error(`trainValSplit: valFraction must be in (0, 1), got ${frac}`);
  const nVal = Math.ceil(frac * n);
  if (nVal >= n) throw new Error(`trainValSplit: valFraction ${frac} of ${n} samples leaves no training samples`);
  const isVal = new Uint8Array(n);
  if (o.stratify) {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const l = labels[i]!;
      let list = byClass.get(l);
      if (!list) byClass.set(l, (list = []));
      list.push(i);
    }
    const classes = [...byClass.keys()].sort((a, b) => a - b);
    const take = allocate(classes.map((c) => byClass.get(c)!.length), nVal);
    classes.forEach((c, k) => {
      const members = Int32Array.from(byClass.get(c)!);
      shuffleInPlace(members, rngKey((seed ^ Math.imul(c + 1, 0x27d4eb2f)) >>> 0));
      for (let i = 0; i < take[k]!; i++) isVal[members[i]!] = 1;
    });
  } else {
    const perm = permutation(n, seed);
    for (let i = 0; i < nVal; i++) isVal[perm[i]!] = 1;
  }
  const train = new Int32Array(n - nVal), val = new Int32Array(nVal);
  for (let i = 0, t = 0, v = 0; i < n; i++) {
    if (isVal[i]) val[v++] = i;
    else train[t++] = i;
  }
  return { train, val };
}
