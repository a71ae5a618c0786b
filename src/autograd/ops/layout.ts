// Layout ops: transpose, concat, slice, pad, gather, oneHot and where. Their gradients are layout ops of dy:
// transpose by the inverse permutation, slice <-> pad, concat -> one slice per input, gather -> scatter-add.

import { fill } from '../../kernels/fill.js';
import { gather, gatherGrad, gatherShape, oneHot } from '../../kernels/gather.js';
import { concat, concatShape, pad, resolvePad, resolvePerm, resolveSlice, slice, transpose } from '../../kernels/layout.js';
import { where, whereShape } from '../../kernels/where.js';
import { fmtShape, normalizeAxes, type Shape } from '../../tensor/shape.js';
import { defineOp, memo, type Meta, type Op } from '../op.js';

function f32Input(op: string, name: string, t: Meta): void {
  if (t.dtype !== 'f32') throw new Error(`${op}: input '${name}' must be f32 but got ${t.dtype} ${fmtShape(t.shape)}`);
}

export interface TransposeAttrs {
  /** New order of the axes (default: reversed). */
  perm?: readonly number[];
}

export const transposeOp = defineOp({
  name: 'transpose', inputs: ['x'],
  shape: ({ x }, { perm }: TransposeAttrs) => ({ shape: resolvePerm(x.shape, perm).map((a) => x.shape[a]!), dtype: x.dtype }),
  forward: ({ x }, { perm }) => transpose(x, perm),
  backward: ({ shapes, attrs }, dy) => ({
    x: () => {
      const p = resolvePerm(shapes.x, attrs.perm);
      const inverse = new Array<number>(p.length);
      p.forEach((a, d) => (inverse[a] = d));
      return transpose(dy, inverse);
    },
  }),
});

export interface SliceAttrs {
  begin: readonly number[];
  /** Extent per axis; -1 means to the end of the axis. */
  size: readonly number[];
}

export const sliceOp = defineOp({
  name: 'slice', inputs: ['x'],
  shape: ({ x }, { begin, size }: SliceAttrs) => ({ shape: resolveSlice(x.shape, begin, size), dtype: x.dtype }),
  forward: ({ x }, { begin, size }) => slice(x, begin, size),
  backward: ({ shapes, attrs }, dy) => ({
    x: () => pad(dy, shapes.x.map((d, i) => [attrs.begin[i]!, d - attrs.begin[i]! - dy.shape[i]!] as const)),
  }),
});

export interface PadAttrs {
  /** [before, after] cells per axis. */
  paddings: ReadonlyArray<readonly [number, number]>;
  value: number;
}

export const padOp = defineOp({
  name: 'pad', inputs: ['x'],
  shape: ({ x }, { paddings }: PadAttrs) => ({ shape: resolvePad(x.shape, paddings), dtype: x.dtype }),
  forward: ({ x }, { paddings, value }) => pad(x, paddings, value),
  backward: ({ shapes, attrs }, dy) => ({ x: () => slice(dy, attrs.paddings.map((p) => p[0]), shapes.x) }),
});

export interface AxisAttrs {
  axis: number;
}

const concatOps = new Map<number, Op<string, AxisAttrs>>();

/**
 * concat over n inputs named x0..x{n-1}. Ops have a fixed list of inputs, so there is one op per arity, made on
 * first use; all are named 'concat' and share this declaration.
 */
export function concatOp(n: number): Op<string, AxisAttrs> {
  let op = concatOps.get(n);
  if (op) return op;
  const names = Array.from({ length: n }, (_, i) => `x${i}`);
  op = defineOp({
    name: 'concat', inputs: names,
    shape: (xs, { axis }: AxisAttrs) => {
      const metas = names.map((k) => xs[k]!);
      const first = metas[0]!;
      const ax = normalizeAxes(axis, first.shape.length, 'concat', first.shape)[0]!;
      metas.forEach((m, i) => {
        if (m.dtype !== first.dtype) throw new Error(`concat: input ${i} is ${m.dtype} ${fmtShape(m.shape)} but input 0 is ${first.dtype} ${fmtShape(first.shape)}`);
      });
      return { shape: concatShape(metas.map((m) => m.shape), ax), dtype: first.dtype };
    },
    forward: (xs, { axis }) => concat(names.map((k) => xs[k]!), normalizeAxes(axis, xs[names[0]!]!.rank, 'concat')[0]!),
    backward: ({ shapes, attrs }, dy) => {
      const ax = normalizeAxes(attrs.axis, dy.rank, 'concat')[0]!;
      const thunks: Record<string, () => ReturnType<typeof slice>> = {};
      let offset = 0;
      for (const k of names) {
        const begin = dy.shape.map((_, i) => (i === ax ? offset : 0));
        const size = shapes[k]!;
        thunks[k] = () => slice(dy, begin, size);
        offset += size[ax]!;
      }
      return thunks;
    },
  });
  concatOps.set(n, op);
  return op;
}

export interface GatherAttrs {
  axis: number;
}

export const gatherOp = defineOp({
  name: 'gather', inputs: ['x', 'indices'],
  shape: ({ x, indices }, { axis }: GatherAttrs) => {
    if (indices.dtype !== 'i32') {
      throw new Error(`gather: input 'indices' must be i32 but got ${indices.dtype} ${fmtShape(indices.shape)} (x ${fmtShape(x.shape)})`);
    }
    if (x.shape.length < 1) throw new Error(`gather: input 'x' must have at least rank 1 but got ${fmtShape(x.shape)}`);
    return { shape: gatherShape(x.shape, indices.shape, normalizeAxes(axis, x.shape.length, 'gather', x.shape)[0]!), dtype: x.dtype };
  },
  forward: ({ x, indices }, { axis }) => gather(x, indices, normalizeAxes(axis, x.rank, 'gather')[0]!),
  save: ['indices'],
  backward: ({ saved, shapes, attrs }, dy) => ({
    x: () => gatherGrad(dy, saved.indices, shapes.x, normalizeAxes(attrs.axis, shapes.x.length, 'gather')[0]!),
  }),
});

export interface OneHotAttrs {
  depth: number;
}

export const oneHotOp = defineOp({
  name: 'oneHot', inputs: ['indices'],
  shape: ({ indices }, { depth }: OneHotAttrs) => {
    if (indices.dtype !== 'i32') throw new Error(`oneHot: input 'indices' must be i32 but got ${indices.dtype} ${fmtShape(indices.shape)}`);
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth ${depth} must be a positive integer (indices ${fmtShape(indices.shape)})`);
    return { shape: [...indices.shape, depth], dtype: 'f32' };
  },
  forward: ({ indices }, { depth }) => oneHot(indices, depth),
  backward: 'none',
});

export const whereOp = defineOp({
  name: 'where', inputs: ['cond', 'a', 'b'],
  shape: ({ cond, a, b }) => {
    f32Input('where', 'cond', cond);
    f32Input('where', 'a', a);
    f32Input('where', 'b', b);
    return { shape: whereShape(cond.shape, a.shape, b.shape), dtype: 'f32' };
  },
  forward: ({ cond, a, b }) => where(cond, a, b),
  save: ['cond'],
  // dy flows to a where cond is true and to b elsewhere; the tape sums each back to its input's shape. The mask
  // itself gets a zero gradient (it is piecewise constant).
  backward: ({ saved, shapes }, dy) => {
    const zero = memo(() => fill([1], 0, 'f32', dy.device));
    const routed = (toA: boolean) => () => (toA ? where(saved.cond, dy, zero()) : where(saved.cond, zero(), dy));
    return { a: routed(true), b: routed(false), cond: () => fill(shapes.cond as Shape, 0, 'f32', dy.device) };
  },
});
