// Elementwise kernels vs their CPU twins (every table row, broadcasting), pow's edge cases, NaN/Inf propagation.
import { describe, expect, it } from 'vitest';
import { binaryGrad, binaryOps, binaryScalar, binaryScalarGrad, unaryGrad, unaryOps, type BinaryOpName, type UnaryOpName } from '../../src/kernels/elementwise.js';
import * as nn from '../../src/index.js';
import { expectClose, pair, randomData, uniformData } from '../helpers.js';

const SIZES = [1, 7, 63, 64, 65, 1000, 131_071];

// Input domains where random normal inputs are invalid or the op is flat.
const domain: Partial<Record<UnaryOpName, [number, number]>> = { sqrt: [0.1, 4], rsqrt: [0.1, 4], log: [0.1, 4], reciprocal: [0.5, 3] };

describe('unary kernels vs CPU twin', () => {
  for (const op of Object.keys(unaryOps) as UnaryOpName[]) {
    it(op, async () => {
      for (const n of SIZES) {
        const [lo, hi] = domain[op] ?? [-3, 3];
        const data = uniformData(n, n + op.length, lo, hi);
        const { gpu, cpu } = pair(data, [n]);
        const g = (nn as unknown as Record<string, (x: nn.Tensor) => nn.Tensor>)[op]!(gpu);
        const c = (nn as unknown as Record<string, (x: nn.Tensor) => nn.Tensor>)[op]!(cpu);
        expectClose(await g.data(), await c.data(), 2e-6, 2e-5, `${op}[${n}]`);
        for (const t of [gpu, cpu, g, c]) t.dispose();
      }
    });
  }
});

describe('binary kernels with broadcasting', () => {
  const shapes: Array<[number[], number[]]> = [[[5], [5]], [[3, 4], [4]], [[2, 1, 5], [3, 1]], [[1], [7, 3]], [[64, 10], [64, 1]], [[17, 33, 3], [17, 33, 3]], [[8, 6], [8, 6]]];
  for (const op of Object.keys(binaryOps) as BinaryOpName[]) {
    it(op, async () => {
      for (const [sa, sb] of shapes) {
        const na = sa.reduce((a, b) => a * b, 1), nb = sb.reduce((a, b) => a * b, 1);
        let da = randomData(na, 1), db = randomData(nb, 2);
        if (op === 'pow') { da = da.map((v) => Math.round(v * 2) / 2); db = db.map((v) => Math.round(v * 2)); }
        if (op.includes('qual')) db = db.map((v, i) => (i % 2 ? da[i % na]! : v));
        const a = pair(da, sa), b = pair(db, sb);
        const fn = (nn as unknown as Record<string, (x: nn.Tensor, y: nn.Tensor) => nn.Tensor>)[op]!;
        const g = fn(a.gpu, b.gpu), c = fn(a.cpu, b.cpu);
        expect(g.shape).toEqual(c.shape);
        expectClose(await g.data(), await c.data(), 1e-6, 1e-5, `${op} ${sa} ${sb}`);
        for (const t of [a.gpu, a.cpu, b.gpu, b.cpu, g, c]) t.dispose();
      }
    });
  }

  it('pow handles negative bases with integer exponents and zero bases', async () => {
    const a = nn.tensor([-2, -2, -8, 0, 0, 0, 3]);
    const b = nn.tensor([3, 2, 1 / 3, 0, 2, -1, 0.5]);
    const y = await nn.pow(a, b).data();
    expect(y[0]).toBe(-8);
    expect(y[1]).toBe(4);
    expect(y[2]).toBeNaN();
    expect(y[3]).toBe(1);
    expect(y[4]).toBe(0);
    expect(y[5]).toBe(Infinity);
    expect(y[6]).toBeCloseTo(Math.sqrt(3), 6);
  });

  it('shape mismatch names the op and both shapes', () => {
    const a = nn.zeros([3, 4]), b = nn.zeros([5]);
    expect(() => nn.add(a, b)).toThrow(/add: shapes \[3, 4\] and \[5\] cannot be broadcast/);
    a.dispose(); b.dispose();
  });
});

describe('NaN and Inf propagation', () => {
  it('flows through unary, binary and reductions', async () => {
    const x = nn.tensor([NaN, Infinity, -Infinity, 1]);
    expect(Array.from(await nn.relu(x).data())).toEqual([NaN, Infinity, 0, 1]);
    const e = Array.from(await nn.exp(x).data());
    expect(e.slice(0, 3)).toEqual([NaN, Infinity, 0]);
    expect(e[3]).toBeCloseTo(Math.E, 6);
    expect(Array.from(await nn.add(x, 1).data())).toEqual([NaN, Infinity, -Infinity, 2]);
    expect(Array.from(await nn.maximum(x, 0).data())).toEqual([NaN, Infinity, 0, 1]);
    expect(await nn.sum(x).item()).toBeNaN();
    expect(await nn.max(x).item()).toBeNaN();
    expect(Array.from(await nn.isFinite(x).data())).toEqual([0, 0, 0, 1]);
    expect(Array.from(await nn.isNaN(x).data())).toEqual([1, 0, 0, 0]);
    const s = nn.sigmoid(nn.tensor([-1000, 1000, 0]));
    expect(Array.from(await s.data())).toEqual([0, 1, 0.5]);
  });
});

describe('binary derivatives from the table rows', () => {
  for (const device of ['webgpu', 'cpu'] as const) {
    it(`${device}: ties, pow at zero, and a scalar on either side`, async () => {
      const grad = async (f: (a: nn.Tensor, b: nn.Tensor) => nn.Tensor, av: number[], bv: number[]) => {
        const a = nn.tensor(av, [av.length], { device }), b = nn.tensor(bv, [bv.length], { device });
        a.requiresGrad = b.requiresGrad = true;
        nn.scope(() => nn.backward(nn.sum(f(a, b))));
        const out = [Array.from(await a.grad!.data()), Array.from(await b.grad!.data())];
        a.dispose(); b.dispose();
        return out;
      };
      // Ties send the gradient to a.
      expect(await grad(nn.maximum, [1, 2, 3], [1, 5, 0])).toEqual([[1, 0, 1], [0, 1, 0]]);
      expect(await grad(nn.minimum, [1, 2, 3], [1, 5, 0])).toEqual([[1, 1, 0], [0, 0, 1]]);
      // d(a^b)/da is 0 where b = 0 (not inf * 0); d/db is 0 where a <= 0.
      const [da, db] = await grad(nn.pow, [0, 0, -2], [0, 2, 3]);
      expect(da).toEqual([0, 0, 12]);
      expect(db.map((v) => v + 0)).toEqual([0, 0, 0]);
      // A scalar on the left of max still sends tied gradients to the tensor.
      const x = nn.tensor([0.5, 1, 2], [3], { device });
      x.requiresGrad = true;
      nn.scope(() => nn.backward(nn.sum(nn.add(nn.maximum(0.5, x), nn.div(3, x)))));
      expectClose(await x.grad!.data(), [1 - 12, 1 - 3, 1 - 0.75], 1e-6, 1e-6, 'max(0.5, x) + 3 / x');
      x.dispose();
    });
  }
});

// Flat kernels take four elements per thread when the size is a multiple of 4: both forms against the Float64 twin.
describe('derivative kernels, scalar and vec4 forms, vs CPU twin', () => {
  const dataFor = (n: number, seed: number) => pair(uniformData(n, seed, 0.5, 2.5), [n]);
  for (const n of [63, 64]) {
    it(`unaryGrad, binaryGrad and the scalar forms at n=${n}`, async () => {
      const x = dataFor(n, 1), y = dataFor(n, 2), dy = pair(randomData(n, 3), [n]);
      const check = async (what: string, g: nn.Tensor, c: nn.Tensor) => {
        expectClose(await g.data(), await c.data(), 2e-6, 2e-5, `${what}[${n}]`);
        g.dispose();
        c.dispose();
      };
      for (const op of Object.keys(unaryOps) as UnaryOpName[]) {
        if (unaryOps[op].grad) await check(`unaryGrad ${op}`, unaryGrad(op, x.gpu, dy.gpu), unaryGrad(op, x.cpu, dy.cpu));
      }
      for (const op of Object.keys(binaryOps) as BinaryOpName[]) {
        if (!binaryOps[op].grad) continue;
        for (const side of ['a', 'b'] as const) {
          await check(`binaryGrad ${op} ${side}`, binaryGrad(op, side, x.gpu, y.gpu, dy.gpu), binaryGrad(op, side, x.cpu, y.cpu, dy.cpu));
        }
        for (const first of [false, true]) {
          await check(`binaryScalar ${op} ${first}`, binaryScalar(op, x.gpu, 1.5, first), binaryScalar(op, x.cpu, 1.5, first));
          await check(`binaryScalarGrad ${op} ${first}`, binaryScalarGrad(op, x.gpu, 1.5, first, dy.gpu), binaryScalarGrad(op, x.cpu, 1.5, first, dy.cpu));
        }
      }
      for (const t of [x.gpu, x.cpu, y.gpu, y.cpu, dy.gpu, dy.cpu]) t.dispose();
    });
  }
});
