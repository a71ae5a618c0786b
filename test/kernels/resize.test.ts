// Bilinear resize (half-pixel centres, u8 input with fused normalisation) and grayscale -> RGB.
import { describe, expect, test } from 'vitest';
import * as nn from '../../src/index.js';
import { expectClose, randomData, uniformData } from '../helpers.js';
import { forwardBackward, leakFree } from '../vision.js';

const it = (name: string, body: () => Promise<void>) => test(name, () => leakFree(body));
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

describe('resizeBilinear vs CPU twin', () => {
  const cases: Array<[number[], [number, number], nn.ResizeOptions]> = [
    [[1, 1, 1, 1], [3, 2], {}], [[2, 3, 4, 3], [7, 5], {}], [[1, 7, 6, 5], [3, 4], {}], [[1, 5, 5, 2], [1, 1], {}],
    [[2, 28, 28, 1], [84, 84], {}], [[1, 32, 32, 3], [71, 71], {}], [[1, 9, 4, 2], [4, 9], { halfPixelCenters: false }],
    [[1, 6, 6, 1], [6, 6], { scale: 0.5, offset: -1 }], [[3, 13, 17, 4], [5, 29], { halfPixelCenters: false, scale: 2 }],
  ];
  for (const [shape, out, o] of cases) {
    it(`${JSON.stringify(shape)} -> ${JSON.stringify(out)} ${JSON.stringify(o)}`, async () => {
      const data = randomData(size(shape), shape[1]! + out[0]);
      const g = await forwardBackward((x) => nn.resizeBilinear(x, out, o), data, shape, 'webgpu');
      const c = await forwardBackward((x) => nn.resizeBilinear(x, out, o), data, shape, 'cpu');
      expect(g.shape).toEqual([shape[0], out[0], out[1], shape[3]]);
      expectClose(g.y, c.y, 1e-5, 1e-5, 'y');
      expectClose(g.dx, c.dx, 1e-4, 1e-4, 'dx');
    });
  }

  it('u8 input matches the CPU twin and the f32 path, with scale and offset fused', async () => {
    const shape = [3, 28, 28, 1];
    const bytes = Uint8Array.from(uniformData(size(shape), 3, 0, 256), (v) => Math.floor(v));
    const o = { scale: 1 / 255, offset: -0.5 };
    const gu8 = nn.tensor(bytes, shape, { dtype: 'u8', device: 'webgpu' }), cu8 = nn.tensor(bytes, shape, { dtype: 'u8', device: 'cpu' });
    const gf = nn.tensor(Float32Array.from(bytes), shape, { dtype: 'f32', device: 'webgpu' });
    const [a, b, c] = [nn.resizeBilinear(gu8, [84, 84], o), nn.resizeBilinear(cu8, [84, 84], o), nn.resizeBilinear(gf, [84, 84], o)];
    const ga = await a.toArray();
    expectClose(ga, await b.toArray(), 1e-5, 1e-5, 'u8 gpu vs cpu');
    expectClose(ga, await c.toArray(), 1e-5, 1e-5, 'u8 vs f32');
    // Same size: an exact cast + normalise.
    const same = nn.resizeBilinear(gu8, [28, 28], o);
    expectClose(await same.toArray(), Array.from(bytes, (v) => v / 255 - 0.5), 1e-7, 1e-6, 'same-size');
    for (const t of [gu8, cu8, gf, a, b, c, same]) t.dispose();
  });
});

describe('resize semantics', () => {
  it('Keras: a constant image stays constant, up and down, both conventions', async () => {
    const x = nn.full([2, 5, 7, 3], 4.25);
    for (const out of [[11, 3], [2, 2], [13, 17]] as const) {
      for (const halfPixelCenters of [true, false]) {
        const y = nn.resizeBilinear(x, [out[0], out[1]], { halfPixelCenters });
        expect(new Set(await y.toArray())).toEqual(new Set([4.25]));
        y.dispose();
      }
    }
    x.dispose();
  });

  it('Keras: 2x2 -> 4x4 with half-pixel centres gives the tf.image.resize values', async () => {
    // x[r][c] = 2r + c. Half-pixel source coordinates for 4 outputs from 2 inputs: -0.25, 0.25, 0.75, 1.25,
    // clamped to 0 and 1 at the edges, so y[i][j] = 2 * s[i] + s[j] with s = [0, 0.25, 0.75, 1].
    const x = nn.tensor([0, 1, 2, 3], [1, 2, 2, 1]);
    const y = nn.resizeBilinear(x, [4, 4]);
    expect(await y.toArray()).toEqual([
      0, 0.25, 0.75, 1,
      0.5, 0.75, 1.25, 1.5,
      1.5, 1.75, 2.25, 2.5,
      2, 2.25, 2.75, 3,
    ]);
    // Legacy (halfPixelCenters false): s = o * 0.5 = [0, 0.5, 1, 1.5 -> clamped 1].
    const z = nn.resizeBilinear(x, [4, 4], { halfPixelCenters: false });
    expect(await z.toArray()).toEqual([0, 0.5, 1, 1, 1, 1.5, 2, 2, 2, 2.5, 3, 3, 2, 2.5, 3, 3]);
    for (const t of [x, y, z]) t.dispose();
  });

  it('Keras: 4x4 -> 2x2 with half-pixel centres samples at 0.5 and 2.5', async () => {
    const x = nn.tensor(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]); // x[r][c] = 4r + c
    const y = nn.resizeBilinear(x, [2, 2]);
    expect(await y.toArray()).toEqual([2.5, 4.5, 10.5, 12.5]);
    for (const t of [x, y]) t.dispose();
  });

  it('grayscaleToRgb repeats the channel and sums the gradient back', async () => {
    const x = nn.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    x.requiresGrad = true;
    const y = nn.grayscaleToRgb(x);
    expect(y.shape).toEqual([1, 2, 2, 3]);
    expect(await y.toArray()).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    const dy = nn.tensor(Array.from({ length: 12 }, (_, i) => i), [1, 2, 2, 3]);
    nn.backward(y, { dy });
    expect(await x.grad!.toArray()).toEqual([3, 12, 21, 30]);
    for (const t of [x, y, dy]) t.dispose();
  });

  it('bad inputs name the op and the shapes', async () => {
    const x3 = nn.zeros([2, 3, 3]), x4 = nn.zeros([1, 2, 2, 2]), i = nn.zeros([1, 2, 2, 1], { dtype: 'i32' });
    expect(() => nn.resizeBilinear(x3, [4, 4])).toThrow(/resizeBilinear: input 'x' must be rank 4 \(NHWC\) but got \[2, 3, 3\]/);
    expect(() => nn.resizeBilinear(x4, [0, 4])).toThrow(/resizeBilinear: size must be \[outH, outW\] positive integers/);
    expect(() => nn.resizeBilinear(i, [4, 4])).toThrow(/resizeBilinear: input 'x' must be f32 or u8 but got i32/);
    expect(() => nn.grayscaleToRgb(x4)).toThrow(/grayscaleToRgb: input 'x' must have a last axis of 1 but got \[1, 2, 2, 2\]/);
    for (const t of [x3, x4, i]) t.dispose();
  });
});
