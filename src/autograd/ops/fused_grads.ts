// The shared first step of every fused layer's backward (dense, conv2d, depthwise with bias + activation):
// dz = f'(y) * dy from the saved output, and the bias gradient, the sums of dz over every axis but the last.
// With a bias and a non-linear activation both come from one pass (activationBiasGrad), so dz is read once.

import { activationBiasGrad, activationGrad, type Activation } from '../../kernels/activation.js';
import { reduce } from '../../kernels/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';
import { memo } from '../op.js';

/** Thunks for dz (shaped like y) and the bias gradient; each made on first use and shared by the rule's thunks. */
export function fusedGrads(act: Activation, y: Tensor, dy: Tensor, hasBias: boolean): { dz: () => Tensor; bias: () => Tensor } {
  const leading = Array.from({ length: y.rank - 1 }, (_, i) => i);
  if (!hasBias || act === 'linear') {
    const dz = memo(() => activationGrad(act, y, dy));
    return { dz, bias: () => reduce('sum', dz(), leading) };
  }
  const both = memo(() => activationBiasGrad(act, y, dy));
  return { dz: () => both().dz, bias: () => both().db };
}
