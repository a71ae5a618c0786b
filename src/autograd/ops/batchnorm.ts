// Batch normalisation ops over the last axis. Training mode normalises with the batch statistics and hands them to
// the caller as aux outputs (for the layer's moving averages); inference mode uses given (moving) statistics and
// is what a frozen layer runs. Both backward rules share one per-channel reduction among the inputs that need it.

import {
  BATCH_NORM_DEFAULTS, batchNormApply, batchNormGradInput, batchNormGradSums, batchNormStats, channelRows, checkChannelVectors,
} from '../../kernels/batchnorm.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp, memo, type Meta } from '../op.js';

export interface BatchNormAttrs {
  /** Added to the variance; Keras's default 1e-3. */
  epsilon?: number;
}

function epsilonOf(op: string, a: BatchNormAttrs): number {
  const eps = a.epsilon ?? BATCH_NORM_DEFAULTS.epsilon;
  if (!(eps >= 0 && Number.isFinite(eps))) throw new Error(`${op}: epsilon must be a finite number >= 0 but got ${eps}`);
  return eps;
}

function bnMeta(op: string, x: Meta, vectors: Record<string, Meta>, a: BatchNormAttrs): Meta {
  for (const [name, m] of Object.entries({ x, ...vectors })) {
    if (m.dtype !== 'f32') throw new Error(`${op}: input '${name}' must be f32 but got ${m.dtype}`);
  }
  epsilonOf(op, a);
  const { C } = channelRows(x.shape, op);
  checkChannelVectors(op, C, x.shape, Object.fromEntries(Object.entries(vectors).map(([k, m]) => [k, m.shape])));
  return { shape: x.shape, dtype: 'f32' };
}

const share = (t: Tensor | undefined): Tensor => t!.view(t!.shape);

/** Training mode: batch mean and biased variance over every axis but the last; aux = { mean, variance }. */
export const batchNormOp = defineOp({
  name: 'batchNorm', inputs: ['x', 'gamma', 'beta'],
  shape: ({ x, gamma, beta }, a: BatchNormAttrs) => bnMeta('batchNorm', x, { gamma, beta }, a),
  forward: ({ x, gamma, beta }, a) => {
    const { mean, variance } = batchNormStats(x);
    const y = batchNormApply(x, mean, variance, gamma, beta, epsilonOf('batchNorm', a));
    return { y, saved: { mean: mean.view(mean.shape), variance: variance.view(variance.shape) }, aux: { mean, variance } };
  },
  save: ['x', 'gamma'],
  backward: ({ saved, attrs }, dy) => {
    const eps = epsilonOf('batchNorm', attrs);
    const { x, gamma, mean, variance } = saved;
    const sums = memo(() => batchNormGradSums(x, dy, mean, variance, gamma, eps, false));
    return {
      x: () => batchNormGradInput(x, dy, mean, variance, gamma, eps, sums()),
      gamma: () => share(sums().dgamma),
      beta: () => share(sums().dbeta),
    };
  },
});

/** Inference mode: normalises with the given (moving) statistics; its gradient is the plain affine one. */
export const batchNormInferenceOp = defineOp({
  name: 'batchNormInference', inputs: ['x', 'gamma', 'beta', 'movingMean', 'movingVariance'],
  shape: ({ x, gamma, beta, movingMean, movingVariance }, a: BatchNormAttrs) =>
    bnMeta('batchNormInference', x, { gamma, beta, movingMean, movingVariance }, a),
  forward: ({ x, gamma, beta, movingMean, movingVariance }, a) =>
    batchNormApply(x, movingMean, movingVariance, gamma, beta, epsilonOf('batchNormInference', a)),
  save: ['x', 'gamma', 'movingMean', 'movingVariance'],
  backward: ({ saved, attrs, needs }, dy) => {
    const eps = epsilonOf('batchNormInference', attrs);
    const { x, gamma, movingMean: mean, movingVariance: variance } = saved;
    const withStats = needs.movingMean || needs.movingVariance;
    const sums = memo(() => batchNormGradSums(x, dy, mean, variance, gamma, eps, withStats));
    return {
      x: () => batchNormGradInput(x, dy, mean, variance, gamma, eps, null),
      gamma: () => share(sums().dgamma),
      beta: () => share(sums().dbeta),
      movingMean: () => share(sums().dmean),
      movingVariance: () => share(sums().dvar),
    };
  },
});
