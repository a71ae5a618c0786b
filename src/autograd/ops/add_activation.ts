// y = f(a + b), the residual Add and the activation after it as one op (a model fuses Add -> Activation('relu')).
// Both inputs get the same gradient, f'(y) * dy from the saved output.

import { activationGrad, addActivation, checkActivation, type Activation } from '../../kernels/activation.js';
import { fmtShape, sameShape } from '../../tensor/shape.js';
import { defineOp, memo } from '../op.js';

export interface AddActivationAttrs {
  activation: Activation;
}

export const addActivationOp = defineOp({
  name: 'addActivation',
  inputs: ['a', 'b'],
  shape: ({ a, b }, o: AddActivationAttrs) => {
    checkActivation('addActivation', o.activation);
    if (a.dtype !== 'f32' || b.dtype !== 'f32') throw new Error(`addActivation: expects f32 inputs but got ${a.dtype} and ${b.dtype}`);
    if (!sameShape(a.shape, b.shape)) throw new Error(`addActivation: a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} must have the same shape`);
    return { shape: a.shape, dtype: 'f32' };
  },
  forward: ({ a, b }, o) => addActivation(o.activation, a, b),
  save: ['y'],
  backward: ({ saved, attrs }, dy) => {
    const dz = memo(() => activationGrad(attrs.activation, saved.y, dy));
    return { a: () => dz().view(dy.shape), b: () => dz().view(dy.shape) };
  },
});
