// Conv2d implicit-GEMM kernels (forward, gradInput, gradFilter) vs the Float64 CPU twin and the naive GPU kernel:
// strides 1/2, both paddings (Keras's asymmetric 'same'), dilation, channel counts not divisible by 4, the 1x1
// matmul path, the fused epilogue, a large case, leaks and bad inputs.
import { describe, expect, it } from 'vitest';
import { activations, type Activation } from '../../src/kernels/activation.js';
import { conv2d } from '../../src/kernels/conv2d.js';
import { conv2dNaive } from '../../src/kernels/conv2d.naive.js';
import * as nn from '../../src/index.js';
import { expectClose, randomData } from '../helpers.js';
import { checkConv, size, tol, type ConvCase } from './gemm-checks.js';

describe('conv2d kernels vs CPU twin', () => {
  it('stride 1 and 2, both paddings, aligned channels', async () => {
    for (const padding of ['same', 'valid'] as const) {
      for (const strides of [1, 2]) await checkConv({ x: [2, 8, 9, 4], w: [3, 3, 4, 8], o: { padding, strides } });
    }
  });

  it('channel counts not divisible by 4 (C = 1, 3, 5; K = 5, 6), odd sizes', async () => {
    await checkConv({ x: [2, 7, 9, 3], w: [3, 3, 3, 5], o: { padding: 'same', strides: 2 } });
    await checkConv({ x: [3, 11, 7, 1], w: [3, 3, 1, 6], o: { padding: 'valid' } });
    await checkConv({ x: [1, 9, 8, 5], w: [2, 3, 5, 4], o: { padding: 'same' } });
  });

  it('size 1, asymmetric strides and filters, dilation 2, filter as large as the input', async () => {
    await checkConv({ x: [1, 1, 1, 1], w: [1, 1, 1, 1] });
    await checkConv({ x: [1, 1, 1, 4], w: [3, 3, 4, 4], o: { padding: 'same' } });
    await checkConv({ x: [1, 8, 8, 8], w: [3, 2, 8, 4], o: { padding: 'valid', strides: [2, 1] } });
    await checkConv({ x: [2, 9, 9, 4], w: [3, 3, 4, 4], o: { padding: 'same', dilationRate: 2 } });
    await checkConv({ x: [2, 10, 9, 3], w: [3, 2, 3, 4], o: { padding: 'valid', dilationRate: [2, 3], strides: 2 } });
    await checkConv({ x: [2, 5, 5, 4], w: [5, 5, 4, 8], o: { padding: 'valid' } });
  });

  it('1x1 convs: stride 1 runs as a matmul, stride 2 as an implicit GEMM', async () => {
    await checkConv({ x: [2, 6, 5, 4], w: [1, 1, 4, 8], o: { padding: 'same' } });
    await checkConv({ x: [2, 6, 5, 3], w: [1, 1, 3, 5], o: { padding: 'valid' } });
    await checkConv({ x: [2, 6, 5, 4], w: [1, 1, 4, 8], o: { padding: 'same', strides: 2 } });
  });

  it('large: 16x32x32x32 -> 64, 3x3 same', async () => {
    await checkConv({ x: [16, 32, 32, 32], w: [3, 3, 32, 64], o: { padding: 'same' } });
  });

  it('fused epilogue: + bias then each activation', async () => {
    for (const act of Object.keys(activations) as Activation[]) {
      await checkConv({ x: [2, 6, 7, 4], w: [3, 3, 4, 8], o: { padding: 'same', activation: act } }, true);
    }
    await checkConv({ x: [2, 6, 7, 3], w: [3, 3, 3, 6], o: { padding: 'valid', activation: 'relu', strides: 2 } }, true);
    await checkConv({ x: [2, 6, 7, 4], w: [1, 1, 4, 8], o: { activation: 'tanh' } }, true);
  });
});

describe('conv2d vs the naive GPU kernel', () => {
  it('agrees on strided, padded, dilated and unaligned shapes', async () => {
    const cases: ConvCase[] = [
      { x: [4, 16, 16, 8], w: [3, 3, 8, 16], o: { padding: 'same' } },
      { x: [3, 13, 11, 3], w: [3, 3, 3, 7], o: { padding: 'same', strides: 2 } },
      { x: [2, 12, 12, 4], w: [5, 3, 4, 4], o: { padding: 'valid', dilationRate: 2 } },
    ];
    for (const { x: xs, w: ws, o } of cases) {
      const x = nn.tensor(randomData(size(xs), 5), xs), w = nn.tensor(randomData(size(ws), 6), ws);
      const y = conv2d(x, w, undefined, o), r = conv2dNaive(x, w, o);
      expectClose(await y.data(), await r.data(), ...tol(ws[0]! * ws[1]! * ws[2]!), `naive ${JSON.stringify(xs)} ${JSON.stringify(o)}`);
      for (const t of [x, w, y, r]) t.dispose();
    }
  });
});

describe('conv2d padding semantics', () => {
  // With x and w all ones, each output counts the taps that land inside the image.
  async function taps(H: number, padding: 'same' | 'valid'): Promise<{ shape: readonly number[]; v: number[] }> {
    const x = nn.ones([1, H, H, 1]), w = nn.ones([3, 3, 1, 1]);
    const y = conv2d(x, w, undefined, { padding, strides: 2 });
    const out = { shape: y.shape, v: Array.from(await y.data()) };
    for (const t of [x, w, y]) t.dispose();
    return out;
  }

  it("Keras: 'same' with stride 2 pads the odd extra row/column at the bottom/right", async () => {
    // H = 8: out 4, total pad 1, all of it after: the first window is fully inside, the last one hangs off.
    const even = await taps(8, 'same');
    expect(even.shape).toEqual([1, 4, 4, 1]);
    expect(even.v[0]).toBe(9);
    expect(even.v[15]).toBe(4);
    // H = 7: out 4, total pad 2, one each side.
    const odd = await taps(7, 'same');
    expect(odd.shape).toEqual([1, 4, 4, 1]);
    expect(odd.v[0]).toBe(4);
    expect(odd.v[15]).toBe(4);
    expect(odd.v[5]).toBe(9);
  });

  it("Keras: 'valid' with stride 2 drops the incomplete last window", async () => {
    expect((await taps(8, 'valid')).shape).toEqual([1, 3, 3, 1]);
    expect((await taps(7, 'valid')).shape).toEqual([1, 3, 3, 1]);
  });
});

describe('conv2d bad inputs', () => {
  it('names the op, the input and the shapes', () => {
    const x = nn.zeros([2, 5, 5, 3]), w = nn.zeros([3, 3, 4, 8]), w3 = nn.zeros([3, 3, 3, 8]), x3 = nn.zeros([5, 5, 3]);
    const xi = nn.full([2, 5, 5, 3], 1, { dtype: 'i32' }), bias = nn.zeros([7]);
    expect(() => conv2d(x3, w3, undefined)).toThrow("conv2d: input 'x' must be rank 4 (NHWC) but got [5, 5, 3]");
    expect(() => conv2d(x, w, undefined)).toThrow("conv2d: input 'x' [2, 5, 5, 3] has 3 channels but filter 'w' [3, 3, 4, 8] expects 4");
    expect(() => conv2d(xi, w3, undefined)).toThrow("conv2d: input 'x' must be f32 but got i32 [2, 5, 5, 3]");
    expect(() => conv2d(x, w3, bias)).toThrow('conv2d: bias must have shape [8] but got [7]');
    expect(() => conv2d(x, w3, undefined, { strides: 0 })).toThrow('conv2d: strides must be a positive integer');
    expect(() => conv2d(x, w3, undefined, { padding: 'full' as 'same' })).toThrow("conv2d: padding must be 'valid' or 'same'");
    for (const t of [x, w, w3, x3, xi, bias]) t.dispose();
  });
});
