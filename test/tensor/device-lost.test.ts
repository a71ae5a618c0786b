// A lost device (driver reset, destroy) turns every later op into one clear error; init() then opens a new device
// and work resumes. The caches tied to the old device (pipelines, pooled buffers, uniforms) are dropped with it.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';

describe('device loss', () => {
  it('ops after a loss throw a clear error; init() recovers', async () => {
    const before = nn.tensor([1, 2, 3]);
    expect(await nn.add(before, 1).toArray()).toEqual([2, 3, 4]);
    const device = nn.gpu().device;
    device.destroy();
    // The engine's own handler was attached to `lost` first, so it has run once this await resumes (a fixed 1 s
    // of polling could run out on a loaded machine).
    await device.lost;
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
