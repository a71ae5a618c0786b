// BatchNorm training and inference kernels vs the CPU twin, Keras's defaults and moving-average closed form.
import { describe, expect, test } from 'vitest';
import * as nn from '../../src/index.js';
import { expectClose, randomData, uniformData } from '../helpers.js';
import { leakFree } from '../vision.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Training-mode forward (y, mean, variance) and gradients of x, gamma, beta for a seeded dy, on one device. */
async function trainingRun(xData: Float32Array, shape: number[], device: nn.DeviceKind, o: nn.BatchNormOptions = {}) {
  const C = shape[shape.length - 1]!;
  const x = nn.tensor(xData, shape, { dtype: 'f32', device });
  const gamma = nn.tensor(uniformData(C, 11, 0.5, 1.5), [C], { dtype: 'f32', device });
  const beta = nn.tensor(randomData(C, 12), [C], { dtype: 'f32', device });
  for (const t of [x, gamma, beta]) t.requiresGrad = true;
  const out = nn.scope(() => {
    const r = nn.batchNormWithStats(x, gamma, beta, o);
    nn.backward(r.y, { dy: nn.tensor(randomData(x.size, 13), shape, { dtype: 'f32', device }) });
    return r;
  });
  const res = {
    y: await out.y.toArray(), mean: await out.mean.toArray(), variance: await out.variance.toArray(),
    dx: await x.grad!.toArray(), dgamma: await gamma.grad!.toArray(), dbeta: await beta.grad!.toArray(),
  };
  for (const t of [x, gamma, beta, out.y, out.mean, out.variance]) t.dispose();
  return res;
}

const SHAPES = [[1, 1], [7, 3], [2, 5, 5, 3], [4, 7, 7, 8], [64, 256], [3, 33, 1], [5, 9, 9, 12], [16, 28, 28, 32], [2, 131, 67, 3]];

describe('batchNorm (training) vs CPU twin', () => {
  for (const shape of SHAPES) {
    test(JSON.stringify(shape), () => leakFree(async () => {
      const data = randomData(size(shape), shape.length * 7 + shape[0]!, 2);
      const g = await trainingRun(data, shape, 'webgpu');
      const c = await trainingRun(data, shape, 'cpu');
      expectClose(g.mean, c.mean, 1e-5, 1e-4, 'mean');
      expectClose(g.variance, c.variance, 1e-5, 1e-4, 'variance');
      expectClose(g.y, c.y, 1e-4, 1e-4, 'y');
      expectClose(g.dgamma, c.dgamma, 1e-3, 1e-4, 'dgamma');
      expectClose(g.dbeta, c.dbeta, 1e-3, 1e-4, 'dbeta');
      expectClose(g.dx, c.dx, 1e-4, 1e-3, 'dx');
    }));
  }

  test('a large common offset does not cancel the variance', () => leakFree(async () => {
    // x = 1000 + N(0, 0.01^2): E[x^2] - E[x]^2 in f32 would lose every digit of the variance.
    const shape = [32, 10, 10, 4];
    const data = randomData(size(shape), 5, 0.01).map((v) => 1000 + v);
    const g = await trainingRun(data, shape, 'webgpu');
    const c = await trainingRun(data, shape, 'cpu');
    expectClose(g.variance, c.variance, 1e-9, 2e-3, 'variance');
  }));
});

// The activation fused after the normalisation (a model's BatchNormalization -> ReLU): applied in the apply
// kernel, its derivative taken from the saved output inside the backward kernels, on the scalar and vec4 paths.
describe('batchNorm + fused relu vs CPU twin', () => {
  for (const shape of [[7, 3], [4, 7, 7, 8], [2, 131, 67, 3]]) {
    test(JSON.stringify(shape), () => leakFree(async () => {
      const data = randomData(size(shape), shape.length * 5 + shape[0]!, 2);
      const g = await trainingRun(data, shape, 'webgpu', { activation: 'relu' });
      const c = await trainingRun(data, shape, 'cpu', { activation: 'relu' });
      const plain = await trainingRun(data, shape, 'cpu');
      expect(c.y).toEqual(plain.y.map((v) => Math.max(v, 0)));
      expect(c.y.filter((v) => v === 0).length).toBeGreaterThan(c.y.length / 4);
      for (const k of ['y', 'dgamma', 'dbeta', 'dx'] as const) expectClose(g[k], c[k], 1e-3, 1e-3, k);
    }));
  }
});

describe('batchNormInference vs CPU twin', () => {
  const cases: Array<[number[], 'linear' | 'relu']> = [[[7, 3], 'linear'], [[2, 5, 5, 8], 'linear'], [[16, 14, 14, 5], 'linear'], [[2, 5, 5, 8], 'relu'], [[7, 3], 'relu']];
  for (const [shape, activation] of cases) {
    test(`${JSON.stringify(shape)} ${activation}`, () => leakFree(async () => {
      const C = shape[shape.length - 1]!;
      const run = async (device: nn.DeviceKind) => {
        const make = (data: Float32Array, s: number[]) => {
          const t = nn.tensor(data, s, { dtype: 'f32', device });
          t.requiresGrad = true;
          return t;
        };
        const ins = [make(randomData(size(shape), 3), shape), make(uniformData(C, 4, 0.5, 1.5), [C]), make(randomData(C, 5), [C]),
          make(randomData(C, 6), [C]), make(uniformData(C, 7, 0.2, 2), [C])];
        const y = nn.scope(() => {
          const out = nn.batchNormInference(ins[0]!, ins[1]!, ins[2]!, ins[3]!, ins[4]!, { activation });
          nn.backward(out, { dy: nn.tensor(randomData(size(shape), 8), shape, { dtype: 'f32', device }) });
          return out;
        });
        const res = [await y.toArray(), ...(await Promise.all(ins.map((t) => t.grad!.toArray())))];
        for (const t of [y, ...ins]) t.dispose();
        return res;
      };
      const g = await run('webgpu'), c = await run('cpu');
      ['y', 'dx', 'dgamma', 'dbeta', 'dmean', 'dvar'].forEach((what, i) => expectClose(g[i]!, c[i]!, 1e-4, 1e-4, what));
    }));
  }
});

describe('batchNorm semantics', () => {
  const it = (name: string, body: () => Promise<void>) => test(name, () => leakFree(body));

  it('Keras: defaults are momentum 0.99 and epsilon 1e-3', async () => {
    expect(nn.BATCH_NORM_DEFAULTS).toEqual({ momentum: 0.99, epsilon: 1e-3 });
    // One channel holding [0, 2]: mean 1, biased variance 1, so y = +-1 / sqrt(1 + 1e-3). The unbiased variance (2)
    // or another epsilon would give a different value.
    const x = nn.tensor([0, 2], [2, 1]);
    const gamma = nn.ones([1]), beta = nn.zeros([1]);
    const { y, mean, variance } = nn.batchNormWithStats(x, gamma, beta);
    expect(await mean.item()).toBe(1);
    expect(await variance.item()).toBe(1);
    const [a, b] = await y.toArray();
    expect(a).toBeCloseTo(-1 / Math.sqrt(1.001), 6);
    expect(b).toBeCloseTo(1 / Math.sqrt(1.001), 6);
    for (const t of [x, gamma, beta, y, mean, variance]) t.dispose();
  });

  it('Keras: moving statistics after N training steps equal the closed form', async () => {
    const C = 3, shape = [4, 3, 3, C], steps = 6, m = 0.99;
    for (const device of ['webgpu', 'cpu'] as const) {
      const movingMean = nn.zeros([C], { device }), movingVariance = nn.ones([C], { device });
      const gamma = nn.ones([C], { device }), beta = nn.zeros([C], { device });
      const expMean = [0, 0, 0], expVar = [1, 1, 1];
      for (let s = 0; s < steps; s++) {
        const data = randomData(size(shape), 100 + s, 1 + s).map((v) => v + s);
        const x = nn.tensor(data, shape, { dtype: 'f32', device });
        nn.batchNormTraining(x, gamma, beta, movingMean, movingVariance).dispose();
        x.dispose();
        // Host closed form of this batch's biased statistics and of the update.
        for (let c = 0; c < C; c++) {
          const vals = Array.from(data).filter((_, i) => i % C === c);
          const mu = vals.reduce((a, b) => a + b) / vals.length;
          const v = vals.reduce((a, b) => a + (b - mu) ** 2, 0) / vals.length;
          expMean[c] = expMean[c]! * m + mu * (1 - m);
          expVar[c] = expVar[c]! * m + v * (1 - m);
        }
      }
      expectClose(await movingMean.toArray(), expMean, 1e-6, 1e-5, `${device} moving mean`);
      expectClose(await movingVariance.toArray(), expVar, 1e-6, 1e-5, `${device} moving variance`);
      for (const t of [movingMean, movingVariance, gamma, beta]) t.dispose();
    }
  });

  it('inference mode normalises with the given statistics and its x gradient is affine', async () => {
    const x = nn.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    x.requiresGrad = true;
    const gamma = nn.tensor([2, 3], [2]), beta = nn.tensor([0.5, -1], [2]);
    const mm = nn.tensor([1, 2], [2]), mv = nn.tensor([3, 0.999], [2]);
    const y = nn.batchNormInference(x, gamma, beta, mm, mv);
    const inv = [1 / Math.sqrt(3.001), 1];
    const expected = [1, 2, 3, 4, 5, 6].map((v, i) => (v - [1, 2][i % 2]!) * inv[i % 2]! * [2, 3][i % 2]! + [0.5, -1][i % 2]!);
    expectClose(await y.toArray(), expected, 1e-5, 1e-5, 'y');
    const s = nn.sum(y);
    nn.backward(s);
    expectClose(await x.grad!.toArray(), [0, 1, 2].flatMap(() => [2 * inv[0]!, 3 * inv[1]!]), 1e-6, 1e-5, 'dx');
    for (const t of [x, gamma, beta, mm, mv, y, s]) t.dispose();
  });

  it('training-mode gradients: dx sums to zero per channel, dbeta = sum(dy)', async () => {
    const x = nn.tensor(randomData(40, 9), [10, 4]);
    x.requiresGrad = true;
    const gamma = nn.ones([4]), beta = nn.zeros([4]);
    beta.requiresGrad = true;
    const dyData = randomData(40, 10);
    const dy = nn.tensor(dyData, [10, 4]);
    const y = nn.batchNorm(x, gamma, beta);
    nn.backward(y, { dy });
    const dx = await x.grad!.toArray();
    for (let c = 0; c < 4; c++) expect(Math.abs(dx.filter((_, i) => i % 4 === c).reduce((a, b) => a + b))).toBeLessThan(1e-5);
    const sums = [0, 1, 2, 3].map((c) => Array.from(dyData).filter((_, i) => i % 4 === c).reduce((a, b) => a + b));
    expectClose(await beta.grad!.toArray(), sums, 1e-5, 1e-5, 'dbeta');
    for (const t of [x, gamma, beta, dy, y]) t.dispose();
  });

  it('bad inputs name the op and the shapes', async () => {
    const x = nn.zeros([2, 3]), g3 = nn.ones([3]), g4 = nn.ones([4]), v = nn.zeros([3]), x1 = nn.zeros([3]);
    expect(() => nn.batchNorm(x, g4, g3)).toThrow(/batchNorm: 'gamma' must have shape \[3\] for input 'x' \[2, 3\] but got \[4\]/);
    expect(() => nn.batchNorm(x1, g3, g3)).toThrow(/batchNorm: input 'x' must have a batch axis and a channel axis but got \[3\]/);
    expect(() => nn.batchNorm(x, g3, g3, { epsilon: -1 })).toThrow(/batchNorm: epsilon must be/);
    expect(() => nn.batchNormInference(x, g3, g3, v, g4)).toThrow(/batchNormInference: 'movingVariance' must have shape \[3\]/);
    expect(() => nn.updateMovingAverage(g3, g4, 0.9)).toThrow(/updateMovingAverage: 'value' \[4\] does not match 'moving' \[3\]/);
    for (const t of [x, g3, g4, v, x1]) t.dispose();
  });
});
