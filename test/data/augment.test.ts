// The CPU augmentation of the loader's sync path, checked through exact properties of Keras's transforms on ramp
// images: rotation about the image centre keeps the centre and turns both ramps by one angle within the factor;
// translation shifts them by a constant within the factor; zero factors are the identity; draws are seeded.
import { describe, expect, it } from 'vitest';
import { cpuRandomAffine, DataLoader, type ImageSet } from '../../src/index.js';

const H = 9, W = 11;
/** n single-channel images whose pixel (y, x) is x (a horizontal ramp) or y (a vertical one). */
const ramp = (n: number, axis: 'x' | 'y'): Float32Array =>
  Float32Array.from({ length: n * H * W }, (_, k) => (axis === 'x' ? k % W : Math.floor((k % (H * W)) / W)));
const at = (x: Float32Array, i: number, y: number, xx: number): number => x[i * H * W + y * W + xx]!;

describe('cpuRandomAffine', () => {
  it('is the identity with zero factors', () => {
    const x = ramp(3, 'x');
    expect(Array.from(cpuRandomAffine({ seed: 1 })(x, [3, H, W, 1], 0))).toEqual(Array.from(x));
  });

  // Near the centre every sample is inside the image, and bilinear interpolation is exact on ramps, so the output
  // there is the source coordinate itself: x_in = cos x - sin y + x_off, y_in = sin x + cos y + y_off (Keras).
  it('rotates about the centre: the centre pixel stays, ramps turn by one angle within the factor', () => {
    const factor = 0.05, n = 8, aug = cpuRandomAffine({ rotation: factor, seed: 3 });
    const ox = aug(ramp(n, 'x'), [n, H, W, 1], 7), oy = aug(ramp(n, 'y'), [n, H, W, 1], 7);
    const angles = new Set<string>();
    for (let i = 0; i < n; i++) {
      expect(at(ox, i, 4, 5)).toBeCloseTo(5, 4);
      expect(at(oy, i, 4, 5)).toBeCloseTo(4, 4);
      const cos = at(ox, i, 4, 6) - at(ox, i, 4, 5), sin = -(at(ox, i, 5, 5) - at(ox, i, 4, 5));
      expect(at(oy, i, 4, 6) - at(oy, i, 4, 5)).toBeCloseTo(sin, 4);
      expect(at(oy, i, 5, 5) - at(oy, i, 4, 5)).toBeCloseTo(cos, 4);
      expect(cos * cos + sin * sin).toBeCloseTo(1, 4);
      expect(Math.abs(Math.atan2(sin, cos))).toBeLessThanOrEqual(factor * 2 * Math.PI + 1e-5);
      angles.add(Math.atan2(sin, cos).toFixed(4));
    }
    expect(angles.size).toBe(n);
  });

  it('translates by a constant shift within the factor, filling with 0 outside', () => {
    const n = 6, aug = cpuRandomAffine({ translate: [0.2, 0.3], seed: 5 });
    const ox = aug(ramp(n, 'x'), [n, H, W, 1], 0), oy = aug(ramp(n, 'y'), [n, H, W, 1], 0);
    for (let i = 0; i < n; i++) {
      const dx = 5 - at(ox, i, 4, 5), dy = 4 - at(oy, i, 4, 5); // out(x, y) = in(x - dx, y - dy)
      expect(Math.abs(dx)).toBeLessThanOrEqual(0.3 * W + 1e-5);
      expect(Math.abs(dy)).toBeLessThanOrEqual(0.2 * H + 1e-5);
      for (const [y, x] of [[3, 4], [5, 6], [4, 7], [1, 2]] as const) {
        if (x - dx < 0 || x - dx > W - 1 || y - dy < 0 || y - dy > H - 1) continue; // blends in the fill value
        expect(at(ox, i, y, x)).toBeCloseTo(x - dx, 4);
        expect(at(oy, i, y, x)).toBeCloseTo(y - dy, 4);
      }
    }
    const big = cpuRandomAffine({ translate: [0, 1], seed: 2 })(new Float32Array(4 * H * W).fill(1), [4, H, W, 1], 0);
    expect(big.some((v) => v === 0)).toBe(true); // shifted-in pixels are the fill value
    expect(big.every((v) => v >= 0 && v <= 1 + 1e-6)).toBe(true);
  });

  it('is seeded per (seed, step): same draws again, different draws next step', () => {
    const aug = cpuRandomAffine({ rotation: 0.1, translate: [0.1, 0.1], seed: 9 });
    const x = ramp(2, 'x'), shape = [2, H, W, 1] as const;
    expect(Array.from(aug(x, shape, 4))).toEqual(Array.from(aug(x, shape, 4)));
    expect(Array.from(aug(x, shape, 5))).not.toEqual(Array.from(aug(x, shape, 4)));
  });

  it("runs in the loader's sync mode on NHWC batches whatever the output shape", async () => {
    const set: ImageSet = {
      name: 'ramps', images: Uint8Array.from(ramp(4, 'y')), shape: [4, H, W], labels: new Uint8Array(4), classNames: ['a'],
    };
    const shapes: number[][] = [];
    const loader = new DataLoader(set, {
      batchSize: 4, mode: 'sync', sampleShape: 'flat',
      cpuTransform: (x, shape, step) => { shapes.push([...shape, step]); return cpuRandomAffine({ rotation: 0.05, seed: 1 })(x, shape, step); },
    });
    for await (const b of loader) expect(b.x.shape).toEqual([4, H * W]);
    expect(shapes).toEqual([[4, H, W, 1, 0]]);
  });
});

describe('the slow and the fast path augment alike', () => {
  it('cpuRandomAffine gives what the GPU randomAffine gives for the same seed and step', async () => {
    const { augmentSeed, randomAffine, tensor } = await import('../../src/index.js');
    const x = ramp(4, 'y'), shape = [4, H, W, 1] as const;
    const cpu = cpuRandomAffine({ rotation: 0.1, translate: [0.1, 0.2], seed: 11 })(x, shape, 3);
    const xg = tensor(x, shape);
    const g = randomAffine(xg, { rotationFactor: 0.1, heightFactor: 0.1, widthFactor: 0.2, seed: augmentSeed(11, 3) });
    const gpu = await g.toArray();
    xg.dispose();
    g.dispose();
    for (let i = 0; i < gpu.length; i++) expect(gpu[i]!).toBeCloseTo(cpu[i]!, 3);
  });
});
