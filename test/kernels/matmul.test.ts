// Blocked matmul (gemm.ts tiles) vs its Float64 CPU twin and vs the naive GPU kernel: shapes with 1, primes and
// non-multiples of 4/64, all transpose flags, batching with shared operands, the fused epilogue, and bad inputs.
import { describe, expect, it } from 'vitest';
import { activations, type Activation } from '../../src/kernels/activation.js';
import type { GemmTiles } from '../../src/kernels/gemm.js';
import { matmul, matmulNaive } from '../../src/kernels/matmul.js';
import * as nn from '../../src/index.js';
import { expectClose, pair, randomData } from '../helpers.js';
import { checkMatmul, mmTol, shapes } from './gemm-checks.js';

describe('blocked matmul vs CPU twin', () => {
  const FLAGS = [[false, false], [true, false], [false, true], [true, true]] as const;

  it('all transpose flags on unaligned, aligned and mixed shapes', async () => {
    for (const [M, K, N] of [[7, 13, 11], [16, 32, 8], [33, 64, 36]]) {
      for (const [tA, tB] of FLAGS) await checkMatmul(shapes(M, K, N, tA, tB));
    }
  });

  it('sizes 1, primes, non-multiples of 64, and one large case', async () => {
    for (const [M, K, N] of [[1, 1, 1], [1, 5, 3], [3, 7, 2], [2, 1, 9], [65, 63, 67], [64, 64, 64], [256, 300, 200]]) {
      await checkMatmul(shapes(M, K, N, false, false));
    }
    await checkMatmul(shapes(129, 31, 130, true, true));
  });

  it('tile parameters: other TM/TN/workgroup shapes give the same result', async () => {
    const tiles: GemmTiles[] = [
      { TM: 8, TN: 4, WGX: 8, WGY: 1 }, { TM: 4, TN: 4, WGX: 4, WGY: 2 }, { TM: 1, TN: 4, WGX: 8, WGY: 1 }, { TM: 3, TN: 8, WGX: 4, WGY: 1 },
    ];
    // NOTE: kept small: an 8x8 block with unaligned loads takes LLVM ~3 s to compile on lavapipe.
    for (const t of tiles) {
      await checkMatmul({ ...shapes(45, 20, 52, false, false), o: { tiles: t } });
      if (t.TM % 4 === 0) await checkMatmul({ ...shapes(45, 21, 50, true, true), o: { transposeA: true, transposeB: true, tiles: t } });
    }
  });

  it('rows beyond 65,535 workgroups fold into z', async () => {
    await checkMatmul({ a: [300_001, 4], b: [4, 5] });
  });

  it('batched: [B,M,K] x [B,K,N], shared right operand, shared left operand, with transposes', async () => {
    await checkMatmul({ a: [3, 5, 7], b: [3, 7, 6] });
    await checkMatmul({ a: [3, 5, 8], b: [8, 12] });
    await checkMatmul({ a: [5, 8], b: [2, 8, 4] });
    await checkMatmul({ a: [2, 7, 5], b: [2, 6, 7], o: { transposeA: true, transposeB: true } });
    await checkMatmul({ a: [4, 9, 6], b: [10, 9], o: { transposeA: true, transposeB: true } });
  });

  it('fused epilogue: + bias then each activation, aligned and unaligned N', async () => {
    for (const act of Object.keys(activations) as Activation[]) {
      await checkMatmul({ a: [37, 20], b: [20, 24], o: { biasN: 24, activation: act } });
    }
    await checkMatmul({ a: [37, 20], b: [20, 10], o: { biasN: 10, activation: 'relu' } });
    await checkMatmul({ a: [20, 37], b: [10, 20], o: { biasN: 10, activation: 'tanh', transposeA: true, transposeB: true } });
    await checkMatmul({ a: [6, 37, 20], b: [20, 16], o: { activation: 'sigmoid' } });
  });

  it('empty operands give an empty (or zero) result', async () => {
    const a = nn.zeros([0, 3]), b = nn.zeros([3, 4]);
    const y = matmul(a, b);
    expect(y.shape).toEqual([0, 4]);
    for (const t of [a, b, y]) t.dispose();
  });
});

describe('naive matmul kernel (the bench reference)', () => {
  it('matches the CPU twin, with transposes and batches', async () => {
    for (const c of [shapes(17, 19, 23, false, false), shapes(17, 19, 23, true, true), { a: [2, 5, 7], b: [7, 3] }]) {
      const n = (s: number[]): number => s.reduce((x, y) => x * y, 1);
      const a = pair(randomData(n(c.a), 5), c.a), b = pair(randomData(n(c.b), 6), c.b);
      const g = matmulNaive(a.gpu, b.gpu, c.o), r = matmul(a.cpu, b.cpu, c.o);
      expectClose(await g.data(), await r.data(), ...mmTol(19), 'naive');
      for (const t of [a.gpu, a.cpu, b.gpu, b.cpu, g, r]) t.dispose();
    }
  });
});

describe('matmul bad inputs', () => {
  it('nn.matmul broadcasts batch dimensions of any rank (NumPy rules), value by value', async () => {
    const before = nn.liveTensors();
    const A = randomData(2 * 1 * 3 * 4, 7), B = randomData(3 * 4 * 2, 8);
    const a = nn.tensor(A, [2, 1, 3, 4]), b = nn.tensor(B, [3, 4, 2]);
    const c = nn.matmul(a, b);
    expect(c.shape).toEqual([2, 3, 3, 2]);
    const want: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let m = 0; m < 3; m++) for (let n = 0; n < 2; n++) {
      let acc = 0;
      for (let k = 0; k < 4; k++) acc += A[i * 12 + m * 4 + k]! * B[j * 8 + k * 2 + n]!;
      want.push(acc);
    }
    expectClose(await c.data(), want, 1e-5, 1e-5, 'rank 4 x rank 3');
    const bad = nn.zeros([3, 3, 4]), bad2 = nn.zeros([2, 4, 6]);
    expect(() => nn.matmul(bad, bad2)).toThrow('matmul: shapes [3] and [2] cannot be broadcast together (axis 0: 3 vs 2)');
    for (const t of [a, b, c, bad, bad2]) t.dispose();
    expect(nn.liveTensors()).toBe(before);
  });

  it('names the op, the input and the shapes', () => {
    const a = nn.zeros([3, 4]), v = nn.zeros([4]), b = nn.zeros([5, 6]), i = nn.full([4, 2], 1, { dtype: 'i32' });
    const b3 = nn.zeros([2, 4, 6]), a3 = nn.zeros([3, 3, 4]), bias = nn.zeros([5]);
    expect(() => matmul(v, a)).toThrow("matmul: input 'a' must be rank 2 or 3 but got [4]");
    expect(() => matmul(a, b)).toThrow('matmul: inner dimensions differ: a [3, 4] has K = 4 but b [5, 6] has K = 5');
    expect(() => matmul(a, i)).toThrow("matmul: input 'b' must be f32 but got i32 [4, 2]");
    expect(() => matmul(a3, b3)).toThrow('matmul: batch sizes differ: a [3, 3, 4] and b [2, 4, 6]');
    expect(() => matmul(a, b3, { bias })).toThrow('matmul: bias must have shape [6] but got [5]');
    expect(() => matmul(a, b3, { activation: 'gelu' as Activation })).toThrow("matmul: unknown activation 'gelu'");
    for (const t of [a, v, b, i, b3, a3, bias]) t.dispose();
  });
});
