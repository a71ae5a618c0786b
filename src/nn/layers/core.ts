// Core Keras layers: Dense, Activation, Dropout, Flatten, Reshape. Dense fuses bias and the common activations
// into its matmul kernel; on inputs of rank > 2 it applies to the last axis, as Keras does.

import * as ops from '../../autograd/api.js';
import type { Tensor } from '../../tensor/tensor.js';
import { denseOp } from '../../autograd/ops/matmul.js';
import { inferOutputShape, Layer, type CallContext, type LayerOptions, type LayerShape } from '../layer.js';
import type { Constraint } from '../constraints.js';
import { applyActivation, checkActivation, FUSABLE, init, SeedStream, type ActivationName, type InitializerSpec } from './common.js';

export interface DenseOptions extends LayerOptions {
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelConstraint?: Constraint;
  biasConstraint?: Constraint;
}

export class Dense extends Layer {
  readonly activation: ActivationName;
  kernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(readonly units: number, readonly opts: DenseOptions = {}) {
    super(opts);
    if (!Number.isInteger(units) || units <= 0) throw new Error(`Dense: units must be a positive integer, got ${units}`);
    this.activation = checkActivation(this.name, opts.activation);
  }

  override build(inputShape: LayerShape): void {
    const fanIn = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || fanIn == null) throw new Error(`${this.name} (Dense): needs a known last axis, got (${inputShape.join(', ')})`);
    this.kernel = this.addWeight('kernel', init(this.opts.kernelInitializer ?? 'glorot_uniform', [fanIn, this.units]), {
      constraint: this.opts.kernelConstraint,
    });
    if (this.opts.useBias ?? true) {
      this.bias = this.addWeight('bias', init(this.opts.biasInitializer ?? 'zeros', [this.units]), { constraint: this.opts.biasConstraint });
    }
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return inferOutputShape(this, denseOp, { x: s, w: [s[s.length - 1] ?? null, this.units] }, {});
  }

  override call(x: Tensor): Tensor {
    const fused = FUSABLE.has(this.activation) ? this.activation : 'linear';
    const flat = x.rank === 2 ? x : ops.reshape(x, [-1, x.shape[x.rank - 1]!]);
    let y = ops.dense(flat, this.kernel!, this.bias ?? undefined, fused as 'linear');
    if (x.rank !== 2) y = ops.reshape(y, [...x.shape.slice(0, -1), this.units]);
    return fused === this.activation ? y : applyActivation(y, this.activation);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units, activation: this.activation, useBias: this.opts.useBias ?? true };
  }
}

export class Activation extends Layer {
  readonly activation: ActivationName;
  constructor(activation: ActivationName, opts: LayerOptions = {}) {
    super(opts);
    this.activation = checkActivation(this.name, activation);
  }
  override computeOutputShape(s: LayerShape): LayerShape {
    return s;
  }
  override call(x: Tensor): Tensor {
    return applyActivation(x, this.activation);
  }
  override get fusableActivation(): string {
    return this.activation;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation };
  }
}

export interface DropoutOptions extends LayerOptions {
  seed?: number;
}

/** Inverted dropout, active only in training. */
export class Dropout extends Layer {
  readonly #seeds: SeedStream;
  constructor(readonly rate: number, opts: DropoutOptions = {}) {
    super(opts);
    if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout: rate must be in [0, 1), got ${rate}`);
    this.#seeds = new SeedStream(opts.seed);
  }
  override computeOutputShape(s: LayerShape): LayerShape {
    return s;
  }
  override call(x: Tensor, ctx: CallContext): Tensor {
    return ctx.training && this.rate > 0 ? ops.dropout(x, this.rate, this.#seeds.nextPerStep()) : x;
  }
  override getRandomState(): number[] {
    return this.#seeds.state;
  }
  override setRandomState(state: readonly number[]): void {
    this.#seeds.state = state;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.#seeds.seed };
  }
}

/** Flattens every axis but the batch axis. */
export class Flatten extends Layer {
  override computeOutputShape(s: LayerShape): LayerShape {
    const rest = s.slice(1);
    return [s[0]!, rest.some((d) => d === null) ? null : rest.reduce<number>((a, b) => a * (b as number), 1)];
  }
  override call(x: Tensor): Tensor {
    return ops.reshape(x, [x.shape[0]!, -1]);
  }
}

export class Reshape extends Layer {
  constructor(readonly targetShape: readonly number[], opts: LayerOptions = {}) {
    super(opts);
  }
  override computeOutputShape(s: LayerShape): LayerShape {
    const known = s.slice(1);
    if (known.some((d) => d === null) || !this.targetShape.includes(-1)) return [s[0]!, ...this.targetShape];
    const size = (known as number[]).reduce((a, b) => a * b, 1);
    const rest = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return [s[0]!, ...this.targetShape.map((d) => (d === -1 ? size / rest : d))];
  }
  override call(x: Tensor): Tensor {
    return ops.reshape(x, [x.shape[0]!, ...this.targetShape]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}

