// Tape semantics: gradient accumulation, reverse topological order, noGrad, retainGraph, freeing of saved
// tensors, broadcast reduction, the dy rule for non-scalar outputs, and a gradcheck that can fail.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { binary } from '../../src/kernels/elementwise.js';
import { defineOp, memo } from '../../src/autograd/op.js';
import { expectClose } from '../helpers.js';

const leaf = (v: number[], shape: number[] = [v.length], device: nn.DeviceKind = 'webgpu'): nn.Tensor => {
  const t = nn.tensor(v, shape, { dtype: 'f32', device });
  t.requiresGrad = true;
  return t;
};

describe('backward', () => {
  it('accumulates gradients of a tensor used twice (x*x, x+x) and across calls', async () => {
    const x = leaf([1, -2, 3]);
    nn.scope(() => nn.backward(nn.sum(nn.mul(x, x))));
    expect(await x.grad!.toArray()).toEqual([2, -4, 6]);
    x.grad!.dispose();
    x.grad = null;
    nn.scope(() => nn.backward(nn.sum(nn.add(x, x))));
    expect(await x.grad!.toArray()).toEqual([2, 2, 2]);
    // A second backward adds to the existing .grad.
    nn.scope(() => nn.backward(nn.sum(nn.mul(x, 3))));
    expect(await x.grad!.toArray()).toEqual([5, 5, 5]);
    x.dispose();
  });

  it('visits a diamond in reverse topological order: every node once, after all its consumers', async () => {
    const log: string[] = [];
    const tag = (label: string) => defineOp({
      name: `tag_${label}`, inputs: ['x'],
      shape: ({ x }) => ({ shape: x.shape, dtype: 'f32' }),
      forward: ({ x }) => binary('mul', x, x),
      save: ['x'],
      backward: ({ saved }, dy) => ({
        x: () => {
          log.push(label);
          const two = binary('add', saved.x, saved.x);
          const g = binary('mul', dy, two);
          two.dispose();
          return g;
        },
      }),
    });
    const [A, B, C, D] = ['a', 'b', 'c', 'd'].map(tag) as [ReturnType<typeof tag>, ReturnType<typeof tag>, ReturnType<typeof tag>, ReturnType<typeof tag>];
    const x = leaf([0.5, -1.5]);
    nn.scope(() => {
      // x -> a; a -> b and a -> c; (b, c) -> d: a must run after both b and c have sent it their gradients.
      const a = A.apply({ x }, {});
      const b = B.apply({ x: a }, {});
      const c = C.apply({ x: nn.mul(a, 2) }, {});
      const d = D.apply({ x: nn.add(b, c) }, {});
      nn.backward(nn.sum(d));
    });
    expect(log[0]).toBe('d');
    expect(log[3]).toBe('a');
    expect(log.slice(1, 3).sort()).toEqual(['b', 'c']);
    // d = (a^2 + (2a)^2)^2 = 25 x^8 -> dd/dx = 200 x^7.
    expectClose(await x.grad!.data(), [0.5, -1.5].map((v) => 200 * v ** 7), 1e-4, 1e-5);
    x.dispose();
  });

  it('records nothing under noGrad', () => {
    const x = leaf([1, 2]);
    const y = nn.noGrad(() => nn.mul(x, x));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBe(null);
    expect(nn.isGradEnabled()).toBe(true);
    const s = nn.sum(y);
    expect(() => nn.backward(s)).toThrow(/backward: the tensor does not require a gradient/);
    for (const t of [x, y, s]) t.dispose();
  });

  it('retainGraph allows a second backward; without it the second one throws clearly', async () => {
    const before = nn.liveTensors();
    const x = leaf([1, 2, 3]);
    nn.scope(() => {
      const y = nn.sum(nn.exp(x));
      nn.backward(y, { retainGraph: true });
      nn.backward(y);
      expect(() => nn.backward(y)).toThrow(/backward: the graph through 'sum' was already freed by an earlier backward\(\); pass \{ retainGraph: true \}/);
      const e = nn.exp(x);
      nn.backward(nn.sum(e));
      // A new consumer of an already-differentiated intermediate cannot reach through its freed graph.
      expect(() => nn.backward(nn.sum(nn.mul(e, 2)))).toThrow(/backward: the graph through 'exp' was already freed/);
    });
    expectClose(await x.grad!.data(), [1, 2, 3].map((v) => 3 * Math.exp(v)), 1e-5, 1e-5);
    x.dispose();
    expect(nn.liveTensors()).toBe(before);
  });

  it('frees saved tensors as soon as backward has used them (live tensors back to baseline)', () => {
    const before = nn.liveTensors();
    const x = leaf([0.1, 0.2, 0.3, 0.4], [2, 2]), w = leaf([1, -1], [2]);
    const forward = (): nn.Tensor => nn.mean(nn.sparseCategoricalCrossentropy(nn.tensor([0, 1], [2], { dtype: 'i32' }), nn.softmax(nn.mul(nn.sigmoid(x), w))));
    nn.scope(() => {
      const inScope = nn.liveTensors();
      const loss = forward();
      nn.backward(loss);
      // The graph's intermediates still belong to the scope, but every saved view the tape held is gone: what is
      // left is the forward's outputs (6: labels, sigmoid, mul, softmax, CE, mean) and the two leaf gradients.
      expect(nn.liveTensors()).toBe(inScope + 6 + 2);
    });
    expect(nn.liveTensors()).toBe(before + 2 + 2);
    for (const t of [x, w]) t.dispose();
    expect(nn.liveTensors()).toBe(before);
  });

  it('backward through a graph whose intermediates a closed scope disposed throws instead of losing gradients', () => {
    const before = nn.liveTensors();
    const x = leaf([0.5, 1.5]);
    const loss = nn.scope(() => nn.sum(nn.exp(nn.mul(x, 2))));
    expect(() => nn.backward(loss)).toThrow(/backward: input 'x' \[2\] of 'sum' was disposed before backward\(\)/);
    expect(x.grad).toBe(null);
    loss.dispose();
    x.dispose();
    expect(nn.liveTensors()).toBe(before);
  });

  it('disposing an output with a retained graph frees its saved tensors', () => {
    const before = nn.liveTensors();
    const x = leaf([1, 2]);
    const y = nn.mul(x, x);
    expect(nn.liveTensors()).toBe(before + 4);
    y.dispose();
    x.dispose();
    expect(nn.liveTensors()).toBe(before);
  });

  it('reduces gradients of broadcast inputs to the input shape', async () => {
    const a = leaf([1, 2, 3, 4, 5, 6], [2, 3]), b = leaf([10, 20, 30], [3]), c = leaf([2, 3], [2, 1]), s = leaf([7], []);
    nn.scope(() => nn.backward(nn.sum(nn.mul(nn.add(a, b), nn.mul(c, s)))));
    expect(b.grad!.shape).toEqual([3]);
    expect(c.grad!.shape).toEqual([2, 1]);
    expect(s.grad!.shape).toEqual([]);
    expect(await b.grad!.toArray()).toEqual([35, 35, 35]);
    expect(await c.grad!.toArray()).toEqual([7 * 66, 7 * 75]);
    expect(await s.grad!.toArray()).toEqual([2 * 66 + 3 * 75]);
    expect(await a.grad!.toArray()).toEqual([14, 14, 14, 21, 21, 21]);
    for (const t of [a, b, c, s]) t.dispose();
  });

  it('needs dy for a non-scalar output, of the output\'s shape', async () => {
    const x = leaf([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = nn.mul(x, 2);
    expect(() => nn.backward(y)).toThrow(/backward: y has shape \[2, 3\]; pass \{ dy \} for a non-scalar output/);
    const bad = nn.ones([3, 2]);
    expect(() => nn.backward(y, { dy: bad })).toThrow(/backward: dy \[3, 2\] does not match y \[2, 3\]/);
    const dy = nn.tensor([1, 0, 0, 0, 0, -1], [2, 3]);
    nn.backward(y, { dy });
    expect(await x.grad!.toArray()).toEqual([2, 0, 0, 0, 0, -2]);
    for (const t of [x, y, bad, dy]) t.dispose();
  });
});

describe('gradcheck', () => {
  const square = (wrongFactor: number) => defineOp({
    name: 'throwawaySquare', inputs: ['x'],
    shape: ({ x }) => ({ shape: x.shape, dtype: 'f32' }),
    forward: ({ x }) => binary('mul', x, x),
    save: ['x'],
    // The right gradient is 2 * x * dy.
    backward: ({ saved }, dy) => ({
      x: () => {
        const g = binary('mul', dy, saved.x);
        const out = nn.mul(g, wrongFactor);
        g.dispose();
        return out;
      },
    }),
  });

  it('passes a correct gradient and FAILS a deliberately wrong one (full Jacobian and random directions)', () => {
    const good = square(2), wrong = square(1.9);
    for (const n of [5, 200]) {
      const x = nn.tensor(Array.from({ length: n }, (_, i) => Math.sin(i) + 0.1), [n], { dtype: 'f32', device: 'cpu' });
      expect(nn.gradcheck((t) => good.apply({ x: t }, {}), [x]).ok, `correct, n=${n}`).toBe(true);
      const res = nn.gradcheck((t) => wrong.apply({ x: t }, {}), [x]);
      expect(res.ok, `wrong, n=${n}`).toBe(false);
      expect(res.worstRatio).toBeGreaterThan(1);
      expect(res.worst).not.toBe(null);
      x.dispose();
    }
  });

  it('refuses inputs on the webgpu device', () => {
    const x = nn.ones([2]);
    expect(() => nn.gradcheck((t) => nn.exp(t), [x])).toThrow(/gradcheck: input 0 \[2\] is on webgpu/);
    x.dispose();
  });

  it('a gradient rule owns no memory: its intermediates and memo values die with it, also when it throws', () => {
    let made = 0;
    const op = (fail: boolean) => defineOp({
      name: fail ? 'failing' : 'memoised', inputs: ['x'],
      shape: ({ x }) => x,
      forward: ({ x }) => binary('mul', x, x),
      save: ['x'],
      backward: ({ saved }, dy) => {
        const twice = memo(() => (made++, binary('add', saved.x, saved.x)));
        return { x: () => {
          const g = binary('mul', dy, twice());
          if (fail) throw new Error('rule failed on purpose');
          return binary('mul', g, memo(() => twice())());
        } };
      },
    });
    const x = leaf([1, 2, 3]);
    const live = nn.liveTensors();
    const y = op(false).apply({ x }, {}), s = nn.sum(y);
    nn.backward(s);
    expect(made).toBe(1);
    for (const t of [y, s]) t.dispose();
    expect(nn.liveTensors()).toBe(live + 1); // x.grad
    const y2 = op(true).apply({ x }, {}), s2 = nn.sum(y2);
    expect(() => nn.backward(s2)).toThrow(/rule failed on purpose/);
    for (const t of [y2, s2]) t.dispose();
    expect(nn.liveTensors()).toBe(live + 1);
    x.dispose();
  });
});
