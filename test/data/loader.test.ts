// The batch loader on a small synthetic set: every sample once per epoch in shuffled order, exact normalised values,
// partial batches both ways, one upload per batch made while the consumer awaits, the three modes, and no leaks.
import { describe, expect, it } from 'vitest';
import {
  classCounts, DataLoader, describeEpoch, gpu, liveTensors, loadMnist, mul, poolStats, sum, tensor, trainValSplit, unpackBatch, packedBytes,
  type Batch, type ImageSet, type Tensor,
} from '../../src/index.js';
import { expectClose } from '../helpers.js';
import { imagesData } from './fixtures.js';

const N = 103, H = 5, W = 6, S = H * W; // S = 30: pixels do not fill whole words, so the label offset needs padding
const set: ImageSet = {
  name: 'synthetic', images: imagesData(N, S), shape: [N, H, W], labels: Uint8Array.from({ length: N }, (_, i) => (i * 7) % 10),
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

interface Seen { indices: number[]; labels: number[]; sizes: number[]; shapes: number[][]; xs: Float32Array[] }

/** Runs one epoch, reading every batch back (the await lets the loader prefetch). */
async function drain(it: AsyncIterable<Batch>, onBatch?: (b: Batch) => void): Promise<Seen> {
  const seen: Seen = { indices: [], labels: [], sizes: [], shapes: [], xs: [] };
  for await (const b of it) {
    onBatch?.(b);
    expect(b.x.dtype).toBe('f32');
    expect(b.y.dtype).toBe('i32');
    seen.indices.push(...b.indices);
    seen.labels.push(...(await b.y.data()));
    seen.xs.push((await b.x.data()) as Float32Array);
    seen.sizes.push(b.size);
    seen.shapes.push([...b.x.shape]);
  }
  return seen;
}

const expectedX = (indices: ArrayLike<number>, scale = 1 / 255, offset = 0): Float32Array =>
  Float32Array.from({ length: indices.length * S }, (_, k) => set.images[indices[Math.floor(k / S)]! * S + (k % S)]! * scale + offset);

describe('unpack kernel', () => {
  it('matches its CPU twin for sizes that do and do not fill words, and bitcasts int32 labels', async () => {
    for (const [n, s] of [[1, 1], [7, 30], [64, 784], [5, 3 * 32 * 32]] as const) {
      const packed = new Uint8Array(packedBytes(n, s));
      packed.set(Uint8Array.from({ length: n * s }, (_, k) => (k * 37 + n) % 256));
      const labels = new Int32Array(packed.buffer, Math.ceil((n * s) / 4) * 4, n);
      labels.forEach((_, i) => (labels[i] = i % 3 === 0 ? -i - 1 : 1000 * i));
      const out: Record<string, { x: Tensor; y: Tensor }> = {};
      for (const device of ['webgpu', 'cpu'] as const) out[device] = unpackBatch(tensor(packed, [packed.length], { dtype: 'u8', device }), [n, s], 0.5, -3);
      const gx = await out.webgpu!.x.data(), cx = await out.cpu!.x.data();
      expectClose(gx, cx, 0, 1e-7, `x n=${n} s=${s}`);
      expect(gx[n * s - 1]).toBe(packed[n * s - 1]! * 0.5 - 3);
      expect(Array.from(await out.webgpu!.y.data())).toEqual(Array.from(labels));
      expect(Array.from(await out.cpu!.y.data())).toEqual(Array.from(labels));
      for (const o of Object.values(out)) { o.x.dispose(); o.y.dispose(); }
    }
  });
});

describe('DataLoader', () => {
  it('returns every sample exactly once per epoch, shuffled, with the right shapes, labels and values', async () => {
    const loader = new DataLoader(set, { batchSize: 16 });
    const seen = await drain(loader);
    expect([...seen.indices].sort((a, b) => a - b)).toEqual([...Array(N).keys()]);
    expect(seen.indices).not.toEqual([...Array(N).keys()]);
    expect(seen.labels).toEqual(seen.indices.map((i) => set.labels[i]!));
    expect(seen.sizes).toEqual([16, 16, 16, 16, 16, 16, 7]); // the last partial batch is kept, as Keras does
    expect(seen.shapes[0]).toEqual([16, H, W, 1]);
    expect(seen.shapes[6]).toEqual([7, H, W, 1]);
    expectClose(Float32Array.from(seen.xs.flatMap((x) => Array.from(x))), expectedX(seen.indices), 0, 1e-7, 'x');
    expect(loader.stepsPerEpoch).toBe(7);
  });

  it('drops the last partial batch when asked, and flattens for the MLP', async () => {
    const seen = await drain(new DataLoader(set, { batchSize: 16, dropRemainder: true, sampleShape: 'flat', scale: 2, offset: -1 }));
    expect(seen.sizes).toEqual([16, 16, 16, 16, 16, 16]);
    expect(new Set(seen.indices).size).toBe(96);
    expect(seen.shapes[0]).toEqual([16, S]);
    expectClose(Float32Array.from(seen.xs.flatMap((x) => Array.from(x))), expectedX(seen.indices, 2, -1), 0, 1e-7, 'x');
  });

  it('shuffles differently each epoch, in the same sequence for the same seed; unshuffled keeps order', async () => {
    const orders = async (seed: number): Promise<string[]> => {
      const loader = new DataLoader(set, { batchSize: 50, seed });
      const out: string[] = [];
      for (let e = 0; e < 3; e++) out.push((await drain(loader)).indices.join(','));
      return out;
    };
    const a = await orders(5);
    expect(new Set(a).size).toBe(3);
    expect(await orders(5)).toEqual(a);
    expect((await orders(6))[0]).not.toBe(a[0]);
    expect((await drain(new DataLoader(set, { batchSize: 50, shuffle: false }))).indices).toEqual([...Array(N).keys()]);
  });

  it('iterates only the given indices (a split)', async () => {
    const { train, val } = trainValSplit(set.labels, { seed: 1 });
    const seen = await drain(new DataLoader(set, { batchSize: 32, indices: val }));
    expect([...seen.indices].sort((a, b) => a - b)).toEqual(Array.from(val));
    expect(seen.indices.some((i) => train.includes(i))).toBe(false);
  });

  it('uploads batch N+1 with one writeBuffer while the consumer awaits step N', async () => {
    const queue = gpu().device.queue;
    const original = queue.writeBuffer;
    const uploads: number[] = [];
    queue.writeBuffer = function (this: GPUQueue, buffer: GPUBuffer, ...rest: unknown[]) {
      if (buffer.label !== 'uniforms') uploads.push(buffer.size);
      return (original as (...a: unknown[]) => void).call(this, buffer, ...rest);
    } as GPUQueue['writeBuffer'];
    try {
      const loader = new DataLoader(set, { batchSize: 16 });
      const it = loader.epoch();
      let r = await it.next();
      expect(it.ahead).toBe(0);
      expect(uploads).toHaveLength(1);
      while (!r.done) {
        const work = sum(mul(r.value.x, r.value.x)); // the "step": GPU work on batch N, then await its result
        await work.item();
        work.dispose();
        expect(it.ahead).toBe(r.value.index + 1 < loader.stepsPerEpoch ? 1 : 0); // N+1 was uploaded during the await
        r = await it.next();
      }
      expect(uploads).toHaveLength(loader.stepsPerEpoch); // exactly one upload per batch, none for y
      expect(loader.lastEpoch!.ready).toBe(loader.stepsPerEpoch - 1); // all but the first were ready when asked
    } finally {
      queue.writeBuffer = original;
    }
  });

  it('still works (on demand) for a consumer that never yields to the event loop', async () => {
    const loader = new DataLoader(set, { batchSize: 10 });
    let n = 0;
    for await (const b of loader) n += b.size;
    expect(n).toBe(N);
    expect(loader.lastEpoch!.ready).toBe(0);
  });

  it('applies the GPU transform after normalisation with the global batch index, and frees its intermediates', async () => {
    const steps: number[] = [];
    const loader = new DataLoader(set, {
      batchSize: 40, transform: (x, step) => { steps.push(step); return mul(mul(x, 3), 1 / 3 * 2); },
    });
    const before = liveTensors();
    const e0 = await drain(loader);
    await drain(loader);
    expect(steps).toEqual([0, 1, 2, 3, 4, 5]);
    expectClose(Float32Array.from(e0.xs.flatMap((x) => Array.from(x))), expectedX(e0.indices, 2 / 255), 1e-7, 1e-6, 'x');
    expect(liveTensors()).toBe(before);
    const same = new DataLoader(set, { batchSize: 40, transform: (x) => x });
    expect((await drain(same)).indices).toHaveLength(N);
  });

  it('leaks nothing over several epochs in every mode, also when a loop breaks early', async () => {
    for (const mode of ['double-buffered', 'sync', 'resident'] as const) {
      const tensors = liveTensors(), buffers = poolStats().liveBuffers;
      const loader = new DataLoader(set, { batchSize: 16, mode, transform: (x) => mul(x, 2) });
      for (let e = 0; e < 3; e++) await drain(loader);
      for await (const b of loader) if (b.index === 2) break;
      expect(liveTensors(), mode).toBe(tensors);
      expect(poolStats().liveBuffers, mode).toBe(buffers);
      expect(loader.history.map((h) => h.batches)).toEqual([7, 7, 7, 3]);
    }
  });

  it('surfaces a transform error from a prefetch at the next request, leaking nothing', async () => {
    const before = liveTensors();
    const loader = new DataLoader(set, {
      batchSize: 16, transform: (x, step) => { if (step === 1) throw new Error('augment failed'); return mul(x, 1); },
    });
    const it = loader.epoch();
    const first = await it.next();
    await (first.value as Batch).y.data(); // yields: the prefetch of batch 1 runs and fails
    await expect(it.next()).rejects.toThrow('augment failed');
    expect(liveTensors()).toBe(before);
  });

  it("sync mode gives the same batches as double-buffered, prepared on the CPU when asked", async () => {
    const a = await drain(new DataLoader(set, { batchSize: 16, seed: 3 }));
    const loader = new DataLoader(set, { batchSize: 16, seed: 3, mode: 'sync' });
    const b = await drain(loader);
    expect(b.indices).toEqual(a.indices);
    expect(b.labels).toEqual(a.labels);
    expectClose(Float32Array.from(b.xs.flatMap((x) => Array.from(x))), Float32Array.from(a.xs.flatMap((x) => Array.from(x))), 0, 1e-7, 'x');
    expect(loader.lastEpoch!.ready).toBe(0);
  });

  it('resident mode hands out one uploaded batch every step', async () => {
    const loader = new DataLoader(set, { batchSize: 16, mode: 'resident' });
    const seen = await drain(loader);
    expect(seen.sizes).toHaveLength(7);
    expect(new Set(seen.xs.map((x) => x.join(','))).size).toBe(1);
    expect(seen.indices.slice(0, 16)).toEqual(seen.indices.slice(16, 32));
    expect(loader.lastEpoch!.ready).toBe(6);
  });

  it('reports per-epoch input wait and step time', async () => {
    const loader = new DataLoader(set, { batchSize: 16 });
    await drain(loader);
    const s = loader.lastEpoch!;
    expect(s).toMatchObject({ epoch: 0, mode: 'double-buffered', batches: 7, samples: N });
    expect(s.waitMs).toBeGreaterThan(0);
    expect(s.waitMs).toBeLessThan(s.totalMs);
    expect(s.inputWaitShare).toBeCloseTo(s.waitMs / s.totalMs, 10);
    expect(s.msPerStep).toBeCloseTo(s.totalMs / 7, 10);
    expect(describeEpoch(s)).toMatch(/^double-buffered: 7 steps, [\d.]+ ms\/step, input wait [\d.]+ ms\/step \([\d.]+%\)$/);
  });

  it("feeds real MNIST in the CNN's shape: every test label once, pixels as the host has them", async () => {
    const { test } = await loadMnist();
    const loader = new DataLoader(test, { batchSize: 64 });
    const counts = new Array<number>(10).fill(0);
    for await (const b of loader) {
      expect(b.x.shape).toEqual([b.size, 28, 28, 1]);
      for (const l of await b.y.data()) counts[l]!++;
      if (b.index === 0) {
        const x = await b.x.data(), j = b.indices[5]!;
        expectClose(x.subarray(5 * 784, 6 * 784), Array.from(test.images.subarray(j * 784, (j + 1) * 784), (v) => v / 255), 0, 1e-6, 'x');
      }
    }
    expect(counts).toEqual(classCounts(test));
    expect(loader.lastEpoch!.batches).toBe(157);
  });

  it('rejects bad options with clear errors', () => {
    expect(() => new DataLoader(set, { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => new DataLoader(set, { batchSize: 4, sampleShape: [28, 28, 1] })).toThrow(/sampleShape \[28, 28, 1\] holds 784 values but synthetic's samples have 30/);
    expect(() => new DataLoader(set, { batchSize: 4, indices: [0, 103] })).toThrow(/index 103 is out of range for synthetic \(103 samples\)/);
    expect(() => new DataLoader(set, { batchSize: 4, cpuTransform: (x) => x })).toThrow(/cpuTransform runs only in 'sync' mode/);
  });
});
