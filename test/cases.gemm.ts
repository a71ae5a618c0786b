// Gradient cases of the GEMM-shaped ops (matmul, dense, convolutions), spread into gradCases in cases.ts.
import * as nn from '../src/index.js';
import type { GradCase } from './cases.js';

type GemmOp = 'matmul' | 'dense' | 'denseBias';

// GPU sums run in f32 over K terms: looser than the elementwise default.
const gpuTol = { atol: 1e-4, rtol: 1e-3 };

const mm = (label: string, a: number[], b: number[], o: { transposeA?: boolean; transposeB?: boolean } = {}): GradCase => ({
  label: `matmul ${label}`, inputs: [{ shape: a }, { shape: b }], call: (x, y) => nn.matmul(x, y, o), gpuTol,
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
};
