// Depthwise conv2d kernels (forward, gradInput, gradFilter) vs the Float64 CPU twin and the naive GPU kernel:
// depth multipliers 1 and 2, strides 1/2, both paddings, dilation, channel counts not divisible by 4, the
// row-block (unit strides), segment-reuse (unit stride along W) and general paths, a large case, leaks and bad inputs.
import { describe, expect, it } from 'vitest';
import { depthwiseConv2d, depthwiseGradFilter, depthwiseGradInput, depthwiseNaive, rowBlockShape, type ConvOptions } from '../../src/kernels/depthwise.js';
import * as nn from '../../src/index.js';
import { expectClose, pair, randomData } from '../helpers.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const tol = (R: number): [number, number] => [1e-5 + 2e-6 * R, 1e-4];

interface Case {
  x: number[];
  w: number[];
  o?: ConvOptions;
}

async function check({ x: xs, w: ws, o = {} }: Case, withBias = false): Promise<void> {
  const before = nn.liveTensors();
  const x = pair(randomData(size(xs), 1), xs), w = pair(randomData(size(ws), 2), ws);
  const bias = withBias ? pair(randomData(ws[2]! * ws[3]!, 3), [ws[2]! * ws[3]!]) : null;
  const yg = depthwiseConv2d(x.gpu, w.gpu, bias?.gpu, o), yc = depthwiseConv2d(x.cpu, w.cpu, bias?.cpu, o);
  const what = `${JSON.stringify(xs)} * ${JSON.stringify(ws)} ${JSON.stringify(o)}`;
  expect(yg.shape, what).toEqual(yc.shape);
  expectClose(await yg.data(), await yc.data(), ...tol(ws[0]! * ws[1]!), `forward ${what}`);
  const dy = pair(randomData(yc.size, 4), yc.shape);
  const dxg = depthwiseGradInput(dy.gpu, w.gpu, xs, o), dxc = depthwiseGradInput(dy.cpu, w.cpu, xs, o);
  expectClose(await dxg.data(), await dxc.data(), ...tol(ws[0]! * ws[1]! * ws[3]!), `gradInput ${what}`);
  const dwg = depthwiseGradFilter(x.gpu, dy.gpu, ws, o), dwc = depthwiseGradFilter(x.cpu, dy.cpu, ws, o);
  expectClose(await dwg.data(), await dwc.data(), ...tol(yc.size / yc.shape[3]!), `gradFilter ${what}`);
  for (const t of [x.gpu, x.cpu, w.gpu, w.cpu, bias?.gpu, bias?.cpu, yg, yc, dy.gpu, dy.cpu, dxg, dxc, dwg, dwc]) t?.dispose();
  expect(nn.liveTensors()).toBe(before);
}

describe('depthwise kernels vs CPU twin', () => {
  it('depth multiplier 1: stride 1 and 2, both paddings, C = 4 and 3', async () => {
    for (const padding of ['same', 'valid'] as const) {
      for (const strides of [1, 2]) {
        await check({ x: [2, 8, 9, 4], w: [3, 3, 4, 1], o: { padding, strides } });
        await check({ x: [2, 7, 7, 3], w: [3, 3, 3, 1], o: { padding, strides } });
      }
    }
  });

  it('depth multiplier 2 and 3, odd sizes, asymmetric strides and filters', async () => {
    await check({ x: [2, 7, 9, 3], w: [3, 3, 3, 2], o: { padding: 'same', strides: 2 } });
    await check({ x: [1, 9, 8, 5], w: [2, 3, 5, 3], o: { padding: 'same' } });
    await check({ x: [1, 8, 8, 4], w: [3, 2, 4, 2], o: { padding: 'valid', strides: [2, 1] } });
  });

  it('size 1, dilation 2, 5x5 filters, filter as large as the input', async () => {
    await check({ x: [1, 1, 1, 1], w: [1, 1, 1, 1] });
    await check({ x: [1, 1, 1, 4], w: [3, 3, 4, 1], o: { padding: 'same' } });
    await check({ x: [2, 9, 9, 4], w: [3, 3, 4, 1], o: { padding: 'same', dilationRate: 2 } });
    await check({ x: [2, 11, 10, 8], w: [5, 5, 8, 1], o: { padding: 'same' } });
    await check({ x: [2, 5, 5, 4], w: [5, 5, 4, 2], o: { padding: 'valid' } });
  });

  it('large: 4x35x35x128, 3x3 same', async () => {
    await check({ x: [4, 35, 35, 128], w: [3, 3, 128, 1], o: { padding: 'same' } });
  });

  it('fused bias + activation', async () => {
    await check({ x: [2, 6, 7, 4], w: [3, 3, 4, 1], o: { padding: 'same', activation: 'relu' } }, true);
    await check({ x: [2, 6, 7, 3], w: [3, 3, 3, 2], o: { padding: 'valid', strides: 2, activation: 'tanh' } }, true);
    await check({ x: [2, 6, 7, 3], w: [3, 3, 3, 2], o: { padding: 'same', activation: 'tanh' } }, true); // row blocks, M = 2, OC % 4 != 0
  });

  it('row blocks at their limits: 5x5 and 5x1 / 1x5 filters, scalar x with OC % 4 == 0, an even filter taller than a block', async () => {
    await check({ x: [2, 10, 11, 4], w: [5, 5, 4, 1], o: { padding: 'same' } });
    await check({ x: [1, 9, 7, 4], w: [5, 1, 4, 1], o: { padding: 'same' } });
    await check({ x: [1, 7, 9, 4], w: [1, 5, 4, 1], o: { padding: 'valid' } });
    await check({ x: [1, 9, 8, 2], w: [3, 3, 2, 2], o: { padding: 'same' } });
    await check({ x: [1, 13, 6, 5], w: [6, 2, 5, 3], o: { padding: 'valid' } }); // 6 rows: past the row-block limit
    // Each block shape, with maps that end inside a block: 8x4 (9 rows x 16), 4x8 (16 x 9), 8x8 (19 x 21).
    await check({ x: [1, 9, 16, 4], w: [3, 3, 4, 1], o: { padding: 'same' } });
    await check({ x: [1, 16, 9, 4], w: [3, 3, 4, 1], o: { padding: 'same', activation: 'relu' } }, true);
    await check({ x: [2, 19, 21, 8], w: [3, 3, 8, 1], o: { padding: 'same' } });
  });

  it('row blocks: the fewest loads over the padded map picks the block (TW x TH)', () => {
    const shape = (OH: number, OW: number, k = 3): [number, number] => rowBlockShape({ OH, OW, KH: k, KW: k });
    expect(shape(35, 35)).toEqual([8, 8]);
    expect(shape(9, 9)).toEqual([4, 4]);
    expect(shape(9, 16)).toEqual([8, 4]);
    expect(shape(16, 9)).toEqual([4, 8]);
    expect(shape(1, 1)).toEqual([4, 4]);
  });
});

describe('depthwise vs the naive GPU kernel', () => {
  it('agrees on strided, padded, dilated and multiplier-2 shapes', async () => {
    const cases: Case[] = [
      { x: [4, 16, 16, 8], w: [3, 3, 8, 1], o: { padding: 'same' } },
      { x: [3, 13, 11, 3], w: [3, 3, 3, 2], o: { padding: 'same', strides: 2 } },
      { x: [2, 12, 12, 4], w: [5, 3, 4, 1], o: { padding: 'valid', dilationRate: 2 } },
    ];
    for (const { x: xs, w: ws, o } of cases) {
      const x = nn.tensor(randomData(size(xs), 5), xs), w = nn.tensor(randomData(size(ws), 6), ws);
      const y = depthwiseConv2d(x, w, undefined, o), r = depthwiseNaive(x, w, o);
      expectClose(await y.data(), await r.data(), ...tol(ws[0]! * ws[1]!), `naive ${JSON.stringify(xs)} ${JSON.stringify(o)}`);
      for (const t of [x, w, y, r]) t.dispose();
    }
  });

  it("Keras: 'same' with stride 2 on an even input pads only at the bottom/right", async () => {
    // H = W = 8, 3x3, stride 2: out 4, total pad 1, after. With ones, each output counts the in-bounds taps.
    const x = nn.ones([1, 8, 8, 1]), w = nn.ones([3, 3, 1, 1]);
    const y = depthwiseConv2d(x, w, undefined, { padding: 'same', strides: 2 });
    const v = await y.data();
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect([v[0], v[3], v[15]]).toEqual([9, 6, 4]);
    for (const t of [x, w, y]) t.dispose();
  });
});

describe('depthwise bad inputs', () => {
  it('names the op, the input and the shapes', () => {
    const x = nn.zeros([2, 5, 5, 3]), w = nn.zeros([3, 3, 4, 1]), w3 = nn.zeros([3, 3, 3, 2]), w2 = nn.zeros([3, 3, 3]);
    const xi = nn.full([2, 5, 5, 3], 1, { dtype: 'i32' }), bias = nn.zeros([3]);
    expect(() => depthwiseConv2d(x, w2, undefined)).toThrow("depthwiseConv2d: filter 'w' must be rank 4 ([KH, KW, C, M]) but got [3, 3, 3]");
    expect(() => depthwiseConv2d(x, w, undefined)).toThrow("depthwiseConv2d: input 'x' [2, 5, 5, 3] has 3 channels but filter 'w' [3, 3, 4, 1] expects 4");
    expect(() => depthwiseConv2d(xi, w3, undefined)).toThrow("depthwiseConv2d: input 'x' must be f32 but got i32");
    expect(() => depthwiseConv2d(x, w3, bias)).toThrow('depthwiseConv2d: bias must have shape [6] but got [3]');
    for (const t of [x, w, w3, w2, xi, bias]) t.dispose();
  });
});
