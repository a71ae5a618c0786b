// ZeroPadding2D: pads the spatial axes of NHWC input with zeros; Keras accepts an int, [h, w] or
// [[top, bottom], [left, right]].

import * as ops from '../../autograd/api.js';
import type { Tensor } from '../../tensor/tensor.js';
import { zeroPad2dOp } from '../../autograd/ops/image.js';
import { expectRank, inferOutputShape, Layer, type LayerOptions, type LayerShape } from '../layer.js';

export type Padding2D = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

export function normalizePadding2D(p: Padding2D, layer: string): [[number, number], [number, number]] {
  const out: [[number, number], [number, number]] =
    typeof p === 'number' ? [[p, p], [p, p]]
    : typeof p[0] === 'number' ? [[p[0], p[0]], [p[1] as number, p[1] as number]]
    : [[...(p[0] as [number, number])], [...(p[1] as [number, number])]];
  if (!out.flat().every((v) => Number.isInteger(v) && v >= 0)) throw new Error(`${layer}: padding must be non-negative integers, got ${JSON.stringify(p)}`);
  return out;
}

export class ZeroPadding2D extends Layer {
  readonly padding: [[number, number], [number, number]];
  constructor(padding: Padding2D = 1, opts: LayerOptions = {}) {
    super(opts);
    this.padding = normalizePadding2D(padding, this.name);
  }
  override computeOutputShape(s: LayerShape): LayerShape {
    expectRank(this, s, 4, 'NHWC input');
    return inferOutputShape(this, zeroPad2dOp, { x: s }, { padding: this.padding });
  }
  override call(x: Tensor): Tensor {
    return ops.zeroPad2d(x, this.padding);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding };
  }
}
