// Pooling layers: MaxPooling2D / AveragePooling2D (strides default to the pool size, Keras 'same' rule; average
// pooling excludes padded cells from its count) and the global poolings ([N, H, W, C] -> [N, C]).

import * as ops from '../../autograd/api.js';
import { avgPool2dOp, maxPool2dOp } from '../../autograd/ops/pool.js';
import { meanOp } from '../../autograd/ops/reduce.js';
import type { Padding } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { expectRank, inferOutputShape, Layer, type LayerOptions, type LayerShape } from '../layer.js';
import { pair } from './common.js';

export interface PoolingOptions extends LayerOptions {
  strides?: number | [number, number];
  padding?: Padding;
}

abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(poolSize: number | [number, number] = 2, opts: PoolingOptions = {}) {
    super(opts);
    this.poolSize = pair(poolSize, 'poolSize', this.name);
    this.strides = pair(opts.strides ?? this.poolSize, 'strides', this.name);
    this.padding = opts.padding ?? 'valid';
  }

  protected abstract readonly op: typeof maxPool2dOp;

  override computeOutputShape(s: LayerShape): LayerShape {
    expectRank(this, s, 4, 'NHWC input');
    return inferOutputShape(this, this.op, { x: s }, this.poolOpts);
  }

  protected get poolOpts(): { poolSize: [number, number]; strides: [number, number]; padding: Padding } {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

export class MaxPooling2D extends Pooling2D {
  protected readonly op = maxPool2dOp;
  override call(x: Tensor): Tensor {
    return ops.maxPool2d(x, this.poolOpts);
  }
}

export class AveragePooling2D extends Pooling2D {
  protected readonly op = avgPool2dOp;
  override call(x: Tensor): Tensor {
    return ops.avgPool2d(x, this.poolOpts);
  }
}

abstract class GlobalPooling2D extends Layer {
  override computeOutputShape(s: LayerShape): LayerShape {
    expectRank(this, s, 4, 'NHWC input');
    return inferOutputShape(this, meanOp, { x: s }, { axes: [1, 2] });
  }
}

export class GlobalAveragePooling2D extends GlobalPooling2D {
  override call(x: Tensor): Tensor {
    return ops.globalAvgPool2d(x);
  }
}

export class GlobalMaxPooling2D extends GlobalPooling2D {
  override call(x: Tensor): Tensor {
    return ops.globalMaxPool2d(x);
  }
}
