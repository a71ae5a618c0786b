// Keras weight initialisers (keras.initializers) drawing from the counter-based RNG, identical on GPU and CPU.
// Fans follow Keras's compute_fans: Dense [in, out] -> (in, out); conv [KH, KW, C, K] -> (KH*KW*C, KH*KW*K).
// Seeded instances give the same values on every call (Keras semantics); unseeded ones take the next global seed.

import { fill } from '../kernels/fill.js';
import { nextSeed, randomNormal, randomTruncatedNormal, randomUniform } from '../kernels/random.js';
import type { Shape } from '../tensor/shape.js';
import type { DeviceKind } from '../tensor/storage.js';
import { getDefaultDevice, type Tensor } from '../tensor/tensor.js';

/** Creates a weight tensor; the caller owns it. */
export interface Initializer {
  /** Keras class name ('GlorotUniform', ...). */
  readonly className: string;
  apply(shape: Shape, device?: DeviceKind): Tensor;
  getConfig(): Record<string, unknown>;
}

/** Keras compute_fans: (fan_in, fan_out) of a weight shape; kernels of rank > 2 multiply by the receptive field. */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 1) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

/** Keras's stddev correction: the standard deviation of a unit normal truncated to [-2, 2]. */
export const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type Distribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

interface Seeded {
  /** Fixed seed: every call gives the same values (Keras). Omitted: each call takes the next global seed. */
  seed?: number | null;
}

abstract class RandomInitializer implements Initializer {
  abstract readonly className: string;
  readonly seed: number | null;
  constructor(seed: number | null | undefined) {
    if (seed !== null && seed !== undefined && !Number.isInteger(seed)) throw new Error(`initializer: seed must be an integer but got ${seed}`);
    this.seed = seed ?? null;
  }
  protected drawSeed(): number {
    return this.seed ?? nextSeed();
  }
  abstract apply(shape: Shape, device?: DeviceKind): Tensor;
  abstract getConfig(): Record<string, unknown>;
}

export interface VarianceScalingOptions extends Seeded {
  scale?: number;
  mode?: FanMode;
  distribution?: Distribution | 'normal';
}

/**
 * Keras VarianceScaling: n = fan_in, fan_out or their mean (at least 1); uniform draws from [-limit, limit) with
 * limit = sqrt(3 * scale / n); 'truncated_normal' uses stddev sqrt(scale / n) / 0.8796... truncated at two
 * stddevs; 'untruncated_normal' uses stddev sqrt(scale / n).
 */
export class VarianceScaling extends RandomInitializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  constructor(o: VarianceScalingOptions = {}) {
    super(o.seed);
    this.scale = o.scale ?? 1;
    this.mode = o.mode ?? 'fan_in';
    const d = o.distribution ?? 'truncated_normal';
    this.distribution = d === 'normal' ? 'truncated_normal' : d;
    if (!(this.scale > 0)) throw new Error(`VarianceScaling: scale must be positive but got ${this.scale}`);
  }
  /** The uniform limit or normal stddev this initialiser uses for `shape`. */
  spread(shape: Shape): number {
    const { fanIn, fanOut } = computeFans(shape);
    const n = Math.max(1, this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2);
    const s = this.scale / n;
    if (this.distribution === 'uniform') return Math.sqrt(3 * s);
    return this.distribution === 'truncated_normal' ? Math.sqrt(s) / TRUNCATED_NORMAL_STDDEV : Math.sqrt(s);
  }
  apply(shape: Shape, device: DeviceKind = getDefaultDevice()): Tensor {
    const spread = this.spread(shape), seed = this.drawSeed();
    if (this.distribution === 'uniform') return randomUniform(shape, seed, -spread, spread, device);
    if (this.distribution === 'truncated_normal') return randomTruncatedNormal(shape, seed, 0, spread, device);
    return randomNormal(shape, seed, 0, spread, device);
  }
  getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
}

class Preset extends VarianceScaling {
  constructor(override readonly className: string, scale: number, mode: FanMode, distribution: Distribution, o: Seeded) {
    super({ scale, mode, distribution, seed: o.seed });
  }
  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

/** Keras glorot_uniform: U[-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). */
export const glorotUniform = (o: Seeded = {}): VarianceScaling => new Preset('GlorotUniform', 1, 'fan_avg', 'uniform', o);
/** Keras glorot_normal: truncated normal, stddev sqrt(2 / (fan_in + fan_out)) after truncation. */
export const glorotNormal = (o: Seeded = {}): VarianceScaling => new Preset('GlorotNormal', 1, 'fan_avg', 'truncated_normal', o);
/** Keras he_uniform: U[-limit, limit), limit = sqrt(6 / fan_in). */
export const heUniform = (o: Seeded = {}): VarianceScaling => new Preset('HeUniform', 2, 'fan_in', 'uniform', o);
/** Keras he_normal: truncated normal, stddev sqrt(2 / fan_in) after truncation. */
export const heNormal = (o: Seeded = {}): VarianceScaling => new Preset('HeNormal', 2, 'fan_in', 'truncated_normal', o);
/** Keras lecun_uniform: U[-limit, limit), limit = sqrt(3 / fan_in). */
export const lecunUniform = (o: Seeded = {}): VarianceScaling => new Preset('LecunUniform', 1, 'fan_in', 'uniform', o);
/** Keras lecun_normal: truncated normal, stddev sqrt(1 / fan_in) after truncation. */
export const lecunNormal = (o: Seeded = {}): VarianceScaling => new Preset('LecunNormal', 1, 'fan_in', 'truncated_normal', o);

/** Keras RandomUniform: U[minval, maxval), defaults -0.05 and 0.05. */
export class RandomUniform extends RandomInitializer {
  readonly className = 'RandomUniform';
  constructor(readonly minval = -0.05, readonly maxval = 0.05, seed?: number | null) {
    super(seed);
  }
  apply(shape: Shape, device: DeviceKind = getDefaultDevice()): Tensor {
    return randomUniform(shape, this.drawSeed(), this.minval, this.maxval, device);
  }
  getConfig(): Record<string, unknown> {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
}

/** Keras RandomNormal: mean 0, stddev 0.05 by default. */
export class RandomNormal extends RandomInitializer {
  readonly className = 'RandomNormal';
  constructor(readonly mean = 0, readonly stddev = 0.05, seed?: number | null) {
    super(seed);
  }
  apply(shape: Shape, device: DeviceKind = getDefaultDevice()): Tensor {
    return randomNormal(shape, this.drawSeed(), this.mean, this.stddev, device);
  }
  getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

/** Keras TruncatedNormal: draws beyond two stddevs of the mean are redrawn; mean 0, stddev 0.05 by default. */
export class TruncatedNormal extends RandomInitializer {
  readonly className = 'TruncatedNormal';
  constructor(readonly mean = 0, readonly stddev = 0.05, seed?: number | null) {
    super(seed);
  }
  apply(shape: Shape, device: DeviceKind = getDefaultDevice()): Tensor {
    return randomTruncatedNormal(shape, this.drawSeed(), this.mean, this.stddev, device);
  }
  getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

/** Keras Constant (Zeros and Ones are constants 0 and 1). */
export class Constant implements Initializer {
  constructor(readonly value: number, readonly className = 'Constant') {}
  apply(shape: Shape, device: DeviceKind = getDefaultDevice()): Tensor {
    return fill(shape, this.value, 'f32', device);
  }
  getConfig(): Record<string, unknown> {
    return this.className === 'Constant' ? { value: this.value } : {};
  }
}

export const zeros = (): Initializer => new Constant(0, 'Zeros');
export const ones = (): Initializer => new Constant(1, 'Ones');
export const constant = (value = 0): Initializer => new Constant(value);

const BY_NAME: Record<string, () => Initializer> = {
  glorot_uniform: glorotUniform, glorot_normal: glorotNormal, he_uniform: heUniform, he_normal: heNormal,
  lecun_uniform: lecunUniform, lecun_normal: lecunNormal, random_uniform: () => new RandomUniform(),
  random_normal: () => new RandomNormal(), truncated_normal: () => new TruncatedNormal(), zeros, ones,
  variance_scaling: () => new VarianceScaling(),
};

/** Resolves a Keras initialiser name ('glorot_uniform', 'he_uniform', 'zeros', ...) or passes an initialiser through. */
export function getInitializer(init: Initializer | string): Initializer {
  if (typeof init !== 'string') return init;
  const snake = init.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const make = BY_NAME[snake];
  if (!make) throw new Error(`getInitializer: unknown initializer '${init}' (known: ${Object.keys(BY_NAME).join(', ')})`);
  return make();
}
