// Data-movement kernels: broadcastTo (expand), and (to come) transpose/permute, concat, slice, gather, one-hot, where.
// Thread mapping: one thread per output element; the input offset comes from (broadcast) strides in uniforms.

import { broadcastShapes, broadcastStrides, fmtShape, sameShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { FLAT_ID, grid1d, kernel } from './kernel.js';

const WG = 64;

const expandKernel = kernel({
  name: 'broadcastTo', inputs: { x: 'f32' }, outputs: { y: 'f32' },
  uniforms: { total: 'u32', rank: 'u32', outShape: 'shape', xStrides: 'shape' }, workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i >= u.total) { return; }
  var rem = i;
  var ix = 0u;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let n = dim(u.outShape, u32(d));
    ix += (rem % n) * dim(u.xStrides, u32(d));
    rem = rem / n;
  }
  y[i] = x[ix];`,
});

/** Copies x broadcast (NumPy rules) to `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const out = broadcastShapes(x.shape, shape, 'broadcastTo');
  if (!sameShape(out, shape)) throw new Error(`broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
  if (x.dtype !== 'f32') throw new Error(`broadcastTo: expects f32 but got ${x.dtype}`);
  const y = Tensor.empty(shape, 'f32', x.device);
  const strides = broadcastStrides(x.shape, shape);
  const total = sizeOf(shape);
  if (x.device === 'cpu') {
    const xs = x.storage.data, ys = y.storage.data;
    for (let i = 0; i < total; i++) {
      let rem = i, ix = 0;
      for (let d = shape.length - 1; d >= 0; d--) {
        ix += (rem % shape[d]!) * strides[d]!;
        rem = Math.floor(rem / shape[d]!);
      }
      ys[i] = xs[ix]!;
    }
  } else {
    expandKernel.run({ x, y }, { total, rank: shape.length, outShape: shape, xStrides: strides }, grid1d(total, WG));
  }
  return y;
}
