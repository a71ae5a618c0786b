// Batch normalisation ops over the last axis. Training mode normalises with the batch statistics and hands them to
// the caller as aux outputs (for the layer's moving averages); inference mode uses given (moving) statistics and
// is what a frozen layer runs. Both backward rules share one per-channel reduction among the inputs that need it.

import { checkActivation, type Activation } from '../../kernels/activation.js';
import {
  BATCH_NORM_DEFAULTS, batchNormApply, batchNormGradInput, batchNormGradSums, batchNormStats, channelRows, checkChannelVectors,
  type FusedActivation,
} from '../../kernels/batchnorm.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp, memo, type Meta } from '../op.js';

export interface BatchNormAttrs {
  /** Added to the variance; Keras's default 1e-3. */
  epsilon?: number;
  /**
   * An activation applied in the same pass (default 'linear'): a model runs BatchNormalization -> Activation('relu')
   * as one op. The backward takes its derivative from the saved output.
   */
  activation?: Activation;
}

function activationOf(op: string, a: BatchNormAttrs): Activation {
  const act = a.activation ?? 'linear';
  checkActivation(op, act);
  return act;
}

/** The fused activation and the op's output, for the backward kernels (null when there is none). */
const fusedOf = (act: Activation, y: Tensor | undefined): FusedActivation | null => (act === 'linear' || !y ? null : { act, y });

/**
 * The output, kept for the backward only behind a fused activation (its derivative is read from it); without one
 * nothing is kept, so a plain BatchNormalization before a residual Add holds no extra tensor.
 */
// NOTE: the key is optional at run time though the type lists it; fusedOf checks for it.
const savedOutput = (act: Activation, y: Tensor): { out: Tensor } => (act === 'linear' ? {} : { out: y.view(y.shape) }) as { out: Tensor };

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
  activationOf(op, a);
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
    const act = activationOf('batchNorm', a);
    const y = batchNormApply(x, mean, variance, gamma, beta, epsilonOf('batchNorm', a), act);
    return { y, saved: { mean: mean.view(mean.shape), variance: variance.view(variance.shape), ...savedOutput(act, y) }, aux: { mean, variance } };
  },
  save: ['x', 'gamma'],
  backward: ({ saved, attrs }, dy) => {
    const eps = epsilonOf('batchNorm', attrs);
    const { x, gamma, mean, variance } = saved;
    const fused = fusedOf(activationOf('batchNorm', attrs), saved.out);
    const sums = memo(() => batchNormGradSums(x, dy, mean, variance, gamma, eps, false, fused));
    return {
      x: () => batchNormGradInput(x, dy, mean, variance, gamma, eps, sums(), fused),
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
  forward: ({ x, gamma, beta, movingMean, movingVariance }, a) => {
    const act = activationOf('batchNormInference', a);
    const y = batchNormApply(x, movingMean, movingVariance, gamma, beta, epsilonOf('batchNormInference', a), act);
    return { y, saved: savedOutput(act, y) };
  },
  save: ['x', 'gamma', 'movingMean', 'movingVariance'],
  backward: ({ saved, attrs, needs }, dy) => {
    const eps = epsilonOf('batchNormInference', attrs);
    const { x, gamma, movingMean: mean, movingVariance: variance } = saved;
    const fused = fusedOf(activationOf('batchNormInference', attrs), saved.out);
    const withStats = needs.movingMean || needs.movingVariance;
    const sums = memo(() => batchNormGradSums(x, dy, mean, variance, gamma, eps, withStats, fused));
    return {
      x: () => batchNormGradInput(x, dy, mean, variance, gamma, eps, null, fused),
      gamma: () => share(sums().dgamma),
      beta: () => share(sums().dbeta),
      movingMean: () => share(sums().dmean),
      movingVariance: () => share(sums().dvar),
    };
  },
});
