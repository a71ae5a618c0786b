// Conv ops (conv2d, depthwiseConv2d), each in a plain and a fused-bias form. The forward fuses bias + activation;
// the backward takes the activation's derivative from the saved output once (with the bias sums in the same pass),
// then calls the gradient kernels: dx = transposed conv of dz with the same filters, dw = correlation of x with dz.

import { conv2d, conv2dGradFilter, conv2dGradInput } from '../../kernels/conv2d.js';
import { convRule, type ConvOptions } from '../../kernels/conv2d.geometry.js';
import { depthwiseConv2d, depthwiseGradFilter, depthwiseGradInput } from '../../kernels/depthwise.js';
import type { Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../op.js';
import { fusedGrads } from './fused_grads.js';

interface ConvKernels {
  forward: (x: Tensor, w: Tensor, bias: Tensor | undefined, o: ConvOptions) => Tensor;
  gradInput: (dz: Tensor, w: Tensor, xShape: readonly number[], o: ConvOptions) => Tensor;
  gradFilter: (x: Tensor, dz: Tensor, wShape: readonly number[], o: ConvOptions) => Tensor;
}

/**
 * The plain and the fused-bias op of one convolution family. Two ops because an op's inputs are fixed; they share
 * the shape rule, the kernels and the gradients (dz = activation derivative from the saved output, computed once).
 */
function convOps(name: string, depthwise: boolean, k: ConvKernels) {
  const grads = (saved: { x: Tensor; w: Tensor; y: Tensor }, shapes: { x: Shape; w: Shape }, dy: Tensor, o: ConvOptions, hasBias: boolean) => {
    const act = o.activation ?? 'linear';
    const { dz, bias } = fusedGrads(act, saved.y, dy, hasBias);
    return {
      x: () => k.gradInput(dz(), saved.w, shapes.x, o),
      w: () => k.gradFilter(saved.x, dz(), shapes.w, o),
      bias,
    };
  };
  const plain = defineOp({
    name,
    inputs: ['x', 'w'],
    shape: ({ x, w }, o: ConvOptions) => ({ shape: convRule(name, x, w, null, o, depthwise).shape, dtype: 'f32' }),
    forward: ({ x, w }, o) => k.forward(x, w, undefined, o),
    save: ['x', 'w', 'y'],
    backward: ({ saved, shapes, attrs }, dy) => {
      const { x, w } = grads(saved, shapes, dy, attrs, false);
      return { x, w };
    },
  });
  const withBias = defineOp({
    name: `${name}Bias`,
    inputs: ['x', 'w', 'bias'],
    shape: ({ x, w, bias }, o: ConvOptions) => ({ shape: convRule(name, x, w, bias, o, depthwise).shape, dtype: 'f32' }),
    forward: ({ x, w, bias }, o) => k.forward(x, w, bias, o),
    save: ['x', 'w', 'y'],
    backward: ({ saved, shapes, attrs }, dy) => grads(saved, shapes, dy, attrs, true),
  });
  return [plain, withBias] as const;
}

export const [conv2dOp, conv2dBiasOp] = convOps('conv2d', false, { forward: conv2d, gradInput: conv2dGradInput, gradFilter: conv2dGradFilter });

export const [depthwiseConv2dOp, depthwiseConv2dBiasOp] = convOps('depthwiseConv2d', true, {
  forward: depthwiseConv2d, gradInput: depthwiseGradInput, gradFilter: depthwiseGradFilter,
});
