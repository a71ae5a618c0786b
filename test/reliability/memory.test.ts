// Memory faults leave nothing behind: an op refused by the binding-size check (a tensor over the device's
// maxStorageBufferBindingSize) frees the output it had allocated (before: 192 MB leaked per failed call).
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { gpu } from '../../src/tensor/device.js';

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
