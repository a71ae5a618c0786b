// Public wrappers of the GEMM-shaped ops (matmul, Dense, convolutions), re-exported by api.ts. Signatures are what
// the nn layers call: keep them stable.

import type { Activation } from '../kernels/activation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ConvOptions } from '../kernels/conv2d.geometry.js';
import { conv2dBiasOp, conv2dOp, depthwiseConv2dBiasOp, depthwiseConv2dOp } from './ops/conv.js';
import { denseBiasOp, denseOp, matmulOp, type MatmulAttrs } from './ops/matmul.js';

export type { Activation } from '../kernels/activation.js';

/**
 * Matrix product op(a) @ op(b), op = transpose when the flag is set. a: [M, K] or [batch, M, K]; b: [K, N] or
 * [batch, K, N]; a 2-D operand is shared by every batch. Transposed operands are read in place (no copy).
 */
export const matmul = (a: Tensor, b: Tensor, opts: MatmulAttrs = {}): Tensor => matmulOp.apply({ a, b }, opts);

/**
 * Keras Dense: activation(x @ w + bias) in one kernel. x: [..., in]; w: [in, out]; bias: [out]. The backward pass
 * applies the activation's derivative from the saved output.
 */
export const dense = (x: Tensor, w: Tensor, bias?: Tensor, activation: Activation = 'linear'): Tensor =>
  bias ? denseBiasOp.apply({ x, w, bias }, { activation }) : denseOp.apply({ x, w }, { activation });

/** The conv family's options (strides, padding, dilationRate, activation) plus the bias added before the activation. */
export type Conv2dOptions = Omit<ConvOptions, 'tiles'> & {
  /** [K] for conv2d, [C * M] for depthwiseConv2d. */
  bias?: Tensor;
};

/**
 * Keras Conv2D: activation(conv(x, w) + bias), NHWC. x: [N, H, W, C]; w: [KH, KW, C, K] -> [N, OH, OW, K].
 * Bias and activation are fused into the conv's epilogue.
 */
export const conv2d = (x: Tensor, w: Tensor, opts: Conv2dOptions = {}): Tensor => {
  const { bias, ...attrs } = opts;
  return bias ? conv2dBiasOp.apply({ x, w, bias }, attrs) : conv2dOp.apply({ x, w }, attrs);
};

/**
 * Keras DepthwiseConv2D: each input channel convolved with its own M filters. x: [N, H, W, C]; w: [KH, KW, C, M]
 * -> [N, OH, OW, C * M], output channel c * M + m. SeparableConv2D = this, then a 1x1 conv2d.
 */
export const depthwiseConv2d = (x: Tensor, w: Tensor, opts: Conv2dOptions = {}): Tensor => {
  const { bias, ...attrs } = opts;
  return bias ? depthwiseConv2dBiasOp.apply({ x, w, bias }, attrs) : depthwiseConv2dOp.apply({ x, w }, attrs);
};
