// Dropout: inverted scaling, the kept fraction, identical masks on both devices, gradients through the mask.
import { describe, expect, test } from 'vitest';
import * as nn from '../../src/index.js';
import { expectClose, randomData, uniformData } from '../helpers.js';
import { forwardBackward, leakFree } from '../vision.js';

const it = (name: string, body: () => Promise<void>) => test(name, () => leakFree(body));

describe('dropout', () => {
  for (const [n, rate, seed] of [[1, 0.5, 1], [7, 0.2, 2], [64, 0.9, 3], [1001, 0.4, 4], [65536, 0.2, 5], [131_071, 0.7, 6]] as const) {
    it(`GPU and CPU draw the same mask: n=${n} rate=${rate}`, async () => {
      const data = uniformData(n, n, 0.5, 2); // no zeros, so a zero output means dropped
      const g = await forwardBackward((x) => nn.dropout(x, rate, seed), data, [n], 'webgpu');
      const c = await forwardBackward((x) => nn.dropout(x, rate, seed), data, [n], 'cpu');
      expectClose(g.y, c.y, 1e-6, 1e-6, 'y');
      expectClose(g.dx, c.dx, 1e-6, 1e-6, 'dx');
      // The backward regenerates the forward's mask: dx is zero exactly where y is.
      expect(g.dx.map((v) => v === 0)).toEqual(g.y.map((v) => v === 0));
    });
  }

  it('Keras: keeps 1 - rate of the elements (binomial tolerance) and scales them by 1 / (1 - rate)', async () => {
    const n = 200_000;
    for (const rate of [0.2, 0.5]) {
      const x = nn.ones([n]);
      const y = nn.dropout(x, rate, 42);
      const v = await y.toArray();
      const kept = v.filter((e) => e !== 0);
      const p = 1 - rate, sigma = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(kept.length - n * p)).toBeLessThan(5 * sigma);
      for (const e of new Set(kept)) expect(e).toBeCloseTo(1 / (1 - rate), 6);
      // The mean is preserved in expectation (inverted scaling).
      expect(Math.abs(v.reduce((a, b) => a + b) / n - 1)).toBeLessThan(5 * sigma / (n * p));
      x.dispose();
      y.dispose();
    }
  });

  it('the same seed gives the same mask; another seed another; rate 0 is the identity', async () => {
    const x = nn.tensor(randomData(4096, 1), [64, 64]);
    const [a, b, c, z] = [nn.dropout(x, 0.5, 7), nn.dropout(x, 0.5, 7), nn.dropout(x, 0.5, 8), nn.dropout(x, 0, 9)];
    expect(await a.toArray()).toEqual(await b.toArray());
    expect(await a.toArray()).not.toEqual(await c.toArray());
    expect(await z.toArray()).toEqual(await x.toArray());
    for (const t of [x, a, b, c, z]) t.dispose();
  });

  it('bad rates and seeds name the op', async () => {
    const x = nn.zeros([3, 2]);
    expect(() => nn.dropout(x, 1, 0)).toThrow(/dropout: rate must be in \[0, 1\) but got 1 \(input 'x' \[3, 2\]\)/);
    expect(() => nn.dropout(x, -0.1, 0)).toThrow(/dropout: rate must be in \[0, 1\)/);
    expect(() => nn.dropout(x, NaN, 0)).toThrow(/dropout: rate must be in \[0, 1\)/);
    expect(() => nn.dropout(x, 0.5, Infinity)).toThrow(/dropout: seed must be a finite number/);
    x.dispose();
  });
});
