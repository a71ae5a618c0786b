// A lost device (driver reset, destroy) turns every later op into one clear error; init() then opens a new device
// and work resumes. The caches tied to the old device (pipelines, pooled buffers, uniforms) are dropped with it.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';

describe('device loss', () => {
  it('ops after a loss throw a clear error; init() recovers', async () => {
    const before = nn.tensor([1, 2, 3]);
    expect(await nn.add(before, 1).toArray()).toEqual([2, 3, 4]);
    nn.gpu().device.destroy();
    for (let i = 0; i < 100 && nn.isOpen(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(nn.isOpen()).toBe(false);
    expect(() => nn.add(before, 1)).toThrow(/the WebGPU device was lost \(destroyed.*await init\(\) to open a new device/);
    expect(() => nn.zeros([2])).toThrow(/device was lost/);
    before.dispose(); // releasing a tensor of the lost device is harmless
    await nn.init();
    const after = nn.add(nn.tensor([1, 2]), 1);
    expect(await after.toArray()).toEqual([2, 3]);
    expect(nn.poolStats().liveBuffers).toBeGreaterThan(0);
  });
});
