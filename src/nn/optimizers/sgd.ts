// Keras SGD (tf.keras ResourceApplyKerasMomentum; the same in Keras 3): with momentum m > 0,
//   v = m * v - lr * g;  p += v  (or, with nesterov, p += m * v - lr * g);  without momentum p -= lr * g.

import type { UpdateRule } from '../../kernels/optimizer.js';
import type { LearningRate } from '../schedules.js';
import { Optimizer } from './optimizer.js';

export interface SGDOptions {
  /** Default 0.01. */
  learningRate?: LearningRate;
  /** Default 0 (plain gradient descent, no slot). */
  momentum?: number;
  /** Default false; only used when momentum > 0, as in Keras. */
  nesterov?: boolean;
}

const PLAIN: UpdateRule = {
  key: 'sgd', slots: [], coeffs: ['lr'],
  wgsl: 'p = p - u.lr * g;',
  cpu: (p, g, _s, c) => {
    for (let i = 0; i < p.length; i++) p[i] = p[i]! - c.lr! * g[i]!;
  },
};

function momentumRule(nesterov: boolean): UpdateRule {
  return {
    key: nesterov ? 'sgdNesterov' : 'sgdMomentum', slots: ['momentum'], coeffs: ['lr', 'momentumCoeff'],
    wgsl: `
  momentum = momentum * u.momentumCoeff - g * u.lr;
  p = p + ${nesterov ? '(momentum * u.momentumCoeff - g * u.lr)' : 'momentum'};`,
    cpu: (p, g, [v], c) => {
      const lr = c.lr!, mu = c.momentumCoeff!;
      for (let i = 0; i < p.length; i++) {
        v![i] = v![i]! * mu - g[i]! * lr;
        p[i] = p[i]! + (nesterov ? v![i]! * mu - g[i]! * lr : v![i]!);
      }
    },
  };
}
const MOMENTUM = momentumRule(false);
const NESTEROV = momentumRule(true);

/** Gradient descent with optional (Nesterov) momentum; Keras defaults lr 0.01, momentum 0, nesterov false. */
export class SGD extends Optimizer<SGDOptions> {
  readonly momentum = this.hyper('momentum', 0, { min: 0, max: 1 });
  readonly nesterov = this.options.nesterov ?? false;

  constructor(o: SGDOptions = {}) {
    super('SGD', o, 0.01);
  }

  protected rule(): UpdateRule {
    if (this.momentum === 0) return PLAIN;
    return this.nesterov ? NESTEROV : MOMENTUM;
  }

  protected coefficients(lr: number): Record<string, number> {
    return { lr, momentumCoeff: this.momentum };
  }

  protected hyperConfig(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}
