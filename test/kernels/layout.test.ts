// Layout ops: GPU vs the Float64 twin for every dtype they move (f32, i32, u8 packed four to a word, with sizes
// that are not multiples of 4), hand-checked small cases, gather's deterministic scatter-add, and error messages.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { expectClose, uniformData } from '../helpers.js';

type DT = 'f32' | 'i32' | 'u8';
const DTYPES: DT[] = ['f32', 'i32', 'u8'];

function values(n: number, seed: number, dtype: DT): number[] {
  const v = Array.from(uniformData(n, seed, dtype === 'u8' ? 0 : -100, dtype === 'u8' ? 256 : 100));
  return dtype === 'f32' ? v : v.map(Math.floor);
}

function pairOf(shape: number[], dtype: DT, seed = 1): { gpu: nn.Tensor; cpu: nn.Tensor } {
  const v = values(shape.reduce((a, b) => a * b, 1), seed, dtype);
  return { gpu: nn.tensor(v, shape, { dtype: dtype, device: 'webgpu' }), cpu: nn.tensor(v, shape, { dtype: dtype, device: 'cpu' }) };
}

/** Runs f on both devices, checks equal shapes and values (exact: layout ops only move data), disposes all. */
async function sameOnBoth(f: (x: nn.Tensor) => nn.Tensor, x: { gpu: nn.Tensor; cpu: nn.Tensor }, what: string): Promise<number[]> {
  const g = f(x.gpu), c = f(x.cpu);
  expect(g.shape, what).toEqual(c.shape);
  expect(g.dtype).toBe(x.gpu.dtype);
  const gv = Array.from(await g.data()), cv = Array.from(await c.data());
  expect(gv.length, what).toBe(cv.length);
  expectClose(gv, x.gpu.dtype === 'f32' ? cv.map(Math.fround) : cv, 0, 0, what);
  g.dispose();
  c.dispose();
  return gv;
}

const dispose = (...ps: Array<{ gpu: nn.Tensor; cpu: nn.Tensor }>): void => ps.forEach((p) => (p.gpu.dispose(), p.cpu.dispose()));

describe('transpose', () => {
  const cases: Array<[number[], number[] | undefined]> = [[[1], undefined], [[7, 13], undefined], [[2, 3, 4, 5], [3, 1, 0, 2]], [[65, 3, 7], [1, 2, 0]], [[300, 257], [1, 0]]];
  for (const dtype of DTYPES) {
    it(`${dtype} vs CPU twin`, async () => {
      const before = nn.liveTensors();
      for (const [shape, perm] of cases) {
        const x = pairOf(shape, dtype, shape.length);
        await sameOnBoth((t) => nn.transpose(t, perm), x, `transpose ${shape} ${perm}`);
        dispose(x);
      }
      expect(nn.liveTensors()).toBe(before);
    });
  }

  it('matches a hand-worked [2,3] case and rejects bad perms', async () => {
    const x = nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = nn.transpose(x);
    expect(y.shape).toEqual([3, 2]);
    expect(Array.from(await y.data())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(() => nn.transpose(x, [0, 0])).toThrow(/transpose: perm \[0, 0\] is not a permutation of the 2 axes of x \[2, 3\]/);
    expect(() => nn.transpose(x, [0, 1, 2])).toThrow(/transpose: perm \[0, 1, 2\].*x \[2, 3\]/);
  });
});

describe('slice and pad', () => {
  for (const dtype of DTYPES) {
    it(`${dtype} vs CPU twin`, async () => {
      const x = pairOf([5, 7, 3], dtype, 3);
      await sameOnBoth((t) => nn.slice(t, [1, 2, 0], [3, -1, 2]), x, 'slice');
      await sameOnBoth((t) => nn.slice(t, [0, 0, 0], [5, 7, 3]), x, 'slice all');
      await sameOnBoth((t) => nn.slice(t, [4, 6, 2], [1, 1, 1]), x, 'slice corner');
      await sameOnBoth((t) => nn.pad(t, [[1, 2], [0, 3], [1, 0]], dtype === 'f32' ? -1.5 : 7), x, 'pad');
      const big = pairOf([61, 67], dtype, 4);
      await sameOnBoth((t) => nn.pad(t, [[3, 0], [1, 1]]), big, 'pad big');
      await sameOnBoth((t) => nn.slice(t, [13, 5], [-1, 61]), big, 'slice big');
      dispose(x, big);
    });
  }

  it('hand-worked values, u8 fill 255 on an odd size, and errors', async () => {
    const x = nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(await nn.slice(x, [0, 1], [-1, 2]).data())).toEqual([2, 3, 5, 6]);
    expect(Array.from(await nn.pad(x, [[0, 1], [1, 0]], 9).data())).toEqual([9, 1, 2, 3, 9, 4, 5, 6, 9, 9, 9, 9]);
    const s = nn.tensor([4], []);
    expect(Array.from(await nn.pad(s, []).data())).toEqual([4]);
    expect(Array.from(await nn.pad(nn.tensor([1, 2], [2], { dtype: 'i32' }), [[3, 9]], -4).data())).toEqual([-4, -4, -4, 1, 2, ...new Array(9).fill(-4)]);
    const u = nn.tensor([1, 2, 3], [3], { dtype: 'u8' });
    const p = nn.pad(u, [[2, 0]], 255);
    expect(Array.from(await p.data())).toEqual([255, 255, 1, 2, 3]);
    expect(() => nn.slice(x, [1, 1], [2, 1])).toThrow(/slice: begin \[1, 1\] and size \[2, 1\] leave the bounds on axis 0 for x \[2, 3\]/);
    expect(() => nn.slice(x, [0], [1])).toThrow(/slice: .* must both have 2 entries .* x \[2, 3\]/);
    expect(() => nn.pad(x, [[1, 1]])).toThrow(/pad: paddings has 1 entries but x \[2, 3\] has rank 2/);
    expect(() => nn.pad(x, [[1, 1], [-1, 0]])).toThrow(/pad: paddings\[1\] = \[-1, 0\] must be non-negative integers \(x \[2, 3\]\)/);
    expect(() => nn.pad(u, [[1, 1]], 300)).toThrow(/pad: value 300 does not fit a u8 tensor \(x \[3\]\)/);
  });
});

describe('broadcastTo for every dtype', () => {
  for (const dtype of DTYPES) {
    it(dtype, async () => {
      const x = pairOf([3, 1, 5], dtype, 9);
      await sameOnBoth((t) => nn.broadcastTo(t, [2, 3, 7, 5]), x, 'broadcastTo');
      dispose(x);
    });
  }
});

describe('concat', () => {
  for (const dtype of ['f32', 'i32'] as const) {
    it(`${dtype} vs CPU twin on every axis`, async () => {
      const a = pairOf([2, 3, 4], dtype, 1), b = pairOf([2, 3, 4], dtype, 2);
      for (const axis of [0, 1, 2, -1]) {
        const c = pairOf([2, 3, 4].map((d, i) => (i === (axis + 3) % 3 ? 5 : d)), dtype, 3);
        const g = nn.concat([a.gpu, c.gpu, b.gpu], axis), cc = nn.concat([a.cpu, c.cpu, b.cpu], axis);
        expect(g.shape).toEqual(cc.shape);
        expectClose(await g.data(), Array.from(await cc.data(), Math.fround), 0, 0, `concat axis ${axis}`);
        g.dispose();
        cc.dispose();
        dispose(c);
      }
      dispose(a, b);
    });
  }

  it('long rows (runs of 8 along the last axis, ragged ends) vs CPU twin', async () => {
    for (const [sa, sb, axis] of [[[3, 37], [3, 21], 1], [[17, 9], [5, 9], 0], [[2, 1, 130], [2, 3, 130], 1]] as const) {
      const a = pairOf([...sa], 'f32', 1), b = pairOf([...sb], 'f32', 2);
      const g = nn.concat([a.gpu, b.gpu], axis), c = nn.concat([a.cpu, b.cpu], axis);
      expectClose(await g.data(), Array.from(await c.data(), Math.fround), 0, 0, `concat ${sa} ${sb}`);
      g.dispose();
      c.dispose();
      dispose(a, b);
    }
  });

  it('hand-worked values and errors', async () => {
    const a = nn.tensor([1, 2, 3, 4], [2, 2]), b = nn.tensor([5, 6], [2, 1]);
    expect(Array.from(await nn.concat([a, b], 1).data())).toEqual([1, 2, 5, 3, 4, 6]);
    expect(Array.from(await nn.concat([a], 0).data())).toEqual([1, 2, 3, 4]);
    expect(() => nn.concat([a, b], 0)).toThrow(/concat: input 1 \[2, 1\] does not match input 0 \[2, 2\] outside axis 0/);
    expect(() => nn.concat([], 0)).toThrow(/concat: xs must be a non-empty array/);
    const i = nn.tensor([1, 2], [2, 1], { dtype: 'i32' });
    expect(() => nn.concat([b, i], 1)).toThrow(/concat: input 1 is i32 \[2, 1\] but input 0 is f32 \[2, 1\]/);
    const u = nn.tensor([1, 2], [2], { dtype: 'u8' });
    expect(() => nn.concat([u, u], 0)).toThrow(/concat: u8 tensors are not supported/);
  });
});

describe('gather', () => {
  for (const dtype of DTYPES) {
    it(`${dtype} vs CPU twin on axes 0, 1 and -1`, async () => {
      const x = pairOf([6, 5, 9], dtype, 5);
      for (const [axis, D] of [[0, 6], [1, 5], [-1, 9]] as const) {
        const idx = Array.from(uniformData(13, axis + 10, 0, D), Math.floor);
        const gi = nn.tensor(idx, [13], { dtype: 'i32', device: 'webgpu' }), ci = nn.tensor(idx, [13], { dtype: 'i32', device: 'cpu' });
        const g = nn.gather(x.gpu, gi, axis), c = nn.gather(x.cpu, ci, axis);
        expect(g.shape).toEqual(c.shape);
        expectClose(await g.data(), Array.from(await c.data(), Math.fround), 0, 0, `gather axis ${axis}`);
        for (const t of [gi, ci, g, c]) t.dispose();
      }
      dispose(x);
    });
  }

  it('indices of any shape; hand-worked values', async () => {
    const x = nn.tensor([10, 11, 20, 21, 30, 31], [3, 2]);
    const i = nn.tensor([2, 0, 2, 1], [2, 2], { dtype: 'i32' });
    const y = nn.gather(x, i);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(Array.from(await y.data())).toEqual([30, 31, 10, 11, 30, 31, 20, 21]);
    const z = nn.gather(x, nn.tensor([1, 1, 0], [3], { dtype: 'i32' }), 1);
    expect(Array.from(await z.data())).toEqual([11, 11, 10, 21, 21, 20, 31, 31, 30]);
  });

  it('out-of-range indices: a clear error on cpu; on webgpu no out-of-bounds read, and the next readback throws', async () => {
    const xc = nn.tensor([1, 2, 3], [3], { dtype: 'f32', device: 'cpu' });
    expect(() => nn.gather(xc, nn.tensor([0, 3], [2], { dtype: 'i32', device: 'cpu' }))).toThrow(/gather: index 3 at position 1 is outside \[0, 3\) for axis 0 of x \[3\]/);
    const x = nn.tensor([1, 2, 3], [3]);
    const y = nn.gather(x, nn.tensor([2, 3, 3, 0], [4], { dtype: 'i32' }));
    await expect(y.data()).rejects.toThrow('gather: index 3 is outside [0, 3) for axis 0 of x [3]');
    expect(Array.from(await y.data())).toEqual([3, 0, 0, 1]);
    expect(() => nn.gather(x, nn.tensor([0, 1], [2]))).toThrow(/gather: input 'indices' must be i32 but got f32 \[2\] \(x \[3\]\)/);
  });

  it('gradient is a deterministic scatter-add equal to the CPU twin, also with many repeats', async () => {
    const before = nn.liveTensors();
    const K = 3000, D = 50, inner = 7;
    const idx = Array.from(uniformData(K, 77, 0, D), Math.floor);
    const xData = uniformData(D * inner, 3, -1, 1), dyData = uniformData(K * inner, 4, -1, 1);
    const grads: number[][] = [];
    for (const device of ['webgpu', 'webgpu', 'cpu'] as const) {
      const x = nn.tensor(xData, [D, inner], { dtype: 'f32', device });
      x.requiresGrad = true;
      nn.scope(() => {
        const y = nn.gather(x, nn.tensor(idx, [K], { dtype: 'i32', device }));
        nn.backward(y, { dy: nn.tensor(dyData, [K, inner], { dtype: 'f32', device }) });
      });
      grads.push(Array.from(await x.grad!.data()));
      x.dispose();
    }
    expect(grads[0]).toEqual(grads[1]);
    expectClose(grads[0]!, grads[2]!, 1e-5, 1e-5, 'gather grad');
    expect(nn.liveTensors()).toBe(before);
  });
});

describe('oneHot and where', () => {
  it('oneHot: exact rows, out-of-range rows are zero, same on cpu', async () => {
    for (const device of ['webgpu', 'cpu'] as const) {
      const y = nn.oneHot(nn.tensor([2, 0, 3, -1], [2, 2], { dtype: 'i32', device }), 3);
      expect(y.shape).toEqual([2, 2, 3]);
      expect(y.dtype).toBe('f32');
      expect(Array.from(await y.data())).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
    const f = nn.tensor([1], [1]);
    expect(() => nn.oneHot(f, 3)).toThrow(/oneHot: input 'indices' must be i32 but got f32 \[1\]/);
    expect(() => nn.oneHot(nn.tensor([1], [1], { dtype: 'i32' }), 0)).toThrow(/oneHot: depth 0 must be a positive integer/);
  });

  it('where: broadcasting, NaN counts as true, -0 as false; GPU vs CPU', async () => {
    const c = [1, 0, NaN, -0, 0.5, -2];
    for (const device of ['webgpu', 'cpu'] as const) {
      const cond = nn.tensor(c, [2, 3], { dtype: 'f32', device });
      const a = nn.tensor([10, 20, 30], [3], { dtype: 'f32', device }), b = nn.tensor([-1, -2], [2, 1], { dtype: 'f32', device });
      expect(Array.from(await nn.where(cond, a, b).data())).toEqual([10, -1, 30, -2, 20, 30]);
    }
    const big = { c: uniformData(4099, 1, -1, 1).map((v) => (v > 0 ? 1 : 0)), a: uniformData(4099, 2, -1, 1), b: uniformData(4099, 3, -1, 1) };
    const out: number[][] = [];
    for (const device of ['webgpu', 'cpu'] as const) {
      const y = nn.where(nn.tensor(big.c, [4099], { dtype: 'f32', device }), nn.tensor(big.a, [4099], { dtype: 'f32', device }), nn.tensor(big.b, [4099], { dtype: 'f32', device }));
      out.push(Array.from(await y.data(), Math.fround));
    }
    expect(out[0]).toEqual(out[1]);
    const x = nn.zeros([2, 3]), y3 = nn.zeros([4]);
    expect(() => nn.where(x, x, y3)).toThrow(/where: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    expect(() => nn.where(nn.tensor([1], [1], { dtype: 'i32' }), x, x)).toThrow(/where: input 'cond' must be f32 but got i32 \[1\]/);
  });
});

describe('expandDims and squeeze are views', () => {
  it('share storage (no new buffer) and reject bad axes', async () => {
    const x = nn.tensor([1, 2, 3, 4, 5, 6], [2, 1, 3]);
    const live = nn.poolStats().liveBuffers;
    const e = nn.expandDims(x, -1), s = nn.squeeze(x), s1 = nn.squeeze(x, 1), e0 = nn.expandDims(x, 0);
    expect(nn.poolStats().liveBuffers).toBe(live);
    expect(e.storage).toBe(x.storage);
    expect([e.shape, s.shape, s1.shape, e0.shape]).toEqual([[2, 1, 3, 1], [2, 3], [2, 3], [1, 2, 1, 3]]);
    expect(Array.from(await s.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => nn.squeeze(x, 0)).toThrow(/squeeze: axis 0 of x \[2, 1, 3\] has size 2, not 1/);
    expect(() => nn.expandDims(x, 4)).toThrow(/expandDims: axis 4 is out of range \[-4, 3\] for x \[2, 1, 3\]/);
    for (const t of [e, s, s1, e0]) t.dispose();
    expect(x.storage.released).toBe(false);
  });
});
