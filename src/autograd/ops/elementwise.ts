// Elementwise ops: one op per row of kernels/elementwise.rows.ts, whose gradient is the row's derivative kernel
// (unary and broadcasting binary alike), and `scalar` for a tensor combined with a JS number (the number travels
// as a uniform and the gradient comes from the same binary row).

import {
  binary, binaryGrad, binaryGradReadsOperands, binaryOps, binaryScalar, binaryScalarGrad, unary, unaryGrad, unaryOps,
  type BinaryOpName, type BinaryRow, type UnaryOpName,
} from '../../kernels/elementwise.js';
import { broadcastShapes, fmtShape } from '../../tensor/shape.js';
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
    backward: unaryOps[name].grad === null ? 'none' : ({ saved }, dy) => ({ x: () => unaryGrad(name, saved.x, dy) }),
  });
}

export const unaryOpTable = Object.fromEntries(
  (Object.keys(unaryOps) as UnaryOpName[]).map((n) => [n, unaryOp(n)]),
) as { [K in UnaryOpName]: Op<'x', Record<string, never>> };

function binaryOp(name: BinaryOpName): Op<'a' | 'b', Record<string, never>> {
  const differentiable = (binaryOps[name] as BinaryRow).grad !== null;
  return defineOp({
    name,
    inputs: ['a', 'b'],
    shape: ({ a, b }) => (f32Meta(name, { a, b }), { shape: broadcastShapes(a.shape, b.shape, name), dtype: 'f32' }),
    forward: ({ a, b }) => binary(name, a, b),
    save: binaryGradReadsOperands(name) ? ['a', 'b'] : [],
    backward: differentiable
      ? ({ saved }, dy) => ({ a: () => binaryGrad(name, 'a', saved.a, saved.b, dy), b: () => binaryGrad(name, 'b', saved.a, saved.b, dy) })
      : 'none',
  });
}

export const binaryOpTable = Object.fromEntries(
  (['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const)
    .map((n) => [n, binaryOp(n)]),
) as { [K in BinaryOpName]: Op<'a' | 'b', Record<string, never>> };

const COMMUTATIVE = new Set<BinaryOpName>(['add', 'mul', 'maximum', 'minimum']);

export interface ScalarAttrs {
  op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
  s: number;
  /** Computes s (op) x instead of x (op) s. */
  scalarFirst?: boolean;
}

/** x (op) s for a JS number s. */
export const scalarOp = defineOp({
  name: 'scalar',
  inputs: ['x'],
  shape: ({ x }, { op }: ScalarAttrs) => (f32Meta(op, { x }), { shape: x.shape, dtype: 'f32' }),
  forward: ({ x }, { op, s, scalarFirst }) => binaryScalar(op, x, s, scalarFirst),
  save: ['x'],
  // A commutative op differentiates x (op) s whichever side s was written on, so maximum/minimum ties still send
  // the gradient to x.
  backward: ({ saved, attrs: { op, s, scalarFirst } }, dy) => ({
    x: () => binaryScalarGrad(op, saved.x, s, (scalarFirst ?? false) && !COMMUTATIVE.has(op), dy),
  }),
});
