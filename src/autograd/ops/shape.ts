// Shape ops: reshape (a view, no copy) and broadcastTo. Their gradients are shape changes of dy; the tape's
// sumTo() turns broadcastTo's gradient back into the input's shape.

import { broadcastTo } from '../../kernels/layout.js';
import { broadcastShapes, fmtShape, sameShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { defineOp } from '../op.js';

export interface ReshapeAttrs {
  /** The new shape; one entry may be -1 and is inferred. */
  shape: readonly number[];
}

export function resolveReshape(from: Shape, to: readonly number[], op = 'reshape'): number[] {
  const known = to.filter((d) => d !== -1);
  const free = to.length - known.length;
  if (free > 1) throw new Error(`${op}: at most one -1 in ${fmtShape(to)}`);
  const size = sizeOf(from);
  const rest = sizeOf(known);
  const shape = to.map((d) => (d === -1 ? (rest === 0 ? 0 : size / rest) : d));
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(shape) !== size) {
    throw new Error(`${op}: cannot reshape ${fmtShape(from)} (${size} elements) to ${fmtShape(to)}`);
  }
  return shape;
}

export const reshapeOp = defineOp<'x', ReshapeAttrs>({
  name: 'reshape', inputs: ['x'],
  shape: ({ x }, { shape }) => ({ shape: resolveReshape(x.shape, shape), dtype: x.dtype }),
  forward: ({ x }, _a, out) => x.view(out.shape),
  backward: ({ shapes }, dy) => ({ x: () => dy.view(shapes.x) }),
});

export interface BroadcastAttrs {
  shape: readonly number[];
}

export const broadcastToOp = defineOp<'x', BroadcastAttrs>({
  name: 'broadcastTo', inputs: ['x'],
  shape: ({ x }, { shape }) => {
    const out = broadcastShapes(x.shape, shape, 'broadcastTo');
    if (!sameShape(out, shape)) throw new Error(`broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
    if (x.dtype !== 'f32') throw new Error(`broadcastTo: expects f32 but got ${x.dtype}`);
    return { shape: out, dtype: 'f32' };
  },
  forward: ({ x }, { shape }) => broadcastTo(x, shape),
  backward: (_ctx, dy) => ({ x: () => dy.view(dy.shape) }),
});
