// Gradient checking by central finite differences on the Float64 'cpu' device. The output is projected onto a
// fixed random tensor r so any output shape gives a scalar L = sum(f(x) * r). Small inputs get a full Jacobian
// column per element; big ones a few random directions v, comparing <dL/dx, v> with (L(x+eps v) - L(x-eps v)) / 2eps.

import { fill } from '../kernels/fill.js';
import { rand01, randNormal, rngKey } from '../kernels/random.js';
import { scope } from '../tensor/scope.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { mul, sum } from './api.js';
import { backward, noGrad } from './tape.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Inputs with at most this many elements are checked element by element. */
  fullJacobianMax?: number;
  /** Random directions for bigger inputs. */
  directions?: number;
  seed?: number;
  /** Indices of inputs whose gradient is checked; defaults to all f32 inputs. */
  wrt?: number[];
}

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic - numeric| / (atol + rtol * |numeric|); ok when <= 1. */
  worstRatio: number;
  maxAbsError: number;
  worst: { input: number; at: string; analytic: number; numeric: number } | null;
}

/**
 * Compares the gradients backward() gives for `fn` at `inputs` with central finite differences.
 * Inputs must live on the 'cpu' device (Float64), where differences are accurate.
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-4, fullJacobianMax = 48, directions = 3, seed = 1234 } = opts;
  for (const [i, x] of inputs.entries()) {
    if (x.device !== 'cpu') throw new Error(`gradcheck: input ${i} ${fmtShape(x.shape)} is on ${x.device}; gradcheck runs on the 'cpu' device`);
  }
  const wrt = opts.wrt ?? inputs.flatMap((x, i) => (x.dtype === 'f32' ? [i] : []));
  return scope(() => {
    const leaves = inputs.map((x, i) => {
      const leaf = x.view(x.shape);
      leaf.requiresGrad = wrt.includes(i);
      return leaf;
    });
    let r: Tensor | null = null;
    const loss = (xs: Tensor[]): Tensor => {
      const y = fn(...xs);
      if (!r) {
        r = Tensor.empty(y.shape, 'f32', 'cpu');
        const key = rngKey(seed + 7);
        r.storage.data.forEach((_, j, a) => (a[j] = randNormal(key, j)));
      }
      return sum(mul(y, r));
    };
    const L = loss(leaves);
    backward(L);
    const lossValue = (): number => noGrad(() => scope(() => loss(leaves).storage.data[0]!));

    let worstRatio = 0, maxAbsError = 0;
    let worst: GradcheckResult['worst'] = null;
    const compare = (input: number, at: string, analytic: number, numeric: number): void => {
      const err = Math.abs(analytic - numeric);
      const ratio = err / (atol + rtol * Math.abs(numeric));
      maxAbsError = Math.max(maxAbsError, err);
      if (!(ratio <= worstRatio)) {
        worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
        worst = { input, at, analytic, numeric };
      }
    };
    for (const i of wrt) {
      const x = leaves[i]!;
      const g = x.grad ?? fill(x.shape, 0, 'f32', 'cpu');
      const xs = x.storage.data, gs = g.storage.data;
      if (x.size <= fullJacobianMax) {
        for (let j = 0; j < x.size; j++) {
          const orig = xs[j]!;
          xs[j] = orig + eps;
          const plus = lossValue();
          xs[j] = orig - eps;
          const minus = lossValue();
          xs[j] = orig;
          compare(i, `element ${j}`, gs[j]!, (plus - minus) / (2 * eps));
        }
      } else {
        const orig = xs.slice();
        for (let d = 0; d < directions; d++) {
          const key = rngKey(seed + 100 * (d + 1) + i);
          const v = Float64Array.from(orig, (_, j) => rand01(key, j) * 2 - 1);
          let analytic = 0;
          for (let j = 0; j < v.length; j++) analytic += gs[j]! * v[j]!;
          for (let j = 0; j < v.length; j++) xs[j] = orig[j]! + eps * v[j]!;
          const plus = lossValue();
          for (let j = 0; j < v.length; j++) xs[j] = orig[j]! - eps * v[j]!;
          const minus = lossValue();
          xs.set(orig);
          compare(i, `direction ${d}`, analytic, (plus - minus) / (2 * eps));
        }
      }
    }
    return { ok: worstRatio <= 1, worstRatio, maxAbsError, worst };
  });
}
