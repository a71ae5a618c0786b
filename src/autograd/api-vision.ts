// Public functional API of the vision ops (pooling, batch norm, dropout, padding, resizing, augmentation), kept
// beside api.ts and re-exported from it. NHWC everywhere. The nn layers and the data loader call these names.

import type { Pool2dOptions } from '../kernels/pool.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { avgPool2dOp, maxPool2dOp } from './ops/pool.js';
import { maxOp, meanOp } from './ops/reduce.js';

export type { Pool2dOptions } from '../kernels/pool.js';

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
