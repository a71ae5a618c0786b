// Elementwise ops: one op per unary table row (its gradient is the row's derivative kernel), the broadcasting
// binary ops, and `scalar` for a tensor combined with a JS number (the number travels as a uniform).

import { binary, binaryScalar, unary, unaryGrad, unaryOps, type BinaryOpName, type UnaryOpName } from '../../kernels/elementwise.js';
import { fill } from '../../kernels/fill.js';
import { where } from '../../kernels/where.js';
import { broadcastShapes, fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp, type Meta, type Op } from '../op.js';

function f32Meta(op: string, xs: Record<string, Meta>): void {
  for (const [name, x] of Object.entries(xs)) {
    if (x.dtype !== 'f32') throw new Error(`${op}: input '${name}' must be f32 but got ${x.dtype} ${fmtShape(x.shape)}; cast it first`);
  }
}

function unaryOp(name: UnaryOpName): Op<'x', Record<string, never>> {
  return defineOp({
    name,
    inputs: ['x'],
    shape: ({ x }) => (f32Meta(name, { x }), { shape: x.shape, dtype: 'f32' }),
    forward: ({ x }) => unary(name, x),
    save: ['x'],
    backward: unaryOps[name].grad === null ? 'none' : ({ saved }, dy) => ({ x: () => unaryGrad(name, saved.x!, dy) }),
  });
}

export const unaryOpTable = Object.fromEntries(
  (Object.keys(unaryOps) as UnaryOpName[]).map((n) => [n, unaryOp(n)]),
) as { [K in UnaryOpName]: Op<'x', Record<string, never>> };

/** log(a) where a > 0, else 0: pow's exponent gradient, which TF also zeroes where the base is not positive. */
function logWherePositive(a: Tensor): Tensor {
  return where(binaryScalar('greater', a, 0), unary('log', a), fill([], 0, 'f32', a.device));
}

type BinaryGrad = (s: Record<string, Tensor>, dy: Tensor) => { a: () => Tensor; b: () => Tensor };

// Intermediates need no dispose(): the tape runs each rule in its own scope.
const mask = (cmp: BinaryOpName, s: Record<string, Tensor>, dy: Tensor): Tensor => binary('mul', dy, binary(cmp, s.a!, s.b!));

// Gradients of the differentiable binary ops, written with the forward kernels themselves. Ties in maximum/minimum
// send the gradient to `a`.
const binaryGrads: Partial<Record<BinaryOpName, { save: readonly ('a' | 'b' | 'y')[]; grad: BinaryGrad }>> = {
  add: { save: [], grad: (_s, dy) => ({ a: () => dy.view(dy.shape), b: () => dy.view(dy.shape) }) },
  sub: { save: [], grad: (_s, dy) => ({ a: () => dy.view(dy.shape), b: () => unary('neg', dy) }) },
  mul: { save: ['a', 'b'], grad: (s, dy) => ({ a: () => binary('mul', dy, s.b!), b: () => binary('mul', dy, s.a!) }) },
  div: {
    save: ['a', 'b'],
    grad: (s, dy) => ({
      a: () => binary('div', dy, s.b!),
      b: () => unary('neg', binary('mul', dy, binary('div', binary('div', s.a!, s.b!), s.b!))),
    }),
  },
  pow: {
    save: ['a', 'b', 'y'],
    grad: (s, dy) => ({
      // b * a^(b-1) = b * y / a would be 0/0 at a = 0, so a^(b-1) is computed directly.
      a: () => binary('mul', dy, binary('mul', binary('pow', s.a!, binaryScalar('sub', s.b!, 1)), s.b!)),
      // Like TF, d/db is taken as 0 where a <= 0 (log a is undefined there) instead of NaN.
      b: () => binary('mul', dy, binary('mul', s.y!, logWherePositive(s.a!))),
    }),
  },
  maximum: { save: ['a', 'b'], grad: (s, dy) => ({ a: () => mask('greaterEqual', s, dy), b: () => mask('less', s, dy) }) },
  minimum: { save: ['a', 'b'], grad: (s, dy) => ({ a: () => mask('lessEqual', s, dy), b: () => mask('greater', s, dy) }) },
};

function binaryOp(name: BinaryOpName): Op<'a' | 'b', Record<string, never>> {
  const g = binaryGrads[name];
  return defineOp({
    name,
    inputs: ['a', 'b'],
    shape: ({ a, b }) => (f32Meta(name, { a, b }), { shape: broadcastShapes(a.shape, b.shape, name), dtype: 'f32' }),
    forward: ({ a, b }) => binary(name, a, b),
    save: g?.save ?? [],
    backward: g ? ({ saved }, dy) => g.grad(saved, dy) : 'none',
  });
}

export const binaryOpTable = Object.fromEntries(
  (['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const)
    .map((n) => [n, binaryOp(n)]),
) as { [K in BinaryOpName]: Op<'a' | 'b', Record<string, never>> };

export interface ScalarAttrs {
  op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
  s: number;
  /** Computes s (op) x instead of x (op) s. */
  scalarFirst?: boolean;
}

/** x (op) s for a JS number s. */
export const scalarOp = defineOp<'x', ScalarAttrs>({
  name: 'scalar',
  inputs: ['x'],
  shape: ({ x }, { op }) => (f32Meta(op, { x }), { shape: x.shape, dtype: 'f32' }),
  forward: ({ x }, { op, s, scalarFirst }) => binaryScalar(op, x, s, scalarFirst),
  save: ['x', 'y'],
  backward: ({ saved, attrs: { op, s, scalarFirst } }, dy) => ({
    x: () => {
      const x = saved.x!, y = saved.y!;
      const chain = (t: Tensor): Tensor => binary('mul', dy, t);
      switch (op) {
        case 'add': return dy.view(dy.shape);
        case 'sub': return scalarFirst ? unary('neg', dy) : dy.view(dy.shape);
        case 'mul': return binaryScalar('mul', dy, s);
        case 'div': return scalarFirst ? chain(unary('neg', binary('div', y, x))) : binaryScalar('div', dy, s); // d(s/x)/dx = -y/x
        case 'pow': {
          if (scalarFirst) return chain(binaryScalar('mul', y, s > 0 ? Math.log(s) : 0)); // d(s^x)/dx = s^x ln s (0 for s <= 0, as TF)
          if (s === 0) return binaryScalar('mul', dy, 0);
          return chain(binaryScalar('mul', binaryScalar('pow', x, s - 1), s));
        }
        case 'maximum': return chain(binaryScalar('greaterEqual', x, s));
        case 'minimum': return chain(binaryScalar('lessEqual', x, s));
      }
    },
  }),
});
