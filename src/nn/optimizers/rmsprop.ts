// Keras RMSprop with epsilon inside the square root, as TF's ApplyRMSProp kernel and Keras >= 2.11 / Keras 3:
//   rms = rho * rms + (1 - rho) * g^2;  [centered: mg = rho * mg + (1 - rho) * g, rms - mg^2 under the root]
//   inc = lr * g / sqrt(rms + epsilon);  momentum > 0: mom = momentum * mom + inc, p -= mom;  else p -= inc.
// NOTE: tf.keras 2.x's legacy (optimizer_v2) RMSprop with momentum 0 put epsilon outside: lr * g / (sqrt(rms) + eps).

import type { UpdateRule } from '../../kernels/optimizer.js';
import type { LearningRate } from '../schedules.js';
import { Optimizer } from './optimizer.js';

export interface RMSpropOptions {
  /** Default 0.001. */
  learningRate?: LearningRate;
  /** Default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Default false. */
  centered?: boolean;
}

function rmspropRule(momentum: boolean, centered: boolean): UpdateRule {
  const slots = ['rms', ...(momentum ? ['momentum'] : []), ...(centered ? ['mg'] : [])];
  return {
    key: `rmsprop${momentum ? 'Momentum' : ''}${centered ? 'Centered' : ''}`, slots, coeffs: ['lr', 'rho', 'momentumCoeff', 'epsilon'],
    wgsl: `
  rms = u.rho * rms + (1.0 - u.rho) * g * g;
  ${centered ? 'mg = u.rho * mg + (1.0 - u.rho) * g;' : ''}
  let inc = u.lr * g / sqrt(rms${centered ? ' - mg * mg' : ''} + u.epsilon);
  ${momentum ? 'momentum = u.momentumCoeff * momentum + inc;\n  p = p - momentum;' : 'p = p - inc;'}`,
    cpu: (p, g, s, c) => {
      const rms = s[0]!, mom = momentum ? s[1]! : null, mg = centered ? s[slots.length - 1]! : null;
      const { lr, rho, momentumCoeff, epsilon } = c as Record<string, number>;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        rms[i] = rho! * rms[i]! + (1 - rho!) * gi * gi;
        let denom = rms[i]!;
        if (mg) {
          mg[i] = rho! * mg[i]! + (1 - rho!) * gi;
          denom -= mg[i]! * mg[i]!;
        }
        const inc = (lr! * gi) / Math.sqrt(denom + epsilon!);
        if (mom) {
          mom[i] = momentumCoeff! * mom[i]! + inc;
          p[i] = p[i]! - mom[i]!;
        } else p[i] = p[i]! - inc;
      }
    },
  };
}
const RULES = new Map<string, UpdateRule>();

/** RMSprop; Keras defaults lr 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  readonly rho = this.hyper('rho', 0.9, { min: 0, max: 1 });
  readonly momentum = this.hyper('momentum', 0, { min: 0, max: 1 });
  readonly epsilon = this.hyper('epsilon', 1e-7, { min: 0 });
  readonly centered = this.options.centered ?? false;

  constructor(o: RMSpropOptions = {}) {
    super('RMSprop', o, 0.001);
  }

  protected rule(): UpdateRule {
    const key = `${this.momentum > 0}|${this.centered}`;
    let r = RULES.get(key);
    if (!r) RULES.set(key, (r = rmspropRule(this.momentum > 0, this.centered)));
    return r;
  }

  protected coefficients(lr: number): Record<string, number> {
    return { lr, rho: this.rho, momentumCoeff: this.momentum, epsilon: this.epsilon };
  }

  protected hyperConfig(): Record<string, unknown> {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
