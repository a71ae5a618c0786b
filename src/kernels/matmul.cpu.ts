// Float64 CPU twin of matmul (the oracle): straightforward triple loop over the stored layouts.

import { activations, type Activation } from './activation.js';
import type { MatmulDims } from './matmul.js';

export function matmulCpu(
  a: Float64Array, b: Float64Array, bias: Float64Array | null, y: Float64Array,
  d: MatmulDims, tA: boolean, tB: boolean, act: Activation,
): void {
  const { M, N, K } = d;
  const f = activations[act].cpu;
  for (let bt = 0; bt < Math.max(1, d.batch); bt++) {
    const aOff = d.batchA ? bt * M * K : 0, bOff = d.batchB ? bt * K * N : 0, yOff = bt * M * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) {
          const av = tA ? a[aOff + k * M + i]! : a[aOff + i * K + k]!;
          const bv = tB ? b[bOff + j * K + k]! : b[bOff + k * N + j]!;
          acc += av * bv;
        }
        y[yOff + i * N + j] = f(acc + (bias ? bias[j]! : 0));
      }
    }
  }
}
