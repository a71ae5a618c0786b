// Max and average pooling (Keras 'same'/'valid', padding excluded from averages, tie rule) and global pools.
import { describe, expect, it, test } from 'vitest';
import * as nn from '../../src/index.js';
import { expectClose, pair, randomData } from '../helpers.js';
import { forwardBackward, leakFree } from '../vision.js';

function backwardSum(y: nn.Tensor): void {
  const s = nn.sum(y);
  nn.backward(s);
  s.dispose();
}

const GEOMETRIES: Array<{ shape: number[]; o: nn.Pool2dOptions }> = [
  { shape: [1, 1, 1, 1], o: { poolSize: 1 } },
  { shape: [2, 7, 5, 3], o: { poolSize: 2 } },
  { shape: [2, 7, 5, 3], o: { poolSize: 2, padding: 'same' } },
  { shape: [1, 9, 11, 5], o: { poolSize: 3, strides: 1, padding: 'same' } },
  { shape: [1, 9, 11, 5], o: { poolSize: 3, strides: 2, padding: 'valid' } },
  { shape: [3, 6, 6, 8], o: { poolSize: 3, strides: 2, padding: 'same' } },
  { shape: [2, 5, 13, 4], o: { poolSize: [2, 3], strides: [1, 2], padding: 'same' } },
  { shape: [1, 4, 4, 12], o: { poolSize: 5, strides: 1, padding: 'same' } },
  { shape: [1, 3, 3, 2], o: { poolSize: 3, strides: 3, padding: 'same' } },
  { shape: [1, 17, 16, 4], o: { poolSize: 16, strides: 1 } }, // window > 255 cells: scalar path despite C % 4 == 0
  { shape: [16, 28, 28, 32], o: { poolSize: 2 } },
  // Windows that tile the input take the scatter backward: a leading pad cell (3x3 'same' on 4 -> pad 1, 1).
  { shape: [2, 4, 4, 8], o: { poolSize: 3, strides: 3, padding: 'same' } },
];

describe.each([
  ['maxPool2d', nn.maxPool2d],
  ['avgPool2d', nn.avgPool2d],
] as const)('%s vs CPU twin', (name, fn) => {
  for (const { shape, o } of GEOMETRIES) {
    it(`${JSON.stringify(shape)} ${JSON.stringify(o)}`, async () => {
      const before = nn.liveTensors();
      const data = randomData(shape.reduce((a, b) => a * b, 1), shape.length + shape[1]! + shape[3]!);
      const g = await forwardBackward((x) => fn(x, o), data, shape, 'webgpu');
      const c = await forwardBackward((x) => fn(x, o), data, shape, 'cpu');
      expect(g.shape).toEqual(c.shape);
      expectClose(g.y, c.y, 1e-6, 1e-5, `${name} forward`);
      expectClose(g.dx, c.dx, 1e-5, 1e-4, `${name} backward`);
      expect(nn.liveTensors()).toBe(before);
    });
  }
});

describe('pooling semantics', () => {
  const it = (name: string, body: () => Promise<void>) => test(name, () => leakFree(body));
  it('the scatter backward of tiling windows writes every input cell (its pooled dx buffer poisoned with NaN first)', async () => {
    for (const { shape, o } of [
      { shape: [2, 7, 5, 3], o: { poolSize: 2, padding: 'same' } },
      { shape: [2, 4, 4, 8], o: { poolSize: 3, strides: 3, padding: 'same' } },
      { shape: [3, 6, 6, 4], o: { poolSize: 2 } },
    ] as const) {
      const n = shape.reduce((a, b) => a * b, 1);
      // The pool hands a freed buffer of the same size to the next allocation, so dx starts as NaN.
      nn.tensor(new Float32Array(n).fill(NaN), [...shape]).dispose();
      const g = await forwardBackward((x) => nn.maxPool2d(x, o), randomData(n, n), shape, 'webgpu');
      expect(g.dx.some((v) => Number.isNaN(v)), JSON.stringify(o)).toBe(false);
      expect(g.dx.filter((v) => v !== 0).length, JSON.stringify(o)).toBe(g.y.length);
    }
  });
  it("Keras: 'same' output size and padding put the odd cell at the bottom/right", async () => {
    // 1x4x4x1 with values 1..16, max pool 3x3 stride 2 'same': out 2x2, total pad 1 -> top/left 0, bottom/right 1.
    const x = nn.tensor(Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
    const y = nn.maxPool2d(x, { poolSize: 3, strides: 2, padding: 'same' });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(await y.toArray()).toEqual([11, 12, 15, 16]);
    for (const t of [x, y]) t.dispose();
  });

  it("Keras: average pooling with 'same' excludes padded cells from the count", async () => {
    // 1x3x3x1 values 1..9, pool 2x2 stride 2 'same': out 2x2, pad bottom/right 1.
    // windows: [1,2,4,5] -> 3; [3,6] -> 4.5; [7,8] -> 7.5; [9] -> 9.
    for (const device of ['webgpu', 'cpu'] as const) {
      const x = nn.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1], { dtype: 'f32', device });
      x.requiresGrad = true;
      const y = nn.avgPool2d(x, { poolSize: 2, padding: 'same' });
      expect(await y.toArray()).toEqual([3, 4.5, 7.5, 9]);
      backwardSum(y);
      // Each cell gets 1/count of its window.
      expect(await x.grad!.toArray()).toEqual([0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1]);
      for (const t of [x, y]) t.dispose();
    }
  });

  it('max-pool ties send the gradient to the first cell in row-major window order', async () => {
    for (const device of ['webgpu', 'cpu'] as const) {
      // Window of 2x2 all equal, then one where the tie is between (0,1) and (1,0) with (0,0) smaller.
      // Channel count 4 also exercises the vec4 path on the GPU: every channel holds the same pattern.
      const pattern = [5, 5, 1, 7, 5, 5, 7, 0];
      const data = pattern.flatMap((v) => [v, v, v, v]);
      const x = nn.tensor(data, [1, 2, 4, 4], { dtype: 'f32', device });
      x.requiresGrad = true;
      const y = nn.maxPool2d(x, { poolSize: 2 });
      expect(await y.toArray()).toEqual([5, 5, 5, 5, 7, 7, 7, 7]);
      backwardSum(y);
      const g = await x.grad!.toArray();
      const perCell = g.filter((_, i) => i % 4 === 0);
      expect(perCell).toEqual([1, 0, 0, 1, 0, 0, 0, 0]);
      for (const t of [x, y]) t.dispose();
    }
  });

  it('overlapping max-pool windows (strides < pool) accumulate and are deterministic', async () => {
    // A single large value is the max of every 3x3 stride-1 window that contains it.
    const data = new Float32Array(25).fill(0);
    data[12] = 10;
    const x = nn.tensor(data, [1, 5, 5, 1]);
    x.requiresGrad = true;
    const y = nn.maxPool2d(x, { poolSize: 3, strides: 1, padding: 'same' });
    backwardSum(y);
    const g = await x.grad!.toArray();
    expect(g[12]).toBe(9); // the 3x3 windows centred on rows 1..3, cols 1..3 all pick the centre
    expect(g.reduce((a, b) => a + b)).toBe(25); // each of the 25 windows routes its dy of 1 somewhere
    const again = nn.maxPool2d(x, { poolSize: 3, strides: 1, padding: 'same' });
    expect(await again.toArray()).toEqual(await y.toArray());
    for (const t of [x, y, again]) t.dispose();
  });

  it('NaN in a window propagates to the max', async () => {
    const x = nn.tensor([1, NaN, 3, 4], [1, 2, 2, 1]);
    const y = nn.maxPool2d(x, { poolSize: 2 });
    expect(await y.item()).toBeNaN();
    for (const t of [x, y]) t.dispose();
  });

  it('global pools reduce H and W to [N, C]', async () => {
    const data = randomData(2 * 3 * 5 * 6, 3);
    const { gpu, cpu } = pair(data, [2, 3, 5, 6]);
    for (const [f, ref] of [[nn.globalAvgPool2d, (v: number[]) => v.reduce((a, b) => a + b) / v.length], [nn.globalMaxPool2d, (v: number[]) => Math.max(...v)]] as const) {
      const y = f(gpu);
      expect(y.shape).toEqual([2, 6]);
      const expected: number[] = [];
      for (let n = 0; n < 2; n++) {
        for (let c = 0; c < 6; c++) {
          const vals: number[] = [];
          for (let p = 0; p < 15; p++) vals.push(data[(n * 15 + p) * 6 + c]!);
          expected.push(ref(vals));
        }
      }
      expectClose(await y.data(), expected, 1e-6, 1e-5, 'global pool');
      y.dispose();
    }
    gpu.dispose();
    cpu.dispose();
  });

  it('bad inputs name the op and the shapes', async () => {
    const x3 = nn.zeros([3, 4, 5]);
    const x4 = nn.zeros([1, 2, 2, 3]);
    expect(() => nn.maxPool2d(x3, { poolSize: 2 })).toThrow(/maxPool2d: input 'x' must be rank 4 \(NHWC\) but got \[3, 4, 5\]/);
    expect(() => nn.avgPool2d(x4, { poolSize: 3 })).toThrow(/avgPool2d: pool \[3, 3\] does not fit input \[1, 2, 2, 3\]/);
    expect(() => nn.maxPool2d(x4, { poolSize: 0 })).toThrow(/maxPool2d: poolSize must be positive integers/);
    expect(() => nn.maxPool2d(x4, { poolSize: 2, strides: [1, 1.5] as unknown as [number, number] })).toThrow(/maxPool2d: strides/);
    expect(() => nn.globalMaxPool2d(x3)).toThrow(/globalMaxPool2d: input 'x' must be rank 4/);
    expect(() => nn.maxPool2d(x4, { poolSize: 2, padding: 'full' as 'same' })).toThrow(/padding must be 'valid' or 'same'/);
    x3.dispose();
    x4.dispose();
  });
});
