// randomAffine / affineTransform vs the CPU twin, Keras's rotation and translation conventions, TF's fill modes.
import { describe, expect, test } from 'vitest';
import * as nn from '../../src/index.js';
import { expectClose, randomData, uniformData } from '../helpers.js';
import { leakFree } from '../vision.js';

const it = (name: string, body: () => Promise<void>) => test(name, () => leakFree(body));
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

async function both(fn: (x: nn.Tensor) => nn.Tensor, data: ArrayLike<number>, shape: number[], dtype: 'f32' | 'u8' = 'f32') {
  const out: number[][] = [];
  for (const device of ['webgpu', 'cpu'] as const) {
    const x = nn.tensor(dtype === 'u8' ? Uint8Array.from(data) : Float32Array.from(data), shape, { dtype: dtype, device });
    const y = fn(x);
    expect(y.shape).toEqual(shape);
    expect(y.dtype).toBe('f32');
    out.push(await y.toArray());
    x.dispose();
    y.dispose();
  }
  return { gpu: out[0]!, cpu: out[1]! };
}

describe('randomAffine vs CPU twin', () => {
  const cases: Array<[number[], nn.RandomAffineOptions]> = [
    [[4, 28, 28, 1], { rotationFactor: 0.05, heightFactor: 0.05, widthFactor: 0.05, seed: 1 }],
    [[3, 17, 13, 3], { rotationFactor: 0.5, heightFactor: 0.3, widthFactor: [-0.2, 0.1], fillValue: 0.7, seed: 2 }],
    [[2, 9, 9, 5], { rotationFactor: [0.1, 0.2], seed: 3 }],
    [[64, 32, 32, 3], { rotationFactor: 0.1, heightFactor: 0.1, widthFactor: 0.1, seed: 4 }],
  ];
  for (const [shape, o] of cases) {
    it(`${JSON.stringify(shape)} ${JSON.stringify(o)}`, async () => {
      const r = await both((x) => nn.randomAffine(x, o), randomData(size(shape), shape[1]!), shape);
      expectClose(r.gpu, r.cpu, 2e-4, 1e-4, 'randomAffine');
    });
  }

  it('u8 input (raw images) gives the same warp as f32', async () => {
    const shape = [5, 28, 28, 1];
    const bytes = Array.from(uniformData(size(shape), 9, 0, 256), Math.floor);
    const o = { rotationFactor: 0.1, heightFactor: 0.05, widthFactor: 0.05, seed: 5 };
    const u8 = await both((x) => nn.randomAffine(x, o), bytes, shape, 'u8');
    const f32 = await both((x) => nn.randomAffine(x, o), bytes, shape, 'f32');
    expectClose(u8.gpu, u8.cpu, 5e-3, 1e-4, 'u8 gpu vs cpu');
    expectClose(u8.gpu, f32.gpu, 1e-4, 1e-5, 'u8 vs f32');
  });

  it('the draws are keyed by (seed, image index): affineTransform with affineDraws() reproduces randomAffine', async () => {
    const shape = [6, 15, 11, 2], o = { rotationFactor: 0.2, heightFactor: 0.1, widthFactor: 0.3, seed: 77 };
    const draws = Array.from({ length: 6 }, (_, n) => nn.affineDraws(n, 15, 11, o));
    expect(new Set(draws.map((d) => d.angle)).size).toBe(6);
    for (const d of draws) {
      expect(Math.abs(d.angle)).toBeLessThanOrEqual(0.2 * 2 * Math.PI);
      expect(Math.abs(d.heightShift)).toBeLessThanOrEqual(0.1 * 15);
      expect(Math.abs(d.widthShift)).toBeLessThanOrEqual(0.3 * 11);
    }
    const p = { angles: draws.map((d) => d.angle), heightShifts: draws.map((d) => d.heightShift), widthShifts: draws.map((d) => d.widthShift) };
    const x = nn.tensor(randomData(size(shape), 4), shape);
    const [a, b, c] = [nn.randomAffine(x, o), nn.affineTransform(x, p), nn.randomAffine(x, { ...o, seed: 78 })];
    expectClose(await a.toArray(), await b.toArray(), 2e-4, 1e-4, 'random vs explicit');
    expect(await a.toArray()).not.toEqual(await c.toArray());
    for (const t of [x, a, b, c]) t.dispose();
  });
});

describe('augmentation semantics', () => {
  it('Keras: factors 0 are the identity', async () => {
    const data = randomData(2 * 7 * 5 * 3, 1);
    const x = nn.tensor(data, [2, 7, 5, 3]);
    const y = nn.randomAffine(x, { seed: 3, rotationFactor: 0, heightFactor: 0, widthFactor: 0, fillValue: 9 });
    expect(await y.toArray()).toEqual(Array.from(data));
    for (const t of [x, y]) t.dispose();
  });

  it('Keras: RandomRotation factor 0.25 turns the picture 90 degrees counter-clockwise', async () => {
    // Keras maps output (x, y) to input c + R(theta)(p - c); with theta = +90 deg the input's top-right corner
    // lands top-left: [[1,2,3],[4,5,6],[7,8,9]] -> [[3,6,9],[2,5,8],[1,4,7]].
    for (const device of ['webgpu', 'cpu'] as const) {
      const x = nn.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1], { dtype: 'f32', device });
      const y = nn.randomAffine(x, { rotationFactor: [0.25, 0.25], seed: 0 });
      expectClose(await y.toArray(), [3, 6, 9, 2, 5, 8, 1, 4, 7], 1e-5, 0, `${device} 3x3`);
      // Even size: the centre (1.5, 1.5) falls between pixels and the grid still maps onto itself.
      const x4 = nn.tensor(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1], { dtype: 'f32', device });
      const y4 = nn.affineTransform(x4, { angles: [Math.PI / 2], heightShifts: [0], widthShifts: [0] });
      expectClose(await y4.toArray(), [3, 7, 11, 15, 2, 6, 10, 14, 1, 5, 9, 13, 0, 4, 8, 12], 1e-5, 0, `${device} 4x4`);
      for (const t of [x, y, x4, y4]) t.dispose();
    }
  });

  it('Keras: RandomTranslation by whole pixels shifts down/right for positive factors, filling with fillValue', async () => {
    // 4x4, height factor 0.25 -> 1 pixel down, width factor -0.5 -> 2 pixels left: out[y][x] = in[y - 1][x + 2].
    const data = Array.from({ length: 16 }, (_, i) => i + 1);
    const expected: number[] = [];
    for (let yy = 0; yy < 4; yy++) for (let xx = 0; xx < 4; xx++) expected.push(yy - 1 >= 0 && xx + 2 < 4 ? data[(yy - 1) * 4 + xx + 2]! : -1);
    for (const device of ['webgpu', 'cpu'] as const) {
      const x = nn.tensor(data, [1, 4, 4, 1], { dtype: 'f32', device });
      const y = nn.randomAffine(x, { heightFactor: [0.25, 0.25], widthFactor: [-0.5, -0.5], fillValue: -1, seed: 1 });
      expect(await y.toArray()).toEqual(expected);
      for (const t of [x, y]) t.dispose();
    }
  });

  it('Keras/TF fill modes: reflect (the layers\' default), wrap, nearest, and constant outside the border', async () => {
    // One row [1, 2, 3, 4] shifted right: out[x] = in[x - shift], the point mapped back inside by the mode.
    const cases: Array<[nn.FillMode, number, number[]]> = [
      ['reflect', 1, [1, 1, 2, 3]], ['reflect', 2, [2, 1, 1, 2]],
      ['wrap', 1, [4, 1, 2, 3]], ['nearest', 2, [1, 1, 1, 2]],
      // TF's constant mode: a sample point outside [0, W - 1] is fill_value outright, not blended with the edge.
      ['constant', 0.5, [9, 1.5, 2.5, 3.5]],
    ];
    for (const device of ['webgpu', 'cpu'] as const) {
      for (const [fillMode, shift, want] of cases) {
        const x = nn.tensor([1, 2, 3, 4], [1, 1, 4, 1], { dtype: 'f32', device });
        const y = nn.affineTransform(x, { angles: [0], heightShifts: [0], widthShifts: [shift], fillMode, fillValue: 9 });
        expectClose(await y.toArray(), want, 1e-5, 0, `${device} ${fillMode} shift ${shift}`);
        x.dispose(); y.dispose();
      }
    }
  });

  it('every fill mode agrees with the CPU twin on random rotations and shifts', async () => {
    for (const fillMode of ['reflect', 'wrap', 'nearest', 'constant'] as const) {
      const data = Float32Array.from({ length: 2 * 11 * 9 * 2 }, (_, i) => Math.sin(i * 0.7));
      const o = { rotationFactor: 0.3, heightFactor: 0.4, widthFactor: 0.4, fillMode, fillValue: -2, seed: 5 };
      const xg = nn.tensor(data, [2, 11, 9, 2]), xc = nn.tensor(data, [2, 11, 9, 2], { dtype: 'f32', device: 'cpu' });
      const g = nn.randomAffine(xg, o), c = nn.randomAffine(xc, o);
      expectClose(await g.toArray(), await c.toArray(), 2e-4, 1e-3, fillMode);
      for (const t of [xg, xc, g, c]) t.dispose();
    }
  });

  it('bad inputs name the op and the shapes', async () => {
    const x3 = nn.zeros([2, 3, 3]), x4 = nn.zeros([2, 3, 3, 1]), i = nn.zeros([1, 2, 2, 1], { dtype: 'i32' });
    expect(() => nn.randomAffine(x3, { seed: 1 })).toThrow(/randomAffine: input 'x' must be rank 4 \(NHWC\) but got \[2, 3, 3\]/);
    expect(() => nn.randomAffine(i, { seed: 1 })).toThrow(/randomAffine: input 'x' must be f32 or u8 but got i32/);
    expect(() => nn.randomAffine(x4, { seed: 1, rotationFactor: [0.3, 0.1] })).toThrow(/randomAffine: rotationFactor must be/);
    expect(() => nn.affineTransform(x4, { angles: [0], heightShifts: [0, 0], widthShifts: [0, 0] }))
      .toThrow(/affineTransform: 'angles' must hold 2 finite numbers \(one per image of \[2, 3, 3, 1\]\)/);
    for (const t of [x3, x4, i]) t.dispose();
  });
});
