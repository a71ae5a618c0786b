// zeroPad2d in every Keras ZeroPadding2D form, vs the CPU twin, with its gradient.
import { describe, expect, test } from 'vitest';
import * as nn from '../../src/index.js';
import { expectClose, randomData } from '../helpers.js';
import { forwardBackward, leakFree } from '../vision.js';

const it = (name: string, body: () => Promise<void>) => test(name, () => leakFree(body));

describe('zeroPad2d', () => {
  const cases: Array<[number[], nn.ZeroPadding]> = [
    [[1, 1, 1, 1], 1], [[2, 5, 3, 3], [2, 1]], [[1, 4, 6, 8], [[0, 3], [2, 1]]], [[3, 7, 7, 5], [[1, 0], [0, 2]]],
    [[2, 3, 3, 4], 0], [[8, 35, 35, 16], 1],
  ];
  for (const [shape, padding] of cases) {
    it(`GPU vs CPU twin ${JSON.stringify(shape)} pad ${JSON.stringify(padding)}`, async () => {
      const data = randomData(shape.reduce((a, b) => a * b, 1), shape[1]!);
      const g = await forwardBackward((x) => nn.zeroPad2d(x, padding), data, shape, 'webgpu');
      const c = await forwardBackward((x) => nn.zeroPad2d(x, padding), data, shape, 'cpu');
      expect(g.shape).toEqual(c.shape);
      expectClose(g.y, c.y, 0, 0, 'y');
      expectClose(g.dx, c.dx, 0, 0, 'dx');
    });
  }

  it('Keras: ZeroPadding2D forms and layout', async () => {
    const x = nn.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    const a = nn.zeroPad2d(x, [[1, 0], [0, 2]]);
    expect(a.shape).toEqual([1, 3, 4, 1]);
    expect(await a.toArray()).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
    const b = nn.zeroPad2d(x, [1, 0]);
    expect(b.shape).toEqual([1, 4, 2, 1]);
    expect(await b.toArray()).toEqual([0, 0, 1, 2, 3, 4, 0, 0]);
    const c = nn.zeroPad2d(x, 1);
    expect(c.shape).toEqual([1, 4, 4, 1]);
    expect(await c.toArray()).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
    for (const t of [x, a, b, c]) t.dispose();
  });

  it('the gradient is the crop of dy', async () => {
    const x = nn.zeros([1, 2, 2, 1]);
    x.requiresGrad = true;
    const y = nn.zeroPad2d(x, 1);
    const dy = nn.tensor(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    nn.backward(y, { dy });
    expect(await x.grad!.toArray()).toEqual([5, 6, 9, 10]);
    for (const t of [x, y, dy]) t.dispose();
  });

  it('bad inputs name the op and the shapes', async () => {
    const x = nn.zeros([2, 3]), x4 = nn.zeros([1, 2, 2, 1]);
    expect(() => nn.zeroPad2d(x, 1)).toThrow(/zeroPad2d: input 'x' must be rank 4 \(NHWC\) but got \[2, 3\]/);
    expect(() => nn.zeroPad2d(x4, -1)).toThrow(/zeroPad2d: padding must be non-negative integers/);
    expect(() => nn.zeroPad2d(x4, [1, 2, 3] as unknown as [number, number])).toThrow(/zeroPad2d: padding must be a number/);
    for (const t of [x, x4]) t.dispose();
  });
});
