// In-place updates of long-lived tensors (moving statistics, metric accumulators): the target is bound as an
// output and rewritten where it lives, so parameters and accumulators never change identity.
// Thread mapping: one thread per element.

import { fmtShape, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { FLAT_ID, grid1d, kernel } from './kernel.js';

const WG = 64;

const lerpKernel = kernel({
  name: 'lerpInPlace', inputs: { src: 'f32' }, outputs: { target: 'f32' }, uniforms: { total: 'u32', t: 'f32', scale: 'f32' }, workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i < u.total) { target[i] = target[i] * (1.0 - u.t) + src[i] * u.scale * u.t; }`,
});

function check(op: string, target: Tensor, src: Tensor): void {
  target.assertAlive(op, 'target');
  src.assertAlive(op, 'src');
  if (!sameShape(target.shape, src.shape) && target.size !== src.size) {
    throw new Error(`${op}: target ${fmtShape(target.shape)} and src ${fmtShape(src.shape)} differ in size`);
  }
  if (target.dtype !== 'f32' || src.dtype !== 'f32') throw new Error(`${op}: expects f32 tensors`);
  if (target.device !== src.device) throw new Error(`${op}: target and src live on different devices`);
}

/** target = target * (1 - t) + (src * scale) * t, in place (Keras moving averages use t = 1 - momentum). */
export function lerpInPlace(target: Tensor, src: Tensor, t: number, scale = 1): void {
  check('lerpInPlace', target, src);
  if (target.device === 'cpu') {
    const ts = target.storage.data, ss = src.storage.data;
    for (let i = 0; i < ts.length; i++) ts[i] = ts[i]! * (1 - t) + ss[i]! * scale * t;
  } else {
    lerpKernel.run({ src, target }, { total: target.size, t, scale }, grid1d(target.size, WG));
  }
}

/** target += src, in place. */
export function addInPlace(target: Tensor, src: Tensor): void {
  check('addInPlace', target, src);
  if (target.device === 'cpu') {
    const ts = target.storage.data, ss = src.storage.data;
    for (let i = 0; i < ts.length; i++) ts[i] = ts[i]! + ss[i]!;
  } else {
    accumulateKernel.run({ src, target }, { total: target.size }, grid1d(target.size, WG));
  }
}

const accumulateKernel = kernel({
  name: 'addInPlace', inputs: { src: 'f32' }, outputs: { target: 'f32' }, uniforms: { total: 'u32' }, workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i < u.total) { target[i] = target[i] + src[i]; }`,
});

const copyKernel = kernel({
  name: 'assignInPlace', inputs: { src: 'f32' }, outputs: { target: 'f32' }, uniforms: { total: 'u32' }, workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i < u.total) { target[i] = src[i]; }`,
});

/** target = src, in place (restoring saved weights). */
export function assignInPlace(target: Tensor, src: Tensor): void {
  check('assignInPlace', target, src);
  if (target.device === 'cpu') target.storage.data.set(src.storage.data);
  else copyKernel.run({ src, target }, { total: target.size }, grid1d(target.size, WG));
}
