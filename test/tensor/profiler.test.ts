// The step profiler: per-kernel dispatch counts and bound bytes match what was recorded, GPU time comes from
// timestamp queries on adapters that offer them, fit({ profile }) profiles one step, and `webgpu-nn profile` prints
// the table. The queue's pass batching is restored afterwards (no hook left installed).
import { describe, expect, it, vi } from 'vitest';
import * as nn from '../../src/index.js';
import { main } from '../../src/cli/index.js';

describe('step profiler', () => {
  it('counts dispatches and bytes per kernel and times them on the GPU', async () => {
    const { features } = await nn.init();
    const a = nn.tensor(Float32Array.from({ length: 4096 }, (_, i) => i), [4096]);
    const before = nn.recorderStats().dispatches;
    const p = await nn.profile(() => {
      for (let i = 0; i < 3; i++) nn.add(a, a).dispose();
    });
    expect(p.dispatches).toBe(nn.recorderStats().dispatches - before);
    expect(p.dispatches).toBe(3);
    const k = p.kernels[0]!;
    expect(k.dispatches).toBe(3);
    expect(k.bytes).toBe(3 * 3 * 4096 * 4); // two inputs and one output of 16 KiB each, three times
    if (features.has('timestamp-query')) {
      expect(k.gpuMs).toBeGreaterThan(0);
      expect(p.gpuMs).toBeCloseTo(k.gpuMs!, 6);
    } else expect(k.gpuMs).toBeNull();
    expect(nn.formatProfile(p)).toContain(`| ${k.kernel} | 100.0% |`);
    // Without the hook the next dispatch is unprofiled and still correct.
    const b = nn.add(a, a);
    expect((await b.data())[5]).toBe(10);
    for (const t of [a, b]) t.dispose();
  });

  it('fit({ profile: 1 }) profiles the second step only', async () => {
    const m = new nn.Sequential([nn.Input([8]), new nn.layers.Dense(4, { activation: 'relu' }), new nn.layers.Dense(2)]);
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const x = nn.tensor(Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)), [8, 8]);
    const y = nn.tensor(Int32Array.from({ length: 8 }, (_, i) => i % 2), [8], { dtype: 'i32' });
    const profiles: nn.StepProfile[] = [];
    await m.fit({ x, y }, { epochs: 2, batchSize: 4, verbose: 0, profile: 1, onProfile: (p) => profiles.push(p) });
    expect(profiles).toHaveLength(1);
    expect(profiles[0]!.kernels.some((k) => k.kernel.startsWith('matmul'))).toBe(true);
    expect(profiles[0]!.kernels.some((k) => k.kernel.startsWith('adam'))).toBe(true);
    for (const t of [m, x, y]) t.dispose();
  });

  it('`webgpu-nn profile mlp` prints a table sorted by share', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    try {
      expect(await main(['profile', 'mlp', '--batch-size', '16'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const text = out.join('\n');
    expect(text).toMatch(/mlp, batch 16/);
    const shares = [...text.matchAll(/^\| \S+ \| ([\d.]+)% \|/gm)].map((r) => Number(r[1]));
    expect(shares.length).toBeGreaterThan(5);
    expect([...shares].sort((p, q) => q - p)).toEqual(shares);
    // Each share is printed to 0.1%, so their sum may miss 100 by up to 0.05 per row.
    expect(Math.abs(shares.reduce((s, v) => s + v, 0) - 100)).toBeLessThanOrEqual(0.05 * shares.length + 1e-9);
  });
});
