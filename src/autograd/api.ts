// The functional API users and layers call: thin positional wrappers over the op registry. Numbers are accepted
// where a tensor operand may be a constant; they travel to the kernel as uniforms.

import { cast as castKernel } from '../kernels/fill.js';
import { fill } from '../kernels/fill.js';
import { randomNormal, randomUniform } from '../kernels/random.js';
import type { DType, Shape } from '../tensor/shape.js';
import type { DeviceKind } from '../tensor/storage.js';
import { assertDevice, assertDType, getDefaultDevice, type Tensor, type TensorOptions } from '../tensor/tensor.js';
import { addActivationOp } from './ops/add_activation.js';
import { binaryOpTable, scalarOp, unaryOpTable, type ScalarAttrs } from './ops/elementwise.js';
import { argmaxOp, argminOp, maxOp, meanOp, minOp, sumOp, type ReduceAttrs } from './ops/reduce.js';
import { concatOp, gatherOp, oneHotOp, padOp, sliceOp, transposeOp, whereOp } from './ops/layout.js';
import { broadcastToOp, expandDimsOp, reshapeOp, squeezeOp } from './ops/shape.js';
import { categoricalCrossentropyOp, logSoftmaxOp, softmaxOp, sparseCategoricalCrossentropyOp } from './ops/softmax.js';

export * from './api-gemm.js';

type Operand = Tensor | number;

function binaryOrScalar(name: ScalarAttrs['op'], a: Operand, b: Operand): Tensor {
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`${name}: at least one operand must be a Tensor`);
  if (typeof b === 'number') return scalarOp.apply({ x: a as Tensor }, { op: name, s: b });
  if (typeof a === 'number') return scalarOp.apply({ x: b }, { op: name, s: a, scalarFirst: true });
  return binaryOpTable[name].apply({ a, b }, {});
}

export const add = (a: Operand, b: Operand): Tensor => binaryOrScalar('add', a, b);
/** activation(a + b) for same-shape tensors in one kernel (a residual Add and its ReLU); 'relu', 'sigmoid', 'tanh' or 'linear'. */
export const addActivation = (a: Tensor, b: Tensor, activation: 'linear' | 'relu' | 'sigmoid' | 'tanh'): Tensor =>
  addActivationOp.apply({ a, b }, { activation });
export const sub = (a: Operand, b: Operand): Tensor => binaryOrScalar('sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binaryOrScalar('mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => binaryOrScalar('div', a, b);
export const pow = (a: Operand, b: Operand): Tensor => binaryOrScalar('pow', a, b);
export const maximum = (a: Operand, b: Operand): Tensor => binaryOrScalar('maximum', a, b);
export const minimum = (a: Operand, b: Operand): Tensor => binaryOrScalar('minimum', a, b);

const cmp = (name: 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual') =>
  (a: Tensor, b: Tensor): Tensor => binaryOpTable[name].apply({ a, b }, {});
/** Comparisons return f32 masks: 1 where true, 0 where false. */
export const equal = cmp('equal');
export const notEqual = cmp('notEqual');
export const less = cmp('less');
export const lessEqual = cmp('lessEqual');
export const greater = cmp('greater');
export const greaterEqual = cmp('greaterEqual');

const un = (name: keyof typeof unaryOpTable) => (x: Tensor): Tensor => unaryOpTable[name].apply({ x }, {});
export const neg = un('neg');
export const abs = un('abs');
export const square = un('square');
export const sqrt = un('sqrt');
export const rsqrt = un('rsqrt');
export const exp = un('exp');
export const log = un('log');
export const reciprocal = un('reciprocal');
export const relu = un('relu');
export const relu6 = un('relu6');
export const sigmoid = un('sigmoid');
export const tanh = un('tanh');
export const softplus = un('softplus');
export const elu = un('elu');
export const sin = un('sin');
export const cos = un('cos');
export const sign = un('sign');
export const floor = un('floor');
export const round = un('round');
export const isNaN = un('isNaN');
export const isFinite = un('isFinite');

export const sum = (x: Tensor, axes?: ReduceAttrs['axes'], keepDims = false): Tensor => sumOp.apply({ x }, { axes, keepDims });
export const mean = (x: Tensor, axes?: ReduceAttrs['axes'], keepDims = false): Tensor => meanOp.apply({ x }, { axes, keepDims });
export const max = (x: Tensor, axes?: ReduceAttrs['axes'], keepDims = false): Tensor => maxOp.apply({ x }, { axes, keepDims });
export const min = (x: Tensor, axes?: ReduceAttrs['axes'], keepDims = false): Tensor => minOp.apply({ x }, { axes, keepDims });
export const argmax = (x: Tensor, axis = -1, keepDims = false): Tensor => argmaxOp.apply({ x }, { axis, keepDims });
export const argmin = (x: Tensor, axis = -1, keepDims = false): Tensor => argminOp.apply({ x }, { axis, keepDims });

export const reshape = (x: Tensor, shape: readonly number[]): Tensor => reshapeOp.apply({ x }, { shape });
export const broadcastTo = (x: Tensor, shape: readonly number[]): Tensor => broadcastToOp.apply({ x }, { shape });
/** A view with a new size-1 axis at `axis` (negative counts from the end of the output). */
export const expandDims = (x: Tensor, axis: number): Tensor => expandDimsOp.apply({ x }, { axis });
/** A view without the given size-1 axes (all size-1 axes when `axis` is omitted). */
export const squeeze = (x: Tensor, axis?: number | readonly number[]): Tensor => squeezeOp.apply({ x }, { axis });

/** Permutes the axes: output axis d is input axis perm[d]; the default reverses them. */
export const transpose = (x: Tensor, perm?: readonly number[]): Tensor => transposeOp.apply({ x }, { perm });
/** Joins tensors with equal shapes outside `axis` along `axis`. */
export const concat = (xs: readonly Tensor[], axis: number): Tensor => {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error('concat: xs must be a non-empty array of tensors');
  return concatOp(xs.length).apply(Object.fromEntries(xs.map((x, i) => [`x${i}`, x])), { axis });
};
/** The block starting at `begin` with extent `size` per axis (-1 = to the end of that axis). */
export const slice = (x: Tensor, begin: readonly number[], size: readonly number[]): Tensor => sliceOp.apply({ x }, { begin, size });
/** Constant padding: paddings[d] = [before, after] cells of `value` on axis d. */
export const pad = (x: Tensor, paddings: ReadonlyArray<readonly [number, number]>, value = 0): Tensor =>
  padOp.apply({ x }, { paddings, value });
/**
 * Takes the entries of x at `indices` (i32, any shape) along `axis`: the result's shape is
 * x.shape[:axis] + indices.shape + x.shape[axis+1:]. Its gradient is a deterministic scatter-add.
 */
export const gather = (x: Tensor, indices: Tensor, axis = 0): Tensor => gatherOp.apply({ x, indices }, { axis });
/** f32 [..., depth] one-hot rows for i32 indices; out-of-range indices give all-zero rows. Not differentiable. */
export const oneHot = (indices: Tensor, depth: number): Tensor => oneHotOp.apply({ indices }, { depth });
/** a where the f32 mask `cond` is non-zero (NaN counts as non-zero), b elsewhere; all three broadcast. */
export const where = (cond: Tensor, a: Tensor, b: Tensor): Tensor => whereOp.apply({ cond, a, b }, {});

/** Softmax over `axis` (default the last; stable: the max is subtracted first). */
export const softmax = (x: Tensor, axis = -1): Tensor => softmaxOp.apply({ x }, { axis });
/** log(softmax(x)) over `axis` (default the last), computed as x - max - log(sum(exp(x - max))). */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => logSoftmaxOp.apply({ x }, { axis });

export interface CrossEntropyOptions {
  /** pred holds logits instead of probabilities (Keras's from_logits); default false. */
  fromLogits?: boolean;
}

/**
 * Keras's sparse_categorical_crossentropy, per sample: labels i32 [N] (or [N, 1]), pred f32 [N, C] -> [N].
 * From logits: logsumexp(z) - z[label]. From probabilities (Keras's default): p is clipped to [1e-7, 1 - 1e-7] and
 * the loss is log(sum(clipped)) - log(clipped[label]), i.e. the clipped row is renormalised, so outputs that do
 * not sum to 1 (sigmoid) are scored as Keras scores them. Labels outside [0, C) throw on 'cpu' and give NaN on 'webgpu'.
 * NOTE: inside fit/evaluate, tf.keras 2.x and Keras 3 (TensorFlow backend) never see a sigmoid or softmax layer's
 * probabilities here: those activations cache their input as `_keras_logits` and the loss uses it with
 * from_logits=True (softmax CE of the pre-activation). A layer stack that wants Keras's training numbers passes the
 * pre-activation with { fromLogits: true }; this function is what Keras computes for probabilities given directly.
 */
export const sparseCategoricalCrossentropy = (labels: Tensor, pred: Tensor, o: CrossEntropyOptions = {}): Tensor =>
  sparseCategoricalCrossentropyOp.apply({ labels, pred }, { fromLogits: o.fromLogits ?? false });

/**
 * Keras's categorical_crossentropy, per sample: target f32 [N, C] (one-hot or probabilities), pred f32 [N, C] -> [N].
 * From logits: -sum(target * logSoftmax(z)). From probabilities: p is divided by its row sum, clipped to
 * [1e-7, 1 - 1e-7], and the loss is -sum(target * log(p)).
 */
export const categoricalCrossentropy = (target: Tensor, pred: Tensor, o: CrossEntropyOptions = {}): Tensor =>
  categoricalCrossentropyOp.apply({ target, pred }, { fromLogits: o.fromLogits ?? false });

/** Converts dtype; not differentiable (the result has no gradient path). */
export const cast = (x: Tensor, dtype: DType): Tensor => castKernel(x, dtype);

export type CreateOptions = TensorOptions;

function filled(op: string, shape: Shape, value: number, o: CreateOptions): Tensor {
  const dtype = o.dtype ?? 'f32', device = o.device ?? getDefaultDevice();
  assertDType(dtype, op);
  assertDevice(device, op);
  return fill(shape, value, dtype, device);
}
export const full = (shape: Shape, value: number, o: CreateOptions = {}): Tensor => filled('full', shape, value, o);
export const zeros = (shape: Shape, o: CreateOptions = {}): Tensor => filled('zeros', shape, 0, o);
export const ones = (shape: Shape, o: CreateOptions = {}): Tensor => filled('ones', shape, 1, o);

export interface RandomOptions {
  seed: number;
  device?: DeviceKind;
}

/** Uniform samples in [lo, hi) from the counter-based RNG. */
export const rand = (shape: Shape, { seed, device }: RandomOptions, lo = 0, hi = 1): Tensor =>
  randomUniform(shape, seed, lo, hi, device ?? getDefaultDevice());
/** Standard-normal samples (times std, plus mean) from the counter-based RNG. */
export const randn = (shape: Shape, { seed, device }: RandomOptions, mean = 0, std = 1): Tensor =>
  randomNormal(shape, seed, mean, std, device ?? getDefaultDevice());
export * from './api-vision.js';
