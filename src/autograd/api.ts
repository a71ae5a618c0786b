// The functional API users and layers call: thin positional wrappers over the op registry. Numbers are accepted
// where a tensor operand may be a constant; they travel to the kernel as uniforms.

import { cast as castKernel } from '../kernels/fill.js';
import { fill } from '../kernels/fill.js';
import { randomNormal, randomUniform } from '../kernels/random.js';
import type { DType, Shape } from '../tensor/shape.js';
import type { DeviceKind } from '../tensor/storage.js';
import { getDefaultDevice, type Tensor } from '../tensor/tensor.js';
import { binaryOpTable, scalarOp, unaryOpTable, type ScalarAttrs } from './ops/elementwise.js';
import { argmaxOp, argminOp, maxOp, meanOp, minOp, sumOp, type ReduceAttrs } from './ops/reduce.js';
import { broadcastToOp, reshapeOp } from './ops/shape.js';

export * from './api.gemm.js';

type Operand = Tensor | number;

function binaryOrScalar(name: ScalarAttrs['op'], a: Operand, b: Operand): Tensor {
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`${name}: at least one operand must be a Tensor`);
  if (typeof b === 'number') return scalarOp.apply({ x: a as Tensor }, { op: name, s: b });
  if (typeof a === 'number') return scalarOp.apply({ x: b }, { op: name, s: a, scalarFirst: true });
  return binaryOpTable[name].apply({ a, b }, {});
}

export const add = (a: Operand, b: Operand): Tensor => binaryOrScalar('add', a, b);
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

/** Converts dtype; not differentiable (the result has no gradient path). */
export const cast = (x: Tensor, dtype: DType): Tensor => castKernel(x, dtype);

export interface CreateOptions {
  dtype?: DType;
  device?: DeviceKind;
}

export const full = (shape: Shape, value: number, o: CreateOptions = {}): Tensor => fill(shape, value, o.dtype ?? 'f32', o.device ?? getDefaultDevice());
export const zeros = (shape: Shape, o: CreateOptions = {}): Tensor => full(shape, 0, o);
export const ones = (shape: Shape, o: CreateOptions = {}): Tensor => full(shape, 1, o);

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
