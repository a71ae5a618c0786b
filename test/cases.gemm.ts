// Gradient cases of the GEMM-shaped ops (matmul, dense, convolutions), spread into gradCases in cases.ts.
import * as nn from '../src/index.js';
import type { GradCase } from './cases.js';

type GemmOp = 'matmul' | 'dense' | 'denseBias' | 'conv2d' | 'conv2dBias' | 'depthwiseConv2d' | 'depthwiseConv2dBias';

// GPU sums run in f32 over K terms: looser than the elementwise default.
const gpuTol = { atol: 1e-4, rtol: 1e-3 };

const mm = (label: string, a: number[], b: number[], o: { transposeA?: boolean; transposeB?: boolean } = {}): GradCase => ({
  label: `matmul ${label}`, inputs: [{ shape: a }, { shape: b }], call: (x, y) => nn.matmul(x, y, o), gpuTol,
});

type ConvOpts = Parameters<typeof nn.conv2d>[2];
const conv = (label: string, x: number[], w: number[], o: ConvOpts): GradCase => ({
  label: `conv2d ${label}`, inputs: [{ shape: x }, { shape: w }], call: (a, b) => nn.conv2d(a, b, o), gpuTol,
});

type DwOpts = Parameters<typeof nn.depthwiseConv2d>[2];
const dw = (label: string, x: number[], w: number[], o: DwOpts): GradCase => ({
  label: `depthwiseConv2d ${label}`, inputs: [{ shape: x }, { shape: w }], call: (a, b) => nn.depthwiseConv2d(a, b, o), gpuTol,
});

export const gemmCases: Record<GemmOp, GradCase[]> = {
  matmul: [
    mm('[3,4] x [4,5]', [3, 4], [4, 5]),
    mm('transposeA', [4, 3], [4, 5], { transposeA: true }),
    mm('transposeB', [3, 4], [5, 4], { transposeB: true }),
    mm('transposeA + transposeB', [4, 3], [5, 4], { transposeA: true, transposeB: true }),
    mm('odd sizes [7,9] x [9,6]', [7, 9], [9, 6]),
    mm('batched [2,3,4] x [2,4,5]', [2, 3, 4], [2, 4, 5]),
    mm('batched, shared right [2,3,4] x [4,5]', [2, 3, 4], [4, 5]),
    mm('batched, shared left [3,4] x [2,4,5]', [3, 4], [2, 4, 5]),
    mm('batched, shared right, both transposed', [2, 4, 3], [5, 4], { transposeA: true, transposeB: true }),
    mm('batched, shared left, transposeB', [3, 4], [2, 5, 4], { transposeB: true }),
    mm('rank 4 broadcast [2,1,3,4] x [3,4,2]', [2, 1, 3, 4], [3, 4, 2]),
    mm('rank 4, batch 1 vs 2, transposeB [1,2,3,4] x [2,1,5,4]', [1, 2, 3, 4], [2, 1, 5, 4], { transposeB: true }),
  ],
  dense: [
    { label: 'dense linear [5,7] x [7,3]', inputs: [{ shape: [5, 7] }, { shape: [7, 3] }], call: (x, w) => nn.dense(x, w), gpuTol },
    { label: 'dense relu, rank-3 input [2,3,6]', inputs: [{ shape: [2, 3, 6] }, { shape: [6, 4] }], call: (x, w) => nn.dense(x, w, undefined, 'relu'), gpuTol },
  ],
  denseBias: (['linear', 'relu', 'sigmoid', 'tanh'] as const).map((act) => ({
    label: `dense + bias, ${act} [5,7] x [7,3]`,
    inputs: [{ shape: [5, 7] }, { shape: [7, 3] }, { shape: [3] }],
    call: (x: nn.Tensor, w: nn.Tensor, b: nn.Tensor) => nn.dense(x, w, b, act),
    gpuTol,
  })),

  conv2d: [
    conv('3x3 same stride 1', [2, 5, 6, 4], [3, 3, 4, 4], { padding: 'same' }),
    conv('3x3 valid stride 2, C = 3, K = 5', [2, 7, 6, 3], [3, 3, 3, 5], { padding: 'valid', strides: 2 }),
    conv('3x3 same stride 2, odd input, C = 5', [1, 7, 7, 5], [3, 3, 5, 2], { padding: 'same', strides: 2 }),
    conv('2x3 same, dilation 2', [1, 7, 6, 2], [2, 3, 2, 3], { padding: 'same', dilationRate: 2 }),
    conv('1x1 (matmul path)', [2, 3, 4, 4], [1, 1, 4, 6], {}),
  ],
  conv2dBias: (['linear', 'relu', 'sigmoid', 'tanh'] as const).map((activation, i) => ({
    label: `conv2d + bias, ${activation}, ${i % 2 ? 'valid stride 2' : 'same stride 1'}`,
    inputs: [{ shape: [2, 6, 5, 3] }, { shape: [3, 3, 3, 4] }, { shape: [4] }],
    call: (x: nn.Tensor, w: nn.Tensor, b: nn.Tensor) =>
      nn.conv2d(x, w, { bias: b, activation, padding: i % 2 ? 'valid' : 'same', strides: i % 2 ? 2 : 1 }),
    gpuTol,
  })),

  depthwiseConv2d: [
    dw('3x3 same stride 1, C = 4', [2, 5, 6, 4], [3, 3, 4, 1], { padding: 'same' }),
    dw('3x3 valid stride 2, C = 3, depth multiplier 2', [2, 7, 6, 3], [3, 3, 3, 2], { padding: 'valid', strides: 2 }),
    dw('3x2 same stride 2, odd input, C = 5', [1, 7, 7, 5], [3, 2, 5, 1], { padding: 'same', strides: 2 }),
    dw('3x3 same, dilation 2, depth multiplier 2', [1, 7, 6, 2], [3, 3, 2, 2], { padding: 'same', dilationRate: 2 }),
  ],
  depthwiseConv2dBias: [
    {
      label: 'depthwise + bias, same stride 1, depth multiplier 2',
      inputs: [{ shape: [2, 5, 4, 3] }, { shape: [3, 3, 3, 2] }, { shape: [6] }],
      call: (x, w, b) => nn.depthwiseConv2d(x, w, { bias: b, padding: 'same' }),
      gpuTol,
    },
  ],
};
