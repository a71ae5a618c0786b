// Float64 CPU twins of the batch-norm kernels over [M, C] rows: the textbook two-pass mean and biased variance,
// and the closed-form gradients, with straightforward loops.

type F64 = Float64Array;

export function bnStatsCpu(x: F64, M: number, C: number, mean: F64, variance: F64): void {
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let r = 0; r < M; r++) s += x[r * C + c]!;
    const m = s / M;
    let v = 0;
    for (let r = 0; r < M; r++) v += (x[r * C + c]! - m) ** 2;
    mean[c] = m;
    variance[c] = v / M;
  }
}

export function bnApplyCpu(x: F64, C: number, mean: F64, variance: F64, gamma: F64, beta: F64, eps: number, y: F64): void {
  for (let i = 0; i < x.length; i++) {
    const c = i % C;
    y[i] = ((x[i]! - mean[c]!) / Math.sqrt(variance[c]! + eps)) * gamma[c]! + beta[c]!;
  }
}

export function bnGradSumsCpu(
  x: F64, dy: F64, M: number, C: number, mean: F64, variance: F64, gamma: F64, eps: number,
  dbeta: F64, dgamma: F64, dmean: F64 | null, dvar: F64 | null,
): void {
  for (let c = 0; c < C; c++) {
    const inv = 1 / Math.sqrt(variance[c]! + eps);
    let s1 = 0, s2 = 0;
    for (let r = 0; r < M; r++) {
      s1 += dy[r * C + c]!;
      s2 += dy[r * C + c]! * (x[r * C + c]! - mean[c]!);
    }
    dbeta[c] = s1;
    dgamma[c] = s2 * inv;
    if (dmean) dmean[c] = -gamma[c]! * inv * s1;
    if (dvar) dvar[c] = -0.5 * gamma[c]! * inv ** 3 * s2;
  }
}

export function bnGradInputCpu(
  x: F64, dy: F64, M: number, C: number, mean: F64, variance: F64, gamma: F64, eps: number,
  sums: { dbeta: F64; dgamma: F64 } | null, dx: F64,
): void {
  for (let i = 0; i < x.length; i++) {
    const c = i % C;
    const inv = 1 / Math.sqrt(variance[c]! + eps);
    if (!sums) {
      dx[i] = dy[i]! * gamma[c]! * inv;
      continue;
    }
    const xhat = (x[i]! - mean[c]!) * inv;
    dx[i] = gamma[c]! * inv * (dy[i]! - (sums.dbeta[c]! + xhat * sums.dgamma[c]!) / M);
  }
}

export function movingAverageCpu(moving: F64, value: F64, momentum: number): void {
  for (let i = 0; i < moving.length; i++) moving[i] = moving[i]! * momentum + value[i]! * (1 - momentum);
}
