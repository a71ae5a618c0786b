// Keras Adam (TF's ApplyAdam kernel; Keras 3 is the same): with t = iterations + 1,
//   alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t),  m += (g - m) * (1 - beta1),  v += (g^2 - v) * (1 - beta2),
//   p -= alpha * m / (sqrt(v) + epsilon)   (amsgrad: vhat = max(vhat, v) in place of v under the root).
// epsilon is Kingma & Ba's "epsilon hat": it is not bias-corrected. alpha is computed on the host in float64.

import type { UpdateRule } from '../../kernels/optimizer.js';
import type { LearningRate } from '../schedules.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions {
  /** Default 0.001. */
  learningRate?: LearningRate;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Default false. */
  amsgrad?: boolean;
}

function adamRule(amsgrad: boolean): UpdateRule {
  return {
    key: amsgrad ? 'adamAmsgrad' : 'adam', slots: amsgrad ? ['m', 'v', 'vhat'] : ['m', 'v'],
    coeffs: ['alpha', 'oneMinusBeta1', 'oneMinusBeta2', 'epsilon'],
    wgsl: `
  m = m + (g - m) * u.oneMinusBeta1;
  v = v + (g * g - v) * u.oneMinusBeta2;
  ${amsgrad ? 'vhat = max(vhat, v);' : ''}
  p = p - (m * u.alpha) / (sqrt(${amsgrad ? 'vhat' : 'v'}) + u.epsilon);`,
    cpu: (p, g, [m, v, vhat], c) => {
      const { alpha, oneMinusBeta1, oneMinusBeta2, epsilon } = c as Record<string, number>;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        m![i] = m![i]! + (gi - m![i]!) * oneMinusBeta1!;
        v![i] = v![i]! + (gi * gi - v![i]!) * oneMinusBeta2!;
        let denom = v![i]!;
        if (vhat) denom = vhat[i] = Math.max(vhat[i]!, v![i]!);
        p[i] = p[i]! - (m![i]! * alpha!) / (Math.sqrt(denom) + epsilon!);
      }
    },
  };
}
const ADAM = adamRule(false);
const AMSGRAD = adamRule(true);

/** Adam; Keras defaults lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7, amsgrad false. */
export class Adam extends Optimizer<AdamOptions> {
  readonly beta1 = this.hyper('beta1', 0.9, { min: 0, max: 1, maxExclusive: true });
  readonly beta2 = this.hyper('beta2', 0.999, { min: 0, max: 1, maxExclusive: true });
  readonly epsilon = this.hyper('epsilon', 1e-7, { min: 0 });
  readonly amsgrad = this.options.amsgrad ?? false;

  constructor(o: AdamOptions = {}) {
    super('Adam', o, 0.001);
  }

  protected rule(): UpdateRule {
    return this.amsgrad ? AMSGRAD : ADAM;
  }

  protected coefficients(lr: number): Record<string, number> {
    const t = this.iterations + 1;
    const alpha = (lr * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
    return { alpha, oneMinusBeta1: 1 - this.beta1, oneMinusBeta2: 1 - this.beta2, epsilon: this.epsilon };
  }

  protected hyperConfig(): Record<string, unknown> {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
