// Keras weight constraints (keras.constraints): projections applied to a weight in place right after each
// optimiser update. Norms are L2 over `axis` (Keras's default 0: for a Dense kernel [in, out], each output unit's
// incoming weights); w is scaled by desired / (epsilon + norm) with Keras's epsilon 1e-7.

import { KERAS_EPSILON, nonNegConstraint, normConstraint } from '../kernels/constraint.js';
import type { Tensor } from '../tensor/tensor.js';

export { KERAS_EPSILON };

/** A projection applied to a weight in place. */
export interface Constraint {
  /** Keras class name ('MaxNorm', ...). */
  readonly className: string;
  apply(w: Tensor): void;
  getConfig(): Record<string, unknown>;
}

type Axis = number | readonly number[];

class MaxNorm implements Constraint {
  readonly className = 'MaxNorm';
  constructor(readonly maxValue: number, readonly axis: Axis) {}
  apply(w: Tensor): void {
    normConstraint('maxNorm', w, this.axis, { minValue: 0, maxValue: this.maxValue, rate: 1 }, 'maxNorm');
  }
  getConfig(): Record<string, unknown> {
    return { max_value: this.maxValue, axis: this.axis };
  }
}

class UnitNorm implements Constraint {
  readonly className = 'UnitNorm';
  constructor(readonly axis: Axis) {}
  apply(w: Tensor): void {
    normConstraint('unitNorm', w, this.axis, { minValue: 0, maxValue: 0, rate: 1 }, 'unitNorm');
  }
  getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

class MinMaxNorm implements Constraint {
  readonly className = 'MinMaxNorm';
  constructor(readonly minValue: number, readonly maxValue: number, readonly rate: number, readonly axis: Axis) {}
  apply(w: Tensor): void {
    normConstraint('minMaxNorm', w, this.axis, { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate }, 'minMaxNorm');
  }
  getConfig(): Record<string, unknown> {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

class NonNeg implements Constraint {
  readonly className = 'NonNeg';
  apply(w: Tensor): void {
    nonNegConstraint(w);
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Keras max_norm: w * clip(norm, 0, maxValue) / (epsilon + norm), norms over `axis` (Keras defaults 2 and 0). */
export function maxNorm(maxValue = 2, axis: Axis = 0): Constraint {
  return new MaxNorm(maxValue, axis);
}

/** Keras unit_norm: w / (epsilon + norm). */
export function unitNorm(axis: Axis = 0): Constraint {
  return new UnitNorm(axis);
}

/** Keras min_max_norm: desired = rate * clip(norm, min, max) + (1 - rate) * norm. */
export function minMaxNorm(minValue = 0, maxValue = 1, rate = 1, axis: Axis = 0): Constraint {
  return new MinMaxNorm(minValue, maxValue, rate, axis);
}

/** Keras non_neg: negative weights become 0. */
export function nonNeg(): Constraint {
  return new NonNeg();
}

/** Resolves a Keras constraint name ('max_norm', 'non_neg', 'unit_norm', 'min_max_norm') or passes one through. */
export function getConstraint(c: Constraint | string | null | undefined): Constraint | null {
  if (c === null || c === undefined) return null;
  if (typeof c !== 'string') return c;
  // Keras accepts 'max_norm', 'MaxNorm' and 'maxnorm' alike.
  const factories: Record<string, () => Constraint> = { maxnorm: maxNorm, nonneg: nonNeg, unitnorm: unitNorm, minmaxnorm: minMaxNorm };
  const f = factories[c.replace(/_/g, '').toLowerCase()];
  if (!f) throw new Error(`getConstraint: unknown constraint '${c}' (known: max_norm, non_neg, unit_norm, min_max_norm)`);
  return f();
}
