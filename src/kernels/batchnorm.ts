// Batch normalisation over the last (channel) axis; the input is read as [M, C] rows with M = N*H*W.
// Per-channel reductions over M run in two passes: threads (chunk, channel) reduce a chunk of rows each (adjacent
// threads read adjacent channels), then one thread per channel merges the chunks in a fixed order. Statistics use
// a shifted sum per chunk merged with Chan's parallel formula, so no E[x^2] - E[x]^2 cancellation. With
// C % 4 == 0 the per-row kernels read vec4. CPU twins live in batchnorm.cpu.ts.

import { fmtShape, sameShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { bnApplyCpu, bnGradInputCpu, bnGradSumsCpu, bnStatsCpu, movingAverageCpu } from './batchnorm.cpu.js';
import { gpu } from '../tensor/device.js';
import { activationGradWgsl, activations, activationWgsl, type Activation } from './activation.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';

/** Keras BatchNormalization defaults. */
export const BATCH_NORM_DEFAULTS = { momentum: 0.99, epsilon: 1e-3 } as const;

/**
 * Threads aimed for (chunks x channel groups), and the fewest rows worth a chunk. A CPU adapter wants few threads
 * with long row loops (each per-channel load is scalarised and bounds-checked there); a hardware GPU wants many
 * more threads to hide memory latency (not measured here: no GPU was lent to this project so far).
 */
const targetThreads = (): number => (gpu().info.isSoftware ? 4096 : 65536);
const MIN_ROWS = 32;

/** The [M, C] view of an input whose channels are its last axis; throws naming the op on a bad shape. */
export function channelRows(shape: Shape, op: string): { M: number; C: number } {
  if (shape.length < 2) throw new Error(`${op}: input 'x' must have a batch axis and a channel axis but got ${fmtShape(shape)}`);
  const C = shape[shape.length - 1]!;
  const M = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (M === 0 || C === 0) throw new Error(`${op}: input 'x' ${fmtShape(shape)} has no elements`);
  return { M, C };
}

/** Checks that each named per-channel tensor has shape [C]. */
export function checkChannelVectors(op: string, C: number, xShape: Shape, vectors: Record<string, Shape>): void {
  for (const [name, s] of Object.entries(vectors)) {
    if (!sameShape(s, [C])) {
      throw new Error(`${op}: '${name}' must have shape [${C}] for input 'x' ${fmtShape(xShape)} but got ${fmtShape(s)}`);
    }
  }
}

function chunking(M: number, groups: number): { chunks: number; rows: number } {
  const want = Math.max(1, Math.min(Math.ceil(targetThreads() / groups), Math.ceil(M / MIN_ROWS)));
  const rows = Math.ceil(M / want);
  return { chunks: Math.ceil(M / rows), rows };
}

const vecType = (vec4: boolean): string => (vec4 ? 'vec4<f32>' : 'f32');
const vecBinding = (vec4: boolean) => (vec4 ? 'vec4f' : 'f32') as 'vec4f' | 'f32';

/**
 * The shared loop of the partial-sum kernels: thread t is (chunk, channel group c) over rows [r0, r1); `init` runs
 * before the loop and `step` once per row r, accumulating into s1 and s2.
 */
function chunkLoop(T: string, init: string, step: string): string {
  return chunkRows(`${init}
  var s1 = ${T}(0.0);
  var s2 = ${T}(0.0);`, step);
}

/**
 * Thread t = (chunk, channel group c) over rows [r0, r1): `init` once (per-channel values are loaded once per chunk,
 * not once per element), then `step` for each row r. Neighbouring threads take neighbouring channel groups.
 */
function chunkRows(init: string, step: string): string {
  return `${flatThread('t')}
  let c = t % u.C;
  let r0 = (t / u.C) * u.rows;
  let r1 = min(r0 + u.rows, u.M);
  ${init}
  for (var r = r0; r < r1; r++) {${step}
  }`;
}

const statsPartial = variants((p: { vec4: boolean }) => {
  const T = vecType(p.vec4);
  return kernel({
    name: `bnStatsPartial${p.vec4 ? '_vec4' : ''}`,
    inputs: { x: vecBinding(p.vec4) }, outputs: { pmean: vecBinding(p.vec4), pm2: vecBinding(p.vec4) },
    uniforms: { total: 'u32', C: 'u32', M: 'u32', rows: 'u32' }, workgroup: WG,
    body: `
  // Thread (chunk k, channel group c): mean and sum of squared deviations of rows [k*rows, (k+1)*rows). Sums run
  // on x - x[first row] so a large common offset does not cancel.
${chunkLoop(T, 'let shift = x[r0 * u.C + c];', `
    let d = x[r * u.C + c] - shift;
    s1 += d;
    s2 += d * d;`)}
  let n = f32(r1 - r0);
  pmean[t] = shift + s1 / n;
  pm2[t] = max(s2 - s1 * s1 / n, ${T}(0.0));`,
  });
});

const statsCombine = kernel({
  name: 'bnStatsCombine',
  inputs: { pmean: 'f32', pm2: 'f32' }, outputs: { mean: 'f32', variance: 'f32' },
  uniforms: { C: 'u32', chunks: 'u32', M: 'u32', rows: 'u32' }, workgroup: WG,
  body: `
  // Chan et al.'s pairwise merge of (count, mean, M2), chunk by chunk in order; variance is biased (M2 / M).
${flatThread('c', 'u.C')}
  var n = 0.0;
  var avg = 0.0;
  var m2 = 0.0;
  for (var k = 0u; k < u.chunks; k++) {
    let nb = f32(min(u.rows, u.M - k * u.rows));
    let delta = pmean[k * u.C + c] - avg;
    let total = n + nb;
    avg += delta * (nb / total);
    m2 += pm2[k * u.C + c] + delta * delta * (n * nb / total);
    n = total;
  }
  mean[c] = avg;
  variance[c] = m2 / f32(u.M);`,
});

/**
 * Per-channel batch mean and biased variance (mean((x - mean)^2), Keras 3's ops.moments) of x over every axis but
 * the last. Keras 3 both normalises with it and feeds it to the moving variance.
 */
// NOTE: TF2's fused kernel (FusedBatchNormV3, which tf.keras 2 used by default) normalises with the biased variance
// but returns the Bessel-corrected one, var * M / (M - 1), and that feeds the moving variance. So for small
// batches tf.keras 2's moving variance is larger by M / (M - 1); this engine follows Keras 3.
export function batchNormStats(x: Tensor): { mean: Tensor; variance: Tensor } {
  const { M, C } = channelRows(x.shape, 'batchNorm');
  const mean = Tensor.empty([C], 'f32', x.device);
  const variance = Tensor.empty([C], 'f32', x.device);
  if (x.device === 'cpu') {
    bnStatsCpu(x.storage.data, M, C, mean.storage.data, variance.storage.data);
    return { mean, variance };
  }
  const vec4 = C % 4 === 0, groups = vec4 ? C / 4 : C;
  const { chunks, rows } = chunking(M, groups);
  const pmean = Tensor.empty([chunks, C], 'f32', x.device);
  const pm2 = Tensor.empty([chunks, C], 'f32', x.device);
  statsPartial({ vec4 }).run({ x, pmean, pm2 }, { total: chunks * groups, C: groups, M, rows }, grid1d(chunks * groups));
  statsCombine.run({ pmean, pm2, mean, variance }, { C, chunks, M, rows }, grid1d(C));
  pmean.dispose();
  pm2.dispose();
  return { mean, variance };
}

// The activation that follows the normalisation (ReLU after BatchNormalization in ResNet) is applied in the same
// pass; the backward kernels then take f'(y) * dy from the saved output (`yOut`) in place of dy.
const actSuffix = (act: Activation): string => (act === 'linear' ? '' : `_${act}`);

const applyKernel = variants((p: { vec4: boolean; act: Activation }) => {
  const b = vecBinding(p.vec4);
  return kernel({
    name: `bnApply${p.vec4 ? '_vec4' : ''}${actSuffix(p.act)}`,
    inputs: { x: b, mean: b, variance: b, gamma: b, beta: b }, outputs: { y: b },
    uniforms: { total: 'u32', C: 'u32', M: 'u32', rows: 'u32', eps: 'f32' }, workgroup: WG, helpers: activationWgsl(p.act),
    body: `
${chunkRows(`let m = mean[c];
  let inv = inverseSqrt(variance[c] + u.eps);
  let g = gamma[c];
  let bt = beta[c];`, `
    let i = r * u.C + c;
    y[i] = activate${p.vec4 ? '' : '1'}((x[i] - m) * inv * g + bt);`)}`,
  });
});

/** y = act((x - mean) / sqrt(variance + eps) * gamma + beta), per channel (the last axis). */
export function batchNormApply(
  x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, beta: Tensor, eps: number, act: Activation = 'linear',
): Tensor {
  const { M, C } = channelRows(x.shape, 'batchNorm');
  const y = Tensor.empty(x.shape, 'f32', x.device);
  if (x.device === 'cpu') {
    const ys = y.storage.data, f = activations[act].cpu;
    bnApplyCpu(x.storage.data, C, mean.storage.data, variance.storage.data, gamma.storage.data, beta.storage.data, eps, ys);
    if (act !== 'linear') for (let i = 0; i < ys.length; i++) ys[i] = f(ys[i]!);
    return y;
  }
  const vec4 = C % 4 === 0, groups = vec4 ? C / 4 : C, { chunks, rows } = chunking(M, groups);
  applyKernel({ vec4, act }).run({ x, mean, variance, gamma, beta, y }, { total: chunks * groups, C: groups, M, rows, eps }, grid1d(chunks * groups));
  return y;
}

const gradPartial = variants((p: { vec4: boolean; act: Activation }) => {
  const T = vecType(p.vec4), b = vecBinding(p.vec4);
  return kernel({
    name: `bnGradPartial${p.vec4 ? '_vec4' : ''}${actSuffix(p.act)}`,
    inputs: p.act === 'linear' ? { x: b, dy: b, mean: b } : { x: b, dy: b, mean: b, yOut: b }, outputs: { ps1: b, ps2: b },
    uniforms: { total: 'u32', C: 'u32', M: 'u32', rows: 'u32' }, workgroup: WG, helpers: activationGradWgsl(p.act),
    body: `
  // Thread (chunk, channel group): sum of dy and of dy * (x - mean) over the chunk's rows.
${chunkLoop(T, 'let m = mean[c];', `
    let g = ${gradOfDy(p.vec4, p.act, 'r * u.C + c')};
    s1 += g;
    s2 += g * (x[r * u.C + c] - m);`)}
  ps1[t] = s1;
  ps2[t] = s2;`,
  });
});

/** WGSL for the normalisation's output gradient at index `i`: dy, or f'(y) * dy behind a fused activation. */
function gradOfDy(vec4: boolean, act: Activation, i: string): string {
  return act === 'linear' ? `dy[${i}]` : `grad${vec4 ? 4 : 1}(yOut[${i}], dy[${i}])`;
}

const gradCombine = variants((p: { withStats: boolean }) =>
  kernel({
    name: `bnGradCombine${p.withStats ? '_stats' : ''}`,
    inputs: p.withStats ? { ps1: 'f32', ps2: 'f32', variance: 'f32', gamma: 'f32' } : { ps1: 'f32', ps2: 'f32', variance: 'f32', gamma: 'f32', mean: 'f32' },
    outputs: p.withStats ? { dbeta: 'f32', dgamma: 'f32', dmean: 'f32', dvar: 'f32' } : { dbeta: 'f32', dgamma: 'f32', coef: 'f32' },
    uniforms: { C: 'u32', chunks: 'u32', eps: 'f32', invM: 'f32' }, workgroup: WG,
    body: `
  // dbeta = sum(dy); dgamma = sum(dy * xhat). With fixed statistics also their gradients:
  // dmean = -gamma * invstd * sum(dy), dvar = -0.5 * gamma * invstd^3 * sum(dy * (x - mean)). With batch
  // statistics, the input gradient's per-channel coefficients instead (see gradInputKernel).
${flatThread('c', 'u.C')}
  var s1 = 0.0;
  var s2 = 0.0;
  for (var k = 0u; k < u.chunks; k++) {
    s1 += ps1[k * u.C + c];
    s2 += ps2[k * u.C + c];
  }
  let inv = inverseSqrt(variance[c] + u.eps);
  dbeta[c] = s1;
  dgamma[c] = s2 * inv;
  ${p.withStats ? 'dmean[c] = -gamma[c] * inv * s1;\n  dvar[c] = -0.5 * gamma[c] * inv * inv * inv * s2;' : `let a = gamma[c] * inv;
  coef[c] = a;
  coef[u.C + c] = a * s1 * u.invM;
  coef[2u * u.C + c] = a * inv * (s2 * inv) * u.invM;
  coef[3u * u.C + c] = mean[c];`}`,
  }));

/** Per-channel parameter gradients; `withStats` adds those of the (fixed) mean and variance. */
export interface BatchNormSums {
  dbeta: Tensor;
  dgamma: Tensor;
  /** GPU, batch statistics: [4, C] = gamma * invstd, its product with dbeta / M, with invstd * dgamma / M, and the mean. */
  coef?: Tensor;
  dmean?: Tensor;
  dvar?: Tensor;
}

/** An activation fused after the normalisation (batchNormApply's `act`) and the output it produced. */
export interface FusedActivation {
  act: Activation;
  y: Tensor;
}

/** The CPU twins' dy: f'(y) * dy behind a fused activation. */
function cpuDy(dy: Tensor, fused: FusedActivation | null): Float64Array {
  if (!fused || fused.act === 'linear') return dy.storage.data;
  const g = activations[fused.act].cpuGradFromY, ys = fused.y.storage.data, ds = dy.storage.data;
  return Float64Array.from(ds, (d, i) => g(ys[i]!, d));
}

/** The fused activation's bindings and kernel parameter for the GPU backward kernels. */
function fusedArgs(fused: FusedActivation | null): { act: Activation; extra: { yOut?: Tensor } } {
  return !fused || fused.act === 'linear' ? { act: 'linear', extra: {} } : { act: fused.act, extra: { yOut: fused.y } };
}

/**
 * The per-channel reduction of the backward: dbeta = sum(dy), dgamma = sum(dy * xhat) with xhat = (x - mean) *
 * rsqrt(variance + eps), and with `withStats` the gradients of mean and variance treated as inputs.
 */
export function batchNormGradSums(
  x: Tensor, dy: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, eps: number, withStats: boolean,
  fused: FusedActivation | null = null,
): BatchNormSums {
  const { M, C } = channelRows(x.shape, 'batchNorm');
  const out: BatchNormSums = { dbeta: Tensor.empty([C], 'f32', x.device), dgamma: Tensor.empty([C], 'f32', x.device) };
  if (withStats) {
    out.dmean = Tensor.empty([C], 'f32', x.device);
    out.dvar = Tensor.empty([C], 'f32', x.device);
  }
  if (x.device === 'cpu') {
    const d = (t?: Tensor) => t?.storage.data ?? null;
    bnGradSumsCpu(x.storage.data, cpuDy(dy, fused), M, C, mean.storage.data, variance.storage.data, gamma.storage.data, eps,
      out.dbeta.storage.data, out.dgamma.storage.data, d(out.dmean), d(out.dvar));
    return out;
  }
  const vec4 = C % 4 === 0, groups = vec4 ? C / 4 : C;
  const { chunks, rows } = chunking(M, groups);
  const ps1 = Tensor.empty([chunks, C], 'f32', x.device);
  const ps2 = Tensor.empty([chunks, C], 'f32', x.device);
  const { act, extra } = fusedArgs(fused);
  gradPartial({ vec4, act }).run({ x, dy, mean, ps1, ps2, ...extra }, { total: chunks * groups, C: groups, M, rows }, grid1d(chunks * groups));
  if (!withStats) out.coef = Tensor.empty([4, C], 'f32', x.device);
  gradCombine({ withStats }).run({ ps1, ps2, variance, gamma, mean, ...out }, { C, chunks, eps, invM: 1 / M }, grid1d(C));
  ps1.dispose();
  ps2.dispose();
  return out;
}

const gradInputKernel = variants((p: { vec4: boolean; training: boolean; act: Activation }) => {
  const b = vecBinding(p.vec4);
  const inputs: Record<string, 'f32' | 'vec4f'> = p.training ? { x: b, dy: b, coef: b } : { dy: b, variance: b, gamma: b };
  const dy = gradOfDy(p.vec4, p.act, 'i');
  return kernel({
    name: `bnGradInput${p.training ? '' : '_inference'}${p.vec4 ? '_vec4' : ''}${actSuffix(p.act)}`,
    inputs: p.act === 'linear' ? inputs : { ...inputs, yOut: b },
    outputs: { dx: b },
    uniforms: { total: 'u32', C: 'u32', M: 'u32', rows: 'u32', eps: 'f32' }, workgroup: WG, helpers: activationGradWgsl(p.act),
    body: `
${p.training
    // Batch statistics depend on x: dx = gamma * invstd * (dy - (dbeta + xhat * dgamma) / M), xhat = (x - mean) *
    // invstd, written as a * dy - b - c * (x - mean) with the per-channel a, b, c from bnGradCombine (4 bindings, or 5
    // with a fused activation, where 9 would exceed some adapters' 8 storage buffers per stage).
    ? chunkRows(`let a = coef[c];
  let b = coef[u.C + c];
  let k = coef[2u * u.C + c];
  let m = coef[3u * u.C + c];`, `
    let i = r * u.C + c;
    dx[i] = a * ${dy} - b - k * (x[i] - m);`)
    : chunkRows(`let inv = inverseSqrt(variance[c] + u.eps);
  let g = gamma[c];`, `
    let i = r * u.C + c;
    dx[i] = ${dy} * g * inv;`)}`,
  });
});

/**
 * Input gradient. Training mode needs the sums from batchNormGradSums (batch statistics depend on x); inference
 * mode (fixed statistics) is the affine dx = dy * gamma * rsqrt(variance + eps) and ignores x, mean and sums.
 */
export function batchNormGradInput(
  x: Tensor, dy: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, eps: number, sums: BatchNormSums | null,
  fused: FusedActivation | null = null,
): Tensor {
  const { M, C } = channelRows(x.shape, 'batchNorm');
  const dx = Tensor.empty(x.shape, 'f32', x.device);
  if (x.device === 'cpu') {
    bnGradInputCpu(x.storage.data, cpuDy(dy, fused), M, C, mean.storage.data, variance.storage.data, gamma.storage.data, eps,
      sums ? { dbeta: sums.dbeta.storage.data, dgamma: sums.dgamma.storage.data } : null, dx.storage.data);
    return dx;
  }
  const vec4 = C % 4 === 0, groups = vec4 ? C / 4 : C, { chunks, rows } = chunking(M, groups), total = chunks * groups;
  const u = { total, C: groups, M, rows, eps };
  const { act, extra } = fusedArgs(fused);
  if (sums) {
    if (!sums.coef) throw new Error('batchNorm: the input gradient needs the sums of batchNormGradSums without withStats');
    gradInputKernel({ vec4, training: true, act }).run({ x, dy, coef: sums.coef, dx, ...extra }, u, grid1d(total));
  } else {
    gradInputKernel({ vec4, training: false, act }).run({ dy, variance, gamma, dx, ...extra }, u, grid1d(total));
  }
  return dx;
}

const movingAverageKernel = variants((p: { pair: boolean }) =>
  kernel({
    name: p.pair ? 'movingAveragePair' : 'movingAverage',
    inputs: p.pair ? { value: 'f32', value2: 'f32' } : { value: 'f32' },
    outputs: p.pair ? { moving: 'f32', moving2: 'f32' } : { moving: 'f32' },
    uniforms: { total: 'u32', momentum: 'f32' }, workgroup: WG,
    body: `
${flatThread()}
  moving[i] = moving[i] * u.momentum + value[i] * (1.0 - u.momentum);
  ${p.pair ? 'moving2[i] = moving2[i] * u.momentum + value2[i] * (1.0 - u.momentum);' : ''}`,
  }));

function checkMovingPair(moving: Tensor, value: Tensor, momentum: number): void {
  moving.assertAlive('updateMovingAverage', 'moving');
  value.assertAlive('updateMovingAverage', 'value');
  if (!sameShape(moving.shape, value.shape)) {
    throw new Error(`updateMovingAverage: 'value' ${fmtShape(value.shape)} does not match 'moving' ${fmtShape(moving.shape)}`);
  }
  if (moving.dtype !== 'f32' || value.dtype !== 'f32') throw new Error('updateMovingAverage: expects f32 tensors');
  if (moving.device !== value.device) {
    throw new Error(`updateMovingAverage: tensors live on different devices (${moving.device} and ${value.device})`);
  }
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`updateMovingAverage: momentum must be in [0, 1] but got ${momentum}`);
}

/**
 * In place: moving = moving * momentum + value * (1 - momentum) (Keras's moving-statistics update). `moving`
 * keeps its identity (a layer's non-trainable weight); not recorded on the tape.
 */
export function updateMovingAverage(moving: Tensor, value: Tensor, momentum: number): void {
  updateMovingAverages([[moving, value]], momentum);
}

/** updateMovingAverage for several (moving, value) pairs; a BatchNorm's mean and variance share one dispatch. */
export function updateMovingAverages(pairs: ReadonlyArray<readonly [Tensor, Tensor]>, momentum: number): void {
  for (const [moving, value] of pairs) checkMovingPair(moving, value, momentum);
  const [a, b] = pairs;
  if (pairs.length === 2 && a![0].device === 'webgpu' && b![0].device === 'webgpu' && a![0].size === b![0].size) {
    const total = a![0].size;
    movingAverageKernel({ pair: true }).run({ moving: a![0], value: a![1], moving2: b![0], value2: b![1] }, { total, momentum }, grid1d(total));
    return;
  }
  for (const [moving, value] of pairs) {
    if (moving.device === 'cpu') movingAverageCpu(moving.storage.data, value.storage.data, momentum);
    else movingAverageKernel({ pair: false }).run({ value, moving }, { total: moving.size, momentum }, grid1d(moving.size));
  }
}
