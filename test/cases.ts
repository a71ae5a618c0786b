// One entry per registered op: the inputs its gradient is checked at (domains chosen away from kinks, ties and
// invalid regions) and how it is called. Typed over OpName, so an op without an entry fails the type check, and
// test/autograd/gradcheck.test.ts fails at run time for the same reason.
import * as nn from '../src/index.js';
import type { OpName } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { gemmCases } from './cases.gemm.js';

export interface InputSpec {
  shape: number[];
  /** Uniform range of the values; default [-2, 2]. */
  range?: [number, number];
  /** Exact values instead of random ones. */
  values?: number[];
  dtype?: 'f32' | 'i32';
  /** Not a differentiable input (indices, labels). */
  constant?: boolean;
}

export interface GradCase {
  label: string;
  inputs: InputSpec[];
  call: (...xs: Tensor[]) => Tensor;
  /** Looser tolerances for ops whose GPU f32 result carries more rounding. */
  gpuTol?: { atol: number; rtol: number };
}

type Cases = { [K in OpName]: GradCase[] | 'not differentiable' };

const un = (name: string, range: [number, number] = [-2, 2]): GradCase[] => [
  { label: `${name} [3,5]`, inputs: [{ shape: [3, 5], range }], call: (x) => (nn as unknown as Record<string, (t: Tensor) => Tensor>)[name]!(x) },
  { label: `${name} [67]`, inputs: [{ shape: [67], range }], call: (x) => (nn as unknown as Record<string, (t: Tensor) => Tensor>)[name]!(x) },
];

const bin = (name: string, rangeA: [number, number] = [-2, 2], rangeB: [number, number] = [-2, 2]): GradCase[] => {
  const f = (a: Tensor, b: Tensor): Tensor => (nn as unknown as Record<string, (p: Tensor, q: Tensor) => Tensor>)[name]!(a, b);
  return [
    { label: `${name} same shape`, inputs: [{ shape: [4, 3], range: rangeA }, { shape: [4, 3], range: rangeB }], call: f },
    { label: `${name} broadcast`, inputs: [{ shape: [2, 3, 4], range: rangeA }, { shape: [3, 1], range: rangeB }], call: f },
  ];
};

export const gradCases: Cases = {
  neg: un('neg'),
  abs: un('abs'),
  square: un('square'),
  sqrt: un('sqrt', [0.2, 3]),
  rsqrt: un('rsqrt', [0.2, 3]),
  exp: un('exp'),
  log: un('log', [0.2, 3]),
  reciprocal: un('reciprocal', [0.5, 3]),
  relu: un('relu'),
  relu6: un('relu6', [-3, 9]),
  sigmoid: un('sigmoid', [-4, 4]),
  tanh: un('tanh'),
  softplus: un('softplus', [-4, 4]),
  elu: un('elu'),
  sin: un('sin'),
  cos: un('cos'),
  sign: 'not differentiable',
  floor: 'not differentiable',
  round: 'not differentiable',
  isNaN: 'not differentiable',
  isFinite: 'not differentiable',
  add: bin('add'),
  sub: bin('sub'),
  mul: bin('mul'),
  div: bin('div', [-2, 2], [0.5, 2]),
  pow: bin('pow', [0.5, 2], [-2, 2]),
  maximum: bin('maximum'),
  minimum: bin('minimum'),
  equal: 'not differentiable',
  notEqual: 'not differentiable',
  less: 'not differentiable',
  lessEqual: 'not differentiable',
  greater: 'not differentiable',
  greaterEqual: 'not differentiable',
  scalar: [
    { label: 'x + 2', inputs: [{ shape: [5] }], call: (x) => nn.add(x, 2) },
    { label: '2 - x', inputs: [{ shape: [5] }], call: (x) => nn.sub(2, x) },
    { label: 'x * -3', inputs: [{ shape: [5] }], call: (x) => nn.mul(x, -3) },
    { label: 'x / 4', inputs: [{ shape: [5] }], call: (x) => nn.div(x, 4) },
    { label: '3 / x', inputs: [{ shape: [5], range: [0.5, 2] }], call: (x) => nn.div(3, x) },
    { label: 'x ^ 3', inputs: [{ shape: [5] }], call: (x) => nn.pow(x, 3) },
    { label: '2 ^ x', inputs: [{ shape: [5] }], call: (x) => nn.pow(2, x) },
    { label: 'max(x, 0.5)', inputs: [{ shape: [9] }], call: (x) => nn.maximum(x, 0.5) },
    { label: 'min(x, 0.5)', inputs: [{ shape: [9] }], call: (x) => nn.minimum(x, 0.5) },
  ],
  sum: [
    { label: 'sum all', inputs: [{ shape: [3, 4] }], call: (x) => nn.sum(x) },
    { label: 'sum axis 1 keepDims', inputs: [{ shape: [2, 3, 4] }], call: (x) => nn.sum(x, 1, true) },
    { label: 'sum axes [0, 2]', inputs: [{ shape: [2, 3, 4] }], call: (x) => nn.sum(x, [0, 2]) },
  ],
  mean: [
    { label: 'mean all', inputs: [{ shape: [3, 4] }], call: (x) => nn.mean(x) },
    { label: 'mean axis -1', inputs: [{ shape: [2, 3, 4] }], call: (x) => nn.mean(x, -1) },
  ],
  max: [{ label: 'max axis 1', inputs: [{ shape: [4, 6] }], call: (x) => nn.max(x, 1) }],
  min: [{ label: 'min axes [0,1]', inputs: [{ shape: [3, 4, 2] }], call: (x) => nn.min(x, [0, 1]) }],
  argmax: 'not differentiable',
  argmin: 'not differentiable',
  reshape: [{ label: 'reshape [2,6] -> [3,-1]', inputs: [{ shape: [2, 6] }], call: (x) => nn.reshape(x, [3, -1]) }],
  broadcastTo: [{ label: 'broadcast [3,1] -> [2,3,4]', inputs: [{ shape: [3, 1] }], call: (x) => nn.broadcastTo(x, [2, 3, 4]) }],
  expandDims: [{ label: 'expandDims [3,4] axis -2', inputs: [{ shape: [3, 4] }], call: (x) => nn.expandDims(x, -2) }],
  squeeze: [{ label: 'squeeze [3,1,4,1] axis 1', inputs: [{ shape: [3, 1, 4, 1] }], call: (x) => nn.squeeze(x, 1) }],
  transpose: [
    { label: 'transpose [2,3,4] perm [2,0,1]', inputs: [{ shape: [2, 3, 4] }], call: (x) => nn.transpose(x, [2, 0, 1]) },
    { label: 'transpose [3,5] default perm', inputs: [{ shape: [3, 5] }], call: (x) => nn.transpose(x) },
  ],
  slice: [
    { label: 'slice [4,5] begin [1,2] size [2,-1]', inputs: [{ shape: [4, 5] }], call: (x) => nn.slice(x, [1, 2], [2, -1]) },
    { label: 'slice [2,3,4] middle', inputs: [{ shape: [2, 3, 4] }], call: (x) => nn.slice(x, [1, 1, 0], [1, 2, 3]) },
  ],
  pad: [{ label: 'pad [2,3] [[1,0],[2,1]] value 0.5', inputs: [{ shape: [2, 3] }], call: (x) => nn.pad(x, [[1, 0], [2, 1]], 0.5) }],
  concat: [
    { label: 'concat 3 inputs axis 1', inputs: [{ shape: [2, 3] }, { shape: [2, 1] }, { shape: [2, 2] }], call: (a, b, c) => nn.concat([a!, b!, c!], 1) },
    { label: 'concat 2 inputs axis -3', inputs: [{ shape: [1, 2, 3] }, { shape: [2, 2, 3] }], call: (a, b) => nn.concat([a!, b!], -3) },
  ],
  gather: [
    {
      label: 'gather axis 0 with repeated indices',
      inputs: [{ shape: [5, 3] }, { shape: [6], dtype: 'i32', values: [4, 0, 4, 2, 4, 1], constant: true }],
      call: (x, i) => nn.gather(x, i!, 0),
    },
    {
      label: 'gather axis 1 with [2,2] indices',
      inputs: [{ shape: [2, 4, 3] }, { shape: [2, 2], dtype: 'i32', values: [3, 3, 0, 2], constant: true }],
      call: (x, i) => nn.gather(x, i!, 1),
    },
  ],
  oneHot: 'not differentiable',
  where: [
    {
      label: 'where cond [2,3], a [2,3], b [3]',
      inputs: [{ shape: [2, 3], values: [1, 0, -2, 0, NaN, 0], constant: true }, { shape: [2, 3] }, { shape: [3] }],
      call: (c, a, b) => nn.where(c, a!, b!),
    },
    {
      label: 'where cond [2,1], a [1,3], b [2,3]',
      inputs: [{ shape: [2, 1], values: [0, 1], constant: true }, { shape: [1, 3] }, { shape: [2, 3] }],
      call: (c, a, b) => nn.where(c, a!, b!),
    },
  ],
  softmax: [
    { label: 'softmax [3,5]', inputs: [{ shape: [3, 5], range: [-3, 3] }], call: (x) => nn.softmax(x) },
    { label: 'softmax [2,3,7]', inputs: [{ shape: [2, 3, 7], range: [-3, 3] }], call: (x) => nn.softmax(x) },
    { label: 'softmax [2,3,4] axis 1', inputs: [{ shape: [2, 3, 4], range: [-3, 3] }], call: (x) => nn.softmax(x, 1) },
  ],
  logSoftmax: [
    { label: 'logSoftmax [3,5]', inputs: [{ shape: [3, 5], range: [-3, 3] }], call: (x) => nn.logSoftmax(x) },
    { label: 'logSoftmax [2,3,7]', inputs: [{ shape: [2, 3, 7], range: [-3, 3] }], call: (x) => nn.logSoftmax(x) },
    { label: 'logSoftmax [3,4] axis 0', inputs: [{ shape: [3, 4], range: [-3, 3] }], call: (x) => nn.logSoftmax(x, 0) },
  ],
  sparseCategoricalCrossentropy: [
    {
      label: 'sparse CE from logits, labels [4]',
      inputs: [{ shape: [4], dtype: 'i32', values: [0, 2, 1, 4], constant: true }, { shape: [4, 5], range: [-3, 3] }],
      call: (l, p) => nn.sparseCategoricalCrossentropy(l, p!, { fromLogits: true }),
    },
    {
      label: 'sparse CE from sigmoid-like probabilities, labels [3,1]',
      inputs: [{ shape: [3, 1], dtype: 'i32', values: [2, 0, 3], constant: true }, { shape: [3, 4], range: [0.05, 0.95] }],
      call: (l, p) => nn.sparseCategoricalCrossentropy(l, p!),
    },
    {
      // 1.2 and the negative values sit in the clipped region, where the gradient is zero.
      label: 'sparse CE from probabilities with clipped entries',
      inputs: [
        { shape: [2], dtype: 'i32', values: [1, 2], constant: true },
        { shape: [2, 4], values: [0.3, 1.2, -0.2, 0.6, 0.25, 0.4, 0.7, -0.01] },
      ],
      call: (l, p) => nn.sparseCategoricalCrossentropy(l, p!),
    },
  ],
  categoricalCrossentropy: [
    {
      label: 'CE from logits (pred and target gradients)',
      inputs: [{ shape: [3, 5], range: [0, 1] }, { shape: [3, 5], range: [-3, 3] }],
      call: (t, p) => nn.categoricalCrossentropy(t, p!, { fromLogits: true }),
    },
    {
      label: 'CE from probabilities (renormalised)',
      inputs: [{ shape: [3, 4], range: [0, 1] }, { shape: [3, 4], range: [0.05, 0.95] }],
      call: (t, p) => nn.categoricalCrossentropy(t, p!),
    },
    {
      label: 'CE from probabilities with clipped entries',
      inputs: [{ shape: [2, 3], values: [0.2, 0.5, 0.3, 1, 0, 0] }, { shape: [2, 3], values: [0.5, -0.01, 0.5, 0.2, 0.9, 0.3] }],
      call: (t, p) => nn.categoricalCrossentropy(t, p!),
    },
  ],
  // vision (pooling, batch norm, dropout, padding, resizing)
  maxPool2d: [
    { label: 'maxPool2d 3x3 s1 same [2,5,5,3]', inputs: [{ shape: [2, 5, 5, 3] }], call: (x) => nn.maxPool2d(x, { poolSize: 3, strides: 1, padding: 'same' }) },
    { label: 'maxPool2d 2x2 s2 valid [1,5,7,3]', inputs: [{ shape: [1, 5, 7, 3] }], call: (x) => nn.maxPool2d(x, { poolSize: 2 }) },
    { label: 'maxPool2d 3x3 s2 same [1,7,5,4] (vec4)', inputs: [{ shape: [1, 7, 5, 4] }], call: (x) => nn.maxPool2d(x, { poolSize: 3, strides: 2, padding: 'same' }) },
    { label: 'maxPool2d [2,3] s[1,2] valid [2,4,5,2]', inputs: [{ shape: [2, 4, 5, 2] }], call: (x) => nn.maxPool2d(x, { poolSize: [2, 3], strides: [1, 2] }) },
  ],
  avgPool2d: [
    { label: 'avgPool2d 3x3 s1 same [1,5,5,3]', inputs: [{ shape: [1, 5, 5, 3] }], call: (x) => nn.avgPool2d(x, { poolSize: 3, strides: 1, padding: 'same' }) },
    { label: 'avgPool2d 2x2 s2 same [1,5,7,4] (vec4)', inputs: [{ shape: [1, 5, 7, 4] }], call: (x) => nn.avgPool2d(x, { poolSize: 2, padding: 'same' }) },
    { label: 'avgPool2d 3x3 s2 valid [2,7,7,1]', inputs: [{ shape: [2, 7, 7, 1] }], call: (x) => nn.avgPool2d(x, { poolSize: 3, strides: 2 }) },
  ],
  batchNorm: [
    {
      label: 'batchNorm [6,5] (dense)', inputs: [{ shape: [6, 5] }, { shape: [5], range: [0.5, 2] }, { shape: [5] }],
      call: (x, g, b) => nn.batchNorm(x, g, b),
    },
    {
      label: 'batchNorm [2,3,3,4] (vec4, eps 1e-2)', inputs: [{ shape: [2, 3, 3, 4], range: [1, 4] }, { shape: [4], range: [0.5, 2] }, { shape: [4] }],
      call: (x, g, b) => nn.batchNorm(x, g, b, { epsilon: 1e-2 }),
    },
    {
      label: 'batchNorm [3,2,5,3] x only', inputs: [{ shape: [3, 2, 5, 3] }, { shape: [3], range: [0.5, 2], constant: true }, { shape: [3], constant: true }],
      call: (x, g, b) => nn.batchNorm(x, g, b),
    },
    // A fused activation (smooth ones here: finite differences across relu's kink are unreliable; relu is pinned
    // against its CPU twin and against the unfused layers in test/kernels/batchnorm.test.ts).
    {
      label: 'batchNorm [4,3,8] + tanh (vec4)', inputs: [{ shape: [4, 3, 8] }, { shape: [8], range: [0.5, 2] }, { shape: [8] }],
      call: (x, g, b) => nn.batchNorm(x, g, b, { activation: 'tanh' }),
    },
    {
      label: 'batchNorm [6,5] + sigmoid', inputs: [{ shape: [6, 5] }, { shape: [5], range: [0.5, 2] }, { shape: [5] }],
      call: (x, g, b) => nn.batchNorm(x, g, b, { activation: 'sigmoid' }),
    },
  ],
  addActivation: [
    { label: 'addActivation tanh [3,5] (scalar)', inputs: [{ shape: [3, 5] }, { shape: [3, 5] }], call: (a, b) => nn.addActivation(a, b, 'tanh') },
    { label: 'addActivation sigmoid [2,4,4] (vec4)', inputs: [{ shape: [2, 4, 4] }, { shape: [2, 4, 4] }], call: (a, b) => nn.addActivation(a, b, 'sigmoid') },
  ],
  batchNormInference: [
    {
      label: 'batchNormInference [2,3,3,3] all inputs',
      inputs: [{ shape: [2, 3, 3, 3] }, { shape: [3], range: [0.5, 2] }, { shape: [3] }, { shape: [3] }, { shape: [3], range: [0.5, 2] }],
      call: (x, g, b, m, v) => nn.batchNormInference(x, g, b, m, v),
    },
    {
      label: 'batchNormInference [5,8] frozen statistics',
      inputs: [{ shape: [5, 8] }, { shape: [8], range: [0.5, 2] }, { shape: [8] }, { shape: [8], constant: true }, { shape: [8], range: [0.5, 2], constant: true }],
      call: (x, g, b, m, v) => nn.batchNormInference(x, g, b, m, v),
    },
    {
      label: 'batchNormInference [3,4,4] + tanh, all inputs (vec4)',
      inputs: [{ shape: [3, 4, 4] }, { shape: [4], range: [0.5, 2] }, { shape: [4] }, { shape: [4] }, { shape: [4], range: [0.5, 2] }],
      call: (x, g, b, m, v) => nn.batchNormInference(x, g, b, m, v, { activation: 'tanh' }),
    },
  ],
  dropout: [
    { label: 'dropout 0.3 seed 5 [4,7]', inputs: [{ shape: [4, 7] }], call: (x) => nn.dropout(x, 0.3, 5) },
    { label: 'dropout 0.5 seed 11 [2,3,3,4] (vec4)', inputs: [{ shape: [2, 3, 3, 4] }], call: (x) => nn.dropout(x, 0.5, 11) },
  ],
  zeroPad2d: [
    { label: 'zeroPad2d 1 [1,3,4,3]', inputs: [{ shape: [1, 3, 4, 3] }], call: (x) => nn.zeroPad2d(x, 1) },
    { label: 'zeroPad2d [[0,2],[1,0]] [2,3,3,4] (vec4)', inputs: [{ shape: [2, 3, 3, 4] }], call: (x) => nn.zeroPad2d(x, [[0, 2], [1, 0]]) },
  ],
  resizeBilinear: [
    { label: 'resize up [1,3,4,2] -> [7,5]', inputs: [{ shape: [1, 3, 4, 2] }], call: (x) => nn.resizeBilinear(x, [7, 5]) },
    { label: 'resize down [2,7,6,3] -> [3,4]', inputs: [{ shape: [2, 7, 6, 3] }], call: (x) => nn.resizeBilinear(x, [3, 4]) },
    { label: 'resize legacy, scaled [1,5,3,1] -> [2,7]', inputs: [{ shape: [1, 5, 3, 1] }], call: (x) => nn.resizeBilinear(x, [2, 7], { halfPixelCenters: false, scale: 0.5, offset: 1 }) },
  ],
  randomAffine: 'not differentiable',
  affineTransform: 'not differentiable',
  ...gemmCases,
};
