// Reduction ops. Gradients broadcast dy back over the reduced axes; max/min split dy evenly between tied maxima.
// Their intermediates need no dispose(): the tape runs each rule in its own scope.

import { binary, binaryScalar } from '../../kernels/elementwise.js';
import { broadcastTo } from '../../kernels/layout.js';
import { argReduce, reduce } from '../../kernels/reduce.js';
import { fmtShape, normalizeAxes, reducedShape, sizeOf, type Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp, type Meta } from '../op.js';

export interface ReduceAttrs {
  /** null or omitted: every axis. */
  axes?: number | readonly number[] | null;
  keepDims?: boolean;
}

function reduceMeta(op: string, x: Meta, { axes, keepDims = false }: ReduceAttrs): Meta {
  if (x.dtype !== 'f32') throw new Error(`${op}: input 'x' must be f32 but got ${x.dtype} ${fmtShape(x.shape)}; cast it first`);
  return { shape: reducedShape(x.shape, normalizeAxes(axes, x.shape.length, op, x.shape), keepDims), dtype: 'f32' };
}

/** dy reshaped with the reduced axes kept as 1, then broadcast to the input's shape. */
function expandGrad(dy: Tensor, shape: Shape, attrs: ReduceAttrs, op: string): Tensor {
  const kept = reducedShape(shape, normalizeAxes(attrs.axes, shape.length, op), true);
  return broadcastTo(dy.view(kept), shape);
}

export const sumOp = defineOp({
  name: 'sum', inputs: ['x'],
  shape: ({ x }, a: ReduceAttrs) => reduceMeta('sum', x, a),
  forward: ({ x }, a) => reduce('sum', x, a.axes, a.keepDims),
  backward: ({ shapes, attrs }, dy) => ({ x: () => expandGrad(dy, shapes.x, attrs, 'sum') }),
});

export const meanOp = defineOp({
  name: 'mean', inputs: ['x'],
  shape: ({ x }, a: ReduceAttrs) => reduceMeta('mean', x, a),
  forward: ({ x }, a) => reduce('mean', x, a.axes, a.keepDims),
  backward: ({ shapes, attrs }, dy) => ({
    x: () => {
      const n = sizeOf(shapes.x) / Math.max(1, sizeOf(reducedShape(shapes.x, normalizeAxes(attrs.axes, shapes.x.length, 'mean'), false)));
      return binaryScalar('div', expandGrad(dy, shapes.x, attrs, 'mean'), n);
    },
  }),
});

function extremumOp(name: 'max' | 'min') {
  return defineOp({
    name, inputs: ['x'],
    shape: ({ x }, a: ReduceAttrs) => reduceMeta(name, x, a),
    forward: ({ x }, a) => reduce(name, x, a.axes, a.keepDims),
    save: ['x', 'y'],
    backward: ({ saved, shapes, attrs }, dy) => ({
      x: () => {
        // mask of the elements equal to the result, divided by how many tie, times dy.
        const yb = expandGrad(saved.y, shapes.x, attrs, name);
        const m = binary('equal', saved.x, yb);
        const axes = normalizeAxes(attrs.axes, shapes.x.length, name);
        const count = reduce('sum', m, axes, true);
        const share = binary('div', m, count);
        return binary('mul', expandGrad(dy, shapes.x, attrs, name), share);
      },
    }),
  });
}

export const maxOp = extremumOp('max');
export const minOp = extremumOp('min');

export interface ArgAttrs {
  axis: number;
  keepDims?: boolean;
}

function argOp(name: 'argmax' | 'argmin') {
  return defineOp({
    name, inputs: ['x'],
    shape: ({ x }, { axis, keepDims = false }: ArgAttrs) => {
      if (x.dtype !== 'f32') throw new Error(`${name}: input 'x' must be f32 but got ${x.dtype} ${fmtShape(x.shape)}; cast it first`);
      return { shape: reducedShape(x.shape, normalizeAxes(axis, x.shape.length, name, x.shape), keepDims), dtype: 'i32' };
    },
    forward: ({ x }, { axis, keepDims }) => argReduce(name === 'argmax' ? 'max' : 'min', x, axis, keepDims),
    backward: 'none',
  });
}

export const argmaxOp = argOp('argmax');
export const argminOp = argOp('argmin');
