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
  ...gemmCases,
};
