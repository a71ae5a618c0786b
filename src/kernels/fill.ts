// Constant fill and dtype casts. Fill writes every element so pooled buffers never leak old values; u8 tensors
// are filled one packed u32 word (four bytes) per thread.

import { sizeOf, type DType, type Shape } from '../tensor/shape.js';
import type { DeviceKind } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { FLAT_ID, grid1d, kernel, WG } from './kernel.js';

const fillF32 = kernel({
  name: 'fillF32', inputs: {}, outputs: { y: 'f32' }, uniforms: { total: 'u32', value: 'f32' }, workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = u.value; }`,
});

const fillI32 = kernel({
  name: 'fillI32', inputs: {}, outputs: { y: 'i32' }, uniforms: { total: 'u32', value: 'i32' }, workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = u.value; }`,
});

const fillU8 = kernel({
  name: 'fillU8', inputs: {}, outputs: { y: 'u8' }, uniforms: { words: 'u32', value: 'u32' }, workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i < u.words) { y[i] = u.value * 0x01010101u; }`,
});

/** A tensor of `shape` with every element `value`. */
export function fill(shape: Shape, value: number, dtype: DType = 'f32', device: DeviceKind = 'webgpu'): Tensor {
  const y = Tensor.empty(shape, dtype, device);
  const n = sizeOf(shape);
  if (dtype !== 'f32' && !Number.isInteger(value)) throw new Error(`fill: ${dtype} value ${value} is not an integer`);
  if (dtype === 'u8' && (value < 0 || value > 255)) throw new Error(`fill: u8 value ${value} is outside 0..255`);
  if (device === 'cpu') y.storage.data.fill(value);
  else if (dtype === 'f32') fillF32.run({ y }, { total: n, value }, grid1d(n));
  else if (dtype === 'i32') fillI32.run({ y }, { total: n, value }, grid1d(n));
  else fillU8.run({ y }, { words: Math.ceil(n / 4), value }, grid1d(Math.ceil(n / 4)));
  return y;
}

const castKernels = {
  'u8->f32': kernel({
    name: 'castU8F32', inputs: { x: 'u8' }, outputs: { y: 'f32' }, uniforms: { total: 'u32' }, workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = f32((x[i / 4u] >> ((i % 4u) * 8u)) & 0xffu); }`,
  }),
  'i32->f32': kernel({
    name: 'castI32F32', inputs: { x: 'i32' }, outputs: { y: 'f32' }, uniforms: { total: 'u32' }, workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = f32(x[i]); }`,
  }),
  'f32->i32': kernel({
    name: 'castF32I32', inputs: { x: 'f32' }, outputs: { y: 'i32' }, uniforms: { total: 'u32' }, workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = i32(trunc(x[i])); }`,
  }),
  'f32->f32': null, 'i32->i32': null, 'u8->u8': null, 'u8->i32': null, 'i32->u8': null, 'f32->u8': null,
} as const;

/** Converts to another dtype (f32 -> i32 truncates toward zero). */
export function cast(x: Tensor, dtype: DType): Tensor {
  const key = `${x.dtype}->${dtype}` as keyof typeof castKernels;
  if (x.dtype === dtype) return x.view(x.shape);
  const k = castKernels[key];
  if (!k) throw new Error(`cast: ${x.dtype} -> ${dtype} is not supported`);
  const y = Tensor.empty(x.shape, dtype, x.device);
  if (x.device === 'cpu') {
    const xs = x.storage.data, ys = y.storage.data;
    for (let i = 0; i < xs.length; i++) ys[i] = dtype === 'i32' ? Math.trunc(xs[i]!) : xs[i]!;
  } else {
    k.run({ x, y }, { total: x.size }, grid1d(x.size));
  }
  return y;
}
