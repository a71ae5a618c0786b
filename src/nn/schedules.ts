// Learning-rate schedules: pure functions of the optimiser step (the count of updates already applied, from 0),
// with Keras's formulas and defaults (keras.optimizers.schedules) and tensorflow_addons' cyclical schedules.
// Evaluated on the host in float64 once per step; the optimiser ships the value to its kernel as a uniform.

import { checkNumber, checkOptional } from './check.js';

/** A learning rate as a function of the optimiser step. */
export abstract class LearningRateSchedule {
  /** Keras class name, used in `getConfig()` round trips. */
  abstract readonly className: string;
  /** The learning rate for optimiser step `step` (0 before the first update). */
  abstract call(step: number): number;
  abstract getConfig(): Record<string, unknown>;
}

/** A plain function works wherever a schedule does. */
export type ScheduleFn = (step: number) => number;
/** What optimisers accept as `learningRate`. */
export type LearningRate = number | LearningRateSchedule | ScheduleFn;

/** The rate at `step` for any accepted learning-rate form. */
export function evalLearningRate(lr: LearningRate, step: number): number {
  if (typeof lr === 'number') return lr;
  return lr instanceof LearningRateSchedule ? lr.call(step) : lr(step);
}

function positive(name: string, what: string, v: number): void {
  checkNumber(name, what, v, { min: 0, minExclusive: true });
}
function rate(name: string, what: string, v: unknown): void {
  checkNumber(name, what, v, { min: 0 });
}

/** The same rate at every step. */
export class Constant extends LearningRateSchedule {
  readonly className = 'Constant';
  constructor(readonly learningRate: number) {
    super();
    rate('Constant', 'learningRate', learningRate);
  }
  call(): number {
    return this.learningRate;
  }
  getConfig(): Record<string, unknown> {
    return { learning_rate: this.learningRate };
  }
}

export interface DecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay at whole multiples of decaySteps only (floor(step / decaySteps)). */
  staircase?: boolean;
}

/** ExponentialDecay and InverseTimeDecay: both decay with p = step / decaySteps (floored when `staircase`). */
abstract class StepDecay extends LearningRateSchedule {
  readonly o: Required<DecayOptions>;
  constructor(name: string, o: DecayOptions) {
    super();
    positive(name, 'decaySteps', o.decaySteps);
    rate(name, 'initialLearningRate', o.initialLearningRate);
    rate(name, 'decayRate', o.decayRate);
    this.o = { staircase: false, ...o };
  }
  protected abstract decay(lr0: number, rate: number, p: number): number;
  call(step: number): number {
    const { initialLearningRate, decaySteps, decayRate, staircase } = this.o;
    return this.decay(initialLearningRate, decayRate, staircase ? Math.floor(step / decaySteps) : step / decaySteps);
  }
  getConfig(): Record<string, unknown> {
    const o = this.o;
    return { initial_learning_rate: o.initialLearningRate, decay_steps: o.decaySteps, decay_rate: o.decayRate, staircase: o.staircase };
  }
}

/** Keras ExponentialDecay: lr0 * decayRate ^ (step / decaySteps), the exponent floored when `staircase`. */
export class ExponentialDecay extends StepDecay {
  readonly className = 'ExponentialDecay';
  constructor(o: DecayOptions) {
    super('ExponentialDecay', o);
  }
  protected decay(lr0: number, rate: number, p: number): number {
    return lr0 * Math.pow(rate, p);
  }
}

/** Keras InverseTimeDecay: lr0 / (1 + decayRate * step / decaySteps), the ratio floored when `staircase`. */
export class InverseTimeDecay extends StepDecay {
  readonly className = 'InverseTimeDecay';
  constructor(o: DecayOptions) {
    super('InverseTimeDecay', o);
  }
  protected decay(lr0: number, rate: number, p: number): number {
    return lr0 / (1 + rate * p);
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** Floor of the decay as a fraction of the starting rate (default 0). */
  alpha?: number;
  /** Linear warmup from initialLearningRate to warmupTarget over warmupSteps, then decay from warmupTarget. */
  warmupTarget?: number | null;
  warmupSteps?: number;
}

/** Keras CosineDecay (with Keras 3's optional linear warmup). */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly o: Required<CosineDecayOptions>;
  constructor(o: CosineDecayOptions) {
    super();
    positive('CosineDecay', 'decaySteps', o.decaySteps);
    rate('CosineDecay', 'initialLearningRate', o.initialLearningRate);
    checkOptional('CosineDecay', 'alpha', o.alpha, { min: 0, max: 1 });
    if (o.warmupTarget != null) rate('CosineDecay', 'warmupTarget', o.warmupTarget);
    checkOptional('CosineDecay', 'warmupSteps', o.warmupSteps, { min: 0 });
    this.o = { alpha: 0, warmupTarget: null, warmupSteps: 0, ...o };
  }
  #decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / this.o.decaySteps)));
    return from * ((1 - this.o.alpha) * cosine + this.o.alpha);
  }
  call(step: number): number {
    const { initialLearningRate, decaySteps, warmupTarget, warmupSteps } = this.o;
    if (warmupTarget === null) return this.#decay(Math.min(step, decaySteps), initialLearningRate);
    const s = Math.min(step, decaySteps + warmupSteps);
    if (s < warmupSteps) return (warmupTarget - initialLearningRate) * (s / warmupSteps) + initialLearningRate;
    return this.#decay(s - warmupSteps, warmupTarget);
  }
  getConfig(): Record<string, unknown> {
    const o = this.o;
    return {
      initial_learning_rate: o.initialLearningRate, decay_steps: o.decaySteps, alpha: o.alpha,
      warmup_target: o.warmupTarget, warmup_steps: o.warmupSteps,
    };
  }
}

/**
 * Keras PiecewiseConstantDecay: values[0] while step <= boundaries[0], values[i] while
 * boundaries[i-1] < step <= boundaries[i], values[last] after the last boundary.
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  constructor(readonly boundaries: readonly number[], readonly values: readonly number[]) {
    super();
    if (boundaries.length !== values.length - 1) {
      throw new Error('PiecewiseConstantDecay: boundaries must have one element fewer than values but got ' +
        `${boundaries.length} boundaries and ${values.length} values`);
    }
    values.forEach((v, i) => rate('PiecewiseConstantDecay', `values[${i}]`, v));
    boundaries.forEach((b, i) => checkNumber('PiecewiseConstantDecay', `boundaries[${i}]`, b));
    for (let i = 1; i < boundaries.length; i++) {
      if (!(boundaries[i]! > boundaries[i - 1]!)) {
        throw new Error(`PiecewiseConstantDecay: boundaries must increase strictly but got [${boundaries.join(', ')}]`);
      }
    }
  }
  call(step: number): number {
    let i = 0;
    while (i < this.boundaries.length && step > this.boundaries[i]!) i++;
    return this.values[i]!;
  }
  getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values] };
  }
}

export type CyclicalScaleMode = 'cycle' | 'iterations';

export interface CyclicalOptions {
  initialLearningRate: number;
  maximalLearningRate: number;
  /** Steps from the bottom of a cycle to its top (half a cycle). */
  stepSize: number;
  /** Amplitude factor, called with the cycle number (from 1) or the step, per `scaleMode`. */
  scaleFn: (x: number) => number;
  scaleMode?: CyclicalScaleMode;
}

/**
 * tensorflow_addons CyclicalLearningRate (Smith 2015):
 *   cycle = floor(1 + step / (2 * stepSize)),  x = |step / stepSize - 2 * cycle + 1|,
 *   lr = initial + (maximal - initial) * max(0, 1 - x) * scaleFn(scaleMode == 'cycle' ? cycle : step).
 */
export class CyclicalLearningRate extends LearningRateSchedule {
  readonly className: string = 'CyclicalLearningRate';
  readonly initialLearningRate: number;
  readonly maximalLearningRate: number;
  readonly stepSize: number;
  readonly scaleFn: (x: number) => number;
  readonly scaleMode: CyclicalScaleMode;
  constructor(o: CyclicalOptions) {
    super();
    positive('CyclicalLearningRate', 'stepSize', o.stepSize);
    rate('CyclicalLearningRate', 'initialLearningRate', o.initialLearningRate);
    rate('CyclicalLearningRate', 'maximalLearningRate', o.maximalLearningRate);
    this.initialLearningRate = o.initialLearningRate;
    this.maximalLearningRate = o.maximalLearningRate;
    this.stepSize = o.stepSize;
    this.scaleFn = o.scaleFn;
    this.scaleMode = o.scaleMode ?? 'cycle';
  }
  call(step: number): number {
    const cycle = Math.floor(1 + step / (2 * this.stepSize));
    const x = Math.abs(step / this.stepSize - 2 * cycle + 1);
    const modeStep = this.scaleMode === 'cycle' ? cycle : step;
    return this.initialLearningRate + (this.maximalLearningRate - this.initialLearningRate) * Math.max(0, 1 - x) * this.scaleFn(modeStep);
  }
  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate, maximal_learning_rate: this.maximalLearningRate,
      step_size: this.stepSize, scale_mode: this.scaleMode,
    };
  }
}

type CyclicalBase = Omit<CyclicalOptions, 'scaleFn'>;

/** tfa TriangularCyclicalLearningRate: scaleFn = 1. */
export class TriangularCyclicalLearningRate extends CyclicalLearningRate {
  override readonly className = 'TriangularCyclicalLearningRate';
  constructor(o: CyclicalBase) {
    super({ ...o, scaleFn: () => 1 });
  }
}

/** tfa Triangular2CyclicalLearningRate: the amplitude halves every cycle, scaleFn(x) = 1 / 2^(x - 1). */
export class Triangular2CyclicalLearningRate extends CyclicalLearningRate {
  override readonly className = 'Triangular2CyclicalLearningRate';
  constructor(o: CyclicalBase) {
    super({ ...o, scaleFn: (x) => 1 / Math.pow(2, x - 1) });
  }
}

/** tfa ExponentialCyclicalLearningRate: scaleFn(x) = gamma^x, scaleMode 'iterations' by default. */
export class ExponentialCyclicalLearningRate extends CyclicalLearningRate {
  override readonly className = 'ExponentialCyclicalLearningRate';
  readonly gamma: number;
  constructor(o: CyclicalBase & { gamma?: number }) {
    const gamma = o.gamma ?? 1;
    checkNumber('ExponentialCyclicalLearningRate', 'gamma', gamma, { min: 0, minExclusive: true });
    super({ scaleMode: 'iterations', ...o, scaleFn: (x) => Math.pow(gamma, x) });
    this.gamma = gamma;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), gamma: this.gamma };
  }
}

/**
 * The notebook's epoch-level time-based decay, ready for LearningRateScheduler: each epoch divides the current
 * rate by (1 + (initialLr / 150) * epoch), so the decay compounds across epochs exactly as
 * `partial(lr_time_based_decay, initial_lr)` does in Keras.
 */
export function lrTimeBasedDecay(initialLr: number, divisor = 150): (epoch: number, lr: number) => number {
  return (epoch, lr) => lr * 1 / (1 + (initialLr / divisor) * epoch);
}
