// Augmentation ops (forward only, not differentiable): the seeded random affine warp of Keras RandomRotation +
// RandomTranslation, and the same warp with explicit per-image parameters. Output is f32 for f32 or u8 input.

import {
  affineTransformForward, checkImages, checkRandomAffine, randomAffineForward, type AffineParams, type RandomAffineOptions,
} from '../../kernels/augment.js';
import { defineOp } from '../op.js';

export const randomAffineOp = defineOp({
  name: 'randomAffine', inputs: ['x'],
  shape: ({ x }, o: RandomAffineOptions) => (checkRandomAffine(x.shape, x.dtype, o), { shape: x.shape, dtype: 'f32' }),
  forward: ({ x }, o) => randomAffineForward(x, o),
  backward: 'none',
});

export const affineTransformOp = defineOp({
  name: 'affineTransform', inputs: ['x'],
  shape: ({ x }, _attrs: AffineParams) => (checkImages('affineTransform', x.shape, x.dtype), { shape: x.shape, dtype: 'f32' }),
  forward: ({ x }, p) => affineTransformForward(x, p),
  backward: 'none',
});
