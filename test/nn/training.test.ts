// A training smoke test through the real tape: backward() fills .grad, the optimiser updates in place, a
// constraint projects, grads are cleared, and nothing leaks across steps.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { maxNorm } from '../../src/nn/constraints.js';
import { glorotUniform } from '../../src/nn/initializers.js';
import { Adam, clearGrads, SGD, type Optimizer } from '../../src/nn/optimizers/index.js';
import { randomData } from '../helpers.js';

/** Fits y = x @ wTrue (x [64, 3], w [3, 2]) by least squares; returns the losses and the final weights. */
async function fit(opt: Optimizer, steps: number, constraint = false): Promise<{ losses: number[]; w: number[] }> {
  const x = nn.tensor(randomData(64 * 3, 1), [64, 3]);
  const wTrue = [0.5, -1, 2, 0.25, -0.5, 1]; // [3, 2] row-major
  const xs = await x.data();
  const y = nn.tensor(Array.from({ length: 128 }, (_, k) => {
    const i = Math.floor(k / 2), j = k % 2;
    return xs[i * 3]! * wTrue[j]! + xs[i * 3 + 1]! * wTrue[2 + j]! + xs[i * 3 + 2]! * wTrue[4 + j]!;
  }), [64, 2]);
  const w = nn.untrack(glorotUniform({ seed: 0 }).apply([3, 2]));
  w.requiresGrad = true;
  w.name = 'dense/kernel';
  const constraints = constraint ? new Map([[w, maxNorm(1)]]) : undefined;
  const live = nn.liveTensors();
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = nn.scope(() => {
      // x @ w written with broadcasting: [64, 3, 1] * [1, 3, 2] summed over axis 1.
      const pred = nn.sum(nn.mul(nn.reshape(x, [64, 3, 1]), nn.reshape(w, [1, 3, 2])), 1);
      const l = nn.mean(nn.square(nn.sub(pred, y)));
      nn.backward(l);
      return l;
    });
    losses.push(await loss.item());
    loss.dispose();
    opt.apply([w], { constraints });
    clearGrads([w]);
    expect(nn.liveTensors()).toBe(live + opt.slotNames.length); // only the slots outlive a step
  }
  const out = Array.from(await w.data());
  for (const t of [x, y, w]) t.dispose();
  opt.dispose();
  return { losses, w: out };
}

describe('training smoke test', () => {
  it('Adam drives a least-squares fit to the true weights without leaking', async () => {
    const live = nn.liveTensors();
    const { losses, w } = await fit(new Adam({ learningRate: 0.05 }), 300);
    expect(losses[0]).toBeGreaterThan(0.5);
    expect(losses.at(-1)).toBeLessThan(1e-4);
    w.forEach((v, i) => expect(v).toBeCloseTo([0.5, -1, 2, 0.25, -0.5, 1][i]!, 2));
    expect(nn.liveTensors()).toBe(live);
  });

  it('SGD with momentum and a max_norm(1) constraint keeps every column norm within 1', async () => {
    const { losses, w } = await fit(new SGD({ learningRate: 0.05, momentum: 0.9 }), 60, true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    for (const j of [0, 1]) expect(Math.hypot(w[j]!, w[2 + j]!, w[4 + j]!)).toBeLessThanOrEqual(1 + 1e-5);
  });
});
