// Memory faults leave nothing behind: an op refused by the binding-size check (a tensor over the device's
// maxStorageBufferBindingSize) frees the output it had allocated (before: 192 MB leaked per failed call), and
// in-memory data over that limit is batched by row copies (before: every batch failed the binding check); a tensor
// of a closed device and a buffer over maxBufferSize are refused by name and size.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { gpu } from '../../src/tensor/device.js';
import { TensorBatches } from '../../src/nn/training.js';

describe('failed ops leak nothing', () => {
  it('an op over the binding-size limit throws by name and leaves live bytes unchanged', () => {
    const limit = gpu().limits.maxStorageBufferBindingSize;
    const x = nn.Tensor.empty([Math.ceil(limit / 4) + 1024], 'f32');
    const before = nn.poolStats().liveBytes;
    for (let i = 0; i < 3; i++) expect(() => nn.relu(x)).toThrow(/over the device's maxStorageBufferBindingSize/);
    expect(nn.poolStats().liveBytes).toBe(before);
    x.dispose();
  });
});

describe('in-memory data over the binding limit', () => {
  it('is batched by copying rows (shuffled or not), with the same rows a bindable copy gives', async () => {
    const limit = gpu().limits.maxStorageBufferBindingSize;
    const cols = 256, n = Math.ceil(limit / 4 / cols) + 100;
    const host = new Float32Array(n * cols);
    for (let i = 0; i < n; i++) host[i * cols] = i, host[i * cols + cols - 1] = -i;
    const x = nn.tensor(host, [n, cols]), y = nn.tensor(Int32Array.from({ length: n }, (_, i) => i % 7), [n], { dtype: 'i32' });
    const before = nn.poolStats().liveBytes;
    for (const shuffle of [false, true]) {
      const src = new TensorBatches(x, y, 32, shuffle, 3);
      const seen: number[] = [];
      let k = 0;
      for await (const b of src.epoch(0, src.stepsPerEpoch - 2)) {
        const xs = await b.x.data(), ys = await b.y.data();
        for (let r = 0; r < b.x.shape[0]!; r++) {
          const i = xs[r * cols]!;
          expect([xs[r * cols + cols - 1], ys[r]]).toEqual([-i, i % 7]);
          seen.push(i);
        }
        k++;
      }
      expect(k).toBe(2);
      expect(seen.length).toBe(n - (src.stepsPerEpoch - 2) * 32);
      if (!shuffle) expect(seen[0]).toBe((src.stepsPerEpoch - 2) * 32);
    }
    expect(nn.poolStats().liveBytes).toBe(before);
    x.dispose();
    y.dispose();
  });
});

describe('a tensor of a closed device', () => {
  it('is refused by name in an op and a readback (before: a native validation dump)', async () => {
    const old = nn.tensor([1, 2, 3]);
    nn.close();
    await nn.init();
    expect(() => nn.add(old, 1)).toThrow("kernel binaryScalar_add: tensor 'x' [3]: it belongs to a WebGPU device that was closed or lost; tensors do not survive close()");
    await expect(old.data()).rejects.toThrow('a tensor was used but it belongs to a WebGPU device that was closed or lost');
    old.dispose();
    expect(await nn.add(nn.tensor([1, 2]), 1).toArray()).toEqual([2, 3]);
  });
});

describe('allocations that cannot fit', () => {
  it('are refused before they are attempted, naming both sizes (and the layer whose weights they are)', async () => {
    const { Dense } = await import('../../src/nn/layers/core.js');
    const { Input, Sequential } = await import('../../src/nn/model.js');
    const max = gpu().limits.maxBufferSize;
    const before = nn.poolStats();
    expect(() => nn.Tensor.empty([2 ** 31], 'f32')).toThrow(
      `buffer pool: 8589934592 bytes (8.00 GiB) exceed the device's maxBufferSize of ${max} (${(max / 2 ** 30).toFixed(2)} GiB); nothing was allocated`);
    expect(() => new Sequential([Input([4096]), new Dense(2 ** 19, { name: 'huge' })])).toThrow(/^huge: building its weights: buffer pool: 8589934592 bytes/);
    expect(nn.poolStats().liveBytes).toBe(before.liveBytes);
  });
});
