// where(cond, a, b): a where cond is non-zero, b elsewhere, all three broadcast NumPy-style. cond is an f32 mask;
// NaN counts as true (it is non-zero). One thread per output element, input offsets from broadcast strides.

import { broadcastShapes, broadcastStrides, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { flatThread, grid1d, kernel, WG } from './kernel.js';
import { broadcastOffsets } from './elementwise.js';
import { checkRank } from './layout.js';

const whereKernel = kernel({
  name: 'where', inputs: { cond: 'f32', a: 'f32', b: 'f32' }, outputs: { y: 'f32' },
  uniforms: { total: 'u32', rank: 'u32', outShape: 'shape', cStrides: 'shape', aStrides: 'shape', bStrides: 'shape' }, workgroup: WG,
  body: `
${flatThread()}
${broadcastOffsets(['c', 'a', 'b'])}
  // NOTE: tested on the bit pattern (anything but +0 and -0 is true), so NaN is true whatever the compiler assumes.
  let isTrue = (bitcast<u32>(cond[ic]) & 0x7fffffffu) != 0u;
  y[i] = select(b[ib], a[ia], isTrue);`,
});

/** Output shape of where: the broadcast of the three shapes. */
export function whereShape(c: readonly number[], a: readonly number[], b: readonly number[]): number[] {
  return broadcastShapes(broadcastShapes(c, a, 'where'), b, 'where');
}

export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const shape = whereShape(cond.shape, a.shape, b.shape);
  checkRank('where', shape, 'output');
  const y = Tensor.empty(shape, 'f32', a.device);
  const total = sizeOf(shape);
  const [sc, sa, sb] = [cond, a, b].map((t) => broadcastStrides(t.shape, shape)) as [number[], number[], number[]];
  if (a.device === 'cpu') {
    const cs = cond.storage.data, as = a.storage.data, bs = b.storage.data, ys = y.storage.data;
    for (let i = 0; i < total; i++) {
      let rem = i, ic = 0, ia = 0, ib = 0;
      for (let d = shape.length - 1; d >= 0; d--) {
        const c = rem % shape[d]!;
        rem = Math.floor(rem / shape[d]!);
        ic += c * sc[d]!;
        ia += c * sa[d]!;
        ib += c * sb[d]!;
      }
      ys[i] = cs[ic] !== 0 ? as[ia]! : bs[ib]!;
    }
  } else {
    whereKernel.run({ cond, a, b, y }, { total, rank: shape.length, outShape: shape, cStrides: sc, aStrides: sa, bStrides: sb }, grid1d(total));
  }
  return y;
}
