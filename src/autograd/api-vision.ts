// Public functional API of the vision ops (pooling, batch norm, dropout, padding, resizing, augmentation), kept
// beside api.ts and re-exported from it. NHWC everywhere. The nn layers and the data loader call these names.

import type { Scalar } from '../tensor/capture.js';
import { affineDraws, type AffineParams, type RandomAffineOptions } from '../kernels/augment.js';
import { BATCH_NORM_DEFAULTS, updateMovingAverage, updateMovingAverages } from '../kernels/batchnorm.js';
import type { Pool2dOptions } from '../kernels/pool.js';
import type { ResizeOptions } from '../kernels/resize.js';
import type { ZeroPadding } from '../kernels/zeropad.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { affineTransformOp, randomAffineOp } from './ops/augment.js';
import { batchNormInferenceOp, batchNormOp, type BatchNormAttrs } from './ops/batchnorm.js';
import { dropoutOp } from './ops/dropout.js';
import { resizeBilinearOp, zeroPad2dOp } from './ops/image.js';
import { avgPool2dOp, maxPool2dOp } from './ops/pool.js';
import { maxOp, meanOp } from './ops/reduce.js';
import { broadcastToOp } from './ops/shape.js';

export type { Pool2dOptions } from '../kernels/pool.js';
export type { ResizeOptions } from '../kernels/resize.js';
export type { ZeroPadding } from '../kernels/zeropad.js';
export { BATCH_NORM_DEFAULTS, updateMovingAverage, affineDraws };
export type { AffineDraw, AffineParams, Factor, FillMode, RandomAffineOptions } from '../kernels/augment.js';

function rank4(op: string, x: Tensor): void {
  if (x.rank !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(x.shape)}`);
}

/**
 * Max pooling over NHWC (Keras MaxPooling2D). strides default to poolSize; 'same' follows TF (extra pad cell at the
 * bottom/right). The gradient goes to the window's maximum; ties go to the first cell in row-major window order.
 */
export const maxPool2d = (x: Tensor, o: Pool2dOptions): Tensor => maxPool2dOp.apply({ x }, o);

/** Average pooling over NHWC (Keras AveragePooling2D); with 'same' padding, padded cells are not counted. */
export const avgPool2d = (x: Tensor, o: Pool2dOptions): Tensor => avgPool2dOp.apply({ x }, o);

/** Mean over H and W: [N, H, W, C] -> [N, C] (Keras GlobalAveragePooling2D). */
export function globalAvgPool2d(x: Tensor): Tensor {
  rank4('globalAvgPool2d', x);
  return meanOp.apply({ x }, { axes: [1, 2] });
}

/**
 * Max over H and W: [N, H, W, C] -> [N, C] (Keras GlobalMaxPooling2D). As TF's reduce_max, the gradient is split
 * evenly between tied maxima.
 */
export function globalMaxPool2d(x: Tensor): Tensor {
  rank4('globalMaxPool2d', x);
  return maxOp.apply({ x }, { axes: [1, 2] });
}

export type BatchNormOptions = BatchNormAttrs;

/**
 * Training-mode batch normalisation over the last axis (Keras BatchNormalization(training=True)): normalises with
 * the batch mean and the biased batch variance (Keras 3's formula, var = mean((x - mean)^2)), epsilon 1e-3 by
 * default. Returns y only; use batchNormWithStats for the batch statistics.
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, o: BatchNormOptions = {}): Tensor {
  const { y, aux } = batchNormOp.applyWithAux({ x, gamma, beta }, o);
  for (const t of Object.values(aux)) t.dispose();
  return y;
}

/** batchNorm plus the batch statistics it used ([C] each, not differentiable), for the layer's moving averages. */
export function batchNormWithStats(
  x: Tensor, gamma: Tensor, beta: Tensor, o: BatchNormOptions = {},
): { y: Tensor; mean: Tensor; variance: Tensor } {
  const { y, aux } = batchNormOp.applyWithAux({ x, gamma, beta }, o);
  return { y, mean: aux.mean!, variance: aux.variance! };
}

/**
 * Inference-mode batch normalisation with given statistics: (x - movingMean) / sqrt(movingVariance + eps) * gamma
 * + beta. Keras runs this for training=False and for a frozen layer (trainable=false), as in transfer learning.
 */
export const batchNormInference = (
  x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, o: BatchNormOptions = {},
): Tensor => batchNormInferenceOp.apply({ x, gamma, beta, movingMean, movingVariance }, o);

export interface BatchNormTrainingOptions extends BatchNormOptions {
  /** Keras's default 0.99. */
  momentum?: number;
}

/**
 * One Keras training-mode call: y from the batch statistics, then, in place and outside the tape,
 * movingMean = movingMean * momentum + mean * (1 - momentum) and likewise movingVariance with the biased variance.
 */
export function batchNormTraining(
  x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, o: BatchNormTrainingOptions = {},
): Tensor {
  const momentum = o.momentum ?? BATCH_NORM_DEFAULTS.momentum;
  const { y, mean, variance } = batchNormWithStats(x, gamma, beta, o);
  try {
    updateMovingAverages([[movingMean, mean], [movingVariance, variance]], momentum);
  } finally {
    mean.dispose();
    variance.dispose();
  }
  return y;
}

/**
 * Inverted dropout (Keras Dropout in training): zeroes each element with probability `rate` in [0, 1) and scales
 * the kept ones by 1 / (1 - rate). The mask comes from the counter-based RNG keyed by `seed` (same seed, same mask
 * on GPU and CPU); the backward regenerates it. Identity at inference is the layer's job.
 */
export const dropout = (x: Tensor, rate: number, seed: Scalar): Tensor => dropoutOp.apply({ x }, { rate, seed });

/**
 * Pads H and W of NHWC `x` with zeros (Keras ZeroPadding2D): `padding` is p for all sides, [h, w] (symmetric) or
 * [[top, bottom], [left, right]].
 */
export const zeroPad2d = (x: Tensor, padding: ZeroPadding): Tensor => zeroPad2dOp.apply({ x }, { padding });

/**
 * Bilinear resize of NHWC `x` to [outH, outW] (Keras Resizing / tf.image.resize 'bilinear', antialias off):
 * half-pixel centres (src = (dst + 0.5) * in/out - 0.5) unless halfPixelCenters is false (then src = dst * in/out),
 * never align-corners; source coordinates clamp to the edge. Takes f32, or u8 straight from an upload, and
 * returns f32 resized * scale + offset (default 1 and 0), so cast and normalisation cost no extra pass; a same-size
 * resize is an exact copy, which makes it the fused u8 -> f32 normalise. Differentiable for f32 input.
 */
export const resizeBilinear = (x: Tensor, size: readonly [number, number], o: ResizeOptions = {}): Tensor =>
  resizeBilinearOp.apply({ x }, { ...o, size });

/** Repeats the single channel three times: [..., 1] -> [..., 3] (tf.image.grayscale_to_rgb); differentiable. */
export function grayscaleToRgb(x: Tensor): Tensor {
  if (x.rank < 1 || x.shape[x.rank - 1] !== 1) {
    throw new Error(`grayscaleToRgb: input 'x' must have a last axis of 1 but got ${fmtShape(x.shape)}`);
  }
  if (x.dtype !== 'f32') {
    throw new Error(`grayscaleToRgb: expects f32 but got ${x.dtype} ${fmtShape(x.shape)}; resizeBilinear converts u8 to f32`);
  }
  return broadcastToOp.apply({ x }, { shape: [...x.shape.slice(0, -1), 3] });
}

/**
 * GPU augmentation, forward only: per image, Keras RandomRotation(rotationFactor) then RandomTranslation(
 * heightFactor, widthFactor) as one bilinear warp with fill_mode 'constant' (fillValue, default 0). Angles are
 * uniform in [-f, f] * 2pi (positive = counter-clockwise on screen), shifts uniform in [-f, f] * H or W pixels
 * (positive = down / right); rotation is about the image centre ((W - 1) / 2, (H - 1) / 2). Draws come from the
 * counter-based RNG keyed by (seed, image index): affineDraws() gives the same numbers on the host. Takes f32 or
 * u8 NHWC and returns f32. Pass a new seed per batch; identity at inference is the layer's job.
 */
export const randomAffine = (x: Tensor, o: RandomAffineOptions): Tensor => randomAffineOp.apply({ x }, o);

/** The randomAffine warp with explicit per-image angles (radians) and height/width shifts (pixels). */
export const affineTransform = (x: Tensor, p: AffineParams): Tensor => affineTransformOp.apply({ x }, p);
