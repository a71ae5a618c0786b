// Conv2d (NHWC, filters [KH, KW, C, K]): the family functions that check inputs and pick a kernel.
// Forward, gradInput and gradFilter are implicit GEMMs on matmul's tiles (conv2d.forward.ts, conv2d.gradInput.ts,
// conv2d.gradFilter.ts); a 1x1 stride-1 conv is a plain matmul over [N*H*W, C]. The shape rule (Keras/TF 'same'
// padding with the odd cell at the bottom/right) is convRule in conv2d.geometry.ts. The Float64 twin is
// conv2d.cpu.ts; the naive direct kernel (conv2d.naive.ts) is the reference for tests and benches.

import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkDy, checkF32, convGeometry, convRule, type ConvGeometry, type ConvOptions } from './conv2d.geometry.js';
import { conv2dForwardCpu, conv2dGradFilterCpu, conv2dGradInputCpu } from './conv2d.cpu.js';
import { conv2dForwardGpu } from './conv2d.forward.js';
import { conv2dGradFilterGpu } from './conv2d.gradFilter.js';
import { conv2dGradInputGpu } from './conv2d.gradInput.js';
import { matmul, type MatmulOptions } from './matmul.js';

export type { ConvGeometry, ConvOptions };

/** 1x1, stride 1: the conv is a matmul over [N*H*W, C] x [C, K] (padding is zero either way). */
const isPointwise = (g: ConvGeometry): boolean => g.KH === 1 && g.KW === 1 && g.SH === 1 && g.SW === 1;

/** A pointwise conv as one matmul of the two operands viewed as matrices, its product viewed as `outShape`. */
function pointwiseMatmul(a: [Tensor, number[]], b: [Tensor, number[]], outShape: Shape, o: MatmulOptions): Tensor {
  const a2 = a[0].view(a[1]), b2 = b[0].view(b[1]);
  try {
    const y2 = matmul(a2, b2, o);
    const y = y2.view(outShape);
    y2.dispose();
    return y;
  } finally {
    a2.dispose();
    b2.dispose();
  }
}

/** y = activation(conv2d(x, w) + bias): x [N, H, W, C], w [KH, KW, C, K], bias [K] -> [N, OH, OW, K]. */
export function conv2d(x: Tensor, w: Tensor, bias: Tensor | undefined, o: ConvOptions = {}): Tensor {
  const { g, shape: outShape } = convRule('conv2d', x, w, bias, o, false);
  const act = o.activation ?? 'linear';
  if (x.device === 'cpu') {
    const y = Tensor.empty(outShape, 'f32', 'cpu');
    conv2dForwardCpu(x.storage.data, w.storage.data, bias?.storage.data ?? null, y.storage.data, g, act);
    return y;
  }
  if (isPointwise(g)) {
    return pointwiseMatmul([x, [g.N * g.H * g.W, g.C]], [w, [g.C, g.K]], outShape, { bias, activation: act, tiles: o.tiles });
  }
  const y = Tensor.empty(outShape, 'f32', 'webgpu');
  conv2dForwardGpu(x, w, bias, y, g, act, o.tiles);
  return y;
}

/** dx of conv2d: the transposed convolution of dy [N, OH, OW, K] with the same filters, shaped like x. */
export function conv2dGradInput(dy: Tensor, w: Tensor, xShape: Shape, o: ConvOptions = {}): Tensor {
  checkF32('conv2dGradInput', { dy, w });
  const g = convGeometry('conv2dGradInput', xShape, w.shape, o);
  checkDy('conv2dGradInput', dy, [g.N, g.OH, g.OW, g.K]);
  if (dy.device === 'cpu') {
    const dx = Tensor.empty(xShape, 'f32', 'cpu');
    conv2dGradInputCpu(dy.storage.data, w.storage.data, dx.storage.data, g);
    return dx;
  }
  if (isPointwise(g)) {
    return pointwiseMatmul([dy, [g.N * g.H * g.W, g.K]], [w, [g.C, g.K]], xShape, { transposeB: true });
  }
  const dx = Tensor.empty(xShape, 'f32', 'webgpu');
  conv2dGradInputGpu(dy, w, dx, g, o.tiles);
  return dx;
}

/** dw of conv2d: for every filter tap, the correlation of x with dy over the batch and output pixels. */
export function conv2dGradFilter(x: Tensor, dy: Tensor, wShape: Shape, o: ConvOptions = {}): Tensor {
  checkF32('conv2dGradFilter', { x, dy });
  const g = convGeometry('conv2dGradFilter', x.shape, wShape, o);
  checkDy('conv2dGradFilter', dy, [g.N, g.OH, g.OW, g.K]);
  if (x.device === 'cpu') {
    const dw = Tensor.empty(wShape, 'f32', 'cpu');
    conv2dGradFilterCpu(x.storage.data, dy.storage.data, dw.storage.data, g);
    return dw;
  }
  if (isPointwise(g)) {
    return pointwiseMatmul([x, [g.N * g.H * g.W, g.C]], [dy, [g.N * g.H * g.W, g.K]], wShape, { transposeA: true });
  }
  return conv2dGradFilterGpu(x, dy, wShape, g, o.tiles);
}
