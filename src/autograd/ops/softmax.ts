// Softmax-family ops: softmax and logSoftmax over the last axis, and the fused cross-entropies with Keras's
// semantics (see kernels/softmax.ts for the exact formulas). Each fused loss has its own backward kernel.

import { binary, binaryScalar, unary } from '../../kernels/elementwise.js';
import { reduce } from '../../kernels/reduce.js';
import { CLIP_HI, CLIP_LO, crossEntropy, crossEntropyGrad, softmaxRows, softmaxRowsGrad } from '../../kernels/softmax.js';
import { fmtShape, sameShape, type Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp, type Meta } from '../op.js';

function lastAxisMeta(op: string, x: Meta): Meta {
  if (x.dtype !== 'f32') throw new Error(`${op}: input 'x' must be f32 but got ${x.dtype} ${fmtShape(x.shape)}; cast it first`);
  if (x.shape.length < 1) throw new Error(`${op}: input 'x' must have at least rank 1 but got ${fmtShape(x.shape)}`);
  return { shape: x.shape, dtype: 'f32' };
}

function makeSoftmaxOp(log: boolean) {
  const name = log ? 'logSoftmax' : 'softmax';
  return defineOp<'x'>({
    name, inputs: ['x'],
    shape: ({ x }) => lastAxisMeta(name, x),
    forward: ({ x }) => softmaxRows(x, log),
    save: ['y'],
    backward: ({ saved }, dy) => ({ x: () => softmaxRowsGrad(saved.y!, dy, log) }),
  });
}

export const softmaxOp = makeSoftmaxOp(false);
export const logSoftmaxOp = makeSoftmaxOp(true);

export interface CrossEntropyAttrs {
  /** pred holds logits (softmax applied inside, stably) rather than probabilities. */
  fromLogits: boolean;
}

/** labels i32 [...] or [..., 1], pred f32 [..., C]; per-row losses [...]. */
export const sparseCategoricalCrossentropyOp = defineOp<'labels' | 'pred', CrossEntropyAttrs>({
  name: 'sparseCategoricalCrossentropy', inputs: ['labels', 'pred'],
  shape: ({ labels, pred }) => {
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
    pred: () => crossEntropyGrad(saved.labels!, saved.pred!, dy, { sparse: true, logits: attrs.fromLogits }),
  }),
});

/** dy [...] as [..., 1], to broadcast over the class axis. */
function perRow(dy: Tensor): Tensor {
  return dy.view([...dy.shape, 1]);
}

/** d loss / d target = -log(clipped renormalised p) or -logSoftmax(z), times dy. */
function targetGrad(pred: Tensor, dy: Tensor, fromLogits: boolean): Tensor {
  const owned: Tensor[] = [];
  const keep = (t: Tensor): Tensor => (owned.push(t), t);
  let logp: Tensor;
  if (fromLogits) logp = keep(softmaxRows(pred, true));
  else {
    const s = keep(reduce('sum', pred, -1, true));
    const q = keep(binary('div', pred, s));
    const c = keep(binaryScalar('minimum', keep(binaryScalar('maximum', q, CLIP_LO)), CLIP_HI));
    logp = keep(unary('log', c));
  }
  const d = keep(perRow(dy));
  const g = keep(binary('mul', logp, d));
  const out = unary('neg', g);
  for (const t of owned) t.dispose();
  return out;
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
export const categoricalCrossentropyOp = defineOp<'target' | 'pred', CrossEntropyAttrs>({
  name: 'categoricalCrossentropy', inputs: ['target', 'pred'],
  shape: ({ target, pred }) => ({ shape: sameShapeMeta(target, pred), dtype: 'f32' }),
  forward: ({ target, pred }, { fromLogits }) => crossEntropy(target, pred, { sparse: false, logits: fromLogits }),
  save: ['target', 'pred'],
  backward: ({ saved, attrs }, dy) => ({
    pred: () => crossEntropyGrad(saved.target!, saved.pred!, dy, { sparse: false, logits: attrs.fromLogits }),
    target: () => targetGrad(saved.pred!, dy, attrs.fromLogits),
  }),
});
