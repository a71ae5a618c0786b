// Shape ops: the views reshape, expandDims and squeeze (no copy), and broadcastTo. Their gradients are shape
// changes of dy; the tape's sumTo() turns broadcastTo's gradient back into the input's shape.

import { broadcastTo } from '../../kernels/layout.js';
import { broadcastShapes, fmtShape, normalizeAxes, sameShape, sizeOf, type Shape } from '../../tensor/shape.js';
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

export const reshapeOp = defineOp({
  name: 'reshape', inputs: ['x'],
  shape: ({ x }, { shape }: ReshapeAttrs) => ({ shape: resolveReshape(x.shape, shape), dtype: x.dtype }),
  forward: ({ x }, _a, out) => x.view(out.shape),
  backward: ({ shapes }, dy) => ({ x: () => dy.view(shapes.x) }),
});

export interface BroadcastAttrs {
  shape: readonly number[];
}

export const broadcastToOp = defineOp({
  name: 'broadcastTo', inputs: ['x'],
  shape: ({ x }, { shape }: BroadcastAttrs) => {
    const out = broadcastShapes(x.shape, shape, 'broadcastTo');
    if (!sameShape(out, shape)) throw new Error(`broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
    return { shape: out, dtype: x.dtype };
  },
  forward: ({ x }, { shape }) => broadcastTo(x, shape),
  backward: (_ctx, dy) => ({ x: () => dy.view(dy.shape) }),
});

export interface ExpandDimsAttrs {
  /** Position of the new size-1 axis in the output, in [-rank-1, rank]. */
  axis: number;
}

export const expandDimsOp = defineOp({
  name: 'expandDims', inputs: ['x'],
  shape: ({ x }, { axis }: ExpandDimsAttrs) => {
    const r = x.shape.length;
    if (!Number.isInteger(axis) || axis < -r - 1 || axis > r) throw new Error(`expandDims: axis ${axis} is out of range [${-r - 1}, ${r}] for x ${fmtShape(x.shape)}`);
    const shape = [...x.shape];
    shape.splice(axis < 0 ? axis + r + 1 : axis, 0, 1);
    return { shape, dtype: x.dtype };
  },
  forward: ({ x }, _a, out) => x.view(out.shape),
  backward: ({ shapes }, dy) => ({ x: () => dy.view(shapes.x) }),
});

export interface SqueezeAttrs {
  /** Size-1 axes to drop; all of them when omitted. */
  axis?: number | readonly number[];
}

export const squeezeOp = defineOp({
  name: 'squeeze', inputs: ['x'],
  shape: ({ x }, { axis }: SqueezeAttrs) => {
    const drop = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes(axis, x.shape.length, 'squeeze', x.shape);
    for (const a of drop) {
      if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of x ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
    }
    return { shape: x.shape.filter((_, i) => !drop.includes(i)), dtype: x.dtype };
  },
  forward: ({ x }, _a, out) => x.view(out.shape),
  backward: ({ shapes }, dy) => ({ x: () => dy.view(shapes.x) }),
});
