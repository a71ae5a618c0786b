// BatchNormalization over the last axis with Keras's defaults (momentum 0.99, epsilon 1e-3) and weight names
// (gamma, beta, moving_mean, moving_variance). Training mode normalises with batch statistics and moves the
// moving statistics toward them in place; inference, and any frozen layer (trainable = false), uses the moving ones.

import * as ops from '../../autograd/api.js';
import { unscoped } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type CallContext, type LayerOptions, type LayerShape } from '../layer.js';
import { init, type InitializerSpec } from './common.js';

export interface BatchNormalizationOptions extends LayerOptions {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
}

export class BatchNormalization extends Layer {
  readonly momentum: number;
  readonly epsilon: number;
  gamma: Tensor | null = null;
  beta: Tensor | null = null;
  movingMean: Tensor | null = null;
  movingVariance: Tensor | null = null;
  /** Stand-ins for a disabled gamma (scale: false) or beta (center: false); not weights, so not counted. */
  #constants: Tensor[] = [];

  constructor(readonly opts: BatchNormalizationOptions = {}) {
    super(opts);
    this.momentum = opts.momentum ?? 0.99;
    this.epsilon = opts.epsilon ?? 1e-3;
    if (opts.axis !== undefined && opts.axis !== -1 && opts.axis !== 3) {
      throw new Error(`${this.name} (BatchNormalization): only the channel (last) axis is supported, got axis ${opts.axis}`);
    }
  }

  override build(s: LayerShape): void {
    const c = s[s.length - 1];
    if (c == null) throw new Error(`${this.name} (BatchNormalization): the channel axis must be known`);
    const o = this.opts;
    const make = (spec: InitializerSpec): Tensor => init(spec, [c]);
    unscoped(() => {
      if (o.scale ?? true) this.gamma = this.addWeight('gamma', make(o.gammaInitializer ?? 'ones'));
      else this.#constants.push((this.gamma = ops.ones([c])));
      if (o.center ?? true) this.beta = this.addWeight('beta', make(o.betaInitializer ?? 'zeros'));
      else this.#constants.push((this.beta = ops.zeros([c])));
    });
    this.movingMean = this.addWeight('moving_mean', make(o.movingMeanInitializer ?? 'zeros'), { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', make(o.movingVarianceInitializer ?? 'ones'), { trainable: false });
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return s;
  }

  // A following Activation('relu') runs inside the normalisation's kernels (one pass less each way; same values).
  override fusesActivation(activation: string): activation is 'relu' {
    return activation === 'relu';
  }

  override call(x: Tensor, ctx: CallContext): Tensor {
    const activation = ctx.fusedActivation ?? 'linear';
    // Keras: a frozen BatchNormalization runs in inference mode even inside fit().
    if (!(ctx.training && this.trainable)) {
      return ops.batchNormInference(x, this.gamma!, this.beta!, this.movingMean!, this.movingVariance!, { epsilon: this.epsilon, activation });
    }
    return ops.batchNormTraining(x, this.gamma!, this.beta!, this.movingMean!, this.movingVariance!, {
      epsilon: this.epsilon, momentum: this.momentum, activation,
    });
  }

  override dispose(): void {
    for (const t of this.#constants) t.dispose();
    this.#constants = [];
    super.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, center: this.opts.center ?? true, scale: this.opts.scale ?? true };
  }
}
