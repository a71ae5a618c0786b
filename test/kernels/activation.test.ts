// The fused layers' backward kernels: activationGrad (scalar and vec4) and activationBiasGrad (dz and the bias
// sums in one pass), GPU vs the CPU twin, over sizes that hit the vec4 / scalar split, one row block, several
// blocks and a ragged last block.
import { describe, expect, test } from 'vitest';
import { activationBiasGrad, activationGrad, activations, type Activation } from '../../src/kernels/activation.js';
import * as nn from '../../src/index.js';
import { expectClose, pair, randomData } from '../helpers.js';
import { leakFree } from '../vision.js';

const it = (name: string, body: () => Promise<void>) => test(name, () => leakFree(body));
const ACTS = Object.keys(activations).filter((a) => a !== 'linear') as Activation[];

// y from the activation itself, so relu's zeros and sigmoid's (0, 1) range are the real ones.
function outputs(act: Activation, n: number, seed: number): Float32Array {
  const f = activations[act].cpu;
  return Float32Array.from(randomData(n, seed, 2), (x) => Math.fround(f(x)));
}

describe('activationGrad', () => {
  for (const shape of [[7, 3], [64, 32], [5]]) {
    it(`matches the CPU twin for every activation at [${shape}]`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      for (const act of ACTS) {
        const y = pair(outputs(act, n, n), shape), dy = pair(randomData(n, n + 1), shape);
        const g = activationGrad(act, y.gpu, dy.gpu), c = activationGrad(act, y.cpu, dy.cpu);
        expectClose(await g.data(), await c.data(), 1e-6, 1e-5, act);
        for (const t of [y.gpu, y.cpu, dy.gpu, dy.cpu, g, c]) t.dispose();
      }
    });
  }
});

describe('activationBiasGrad', () => {
  // [rows, C]: C % 4 == 0 and not; rows in one block (< 64), exactly two blocks, and a ragged third.
  for (const shape of [[10, 8], [128, 4], [150, 6], [3, 13, 13, 16], [1, 1]]) {
    it(`dz and db match activationGrad and a column sum at [${shape}]`, async () => {
      const n = shape.reduce((a, b) => a * b, 1), C = shape[shape.length - 1]!;
      for (const act of ACTS) {
        const y = pair(outputs(act, n, 3 * n), shape), dy = pair(randomData(n, 3 * n + 1), shape);
        const g = activationBiasGrad(act, y.gpu, dy.gpu), c = activationBiasGrad(act, y.cpu, dy.cpu);
        const dz = await c.dz.data();
        const sums = new Float64Array(C);
        dz.forEach((v, i) => (sums[i % C] += v));
        const ref = activationGrad(act, y.cpu, dy.cpu);
        expectClose(dz, await ref.data(), 0, 0, `${act} cpu dz`);
        expectClose(await c.db.data(), sums, 1e-7, 1e-6, `${act} cpu db`); // data() rounds to f32
        expect(g.dz.shape).toEqual(shape);
        expect(g.db.shape).toEqual([C]);
        expectClose(await g.dz.data(), dz, 1e-6, 1e-5, `${act} dz`);
        expectClose(await g.db.data(), sums, 1e-4, 1e-4, `${act} db`);
        for (const t of [y.gpu, y.cpu, dy.gpu, dy.cpu, g.dz, g.db, c.dz, c.db, ref]) t.dispose();
      }
    });
  }

  it('names the op when y and dy differ', async () => {
    const y = nn.zeros([4, 2]), dy = nn.zeros([2, 4]);
    expect(() => activationBiasGrad('relu', y, dy)).toThrow(/activationBiasGrad: y \[4, 2\] and dy \[2, 4\] differ/);
    y.dispose();
    dy.dispose();
  });
});
