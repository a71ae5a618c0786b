// Counter-based RNG: deterministic per seed, the same numbers on 'webgpu' and 'cpu', and the right distribution.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { expectClose } from '../helpers.js';

const N = 100_000;

async function draw(kind: 'rand' | 'randn', seed: number, device: nn.DeviceKind, n = N, a?: number, b?: number): Promise<number[]> {
  const t = kind === 'rand' ? nn.rand([n], { seed, device }, a, b) : nn.randn([n], { seed, device }, a, b);
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

function stats(v: number[]): { mean: number; variance: number; min: number; max: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
  return { mean, variance, min: Math.min(...v), max: Math.max(...v) };
}

describe('random', () => {
  it('is deterministic per seed and different seeds differ', async () => {
    for (const kind of ['rand', 'randn'] as const) {
      const a = await draw(kind, 7, 'webgpu', 1000), b = await draw(kind, 7, 'webgpu', 1000), c = await draw(kind, 8, 'webgpu', 1000);
      expect(a).toEqual(b);
      const same = a.filter((x, i) => x === c[i]).length;
      expect(same, `${kind}: seeds 7 and 8 share ${same} of 1000 values`).toBeLessThan(5);
    }
  });

  it('gives identical draws on webgpu and cpu (uniform exactly, normal within 1e-5)', async () => {
    for (const seed of [0, 1, 123456789, -5]) {
      const gu = await draw('rand', seed, 'webgpu'), cu = await draw('rand', seed, 'cpu');
      expect(gu).toEqual(cu);
      const gn = await draw('randn', seed, 'webgpu'), cn = await draw('randn', seed, 'cpu');
      expectClose(gn, cn, 1e-5, 1e-5, `randn seed ${seed}`);
    }
  });

  it('uniform: mean 1/2, variance 1/12, range [0, 1) on 100k samples; [lo, hi) scales it', async () => {
    const s = stats(await draw('rand', 42, 'webgpu'));
    expect(Math.abs(s.mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s.variance - 1 / 12)).toBeLessThan(0.002);
    expect(s.min).toBeGreaterThanOrEqual(0);
    expect(s.max).toBeLessThan(1);
    expect(s.min).toBeLessThan(1e-3);
    expect(s.max).toBeGreaterThan(1 - 1e-3);
    const r = stats(await draw('rand', 43, 'webgpu', N, -3, 5));
    expect(r.min).toBeGreaterThanOrEqual(-3);
    expect(r.max).toBeLessThan(5);
    expect(Math.abs(r.mean - 1)).toBeLessThan(0.04);
  });

  it('normal: mean 0, variance 1, 68% within one sigma on 100k samples; mean/std shift and scale it', async () => {
    const v = await draw('randn', 42, 'webgpu');
    const s = stats(v);
    expect(v.every(Number.isFinite)).toBe(true);
    expect(Math.abs(s.mean)).toBeLessThan(0.016);
    expect(Math.abs(s.variance - 1)).toBeLessThan(0.025);
    expect(s.min).toBeLessThan(-3.5);
    expect(s.max).toBeGreaterThan(3.5);
    expect(Math.max(-s.min, s.max)).toBeLessThan(7);
    const within = v.filter((x) => Math.abs(x) < 1).length / v.length;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.01);
    const m = stats(await draw('randn', 44, 'webgpu', N, 10, 0.5));
    expect(Math.abs(m.mean - 10)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(m.variance) - 0.5)).toBeLessThan(0.01);
  });
});
