// Learning-rate schedules against their formulas, written here independently of src/nn/schedules.ts.
import { describe, expect, it } from 'vitest';
import {
  Constant, CosineDecay, CyclicalLearningRate, evalLearningRate, ExponentialCyclicalLearningRate, ExponentialDecay,
  InverseTimeDecay, lrTimeBasedDecay, PiecewiseConstantDecay, Triangular2CyclicalLearningRate, TriangularCyclicalLearningRate,
} from '../../src/nn/schedules.js';

const STEPS = [0, 1, 2, 3, 7, 99, 100, 101, 399, 400, 401, 799, 800, 801, 1599, 1600, 1601, 2400, 3999, 4000, 12345];

function expectRel(got: number, want: number, what: string): void {
  const err = Math.abs(got - want) / Math.max(Math.abs(want), 1e-30);
  if (!(err <= 1e-12)) throw new Error(`${what}: got ${got}, expected ${want}`);
}

describe('schedules', () => {
  it('Keras: ExponentialDecay lr0 * rate^(step / decay_steps), floored exponent with staircase', () => {
    const s = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 400, decayRate: 0.96 });
    const st = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 400, decayRate: 0.96, staircase: true });
    for (const k of STEPS) {
      expectRel(s.call(k), 0.1 * 0.96 ** (k / 400), `exp ${k}`);
      expectRel(st.call(k), 0.1 * 0.96 ** Math.trunc(k / 400), `exp staircase ${k}`);
    }
    expect(st.call(399)).toBe(0.1);
    expect(st.call(400)).toBeCloseTo(0.096, 15);
    expect(() => new ExponentialDecay({ initialLearningRate: 1, decaySteps: 0, decayRate: 0.5 })).toThrow(/decaySteps must be a finite number > 0 but got 0/);
  });

  it('Keras: InverseTimeDecay lr0 / (1 + rate * step / decay_steps)', () => {
    const s = new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    const st = new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5, staircase: true });
    for (const k of STEPS) {
      expectRel(s.call(k), 0.1 / (1 + 0.5 * k), `inv ${k}`);
      expectRel(st.call(k), 0.1 / (1 + 0.5 * Math.trunc(k / 100)), `inv staircase ${k}`);
    }
  });

  it('Keras: CosineDecay with alpha, clamped after decay_steps; warmup then decay from warmup_target', () => {
    const s = new CosineDecay({ initialLearningRate: 0.1, decaySteps: 1000, alpha: 0.2 });
    for (const k of STEPS) {
      const t = Math.min(k, 1000) / 1000;
      expectRel(s.call(k), 0.1 * (0.8 * 0.5 * (1 + Math.cos(Math.PI * t)) + 0.2), `cos ${k}`);
    }
    expect(s.call(0)).toBeCloseTo(0.1, 15);
    expect(s.call(5000)).toBeCloseTo(0.02, 15);
    const w = new CosineDecay({ initialLearningRate: 0, decaySteps: 1000, warmupTarget: 0.1, warmupSteps: 100 });
    for (const k of STEPS) {
      const c = Math.min(k, 1100);
      const want = c < 100 ? 0.1 * (c / 100) : 0.1 * 0.5 * (1 + Math.cos((Math.PI * (c - 100)) / 1000));
      expect(w.call(k)).toBeCloseTo(want, 14);
    }
  });

  it('Keras: PiecewiseConstantDecay uses values[i] on (b[i-1], b[i]] (boundaries inclusive on the left piece)', () => {
    const s = new PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1]);
    expect([0, 100000, 100001, 110000, 110001, 1e9].map((k) => s.call(k))).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() => new PiecewiseConstantDecay([1, 2], [1, 2])).toThrow(/one element fewer/);
    expect(() => new PiecewiseConstantDecay([2, 1], [1, 2, 3])).toThrow(/increase strictly/);
  });

  // tensorflow_addons CyclicalLearningRate.__call__, transcribed.
  function tfaCyclical(init: number, max: number, stepSize: number, scaleFn: (x: number) => number, mode: string, step: number): number {
    const cycle = Math.floor(1 + step / (2 * stepSize));
    const x = Math.abs(step / stepSize - 2 * cycle + 1);
    return init + (max - init) * Math.max(0, 1 - x) * scaleFn(mode === 'cycle' ? cycle : step);
  }

  it("Keras: the notebook's CyclicalLearningRate(5e-5, 5e-3, step_size=800, 1/1.2^(x-1), 'cycle')", () => {
    const scale = (x: number): number => 1 / 1.2 ** (x - 1);
    const s = new CyclicalLearningRate({ initialLearningRate: 5e-5, maximalLearningRate: 5e-3, stepSize: 800, scaleFn: scale, scaleMode: 'cycle' });
    for (let k = 0; k <= 20000; k += 37) expectRel(s.call(k), tfaCyclical(5e-5, 5e-3, 800, scale, 'cycle', k), `clr ${k}`);
    // Landmarks: the bottom at 0, the first peak at step 800, back to the bottom at 1600, the second peak 1/1.2 as high.
    expect(s.call(0)).toBeCloseTo(5e-5, 15);
    expect(s.call(800)).toBeCloseTo(5e-3, 15);
    expect(s.call(400)).toBeCloseTo(5e-5 + (5e-3 - 5e-5) * 0.5, 15);
    expect(s.call(1600)).toBeCloseTo(5e-5, 15);
    expect(s.call(2400)).toBeCloseTo(5e-5 + (5e-3 - 5e-5) / 1.2, 15);
  });

  it('Keras: tfa triangular / triangular2 / exponential cyclical variants', () => {
    const base = { initialLearningRate: 1e-4, maximalLearningRate: 1e-2, stepSize: 250 };
    const tri = new TriangularCyclicalLearningRate(base);
    const tri2 = new Triangular2CyclicalLearningRate(base);
    const expo = new ExponentialCyclicalLearningRate({ ...base, gamma: 0.999 });
    const iters = new CyclicalLearningRate({ ...base, scaleFn: (x) => 1 / (1 + x / 1000), scaleMode: 'iterations' });
    for (const k of STEPS) {
      expectRel(tri.call(k), tfaCyclical(1e-4, 1e-2, 250, () => 1, 'cycle', k), `tri ${k}`);
      expectRel(tri2.call(k), tfaCyclical(1e-4, 1e-2, 250, (x) => 1 / 2 ** (x - 1), 'cycle', k), `tri2 ${k}`);
      expectRel(expo.call(k), tfaCyclical(1e-4, 1e-2, 250, (x) => 0.999 ** x, 'iterations', k), `exp ${k}`);
      expectRel(iters.call(k), tfaCyclical(1e-4, 1e-2, 250, (x) => 1 / (1 + x / 1000), 'iterations', k), `iter ${k}`);
    }
    expect(expo.scaleMode).toBe('iterations');
    expect(expo.getConfig()).toMatchObject({ gamma: 0.999, step_size: 250, scale_mode: 'iterations' });
  });

  it("Keras: the notebook's lr_time_based_decay compounds epoch by epoch through LearningRateScheduler", () => {
    const f = lrTimeBasedDecay(0.5);
    let lr = 0.5, want = 0.5;
    for (let epoch = 0; epoch < 30; epoch++) {
      lr = f(epoch, lr);
      want = want * 1 / (1 + (0.5 / 150) * epoch);
      expectRel(lr, want, `epoch ${epoch}`);
    }
    expect(f(0, 0.3)).toBe(0.3);
  });

  it('evalLearningRate accepts numbers, schedules and functions', () => {
    expect(evalLearningRate(0.01, 5)).toBe(0.01);
    expect(evalLearningRate(new Constant(0.2), 5)).toBe(0.2);
    expect(evalLearningRate((k) => 1 / (k + 1), 3)).toBe(0.25);
  });
});
