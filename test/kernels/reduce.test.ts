// Reductions: every axis subset of rank-3 and rank-4 tensors (sizes 1 and primes), keepDims, the two-pass split
// path for long reductions with few outputs, and argmax/argmin tie and NaN rules, GPU vs the Float64 twin.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { expectClose, pair, randomData, uniformData } from '../helpers.js';

const OPS = ['sum', 'mean', 'max', 'min'] as const;
const fn = (op: (typeof OPS)[number]) => nn[op];

function subsets(rank: number): number[][] {
  return Array.from({ length: 1 << rank }, (_, m) => [...Array(rank).keys()].filter((a) => m & (1 << a)));
}

describe('sum / mean / max / min vs CPU twin', () => {
  for (const shape of [[3, 4, 5], [7, 11, 13], [2, 3, 1, 5], [1, 1, 1]]) {
    it(`every axis subset of [${shape}], with and without keepDims`, async () => {
      const before = nn.liveTensors();
      const n = shape.reduce((a, b) => a * b, 1);
      const x = pair(randomData(n, n), shape);
      for (const axes of subsets(shape.length)) {
        for (const op of OPS) {
          for (const keepDims of [false, true]) {
            const g = fn(op)(x.gpu, axes, keepDims), c = fn(op)(x.cpu, axes, keepDims);
            expect(g.shape).toEqual(c.shape);
            expect(g.shape).toEqual(keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i)));
            expectClose(await g.data(), await c.data(), 1e-5, 1e-5, `${op} axes [${axes}] keepDims ${keepDims}`);
            g.dispose();
            c.dispose();
          }
        }
      }
      x.gpu.dispose();
      x.cpu.dispose();
      expect(nn.liveTensors()).toBe(before);
    });
  }

  it('reduces all axes by default and accepts negative axes', async () => {
    const x = nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(await nn.sum(x).item()).toBe(21);
    expect(await nn.mean(x).item()).toBe(3.5);
    expect(await nn.sum(x, null).item()).toBe(21);
    const kept = nn.max(x, null, true);
    expect([kept.shape, await kept.item()]).toEqual([[1, 1], 6]);
    expect(Array.from(await nn.max(x, -1).data())).toEqual([3, 6]);
    expect(Array.from(await nn.min(x, -2, true).data())).toEqual([1, 2, 3]);
    expect(() => nn.sum(x, 2)).toThrow(/sum: axis 2 is out of range for rank 2/);
    expect(() => nn.sum(x, [0, -2])).toThrow(/sum: repeated axis/);
  });
});

describe('two-pass split path', () => {
  it('[70000, 3] over axis 0 takes two dispatches and matches the CPU twin', async () => {
    const shape = [70000, 3];
    const x = pair(uniformData(210000, 5, -1, 1), shape);
    for (const op of OPS) {
      const d0 = nn.recorderStats().dispatches;
      const g = fn(op)(x.gpu, 0);
      expect(nn.recorderStats().dispatches - d0, `${op} dispatches`).toBe(2);
      const c = fn(op)(x.cpu, 0);
      expectClose(await g.data(), await c.data(), 2e-4, 1e-5, `${op} [70000, 3] axis 0`);
      g.dispose();
      c.dispose();
    }
    // A short reduction stays single-pass.
    const d0 = nn.recorderStats().dispatches;
    nn.sum(x.gpu, 1).dispose();
    expect(nn.recorderStats().dispatches - d0).toBe(1);
    x.gpu.dispose();
    x.cpu.dispose();
  });

  it('a full reduction of 10^6 elements and a NaN deep inside a split reduction', async () => {
    const data = uniformData(1_000_003, 9, 0, 1);
    const x = pair(data, [1_000_003]);
    expectClose([await nn.mean(x.gpu).item()], [await nn.mean(x.cpu).item()], 1e-5, 1e-5, 'mean of 10^6');
    data[654_321] = NaN;
    const y = nn.tensor(data, [1_000_003]);
    expect(await nn.max(y).item()).toBeNaN();
    expect(await nn.sum(y).item()).toBeNaN();
    for (const t of [x.gpu, x.cpu, y]) t.dispose();
  });
});

describe('argmax / argmin', () => {
  it('ties resolve to the first occurrence, NaN wins (first NaN), on both devices', async () => {
    for (const device of ['webgpu', 'cpu'] as const) {
      const t = (v: number[], s: number[]) => nn.tensor(v, s, { dtype: 'f32', device });
      expect(await nn.argmax(t([1, 3, 3, 2], [4])).item()).toBe(1);
      expect(await nn.argmin(t([2, 1, 5, 1], [4])).item()).toBe(1);
      expect(await nn.argmax(t([1, NaN, 3, NaN], [4])).item()).toBe(1);
      expect(await nn.argmin(t([1, 0, NaN], [3])).item()).toBe(2);
      expect(await nn.argmax(t([-Infinity, -Infinity], [2])).item()).toBe(0);
      const m = t([5, 1, 5, 1, 2, 2, 5, 7, 0], [3, 3]);
      expect(Array.from(await nn.argmax(m, 0).data())).toEqual([0, 2, 0]);
      expect(Array.from(await nn.argmax(m).data())).toEqual([0, 1, 1]);
      const k = nn.argmin(m, 1, true);
      expect([k.shape, k.dtype]).toEqual([[3, 1], 'i32']);
      expect(Array.from(await k.data())).toEqual([1, 0, 2]);
    }
  });

  it('GPU vs CPU twin on random data over each axis', async () => {
    const shape = [13, 7, 64];
    const x = pair(Float32Array.from(uniformData(13 * 7 * 64, 3, 0, 8), Math.floor), shape);
    for (const f of [nn.argmax, nn.argmin]) {
      for (const axis of [0, 1, 2]) {
        expect(Array.from(await f(x.gpu, axis).data())).toEqual(Array.from(await f(x.cpu, axis).data()));
      }
    }
    x.gpu.dispose();
    x.cpu.dispose();
  });
});
