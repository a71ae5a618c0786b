// Optimisers over several steps against plain TypeScript transcriptions of Keras's update formulas (written here,
// independently of the kernels), on the GPU (f32) and the Float64 CPU twin; plus Keras's documented examples,
// defaults, schedules, slot ownership and checkpoint state.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { pipelineCount } from '../../src/kernels/kernel.js';
import { maxNorm } from '../../src/nn/constraints.js';
import { Adadelta, Adam, getOptimizer, RMSprop, SGD, type Optimizer } from '../../src/nn/optimizers/index.js';
import { CyclicalLearningRate, ExponentialDecay } from '../../src/nn/schedules.js';
import { expectClose, randomData } from '../helpers.js';

type Ref = (p: number[], g: number[], step: number, lr: number) => void;

// --- Keras formulas, one element at a time (state lives in the closure) ---
function sgdRef(momentum: number, nesterov: boolean): Ref {
  let velocity: number[] | null = null;
  return (p, g, _t, lr) => {
    velocity ??= p.map(() => 0);
    for (let i = 0; i < p.length; i++) {
      if (momentum === 0) { p[i] -= lr * g[i]!; continue; }
      velocity[i] = momentum * velocity[i]! - lr * g[i]!;
      p[i] += nesterov ? momentum * velocity[i]! - lr * g[i]! : velocity[i]!;
    }
  };
}
function adamRef(b1: number, b2: number, eps: number, amsgrad: boolean): Ref {
  let m: number[] | null = null, v: number[] | null = null, vhat: number[] | null = null;
  return (p, g, t, lr) => {
    m ??= p.map(() => 0); v ??= p.map(() => 0); vhat ??= p.map(() => 0);
    const lrT = lr * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t); // "lr_t" of Kingma & Ba section 2, t from 1
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
      vhat[i] = Math.max(vhat[i]!, v[i]!);
      p[i] -= lrT * m[i]! / (Math.sqrt(amsgrad ? vhat[i]! : v[i]!) + eps);
    }
  };
}
function rmspropRef(rho: number, momentum: number, eps: number, centered: boolean): Ref {
  let ms: number[] | null = null, mom: number[] | null = null, mg: number[] | null = null;
  return (p, g, _t, lr) => {
    ms ??= p.map(() => 0); mom ??= p.map(() => 0); mg ??= p.map(() => 0);
    for (let i = 0; i < p.length; i++) {
      ms[i] = rho * ms[i]! + (1 - rho) * g[i]! ** 2;
      mg[i] = rho * mg[i]! + (1 - rho) * g[i]!;
      const denom = centered ? ms[i]! - mg[i]! ** 2 : ms[i]!;
      const step = lr * g[i]! / Math.sqrt(denom + eps);
      if (momentum > 0) { mom[i] = momentum * mom[i]! + step; p[i] -= mom[i]!; } else p[i] -= step;
    }
  };
}
function adadeltaRef(rho: number, eps: number): Ref {
  let eg2: number[] | null = null, edx2: number[] | null = null;
  return (p, g, _t, lr) => {
    eg2 ??= p.map(() => 0); edx2 ??= p.map(() => 0);
    for (let i = 0; i < p.length; i++) {
      eg2[i] = rho * eg2[i]! + (1 - rho) * g[i]! ** 2;
      const dx = -Math.sqrt(edx2[i]! + eps) / Math.sqrt(eg2[i]! + eps) * g[i]!; // Zeiler's Delta x with the old E[dx^2]
      edx2[i] = rho * edx2[i]! + (1 - rho) * dx ** 2;
      p[i] += lr * dx;
    }
  };
}

interface Case { name: string; make: () => Optimizer; ref: () => Ref; lr: (step: number) => number }
const CASES: Case[] = [
  { name: 'SGD', make: () => new SGD(), ref: () => sgdRef(0, false), lr: () => 0.01 },
  { name: 'SGD momentum', make: () => new SGD({ learningRate: 0.05, momentum: 0.9 }), ref: () => sgdRef(0.9, false), lr: () => 0.05 },
  { name: 'SGD nesterov', make: () => new SGD({ learningRate: 0.05, momentum: 0.8, nesterov: true }), ref: () => sgdRef(0.8, true), lr: () => 0.05 },
  { name: 'Adam', make: () => new Adam(), ref: () => adamRef(0.9, 0.999, 1e-7, false), lr: () => 0.001 },
  { name: 'Adam amsgrad', make: () => new Adam({ learningRate: 0.01, amsgrad: true }), ref: () => adamRef(0.9, 0.999, 1e-7, true), lr: () => 0.01 },
  { name: 'RMSprop', make: () => new RMSprop(), ref: () => rmspropRef(0.9, 0, 1e-7, false), lr: () => 0.001 },
  { name: 'RMSprop momentum centered', make: () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true }), ref: () => rmspropRef(0.9, 0.5, 1e-7, true), lr: () => 0.01 },
  { name: 'Adadelta', make: () => new Adadelta({ learningRate: 1.0 }), ref: () => adadeltaRef(0.95, 1e-7), lr: () => 1.0 },
  {
    name: 'Adam with a schedule', ref: () => adamRef(0.9, 0.999, 1e-7, false), lr: (k) => 0.01 * 0.5 ** (k / 2),
    make: () => new Adam({ learningRate: new ExponentialDecay({ initialLearningRate: 0.01, decaySteps: 2, decayRate: 0.5 }) }),
  },
];

const SIZES = [1, 7, 64, 1001, 4100];
const STEPS = 6;

describe.each(['webgpu', 'cpu'] as const)('optimisers on %s', (device) => {
  for (const c of CASES) {
    it(`Keras: ${c.name} matches the formula over ${STEPS} steps`, async () => {
      const live = nn.liveTensors();
      for (const n of SIZES) {
        const opt = c.make();
        const init = randomData(n, n);
        const p = nn.tensor(init, [n], { dtype: 'f32', device });
        const want = Array.from(init, (x) => x);
        const ref = c.ref();
        for (let k = 0; k < STEPS; k++) {
          const g = randomData(n, 100 * n + k, 0.5 + k); // gradients of growing scale, a new draw per step
          p.grad = nn.untrack(nn.tensor(g, [n], { dtype: 'f32', device }));
          expect(opt.learningRate).toBeCloseTo(c.lr(k), 12);
          opt.apply([p]);
          ref(want, Array.from(g), k + 1, c.lr(k));
          p.grad.dispose();
          p.grad = null;
        }
        expect(opt.iterations).toBe(STEPS);
        const got = device === 'cpu' ? p.storage.data.slice() : await p.data(); // the twin's full Float64 values
        if (device === 'cpu') expectClose(got, want, 1e-12, 1e-10, `${c.name}[${n}]`); // the Float64 twin vs float64 math
        else expectClose(got, want, 2e-6, 2e-5, `${c.name}[${n}]`);
        p.dispose();
        opt.dispose();
      }
      expect(nn.liveTensors()).toBe(live);
    });
  }
});

/** Minimises var^2 / 2 (gradient = var) for `steps` steps from var = start; returns the values after each step. */
async function minimiseHalfSquare(opt: Optimizer, start: number, steps: number): Promise<number[]> {
  const v = nn.tensor([start]);
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    v.grad = nn.untrack(nn.tensor([await v.item()]));
    opt.apply([v]);
    v.grad.dispose();
    v.grad = null;
    out.push(await v.item());
  }
  v.dispose();
  opt.dispose();
  return out;
}

describe('Keras documented examples and defaults', () => {
  it('Keras: Adam(0.1) on var=10, loss var^2/2: the first step is -lr*sign(grad) -> 9.9', async () => {
    expect((await minimiseHalfSquare(new Adam({ learningRate: 0.1 }), 10, 1))[0]).toBeCloseTo(9.9, 5);
  });
  it('Keras: RMSprop(0.1) on var=10 -> 9.683772', async () => {
    expect((await minimiseHalfSquare(new RMSprop({ learningRate: 0.1 }), 10, 1))[0]).toBeCloseTo(9.683772, 5);
  });
  it('Keras: RMSprop puts epsilon inside the square root (visible with tiny gradients)', async () => {
    // g = 1e-4: inside, lr * g / sqrt(0.1 g^2 + 1e-7) = 0.1 * 1e-4 / sqrt(1.01e-7); outside the root it would be 10x larger.
    const [after] = await minimiseHalfSquare(new RMSprop({ learningRate: 0.1 }), 1e-4, 1);
    expect(1e-4 - after!).toBeCloseTo(0.1 * 1e-4 / Math.sqrt(0.1 * 1e-8 + 1e-7), 7);
    expect(Math.abs(1e-4 - after! - 0.1 * 1e-4 / (Math.sqrt(0.1 * 1e-8) + 1e-7))).toBeGreaterThan(0.1);
  });
  it('Keras: SGD(0.1, momentum=0.9) on var=1: steps of 0.1 then 0.18', async () => {
    const [a, b] = await minimiseHalfSquare(new SGD({ learningRate: 0.1, momentum: 0.9 }), 1, 2);
    expect(1 - a!).toBeCloseTo(0.1, 6);
    expect(a! - b!).toBeCloseTo(0.18, 6);
  });
  it('Keras: SGD(0.1) on var=1 -> 0.9', async () => {
    expect((await minimiseHalfSquare(new SGD({ learningRate: 0.1 }), 1, 1))[0]).toBeCloseTo(0.9, 6);
  });

  it('Keras: defaults and get_config', () => {
    const configs = [new SGD(), new RMSprop(), new Adam(), new Adadelta()].map((o) => {
      const c = o.getConfig();
      o.dispose();
      return c;
    });
    expect(configs[0]).toEqual({ name: 'SGD', learning_rate: 0.01, momentum: 0, nesterov: false });
    expect(configs[1]).toEqual({ name: 'RMSprop', learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(configs[2]).toEqual({ name: 'Adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false });
    expect(configs[3]).toEqual({ name: 'Adadelta', learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 });
    const s = new Adam({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }) });
    expect(s.getConfig().learning_rate).toEqual({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.9, staircase: false } });
    expect(getOptimizer('rmsprop')).toBeInstanceOf(RMSprop);
    expect(() => getOptimizer('lion')).toThrow(/unknown optimizer 'lion'/);
  });
});

describe('optimiser mechanics', () => {
  it('Keras: a schedule is evaluated at iterations (0 for the first update); lr changes never recompile', async () => {
    const clr = new CyclicalLearningRate({ initialLearningRate: 5e-5, maximalLearningRate: 5e-3, stepSize: 4, scaleFn: (x) => 1 / 1.2 ** (x - 1) });
    const opt = new SGD({ learningRate: clr });
    const p = nn.tensor([1, 2, 3]);
    let want = [1, 2, 3];
    for (let k = 0; k < 12; k++) {
      expect(opt.learningRate).toBe(clr.call(k));
      p.grad = nn.untrack(nn.tensor([1, -1, 0.5]));
      opt.apply([p]);
      want = want.map((w, i) => w - clr.call(k) * [1, -1, 0.5][i]!);
      p.grad.dispose();
      p.grad = null;
    }
    expectClose(await p.data(), want, 1e-6, 1e-6);
    expect(() => (opt.learningRate = 0.1)).toThrow(/cannot be set/);
    const compiled = pipelineCount();
    const plain = new SGD({ learningRate: 0.1 });
    p.grad = nn.untrack(nn.tensor([1, 1, 1]));
    for (const lr of [0.1, 0.2, 0.3]) {
      plain.learningRate = lr;
      plain.apply([p]);
    }
    expect(pipelineCount()).toBe(compiled);
    expectClose(await p.data(), want.map((w) => w - 0.6), 1e-6, 1e-6);
    for (const t of [p]) t.dispose();
    opt.dispose();
    plain.dispose();
  });

  it('applyGradients takes explicit (gradient, parameter) pairs, ignores .grad and checks shapes', async () => {
    const opt = new SGD({ learningRate: 0.5 });
    const p = nn.tensor([1, 2, 3]), g = nn.tensor([2, -2, 4]);
    p.grad = nn.untrack(nn.tensor([100, 100, 100]));
    opt.applyGradients([[g, p]]);
    expectClose(await p.data(), [0, 3, 1], 1e-7, 0);
    expect(opt.iterations).toBe(1);
    expect(g.isDisposed).toBe(false);
    expect(() => opt.applyGradients([[nn.tensor([1, 2]), p]])).toThrow(/SGD: gradient \[2\] does not match its parameter \[3\]/);
    for (const t of [p, g]) t.dispose();
    opt.dispose();
  });

  it('skips parameters without a gradient but counts the step; slots are lazy, untracked and freed by dispose()', async () => {
    const live = nn.liveTensors();
    const a = nn.tensor([1, 2]), b = nn.tensor([3, 4, 5]);
    a.name = 'dense/kernel';
    const opt = new Adam({ learningRate: 0.1 });
    expect(opt.getSlots(a)).toBeNull();
    nn.scope(() => {
      a.grad = nn.untrack(nn.tensor([1, 1]));
      opt.apply([a, b]);
    });
    expect(opt.iterations).toBe(1);
    expect(opt.getSlots(a)).toHaveLength(2);
    expect(opt.getSlots(b)).toBeNull();
    expect(Array.from(await b.data())).toEqual([3, 4, 5]);
    expect(nn.liveTensors()).toBe(live + 2 + 1 + 2); // a, b, a.grad, two slots survive the scope
    const names = opt.weights().map((w) => w.name);
    expect(names).toEqual(['Adam/iter', 'Adam/dense/kernel/m', 'Adam/dense/kernel/v']);
    opt.dispose();
    expect(() => opt.apply([a])).toThrow(/after dispose/);
    a.dispose();
    b.dispose();
    expect(nn.liveTensors()).toBe(live);
  });

  it('weights() / setWeights() restore the state so training continues identically', async () => {
    const init = randomData(37, 5);
    const grads = [0, 1, 2, 3].map((k) => randomData(37, 50 + k));
    const run = async (split: boolean): Promise<number[]> => {
      const p = nn.tensor(init, [37]);
      let opt: Optimizer = new RMSprop({ learningRate: 0.01, momentum: 0.9 });
      for (let k = 0; k < 4; k++) {
        if (split && k === 2) {
          const state = opt.weights();
          const fresh = new RMSprop({ learningRate: 0.01, momentum: 0.9 });
          await fresh.setWeights(state, [p]);
          opt.dispose();
          opt = fresh;
          expect(opt.iterations).toBe(2);
        }
        p.grad = nn.untrack(nn.tensor(grads[k]!, [37]));
        opt.apply([p]);
      }
      const out = Array.from(await p.data());
      opt.dispose();
      p.dispose();
      return out;
    };
    expect(await run(true)).toEqual(await run(false));
    const opt = new Adam();
    await expect(opt.setWeights([], [])).rejects.toThrow(/'Adam\/iter' is missing/);
    const it = nn.tensor([3], [], { dtype: 'i32' });
    const q = nn.tensor([1, 2]);
    await expect(opt.setWeights([{ name: 'Adam/iter', tensor: it }], [q])).rejects.toThrow(/'Adam\/param0\/m' is missing; 'Adam\/param0\/v' is missing/);
    opt.dispose();
    it.dispose();
    q.dispose();
  });

  it('applies a constraint right after the update (max_norm(3) on a [2, 2] kernel)', async () => {
    const w = nn.tensor([3, 0, 4, 1], [2, 2]);
    w.grad = nn.untrack(nn.tensor([0, 0, 0, 0], [2, 2]));
    const opt = new SGD();
    opt.apply([w], { constraints: new Map([[w, maxNorm(3)]]) });
    // Column 0 has norm 5 -> scaled to 3; column 1 has norm 1 -> unchanged (up to epsilon).
    expectClose(await w.data(), [3 * 3 / (5 + 1e-7), 0, 4 * 3 / (5 + 1e-7), 1 / (1 + 1e-7)], 1e-6, 1e-6);
    w.dispose();
    opt.dispose();
  });

  it('rejects a gradient of the wrong shape, naming both shapes', () => {
    const p = nn.tensor([1, 2, 3]);
    p.grad = nn.untrack(nn.tensor([1, 2]));
    const opt = new SGD();
    expect(() => opt.apply([p])).toThrow(/gradient \[2\] does not match parameter \[3\]/);
    p.dispose();
    opt.dispose();
  });
});
