// Matmul GFLOP/s: the register-blocked kernel (gemm.ts tiles) against the naive one-thread-per-output kernel, on the
// shapes of peer-baselines.md, plus the transposed forms a Dense backward pass runs. Ratios are blocked / naive.
import { matmul, matmulNaive } from '../src/kernels/matmul.js';
import { tensor, type Tensor } from '../src/index.js';
import { randomData } from './data.js';
import { measure, report, selected } from './harness.js';

interface MatmulCase {
  M: number;
  K: number;
  N: number;
  tA?: boolean;
  tB?: boolean;
  naive?: boolean;
}

const CASES: MatmulCase[] = [
  { M: 1024, K: 1024, N: 1024, naive: true },
  { M: 64, K: 784, N: 256, naive: true },
  { M: 784, K: 64, N: 256, tA: true },
  { M: 64, K: 256, N: 784, tB: true },
  { M: 1023, K: 1023, N: 1023 },
];

export async function run(): Promise<void> {
  for (const c of CASES) {
    const shape = `${c.M}x${c.K}x${c.N}`;
    const kind = `blocked${c.tA ? '-tA' : ''}${c.tB ? '-tB' : ''}`;
    const names = { blocked: `matmul/${kind}/${shape}`, naive: `matmul/naive/${shape}`, ratio: `matmul/blocked-vs-naive/${shape}` };
    const wantNaive = !!c.naive && (selected(names.naive) || selected(names.ratio));
    if (!selected(names.blocked) && !wantNaive && !selected(names.ratio)) continue;
    const a = tensor(randomData(c.M * c.K, 1), c.tA ? [c.K, c.M] : [c.M, c.K]);
    const b = tensor(randomData(c.K * c.N, 2), c.tB ? [c.N, c.K] : [c.K, c.N]);
    const flop = 2 * c.M * c.N * c.K;
    const o = { transposeA: c.tA, transposeB: c.tB };
    const gflops = async (name: string, fn: (x: Tensor, y: Tensor) => Tensor): Promise<number> => {
      const t = await measure(name, () => fn(a, b).dispose());
      const value = flop / (t.meanMs * 1e6);
      report({ name, value, unit: 'GFLOP/s', ms: t.meanMs, rme: t.rme });
      return value;
    };
    const blocked = await gflops(names.blocked, (x, y) => matmul(x, y, o));
    if (wantNaive) {
      const naive = await gflops(names.naive, (x, y) => matmulNaive(x, y, o));
      report({ name: names.ratio, value: blocked / naive, unit: 'x' });
    }
    a.dispose();
    b.dispose();
  }
}
