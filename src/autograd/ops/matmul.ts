// Matmul and the fused Dense ops. Gradients are matmuls with transpose flags (operands are read in their stored
// layout, never transposed in memory); Dense adds the activation derivative from the saved output and a column sum
// for the bias. A shared (2-D) operand of a batched matmul gets a batched gradient that the tape sums to its shape.

import { checkActivation, type Activation } from '../../kernels/activation.js';
import { matmul, matmulDims, matmulOutShape } from '../../kernels/matmul.js';
import { broadcastTo } from '../../kernels/layout.js';
import { broadcastShapes, fmtShape, sizeOf, type Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp, memo, type Meta } from '../op.js';
import { fusedGrads } from './fused_grads.js';

export interface MatmulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
}

function checkF32(op: string, xs: Record<string, Meta>): void {
  for (const [name, m] of Object.entries(xs)) {
    if (m.dtype !== 'f32') throw new Error(`${op}: input '${name}' must be f32 but got ${m.dtype} ${fmtShape(m.shape)}`);
  }
}

/** Runs `fn` on 2-D views [rows, cols] of 3-D tensors (flattening the batch into rows) and disposes the views. */
function flat<T>(ts: Tensor[], fn: (...views: Tensor[]) => T): T {
  const views = ts.map((t) => t.view([sizeOf(t.shape) / t.shape[t.rank - 1]!, t.shape[t.rank - 1]!]));
  try {
    return fn(...views);
  } finally {
    for (const v of views) v.dispose();
  }
}

/** Gradients of C = op(A) @ op(B) in the stored layouts of A and B (see the derivation in the comments). */
export function matmulGrads(a: Tensor, b: Tensor, dc: Tensor, { transposeA: tA = false, transposeB: tB = false }: MatmulAttrs): {
  a: () => Tensor;
  b: () => Tensor;
} {
  return {
    // dA = dC @ op(B)^T, then transposed back when A is stored transposed.
    a: () => (tA ? matmul(b, dc, { transposeA: tB, transposeB: true }) : matmul(dc, b, { transposeB: !tB })),
    // dB = op(A)^T @ dC, then transposed back when B is stored transposed.
    b: () => {
      // A shared B of a batched product: flatten the batch into the reduction instead of summing B-sized slabs.
      if (a.rank === 3 && b.rank === 2 && !tA) {
        return flat([a, dc], (a2, dc2) => (tB ? matmul(dc2, a2, { transposeA: true }) : matmul(a2, dc2, { transposeA: true })));
      }
      return tB ? matmul(dc, a, { transposeA: true, transposeB: tA }) : matmul(a, dc, { transposeA: !tA });
    },
  };
}

/**
 * NumPy matmul's broadcast batch shape when the 2/3-D kernel cannot read the operands as they are (rank above 3,
 * or batch sizes that differ); null otherwise.
 */
function broadcastBatch(a: Shape, b: Shape): number[] | null {
  for (const [name, s] of [['a', a], ['b', b]] as const) {
    if (s.length < 2) throw new Error(`matmul: input '${name}' must have rank >= 2 but got ${fmtShape(s)}`);
  }
  const ba = a.slice(0, -2), bb = b.slice(0, -2);
  if (ba.length <= 1 && bb.length <= 1 && (ba.length === 0 || bb.length === 0 || ba[0] === bb[0])) return null;
  return broadcastShapes(ba, bb, 'matmul');
}

/** t broadcast to `batch` + its last two axes, as a 3-D [prod(batch), r, c] tensor. */
function asBatch3d(t: Tensor, batch: number[]): Tensor {
  const mat = t.shape.slice(-2);
  const full = broadcastTo(t, [...batch, ...mat]);
  const out = full.view([sizeOf(batch), ...mat]);
  full.dispose();
  return out;
}

export const matmulOp = defineOp({
  name: 'matmul',
  inputs: ['a', 'b'],
  shape: ({ a, b }, o: MatmulAttrs) => {
    checkF32('matmul', { a, b });
    const batch = broadcastBatch(a.shape, b.shape);
    if (!batch) return { shape: matmulOutShape(matmulDims('matmul', a.shape, b.shape, o)), dtype: 'f32' };
    const d = matmulDims('matmul', a.shape.slice(-2), b.shape.slice(-2), o);
    return { shape: [...batch, d.M, d.N], dtype: 'f32' };
  },
  forward: ({ a, b }, o, out) => {
    const batch = broadcastBatch(a.shape, b.shape);
    if (!batch) return matmul(a, b, o);
    const a3 = asBatch3d(a, batch), b3 = asBatch3d(b, batch);
    const c = matmul(a3, b3, o);
    const y = c.view(out.shape);
    for (const t of [a3, b3, c]) t.dispose();
    return y;
  },
  save: ['a', 'b'],
  backward: ({ saved, attrs }, dy) => {
    const a = saved.a, b = saved.b;
    const batch = broadcastBatch(a.shape, b.shape);
    if (!batch) return matmulGrads(a, b, dy, attrs);
    // Gradients in the broadcast batch; the tape sums them back to each input's shape.
    const g = matmulGrads(asBatch3d(a, batch), asBatch3d(b, batch), dy.view([sizeOf(batch), ...dy.shape.slice(-2)]), attrs);
    return { a: () => g.a().view([...batch, ...a.shape.slice(-2)]), b: () => g.b().view([...batch, ...b.shape.slice(-2)]) };
  },
});

export interface DenseAttrs {
  activation?: Activation;
}

/** Shape rule of Dense: x [..., in] @ w [in, out] (+ bias [out]) -> [..., out]. */
function denseShape(x: Meta, w: Meta, bias: Meta | null, { activation = 'linear' }: DenseAttrs): Meta {
  checkF32('dense', bias ? { x, w, bias } : { x, w });
  checkActivation('dense', activation);
  if (x.shape.length < 2) throw new Error(`dense: input 'x' must have rank >= 2 ([batch, in]) but got ${fmtShape(x.shape)}`);
  if (w.shape.length !== 2) throw new Error(`dense: kernel 'w' must be rank 2 ([in, out]) but got ${fmtShape(w.shape)}`);
  const inDim = x.shape[x.shape.length - 1]!;
  if (w.shape[0] !== inDim) {
    throw new Error(`dense: x ${fmtShape(x.shape)} has ${inDim} features but kernel 'w' ${fmtShape(w.shape)} expects ${w.shape[0]}`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== w.shape[1])) {
    throw new Error(`dense: bias must have shape [${w.shape[1]}] but got ${fmtShape(bias.shape)}`);
  }
  return { shape: [...x.shape.slice(0, -1), w.shape[1]!], dtype: 'f32' };
}

function denseForward(x: Tensor, w: Tensor, bias: Tensor | undefined, act: Activation, out: Shape): Tensor {
  return flat([x], (x2) => {
    const y2 = matmul(x2, w, { bias, activation: act });
    const y = y2.view(out);
    y2.dispose();
    return y;
  });
}

/** dz = f'(y) * dy and db (fusedGrads), then on [rows, out] views dx = dz @ w^T and dw = x^T @ dz. */
function denseGrads(saved: { x: Tensor; w: Tensor; y: Tensor }, xShape: Shape, dy: Tensor, act: Activation, hasBias: boolean) {
  const fused = fusedGrads(act, saved.y, dy, hasBias);
  const dz = memo(() => flat([fused.dz()], (dz2) => dz2.view(dz2.shape)));
  return {
    x: () => matmul(dz(), saved.w, { transposeB: true }).view(xShape),
    w: () => flat([saved.x], (x2) => matmul(x2, dz(), { transposeA: true })),
    bias: fused.bias,
  };
}

export const denseOp = defineOp({
  name: 'dense',
  inputs: ['x', 'w'],
  shape: ({ x, w }, o: DenseAttrs) => denseShape(x, w, null, o),
  forward: ({ x, w }, o, out) => denseForward(x, w, undefined, o.activation ?? 'linear', out.shape),
  save: ['x', 'w', 'y'],
  backward: ({ saved, shapes, attrs }, dy) => {
    const { x, w } = denseGrads(saved, shapes.x, dy, attrs.activation ?? 'linear', false);
    return { x, w };
  },
});

export const denseBiasOp = defineOp({
  name: 'denseBias',
  inputs: ['x', 'w', 'bias'],
  shape: ({ x, w, bias }, o: DenseAttrs) => denseShape(x, w, bias, o),
  forward: ({ x, w, bias }, o, out) => denseForward(x, w, bias, o.activation ?? 'linear', out.shape),
  save: ['x', 'w', 'y'],
  backward: ({ saved, shapes, attrs }, dy) => denseGrads(saved, shapes.x, dy, attrs.activation ?? 'linear', true),
});
