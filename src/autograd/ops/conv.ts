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
import { defineOp, type Meta } from '../op.js';
import { sharedGrad } from './matmul.js';

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

const count = (needs: Record<string, boolean>): number => Object.values(needs).filter(Boolean).length;

function conv2dGrads(saved: Record<string, Tensor>, shapes: Record<string, readonly number[]>, dy: Tensor, o: ConvAttrs, uses: number) {
  const withDz = sharedGrad(() => activationGrad(o.activation ?? 'linear', saved.y!, dy), uses);
  return {
    x: () => withDz((dz) => conv2dGradInput(dz, saved.w!, shapes.x!, o)),
    w: () => withDz((dz) => conv2dGradFilter(saved.x!, dz, shapes.w!, o)),
    bias: () => withDz((dz) => reduce('sum', dz, [0, 1, 2])),
  };
}

export const conv2dOp = defineOp<'x' | 'w', ConvAttrs>({
  name: 'conv2d',
  inputs: ['x', 'w'],
  shape: ({ x, w }, o) => convShape('conv2d', x, w, null, o, false),
  forward: ({ x, w }, o) => conv2d(x, w, undefined, o),
  save: ['x', 'w', 'y'],
  backward: ({ saved, shapes, attrs, needs }, dy) => {
    const { x, w } = conv2dGrads(saved, shapes, dy, attrs, count(needs));
    return { x, w };
  },
});

export const conv2dBiasOp = defineOp<'x' | 'w' | 'bias', ConvAttrs>({
  name: 'conv2dBias',
  inputs: ['x', 'w', 'bias'],
  shape: ({ x, w, bias }, o) => convShape('conv2d', x, w, bias, o, false),
  forward: ({ x, w, bias }, o) => conv2d(x, w, bias, o),
  save: ['x', 'w', 'y'],
  backward: ({ saved, shapes, attrs, needs }, dy) => conv2dGrads(saved, shapes, dy, attrs, count(needs)),
});

function depthwiseGrads(saved: Record<string, Tensor>, shapes: Record<string, readonly number[]>, dy: Tensor, o: ConvAttrs, uses: number) {
  const withDz = sharedGrad(() => activationGrad(o.activation ?? 'linear', saved.y!, dy), uses);
  return {
    x: () => withDz((dz) => depthwiseGradInput(dz, saved.w!, shapes.x!, o)),
    w: () => withDz((dz) => depthwiseGradFilter(saved.x!, dz, shapes.w!, o)),
    bias: () => withDz((dz) => reduce('sum', dz, [0, 1, 2])),
  };
}

export const depthwiseConv2dOp = defineOp<'x' | 'w', ConvAttrs>({
  name: 'depthwiseConv2d',
  inputs: ['x', 'w'],
  shape: ({ x, w }, o) => convShape('depthwiseConv2d', x, w, null, o, true),
  forward: ({ x, w }, o) => depthwiseConv2d(x, w, undefined, o),
  save: ['x', 'w', 'y'],
  backward: ({ saved, shapes, attrs, needs }, dy) => {
    const { x, w } = depthwiseGrads(saved, shapes, dy, attrs, count(needs));
    return { x, w };
  },
});

export const depthwiseConv2dBiasOp = defineOp<'x' | 'w' | 'bias', ConvAttrs>({
  name: 'depthwiseConv2dBias',
  inputs: ['x', 'w', 'bias'],
  shape: ({ x, w, bias }, o) => convShape('depthwiseConv2d', x, w, bias, o, true),
  forward: ({ x, w, bias }, o) => depthwiseConv2d(x, w, bias, o),
  save: ['x', 'w', 'y'],
  backward: ({ saved, shapes, attrs, needs }, dy) => depthwiseGrads(saved, shapes, dy, attrs, count(needs)),
});
