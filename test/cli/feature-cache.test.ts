// The frozen-base feature cache of mnist-transfer: filled incrementally (only missing rows are computed), read back
// in any order, keyed by what the features depend on; and HostBatches serving its rows as shuffled batches.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeatureCache } from '../../src/cli/experiments/feature_cache.js';
import { HostBatches } from '../../src/cli/experiments/host_batches.js';
import type { ImageSet } from '../../src/data/dataset.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const set: ImageSet = {
  name: 'tiny/train', images: Uint8Array.from({ length: 10 * 4 }, (_, i) => (i * 29) % 256), shape: [10, 2, 2], labels: Uint8Array.from({ length: 10 }, (_, i) => i % 3),
  classNames: ['a', 'b', 'c'],
};
/** A stand-in for a base: the normalised pixels are the features (dim 4), and every call is counted. */
function identityBase(): { calls: number[]; features: (x: Tensor) => Promise<Float32Array> } {
  const calls: number[] = [];
  return { calls, features: async (x) => (calls.push(x.shape[0]!), await x.data() as Float32Array) };
}
const row = (i: number): number[] => Array.from(set.images.subarray(i * 4, i * 4 + 4), (p) => p / 255);
const key = { base: 'identity', weightsHash: 'w1', inputSize: [2, 2] as const, preprocessing: '/255' };

describe('feature cache', () => {
  it('computes only the missing rows, keeps them across instances, and reads them in any order', async () => {
    const root = mkdtempSync(join(tmpdir(), 'features-'));
    const base = identityBase();
    const cache = new FeatureCache(root, key, 4);
    expect(await cache.fill('train', set, Int32Array.of(1, 3, 5), base.features, 2)).toMatchObject({ computed: 3 });
    expect(base.calls).toEqual([2, 1]);
    const again = new FeatureCache(root, key, 4);
    expect(again.dir).toBe(cache.dir);
    expect(await again.fill('train', set, Int32Array.of(1, 2, 3), base.features, 2)).toMatchObject({ computed: 1 });
    expect(base.calls).toEqual([2, 1, 1]);
    expect(await again.fill('train', set, Int32Array.of(5, 2), base.features)).toEqual({ computed: 0, forwardMs: 0 });
    const rows = await again.read('train', 10, Int32Array.of(3, 1, 2));
    [3, 1, 2].forEach((j, i) => Array.from(rows.subarray(i * 4, i * 4 + 4)).forEach((v, k) => expect(v).toBeCloseTo(row(j)[k]!, 6)));
    await expect(again.read('train', 10, Int32Array.of(0))).rejects.toThrow(/feature cache: train row 0 is not filled in /);
  });

  it('another input size, weights or preprocessing is another folder; a mask of the wrong size is refused', async () => {
    const root = mkdtempSync(join(tmpdir(), 'features-'));
    const dirs = [key, { ...key, inputSize: [3, 3] as const }, { ...key, weightsHash: 'w2' }, { ...key, preprocessing: 'caffe' }].map((k) => new FeatureCache(root, k, 4).dir);
    expect(new Set(dirs).size).toBe(4);
    const cache = new FeatureCache(root, key, 4);
    await cache.fill('train', set, Int32Array.of(0), identityBase().features);
    writeFileSync(join(cache.dir, 'train.mask'), new Uint8Array(3));
    await expect(cache.fill('train', set, Int32Array.of(0), identityBase().features)).rejects.toThrow(/train\.mask covers 3 images but train has 10; delete .* to rebuild it/);
  });

  it('HostBatches: each shuffled epoch serves every row once with its label, and records its timing', async () => {
    const rows = Float32Array.from({ length: 7 * 2 }, (_, i) => Math.floor(i / 2));
    const labels = Int32Array.from({ length: 7 }, (_, i) => i);
    const src = new HostBatches(rows, labels, 2, 3, { shuffle: true, seed: 1 });
    expect(src.stepsPerEpoch).toBe(3);
    const orders: number[][] = [];
    for (let e = 0; e < 2; e++) {
      const seen: number[] = [];
      for await (const { x, y } of src.epoch()) {
        const xs = await x.data() as Float32Array, ys = await y.data() as Int32Array;
        ys.forEach((l, i) => expect([xs[2 * i], xs[2 * i + 1]]).toEqual([l, l]));
        seen.push(...ys);
      }
      expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
      orders.push(seen);
    }
    expect(orders[0]).not.toEqual(orders[1]);
    expect(src.lastEpoch).toMatchObject({ epoch: 1, batches: 3, samples: 7 });
    expect(() => new HostBatches(rows, labels, 3, 2)).toThrow(/HostBatches: 14 values are not 7 rows of 3/);
  });
});
