// Image-geometry ops over NHWC: zero padding (Keras ZeroPadding2D) and bilinear resizing (Keras Resizing, TF2
// half-pixel convention). Both are linear in x; their gradients are the transposed maps (crop, tap gather).

import { resizeBilinearBackward, resizeBilinearForward, resizeShape, type ResizeOptions } from '../../kernels/resize.js';
import { resolvePads, zeroPad2dBackward, zeroPad2dForward, zeroPadShape, type ZeroPadding } from '../../kernels/zeropad.js';
import { defineOp } from '../op.js';

export interface ZeroPadAttrs {
  padding: ZeroPadding;
}

export const zeroPad2dOp = defineOp({
  name: 'zeroPad2d', inputs: ['x'],
  shape: ({ x }, { padding }: ZeroPadAttrs) => {
    if (x.dtype !== 'f32') throw new Error(`zeroPad2d: expects an f32 tensor but got ${x.dtype}`);
    return { shape: zeroPadShape(x.shape, resolvePads(padding)), dtype: 'f32' };
  },
  forward: ({ x }, { padding }) => zeroPad2dForward(x, resolvePads(padding)),
  backward: ({ shapes, attrs }, dy) => ({ x: () => zeroPad2dBackward(dy, shapes.x, resolvePads(attrs.padding)) }),
});

export interface ResizeAttrs extends ResizeOptions {
  size: readonly [number, number];
}

export const resizeBilinearOp = defineOp({
  name: 'resizeBilinear', inputs: ['x'],
  shape: ({ x }, { size }: ResizeAttrs) => {
    if (x.dtype === 'i32') throw new Error(`resizeBilinear: input 'x' must be f32 or u8 but got i32`);
    return { shape: resizeShape(x.shape, size), dtype: 'f32' };
  },
  forward: ({ x }, a) => resizeBilinearForward(x, a.size, a),
  backward: ({ shapes, attrs }, dy) => ({ x: () => resizeBilinearBackward(dy, shapes.x, attrs.size, attrs) }),
});
