// Float64 twins of the index-map kernels in layout.ts and gather.ts: plain loops over output elements that decode
// the coordinates and read the source element, so each is obviously the definition of its op.

import type { Shape } from '../tensor/shape.js';

/** y[o] = x[offset + sum_d coord_d(o) * strides[d]], coordinates taken in outShape. */
export function stridedCpu(x: Float64Array, y: Float64Array, outShape: Shape, strides: readonly number[], offset: number): void {
  for (let o = 0; o < y.length; o++) {
    let rem = o, s = offset;
    for (let d = outShape.length - 1; d >= 0; d--) {
      s += (rem % outShape[d]!) * strides[d]!;
      rem = Math.floor(rem / outShape[d]!);
    }
    y[o] = x[s]!;
  }
}

/** Constant pad: output coordinate c reads input coordinate c - before[d] when it is inside, else `fill`. */
export function boundedCpu(x: Float64Array, y: Float64Array, inShape: Shape, outShape: Shape, before: readonly number[], fill: number): void {
  for (let o = 0; o < y.length; o++) {
    let rem = o, s = 0, stride = 1, inside = true;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const c = (rem % outShape[d]!) - before[d]!;
      rem = Math.floor(rem / outShape[d]!);
      if (c < 0 || c >= inShape[d]!) inside = false;
      s += c * stride;
      stride *= inShape[d]!;
    }
    y[o] = inside ? x[s]! : fill;
  }
}

/** Writes x into y at `offset` + coordinates times y's strides (one concat block). */
export function copyIntoCpu(x: Float64Array, y: Float64Array, xShape: Shape, outStrides: readonly number[], offset: number): void {
  for (let i = 0; i < x.length; i++) {
    let rem = i, dst = offset;
    for (let d = xShape.length - 1; d >= 0; d--) {
      dst += (rem % xShape[d]!) * outStrides[d]!;
      rem = Math.floor(rem / xShape[d]!);
    }
    y[dst] = x[i]!;
  }
}
