// Conv ops (conv2d, depthwiseConv2d), each in a plain and a fused-bias form. The forward fuses bias + activation;
// the backward takes the activation's derivative from the saved output once, then calls the gradient kernels:
// dx = transposed conv of dz with the same filters, dw = correlation of x with dz, db = sums of dz over N, H, W.

import { activationGrad, checkActivation, type Activation } from '../../kernels/activation.js';
import { conv2d, conv2dGradFilter, conv2dGradInput } from '../../kernels/conv2d.js';
import { convGeometry, type ConvShapeOptions } from '../../kernels/conv2d.geometry.js';
import { depthwiseConv2d, depthwiseGradFilter, depthwiseGradInput } from '../../kernels/depthwise.js';
import { reduce } from '../../kernels/reduce.js';
import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp, memo, type Meta } from '../op.js';

export interface ConvAttrs extends ConvShapeOptions {
  activation?: Activation;
}

function convShape(op: string, x: Meta, w: Meta, bias: Meta | null, o: ConvAttrs, depthwise: boolean): Meta {
  for (const [name, m] of Object.entries(bias ? { x, w, bias } : { x, w })) {
    if (m.dtype !== 'f32') throw new Error(`${op}: input '${name}' must be f32 but got ${m.dtype} ${fmtShape(m.shape)}`);
  }
  checkActivation(op, o.activation ?? 'linear');
  const g = convGeometry(op, x.shape, w.shape, o);
  const channels = depthwise ? g.C * g.K : g.K;
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== channels)) {
    throw new Error(`${op}: bias must have shape [${channels}] but got ${fmtShape(bias.shape)}`);
  }
  return { shape: [g.N, g.OH, g.OW, channels], dtype: 'f32' };
}

interface ConvKernels {
  forward: (x: Tensor, w: Tensor, bias: Tensor | undefined, o: ConvAttrs) => Tensor;
  gradInput: (dz: Tensor, w: Tensor, xShape: readonly number[], o: ConvAttrs) => Tensor;
  gradFilter: (x: Tensor, dz: Tensor, wShape: readonly number[], o: ConvAttrs) => Tensor;
}

/**
 * The plain and the fused-bias op of one convolution family. Two ops because an op's inputs are fixed; they share
 * the shape rule, the kernels and the gradients (dz = activation derivative from the saved output, computed once).
 */
function convOps(name: string, depthwise: boolean, k: ConvKernels) {
  const grads = (saved: Record<string, Tensor>, shapes: Record<string, readonly number[]>, dy: Tensor, o: ConvAttrs) => {
    const dz = memo(() => activationGrad(o.activation ?? 'linear', saved.y!, dy));
    return {
      x: () => k.gradInput(dz(), saved.w!, shapes.x!, o),
      w: () => k.gradFilter(saved.x!, dz(), shapes.w!, o),
      bias: () => reduce('sum', dz(), [0, 1, 2]),
    };
  };
  const plain = defineOp<'x' | 'w', ConvAttrs>({
    name,
    inputs: ['x', 'w'],
    shape: ({ x, w }, o) => convShape(name, x, w, null, o, depthwise),
    forward: ({ x, w }, o) => k.forward(x, w, undefined, o),
    save: ['x', 'w', 'y'],
    backward: ({ saved, shapes, attrs }, dy) => {
      const { x, w } = grads(saved, shapes, dy, attrs);
      return { x, w };
    },
  });
  const withBias = defineOp<'x' | 'w' | 'bias', ConvAttrs>({
    name: `${name}Bias`,
    inputs: ['x', 'w', 'bias'],
    shape: ({ x, w, bias }, o) => convShape(name, x, w, bias, o, depthwise),
    forward: ({ x, w, bias }, o) => k.forward(x, w, bias, o),
    save: ['x', 'w', 'y'],
    backward: ({ saved, shapes, attrs }, dy) => grads(saved, shapes, dy, attrs),
  });
  return [plain, withBias] as const;
}

export const [conv2dOp, conv2dBiasOp] = convOps('conv2d', false, { forward: conv2d, gradInput: conv2dGradInput, gradFilter: conv2dGradFilter });

export const [depthwiseConv2dOp, depthwiseConv2dBiasOp] = convOps('depthwiseConv2d', true, {
  forward: depthwiseConv2d, gradInput: depthwiseGradInput, gradFilter: depthwiseGradFilter,
});
