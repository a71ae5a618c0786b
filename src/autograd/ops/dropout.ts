// Dropout (inverted scaling). Nothing is saved: the backward regenerates the mask from the seed, and since the
// masked, scaled map is linear, dx is the same dropout applied to dy.

import { checkDropout, dropoutForward } from '../../kernels/dropout.js';
import type { Scalar } from '../../tensor/capture.js';
import { defineOp } from '../op.js';

export interface DropoutAttrs {
  /** Fraction of elements zeroed, in [0, 1). */
  rate: number;
  /** Mask seed: the same seed gives the same mask on every device. */
  seed: Scalar;
}

export const dropoutOp = defineOp({
  name: 'dropout', inputs: ['x'],
  shape: ({ x }, { rate, seed }: DropoutAttrs) => {
    if (x.dtype !== 'f32') throw new Error(`dropout: expects an f32 tensor but got ${x.dtype}`);
    checkDropout(rate, seed, x.shape);
    return { shape: x.shape, dtype: 'f32' };
  },
  forward: ({ x }, { rate, seed }) => dropoutForward(x, rate, seed),
  backward: ({ attrs: { rate, seed } }, dy) => ({ x: () => dropoutForward(dy, rate, seed) }),
});
