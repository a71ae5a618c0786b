// Softmax family: GPU vs the Float64 twin, numerical stability, and the cross-entropies pinned to Keras's
// TensorFlow backend with hand-computed values (keras/src/backend/tensorflow/nn.py and tf.keras 2.x backend.py).
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { CLIP_HI, CLIP_LO } from '../../src/kernels/softmax.js';
import { expectClose, pair, randomData, uniformData } from '../helpers.js';

const SHAPES: number[][] = [[1, 1], [7, 13], [64, 10], [3, 1000], [1000, 10], [2, 3, 5], [4097, 3]];

async function both(f: (...xs: nn.Tensor[]) => nn.Tensor, inputs: Array<{ gpu: nn.Tensor; cpu: nn.Tensor }>): Promise<[Float32Array, Float64Array]> {
  const g = f(...inputs.map((p) => p.gpu)), c = f(...inputs.map((p) => p.cpu));
  const out: [Float32Array, Float64Array] = [(await g.data()) as Float32Array, c.storage.data.slice()];
  g.dispose();
  c.dispose();
  return out;
}

const f32 = (v: number[], shape: number[]): nn.Tensor => nn.tensor(v, shape);
const i32 = (v: number[], shape: number[] = [v.length], device: nn.DeviceKind = 'webgpu'): nn.Tensor => nn.tensor(v, shape, { dtype: 'i32', device });

describe('softmax / logSoftmax vs CPU twin', () => {
  for (const log of [false, true]) {
    it(log ? 'logSoftmax' : 'softmax', async () => {
      const before = nn.liveTensors();
      for (const shape of SHAPES) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = pair(randomData(n, n, 4), shape);
        const [g, c] = await both((t) => (log ? nn.logSoftmax(t) : nn.softmax(t)), [x]);
        expectClose(g, c, 1e-6, 1e-5, `${log ? 'logSoftmax' : 'softmax'} ${shape}`);
        x.gpu.dispose();
        x.cpu.dispose();
      }
      expect(nn.liveTensors()).toBe(before);
    });

    it(`${log ? 'logSoftmax' : 'softmax'} honours axis: axis 1 of [2, 5, 3] equals the last axis of its transpose`, async () => {
      const before = nn.liveTensors();
      const x = nn.tensor(randomData(30, 3, 3), [2, 5, 3]);
      const f = log ? nn.logSoftmax : nn.softmax;
      const y = f(x, 1), t = nn.transpose(x, [0, 2, 1]), yt = f(t), back = nn.transpose(yt, [0, 2, 1]);
      expectClose(await y.data(), await back.data(), 1e-7, 1e-6, 'axis 1');
      const z = f(x, -3), zs = await z.data();
      for (let j = 0; j < 15; j++) expectClose([log ? Math.exp(zs[j]!) + Math.exp(zs[15 + j]!) : zs[j]! + zs[15 + j]!], [1], 1e-6, 0, `axis 0 col ${j}`);
      expect(() => f(x, 3)).toThrow(new RegExp(`${log ? 'logSoftmax' : 'softmax'}: axis 3 is out of range for rank 3 \\(x \\[2, 5, 3\\]\\)`));
      for (const v of [x, y, t, yt, back, z]) v.dispose();
      expect(nn.liveTensors()).toBe(before);
    });
  }

  it('is stable for huge logits and rows sum to 1', async () => {
    const x = f32([1000, 1000, -1000, 88, 89, 90, -1e30, 0, 1e30], [3, 3]);
    const y = Array.from(await nn.softmax(x).data());
    expectClose(y.slice(0, 3), [0.5, 0.5, 0], 1e-7, 0);
    const e = [Math.exp(-2), Math.exp(-1), 1], s = e[0]! + e[1]! + 1;
    expectClose(y.slice(3, 6), e.map((v) => v / s), 1e-7, 1e-6);
    expectClose(y.slice(6), [0, 0, 1], 0, 0);
    const ls = Array.from(await nn.logSoftmax(x).data());
    expectClose(ls.slice(0, 3), [-Math.LN2, -Math.LN2, -2000 - Math.LN2], 1e-5, 1e-6);
    expectClose(ls.slice(6), [-2e30, -1e30, 0], 0, 1e-6);
  });

  it('propagates NaN through the row', async () => {
    const y = Array.from(await nn.softmax(f32([1, NaN, 2, 1, 2, 3], [2, 3])).data());
    expect(y.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(y.slice(3).every(Number.isFinite)).toBe(true);
  });

  it('rejects rank 0 and i32 inputs, naming op and shape', () => {
    const s = nn.tensor([1], []);
    expect(() => nn.softmax(s)).toThrow(/softmax: input 'x' must have at least rank 1 but got \[\]/);
    const i = i32([1, 2]);
    expect(() => nn.logSoftmax(i)).toThrow(/logSoftmax: input 'x' must be f32 but got i32 \[2\]/);
    s.dispose();
    i.dispose();
  });
});

describe('cross-entropy kernels vs CPU twin', () => {
  const cases = [{ N: 1, C: 1 }, { N: 7, C: 13 }, { N: 128, C: 10 }, { N: 3, C: 1000 }, { N: 4099, C: 7 }];
  for (const fromLogits of [true, false]) {
    it(`sparse and dense, ${fromLogits ? 'logits' : 'probabilities'}, forward and backward`, async () => {
      const before = nn.liveTensors();
      for (const { N, C } of cases) {
        const predData = fromLogits ? randomData(N * C, N + C, 3) : uniformData(N * C, N + C, -0.05, 1.05);
        const labelData = Array.from(uniformData(N, 7 * N, 0, C), Math.floor);
        const pred = pair(predData, [N, C]);
        const target = pair(uniformData(N * C, 3 * N, 0, 1), [N, C]);
        const labels = { gpu: i32(labelData), cpu: i32(labelData, [N], 'cpu') };
        const dy = pair(randomData(N, 5 * N), [N]);
        const sparse = (l: nn.Tensor, p: nn.Tensor) => nn.sparseCategoricalCrossentropy(l, p, { fromLogits });
        const dense = (t: nn.Tensor, p: nn.Tensor) => nn.categoricalCrossentropy(t, p, { fromLogits });
        const [gs, cs] = await both(sparse, [labels, pred]);
        expectClose(gs, cs, 2e-5, 2e-5, `sparse ${N}x${C}`);
        const [gd, cd] = await both(dense, [target, pred]);
        expectClose(gd, cd, 1e-4, 1e-4, `dense ${N}x${C}`);
        for (const [name, f, t] of [['sparse', sparse, labels], ['dense', dense, target]] as const) {
          const grads: Array<ArrayLike<number>> = [];
          for (const dev of ['gpu', 'cpu'] as const) {
            const p = pred[dev].view(pred[dev].shape);
            p.requiresGrad = true;
            nn.scope(() => nn.backward(f(t[dev], p), { dy: dy[dev] }));
            grads.push(await p.grad!.data());
            p.dispose();
          }
          expectClose(grads[0]!, grads[1]!, 1e-5, 1e-4, `${name} grad ${N}x${C}`);
        }
        for (const pr of [pred, target, labels, dy]) { pr.gpu.dispose(); pr.cpu.dispose(); }
      }
      expect(nn.liveTensors()).toBe(before);
    });
  }
});

describe('cross-entropy semantics (Keras)', () => {
  const LO = CLIP_LO, HI = CLIP_HI;

  it('Keras: the SparseCategoricalCrossentropy docstring example gives mean 0.3239', async () => {
    // Row 2 ([.5, .89, .6]) does not sum to 1: Keras scores it as log(1.99) - log(0.89), not -log(0.89).
    const p = f32([0.9, 0.05, 0.05, 0.5, 0.89, 0.6, 0.05, 0.01, 0.94], [3, 3]);
    const loss = Array.from(await nn.sparseCategoricalCrossentropy(i32([0, 1, 2]), p).data());
    expectClose(loss, [-Math.log(0.9), Math.log(1.99) - Math.log(0.89), -Math.log(0.94)], 1e-6, 1e-5);
    // The docstring prints 0.3239 (of 0.32397); renormalising matters: plain -log(p[label]) would give 0.0946.
    expect((loss[0]! + loss[1]! + loss[2]!) / 3).toBeCloseTo(0.3239, 3);
  });

  it('Keras: categorical_crossentropy docstring example gives [0.10536, 0.11653, 0.06188]', async () => {
    const t = f32([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3]);
    const p = f32([0.9, 0.05, 0.05, 0.05, 0.89, 0.06, 0.05, 0.01, 0.94], [3, 3]);
    expectClose(await nn.categoricalCrossentropy(t, p).data(), [0.10536, 0.11653, 0.06188], 1e-5, 0);
    expectClose(await nn.categoricalCrossentropy(t, t).data(), [0, 0, 0], 1e-6, 0);
  });

  it('Keras: sigmoid outputs that do not sum to 1 are renormalised after clipping (sparse)', async () => {
    const p = f32([0.9, 0.8, 0.3], [1, 3]);
    p.requiresGrad = true;
    const loss = nn.sparseCategoricalCrossentropy(i32([0]), p);
    expectClose(await loss.data(), [Math.log(2.0) - Math.log(0.9)], 1e-6, 1e-6);
    nn.backward(nn.sum(loss));
    // d/dp_j [log(sum c) - log(c_0)] = 1/S - [j == 0] / c_0 with S = 2.
    expectClose(await p.grad!.data(), [0.5 - 1 / 0.9, 0.5, 0.5], 1e-6, 1e-5);
    p.dispose();
  });

  it('Keras: probabilities of exactly 0 and 1 are clipped to [1e-7, 1 - 1e-7] and get zero gradient', async () => {
    const p = f32([0, 1, 0, 0, 1, 0], [2, 3]);
    p.requiresGrad = true;
    const loss = nn.sparseCategoricalCrossentropy(i32([0, 1]), p);
    const S = HI + 2 * LO;
    const got = Array.from(await loss.data());
    expectClose(got, [Math.log(S) - Math.log(LO), Math.log(S) - Math.log(HI)], 3e-7, 1e-6);
    expect(got[0]).toBeCloseTo(16.1181, 4);
    nn.backward(nn.sum(loss));
    expect(Array.from(await p.grad!.data(), Math.abs)).toEqual([0, 0, 0, 0, 0, 0]);
    p.dispose();
  });

  it('Keras: categorical_crossentropy divides by the row sum, then clips', async () => {
    const t = f32([1, 0, 0, 0, 0, 1], [2, 3]);
    const p = f32([0.9, 0.8, 0.3, 0.5, 0.5, 0], [2, 3]);
    // Row 0: q = p / 2 -> -log(0.45); row 1: q_2 = 0 is clipped to 1e-7 -> -log(1e-7).
    expectClose(await nn.categoricalCrossentropy(t, p).data(), [-Math.log(0.45), -Math.log(LO)], 1e-6, 1e-6);
  });

  it('Keras: from logits is logsumexp(z) - z[label], stable for huge logits', async () => {
    const z = f32([1000, 0, -1000, 1, 2, 3], [2, 3]);
    const got = Array.from(await nn.sparseCategoricalCrossentropy(i32([1, 2]), z, { fromLogits: true }).data());
    const lse = 3 + Math.log(Math.exp(-2) + Math.exp(-1) + 1);
    expectClose(got, [1000, lse - 3], 1e-5, 1e-6);
    const dense = nn.categoricalCrossentropy(f32([0, 1, 0, 0, 0, 1], [2, 3]), z, { fromLogits: true });
    expectClose(await dense.data(), got, 1e-5, 1e-6);
  });

  it('Keras: logits gradient is (softmax - onehot) * dy', async () => {
    const z = f32([1, 2, 3], [1, 3]);
    z.requiresGrad = true;
    const loss = nn.sparseCategoricalCrossentropy(i32([2]), z, { fromLogits: true });
    nn.backward(loss, { dy: f32([2], [1]) });
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)], s = e[0]! + e[1]! + e[2]!;
    expectClose(await z.grad!.data(), [2 * e[0]! / s, 2 * e[1]! / s, 2 * (e[2]! / s - 1)], 1e-6, 1e-5);
    z.dispose();
  });

  it('accepts labels [N, 1] like Keras (squeezed)', async () => {
    const p = f32([0.2, 0.8, 0.6, 0.4], [2, 2]);
    const a = await nn.sparseCategoricalCrossentropy(i32([1, 0], [2, 1]), p).data();
    const b = await nn.sparseCategoricalCrossentropy(i32([1, 0]), p).data();
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('Keras: pred [..., C] with labels [...] gives per-position losses (rows flattened)', async () => {
    const v = Array.from(uniformData(24, 3, 0.05, 0.95));
    const lab = [0, 3, 1, 2, 2, 0];
    const a = nn.sparseCategoricalCrossentropy(i32(lab, [2, 3]), f32(v, [2, 3, 4]));
    const b = nn.sparseCategoricalCrossentropy(i32(lab), f32(v, [6, 4]));
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
  });

  it('labels outside [0, C): a clear error on cpu, NaN rows (no out-of-bounds read) on webgpu', async () => {
    const pc = nn.tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 3], { dtype: 'f32', device: 'cpu' });
    expect(() => nn.sparseCategoricalCrossentropy(i32([0, 3], [2], 'cpu'), pc))
      .toThrow(/sparseCategoricalCrossentropy: label 3 at row 1 is outside \[0, 3\)/);
    expect(() => nn.sparseCategoricalCrossentropy(i32([-1, 0], [2], 'cpu'), pc)).toThrow(/label -1 at row 0/);
    for (const fromLogits of [true, false]) {
      const p = f32([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], [3, 3]);
      p.requiresGrad = true;
      const loss = nn.sparseCategoricalCrossentropy(i32([0, 3, -7]), p, { fromLogits });
      const l = Array.from(await loss.data());
      expect(Number.isFinite(l[0])).toBe(true);
      expect(l.slice(1).every(Number.isNaN)).toBe(true);
      nn.backward(nn.sum(loss));
      const g = Array.from(await p.grad!.data());
      expect(g.slice(0, 3).every(Number.isFinite)).toBe(true);
      expect(g.slice(3).every(Number.isNaN)).toBe(true);
      p.dispose();
    }
  });

  it('shape and dtype errors name the op and both shapes', () => {
    const p = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    const bad = i32([0, 1, 2]);
    expect(() => nn.sparseCategoricalCrossentropy(bad, p)).toThrow(/sparseCategoricalCrossentropy: labels must be \[2\] or \[2, 1\] \(labels \[3\], pred \[2, 3\]\)/);
    const fl = f32([0, 1], [2]);
    expect(() => nn.sparseCategoricalCrossentropy(fl, p)).toThrow(/sparseCategoricalCrossentropy: input 'labels' must be i32.*labels \[2\], pred \[2, 3\]/);
    const t = f32([1, 0, 0, 1], [2, 2]);
    expect(() => nn.categoricalCrossentropy(t, p)).toThrow(/categoricalCrossentropy: target and pred must have the same shape \(target \[2, 2\], pred \[2, 3\]\)/);
    for (const x of [p, bad, fl, t]) x.dispose();
  });
});
