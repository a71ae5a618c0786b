// Pooling layers: MaxPooling2D / AveragePooling2D (strides default to the pool size, Keras 'same' rule; average
// pooling excludes padded cells from its count) and the global poolings ([N, H, W, C] -> [N, C]).

import * as ops from '../../autograd/api.js';
import { convAxis, type Padding } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { expectRank, Layer, type LayerOptions, type LayerShape } from '../layer.js';
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

  override computeOutputShape(s: LayerShape): LayerShape {
    expectRank(this, s, 4, 'NHWC input');
    const axis = (i: 0 | 1): number | null => (s[i + 1] == null ? null : convAxis(s[i + 1]!, this.poolSize[i], this.strides[i], this.padding).out);
    return [s[0]!, axis(0), axis(1), s[3]!];
  }

  protected get poolOpts(): { poolSize: [number, number]; strides: [number, number]; padding: Padding } {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

export class MaxPooling2D extends Pooling2D {
  override call(x: Tensor): Tensor {
    return ops.maxPool2d(x, this.poolOpts);
  }
}

export class AveragePooling2D extends Pooling2D {
  override call(x: Tensor): Tensor {
    return ops.avgPool2d(x, this.poolOpts);
  }
}

abstract class GlobalPooling2D extends Layer {
  override computeOutputShape(s: LayerShape): LayerShape {
    expectRank(this, s, 4, 'NHWC input');
    return [s[0]!, s[3]!];
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
