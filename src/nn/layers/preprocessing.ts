// Preprocessing layers that run on the GPU inside the model: Rescaling, Resizing (bilinear, half-pixel centres),
// and the augmentations RandomRotation / RandomTranslation, active only in training (identity at inference), as
// Keras's. Each augmentation call draws fresh per-image parameters from the layer's seed stream.

import * as ops from '../../autograd/api.js';
import type { FillMode } from '../../kernels/augment.js';
import type { Tensor } from '../../tensor/tensor.js';
import { resizeBilinearOp } from '../../autograd/ops/image.js';
import { expectRank, inferOutputShape, Layer, type CallContext, type LayerOptions, type LayerShape } from '../layer.js';
import { SeedStream } from './common.js';

export class Rescaling extends Layer {
  constructor(readonly scale: number, readonly opts: LayerOptions & { offset?: number } = {}) {
    super(opts);
  }
  override computeOutputShape(s: LayerShape): LayerShape {
    return s;
  }
  override call(x: Tensor): Tensor {
    const offset = this.opts.offset ?? 0;
    const y = ops.mul(x, this.scale);
    return offset === 0 ? y : ops.add(y, offset);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.opts.offset ?? 0 };
  }
}

export class Resizing extends Layer {
  constructor(readonly height: number, readonly width: number, opts: LayerOptions & { interpolation?: 'bilinear' } = {}) {
    super(opts);
    if (opts.interpolation && opts.interpolation !== 'bilinear') throw new Error(`${this.name} (Resizing): only 'bilinear' interpolation is supported`);
  }
  override computeOutputShape(s: LayerShape): LayerShape {
    expectRank(this, s, 4, 'NHWC input');
    return inferOutputShape(this, resizeBilinearOp, { x: s }, { size: [this.height, this.width] });
  }
  override call(x: Tensor): Tensor {
    return ops.resizeBilinear(x, [this.height, this.width]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, interpolation: 'bilinear' };
  }
}


export interface AugmentOptions extends LayerOptions {
  /** Keras's default is 'reflect'. */
  fillMode?: FillMode;
  fillValue?: number;
  seed?: number;
}

/** Keras factor: a number f means [-f, f]; a pair is [lower, upper]. */
function range(f: number | readonly [number, number], layer: string, what: string): [number, number] {
  const r: [number, number] = typeof f === 'number' ? [-Math.abs(f), Math.abs(f)] : [f[0], f[1]];
  if (r[0] > r[1] || !r.every(Number.isFinite)) throw new Error(`${layer}: ${what} must be a number or [lower, upper] with lower <= upper`);
  return r;
}

abstract class RandomAffineLayer extends Layer {
  protected readonly seeds: SeedStream;
  readonly fillMode: FillMode;
  readonly fillValue: number;
  constructor(opts: AugmentOptions) {
    super(opts);
    this.seeds = new SeedStream(opts.seed);
    this.fillMode = opts.fillMode ?? 'reflect';
    this.fillValue = opts.fillValue ?? 0;
  }
  override computeOutputShape(s: LayerShape): LayerShape {
    expectRank(this, s, 4, 'NHWC input');
    return s;
  }
  override getRandomState(): number[] {
    return this.seeds.state;
  }
  override setRandomState(state: readonly number[]): void {
    this.seeds.state = state;
  }
  protected abstract params(): { rotation?: [number, number]; height?: [number, number]; width?: [number, number] };
  override call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training) return x;
    const p = this.params();
    return ops.randomAffine(x, {
      rotationFactor: p.rotation, heightFactor: p.height, widthFactor: p.width,
      fillMode: this.fillMode, fillValue: this.fillValue, seed: this.seeds.nextPerStep(),
    });
  }
}

/** Rotates each image by an angle drawn uniformly in factor * [-2pi, 2pi]. */
export class RandomRotation extends RandomAffineLayer {
  readonly factor: [number, number];
  constructor(factor: number | readonly [number, number], opts: AugmentOptions = {}) {
    super(opts);
    this.factor = range(factor, this.name, 'factor');
  }
  protected params(): { rotation: [number, number] } {
    return { rotation: this.factor };
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, fillMode: this.fillMode, fillValue: this.fillValue, seed: this.seeds.seed };
  }
}

/** Shifts each image by fractions of its height and width drawn uniformly in the factor ranges. */
export class RandomTranslation extends RandomAffineLayer {
  readonly heightFactor: [number, number];
  readonly widthFactor: [number, number];
  constructor(heightFactor: number | readonly [number, number], widthFactor: number | readonly [number, number], opts: AugmentOptions = {}) {
    super(opts);
    this.heightFactor = range(heightFactor, this.name, 'heightFactor');
    this.widthFactor = range(widthFactor, this.name, 'widthFactor');
  }
  protected params(): { height: [number, number]; width: [number, number] } {
    return { height: this.heightFactor, width: this.widthFactor };
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), heightFactor: this.heightFactor, widthFactor: this.widthFactor, fillMode: this.fillMode, fillValue: this.fillValue,
      seed: this.seeds.seed,
    };
  }
}
