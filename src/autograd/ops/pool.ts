// Pooling ops over NHWC. Max pooling saves the forward's argmax (only when x needs a gradient) and routes dy to
// it; ties go to the first cell of the window in row-major order. Average pooling needs nothing saved.

import {
  avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward, poolGeometry, type Pool2dOptions,
} from '../../kernels/pool.js';
import { defineOp, type Meta } from '../op.js';

function poolMeta(op: string, x: Meta, o: Pool2dOptions): Meta {
  if (x.dtype !== 'f32') throw new Error(`${op}: expects an f32 tensor but got ${x.dtype}; cast it first`);
  const g = poolGeometry(x.shape, o, op);
  return { shape: [g.N, g.OH, g.OW, g.C], dtype: 'f32' };
}

export const maxPool2dOp = defineOp({
  name: 'maxPool2d', inputs: ['x'],
  shape: ({ x }, o: Pool2dOptions) => poolMeta('maxPool2d', x, o),
  forward: ({ x }, o) => {
    const { y, argmax } = maxPool2dForward(x, o, x.requiresGrad);
    return argmax ? { y, saved: { argmax } } : y;
  },
  backward: ({ saved, shapes, attrs }, dy) => ({
    x: () => {
      if (!saved.argmax) throw new Error('maxPool2d: backward needs the argmax saved by the forward');
      return maxPool2dBackward(dy, saved.argmax, shapes.x, attrs);
    },
  }),
});

export const avgPool2dOp = defineOp({
  name: 'avgPool2d', inputs: ['x'],
  shape: ({ x }, o: Pool2dOptions) => poolMeta('avgPool2d', x, o),
  forward: ({ x }, o) => avgPool2dForward(x, o),
  backward: ({ shapes, attrs }, dy) => ({ x: () => avgPool2dBackward(dy, shapes.x, attrs) }),
});
