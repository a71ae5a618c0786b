// Keras Adadelta (TF's ApplyAdadelta kernel, in its corrected order; Keras 3 is the same):
//   accum_grad = rho * accum_grad + (1 - rho) * g^2
//   update = sqrt(accum_var + epsilon) / sqrt(accum_grad + epsilon) * g      (uses the OLD accum_var)
//   p -= lr * update;  accum_var = rho * accum_var + (1 - rho) * update^2

import type { UpdateRule } from '../../kernels/optimizer.js';
import type { LearningRate } from '../schedules.js';
import { Optimizer } from './optimizer.js';

export interface AdadeltaOptions {
  /** Default 0.001 (Keras; the paper's method corresponds to 1.0). */
  learningRate?: LearningRate;
  /** Default 0.95. */
  rho?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

const ADADELTA: UpdateRule = {
  key: 'adadelta', slots: ['accum_grad', 'accum_var'], coeffs: ['lr', 'rho', 'epsilon'],
  wgsl: `
  accum_grad = u.rho * accum_grad + (1.0 - u.rho) * g * g;
  let update = sqrt(accum_var + u.epsilon) / sqrt(accum_grad + u.epsilon) * g;
  p = p - u.lr * update;
  accum_var = u.rho * accum_var + (1.0 - u.rho) * update * update;`,
  cpu: (p, g, [ag, av], c) => {
    const { lr, rho, epsilon } = c as Record<string, number>;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      ag![i] = rho! * ag![i]! + (1 - rho!) * gi * gi;
      const update = (Math.sqrt(av![i]! + epsilon!) / Math.sqrt(ag![i]! + epsilon!)) * gi;
      p[i] = p[i]! - lr! * update;
      av![i] = rho! * av![i]! + (1 - rho!) * update * update;
    }
  },
};

/** Adadelta; Keras defaults lr 0.001, rho 0.95, epsilon 1e-7. */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  readonly rho = this.hyper('rho', 0.95, { min: 0, max: 1 });
  readonly epsilon = this.hyper('epsilon', 1e-7, { min: 0 });

  constructor(o: AdadeltaOptions = {}) {
    super('Adadelta', o, 0.001);
  }

  protected rule(): UpdateRule {
    return ADADELTA;
  }

  protected coefficients(lr: number): Record<string, number> {
    return { lr, rho: this.rho, epsilon: this.epsilon };
  }

  protected hyperConfig(): Record<string, unknown> {
    return { rho: this.rho, epsilon: this.epsilon };
  }
}
