// Softmax-family ops: softmax and logSoftmax over any axis (moved last by a transpose when it is not), and the fused cross-entropies with Keras's
// semantics (see kernels/softmax.ts for the exact formulas). Each fused loss has its own backward kernel.

import { binary, binaryScalar, unary } from '../../kernels/elementwise.js';
import { reduce } from '../../kernels/reduce.js';
import { CLIP_HI, CLIP_LO, crossEntropy, crossEntropyGrad, softmaxRows, softmaxRowsGrad } from '../../kernels/softmax.js';
import { transpose } from '../../kernels/layout.js';
import { fmtShape, normalizeAxes, sameShape, type Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp, type Meta } from '../op.js';

export interface SoftmaxAttrs {
  /** The axis normalised over; negative counts from the end (default -1). */
  axis?: number;
}

function softmaxMeta(op: string, x: Meta, axis: number | undefined): Meta {
  if (x.dtype !== 'f32') throw new Error(`${op}: input 'x' must be f32 but got ${x.dtype} ${fmtShape(x.shape)}; cast it first`);
  if (x.shape.length < 1) throw new Error(`${op}: input 'x' must have at least rank 1 but got ${fmtShape(x.shape)}`);
  normalizeAxes(axis ?? -1, x.shape.length, op, x.shape);
  return { shape: x.shape, dtype: 'f32' };
}

/** The permutation that swaps `axis` with the last one (its own inverse), or null when `axis` is already last. */
function swapToLast(rank: number, axis: number | undefined): number[] | null {
  const a = normalizeAxes(axis ?? -1, rank, 'softmax')[0]!;
  if (a === rank - 1) return null;
  const perm = [...Array(rank).keys()];
  [perm[a], perm[rank - 1]] = [rank - 1, a];
  return perm;
}

/** f over the last axis of the inputs transposed by perm, transposed back (intermediates freed here). */
function onLastAxis(perm: number[] | null, xs: readonly Tensor[], f: (...ts: Tensor[]) => Tensor): Tensor {
  if (!perm) return f(...xs);
  const moved = xs.map((x) => transpose(x, perm));
  const r = f(...moved);
  const out = transpose(r, perm);
  for (const t of [...moved, r]) t.dispose();
  return out;
}

function makeSoftmaxOp(log: boolean) {
  const name = log ? 'logSoftmax' : 'softmax';
  return defineOp({
    name, inputs: ['x'],
    shape: ({ x }, { axis }: SoftmaxAttrs) => softmaxMeta(name, x, axis),
    forward: ({ x }, { axis }) => onLastAxis(swapToLast(x.rank, axis), [x], (t) => softmaxRows(t, log)),
    save: ['y'],
    backward: ({ saved, attrs }, dy) => ({
      x: () => onLastAxis(swapToLast(dy.rank, attrs.axis), [saved.y, dy], (y, d) => softmaxRowsGrad(y!, d!, log)),
    }),
  });
}

export const softmaxOp = makeSoftmaxOp(false);
export const logSoftmaxOp = makeSoftmaxOp(true);

export interface CrossEntropyAttrs {
  /** pred holds logits (softmax applied inside, stably) rather than probabilities. */
  fromLogits: boolean;
}

/** labels i32 [...] or [..., 1], pred f32 [..., C]; per-row losses [...]. */
export const sparseCategoricalCrossentropyOp = defineOp({
  name: 'sparseCategoricalCrossentropy', inputs: ['labels', 'pred'],
  shape: ({ labels, pred }, _attrs: CrossEntropyAttrs) => {
    const op = 'sparseCategoricalCrossentropy';
    const both = `labels ${fmtShape(labels.shape)}, pred ${fmtShape(pred.shape)}`;
    if (labels.dtype !== 'i32') throw new Error(`${op}: input 'labels' must be i32 class indices but got ${labels.dtype} (${both})`);
    if (pred.dtype !== 'f32') throw new Error(`${op}: input 'pred' must be f32 but got ${pred.dtype} (${both})`);
    if (pred.shape.length < 1 || pred.shape[pred.shape.length - 1] === 0) {
      throw new Error(`${op}: input 'pred' must be [..., C] with C >= 1 (${both})`);
    }
    const rows = pred.shape.slice(0, -1);
    const l = labels.shape;
    const squeezed = l.length === pred.shape.length && l[l.length - 1] === 1 ? l.slice(0, -1) : l;
    if (!sameShape(squeezed, rows)) throw new Error(`${op}: labels must be ${fmtShape(rows)} or ${fmtShape([...rows, 1])} (${both})`);
    return { shape: rows, dtype: 'f32' };
  },
  forward: ({ labels, pred }, { fromLogits }) => crossEntropy(labels, pred, { sparse: true, logits: fromLogits }),
  save: ['labels', 'pred'],
  backward: ({ saved, attrs }, dy) => ({
    pred: () => crossEntropyGrad(saved.labels, saved.pred, dy, { sparse: true, logits: attrs.fromLogits }),
  }),
});

/** dy [...] as [..., 1], to broadcast over the class axis. */
function perRow(dy: Tensor): Tensor {
  return dy.view([...dy.shape, 1]);
}

/** d loss / d target = -log(clipped renormalised p) or -logSoftmax(z), times dy. */
function targetGrad(pred: Tensor, dy: Tensor, fromLogits: boolean): Tensor {
  const logp = fromLogits ? softmaxRows(pred, true)
    : unary('log', binaryScalar('minimum', binaryScalar('maximum', binary('div', pred, reduce('sum', pred, -1, true)), CLIP_LO), CLIP_HI));
  return unary('neg', binary('mul', logp, perRow(dy)));
}

function sameShapeMeta(target: Meta, pred: Meta): Shape {
  const op = 'categoricalCrossentropy';
  const both = `target ${fmtShape(target.shape)}, pred ${fmtShape(pred.shape)}`;
  if (target.dtype !== 'f32' || pred.dtype !== 'f32') throw new Error(`${op}: target and pred must be f32 but got ${target.dtype} and ${pred.dtype} (${both})`);
  if (pred.shape.length < 1) throw new Error(`${op}: input 'pred' must be [..., C] but got ${fmtShape(pred.shape)}`);
  if (!sameShape(target.shape, pred.shape)) throw new Error(`${op}: target and pred must have the same shape (${both})`);
  return pred.shape.slice(0, -1);
}

/** target f32 [..., C] (one-hot or probabilities), pred f32 [..., C]; per-row losses [...]. */
export const categoricalCrossentropyOp = defineOp({
  name: 'categoricalCrossentropy', inputs: ['target', 'pred'],
  shape: ({ target, pred }, _attrs: CrossEntropyAttrs) => ({ shape: sameShapeMeta(target, pred), dtype: 'f32' }),
  forward: ({ target, pred }, { fromLogits }) => crossEntropy(target, pred, { sparse: false, logits: fromLogits }),
  save: ['target', 'pred'],
  backward: ({ saved, attrs }, dy) => ({
    pred: () => crossEntropyGrad(saved.target, saved.pred, dy, { sparse: false, logits: attrs.fromLogits }),
    target: () => targetGrad(saved.pred, dy, attrs.fromLogits),
  }),
});
