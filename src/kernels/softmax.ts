// Softmax family over the last axis: softmax / logSoftmax and their backward, and the fused cross-entropies
// (sparse integer labels or dense targets, from logits or from probabilities) with their own backward.
// Thread mapping: one thread per row of C values; rows are independent, so no barriers. Float64 twins: softmax.cpu.ts.

import { sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { ceGradCpu, ceRowsCpu, CLIP_HI, CLIP_LO, softmaxCpu, softmaxGradCpu } from './softmax.cpu.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';

export { CLIP_HI, CLIP_LO };

// NOTE: the row max propagates NaN explicitly (WGSL max() with a NaN operand is undefined).
const ROW_HELPERS = /* wgsl */ `
const CLIP_LO: f32 = ${CLIP_LO};
const CLIP_HI: f32 = ${CLIP_HI};
fn rowMax(base: u32, C: u32) -> f32 {
  var m = -posInf();
  for (var c = 0u; c < C; c++) {
    let v = x[base + c];
    m = select(select(m, v, v > m), v, isNan(v));
  }
  return m;
}
fn clipP(p: f32) -> f32 { return min(max(p, CLIP_LO), CLIP_HI); }
// The clip's derivative as TensorFlow's clip_by_value has it: 1 inside the closed interval, 0 outside.
fn clipMask(p: f32) -> f32 { return select(0.0, 1.0, p >= CLIP_LO && p <= CLIP_HI); }`;

const softmaxKernel = variants((p: { log: boolean }) =>
  kernel({
    name: p.log ? 'logSoftmax' : 'softmax', helpers: ROW_HELPERS,
    inputs: { x: 'f32' }, outputs: { y: 'f32' }, uniforms: { rows: 'u32', C: 'u32' }, workgroup: WG,
    body: `
  // Stable: exponents are taken of x - max(x) <= 0, so exp() cannot overflow.
${flatThread('r', 'u.rows')}
  let base = r * u.C;
  let m = rowMax(base, u.C);
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += exp(x[base + c] - m); }
  ${p.log
    ? 'let ls = log(s);\n  for (var c = 0u; c < u.C; c++) { y[base + c] = x[base + c] - m - ls; }'
    : 'for (var c = 0u; c < u.C; c++) { y[base + c] = exp(x[base + c] - m) / s; }'}`,
  }));

const softmaxGradKernel = variants((p: { log: boolean }) =>
  kernel({
    name: p.log ? 'logSoftmaxGrad' : 'softmaxGrad',
    inputs: { y: 'f32', dy: 'f32' }, outputs: { dx: 'f32' }, uniforms: { rows: 'u32', C: 'u32' }, workgroup: WG,
    body: p.log
      ? `
  // y = log softmax(x): dx = dy - softmax(x) * sum(dy).
${flatThread('r', 'u.rows')}
  let base = r * u.C;
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += dy[base + c]; }
  for (var c = 0u; c < u.C; c++) { dx[base + c] = dy[base + c] - exp(y[base + c]) * s; }`
      : `
  // y = softmax(x): dx = y * (dy - sum(dy * y)).
${flatThread('r', 'u.rows')}
  let base = r * u.C;
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += dy[base + c] * y[base + c]; }
  for (var c = 0u; c < u.C; c++) { dx[base + c] = y[base + c] * (dy[base + c] - s); }`,
  }));

/** softmax (or log-softmax) over the last axis. */
export function softmaxRows(x: Tensor, log: boolean): Tensor {
  const C = x.shape[x.rank - 1] ?? 1, rows = C === 0 ? 0 : x.size / C;
  const y = Tensor.empty(x.shape, 'f32', x.device);
  if (x.device === 'cpu') softmaxCpu(x.storage.data, y.storage.data, rows, C, log);
  else softmaxKernel({ log }).run({ x, y }, { rows, C }, grid1d(rows));
  return y;
}

/** Backward of softmaxRows from its output y. */
export function softmaxRowsGrad(y: Tensor, dy: Tensor, log: boolean): Tensor {
  const C = y.shape[y.rank - 1] ?? 1, rows = C === 0 ? 0 : y.size / C;
  const dx = Tensor.empty(y.shape, 'f32', y.device);
  if (y.device === 'cpu') softmaxGradCpu(y.storage.data, dy.storage.data, dx.storage.data, rows, C, log);
  else softmaxGradKernel({ log }).run({ y, dy, dx }, { rows, C }, grid1d(rows));
  return dx;
}

export interface CeVariant {
  /** Integer labels [rows] (i32) instead of dense targets [rows, C]. */
  sparse: boolean;
  logits: boolean;
}

// Loss of one row, matching Keras's TensorFlow backend:
//   sparse, logits: logsumexp(z) - z[label]
//   dense, logits:  sum_j t_j * (logsumexp(z) - z_j)
//   sparse, probs:  c = clip(p, eps, 1-eps); log(sum_j c_j) - log(c[label])   (clip, log, then softmax CE on the logs)
//   dense, probs:   q = p / sum(p); -sum_j t_j * log(clip(q_j, eps, 1-eps))  (renormalise, then clip)
// A label outside [0, C) gives NaN (as TensorFlow's GPU kernel does) and is never used as an index.
function ceBody(v: CeVariant): string {
  const head = `
${flatThread('r', 'u.rows')}
  let base = r * u.C;`;
  const label = `
  let lab = t[r];
  if (lab < 0 || lab >= i32(u.C)) { loss[r] = nanF32(); return; }
  let l = u32(lab);`;
  if (v.logits) {
    const lse = `
  let m = rowMax(base, u.C);
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += exp(x[base + c] - m); }
  let lse = m + log(s);`;
    return v.sparse
      ? `${head}${label}${lse}\n  loss[r] = lse - x[base + l];`
      : `${head}${lse}
  var acc = 0.0;
  for (var c = 0u; c < u.C; c++) { acc += t[base + c] * (lse - x[base + c]); }
  loss[r] = acc;`;
  }
  return v.sparse
    ? `${head}${label}
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += clipP(x[base + c]); }
  loss[r] = log(s) - log(clipP(x[base + l]));`
    : `${head}
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += x[base + c]; }
  var acc = 0.0;
  for (var c = 0u; c < u.C; c++) { acc -= t[base + c] * log(clipP(x[base + c] / s)); }
  loss[r] = acc;`;
}

const ceKernel = variants((v: CeVariant) =>
  kernel({
    name: `crossEntropy_${v.sparse ? 'sparse' : 'dense'}_${v.logits ? 'logits' : 'probs'}`, helpers: ROW_HELPERS,
    inputs: { t: v.sparse ? 'i32' : 'f32', x: 'f32' }, outputs: { loss: 'f32' }, uniforms: { rows: 'u32', C: 'u32' }, workgroup: WG,
    body: ceBody(v),
  }));

// d loss[r] / d x[r, j], times dy[r]:
//   sparse, logits: softmax_j - [j == label]
//   dense, logits:  T * softmax_j - t_j, with T = sum_j t_j (T = 1 for one-hot or probability targets)
//   sparse, probs:  mask_j * (1/S - [j == label] / c_label), with S = sum_j c_j
//   dense, probs:   (g_j - sum_k g_k q_k) / s, with g_j = -t_j * mask(q_j) / clip(q_j), q = p / s
// where mask is 1 inside the clip interval and 0 where the clip is active.
function ceGradBody(v: CeVariant): string {
  const head = `
${flatThread('r', 'u.rows')}
  let base = r * u.C;
  let d = dy[r];`;
  const label = `
  let lab = t[r];
  if (lab < 0 || lab >= i32(u.C)) {
    for (var c = 0u; c < u.C; c++) { dx[base + c] = nanF32(); }
    return;
  }
  let l = u32(lab);`;
  if (v.logits) {
    const sm = `
  let m = rowMax(base, u.C);
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += exp(x[base + c] - m); }`;
    return v.sparse
      ? `${head}${label}${sm}
  for (var c = 0u; c < u.C; c++) { dx[base + c] = d * (exp(x[base + c] - m) / s - select(0.0, 1.0, c == l)); }`
      : `${head}${sm}
  var T = 0.0;
  for (var c = 0u; c < u.C; c++) { T += t[base + c]; }
  for (var c = 0u; c < u.C; c++) { dx[base + c] = d * (T * (exp(x[base + c] - m) / s) - t[base + c]); }`;
  }
  return v.sparse
    ? `${head}${label}
  var S = 0.0;
  for (var c = 0u; c < u.C; c++) { S += clipP(x[base + c]); }
  let invCl = 1.0 / clipP(x[base + l]);
  for (var c = 0u; c < u.C; c++) {
    dx[base + c] = d * clipMask(x[base + c]) * (1.0 / S - select(0.0, invCl, c == l));
  }`
    : `${head}
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += x[base + c]; }
  var A = 0.0;
  for (var c = 0u; c < u.C; c++) {
    let q = x[base + c] / s;
    A -= t[base + c] * clipMask(q) / clipP(q) * q;
  }
  for (var c = 0u; c < u.C; c++) {
    let q = x[base + c] / s;
    dx[base + c] = d * (-t[base + c] * clipMask(q) / clipP(q) - A) / s;
  }`;
}

const ceGradKernel = variants((v: CeVariant) =>
  kernel({
    name: `crossEntropyGrad_${v.sparse ? 'sparse' : 'dense'}_${v.logits ? 'logits' : 'probs'}`, helpers: ROW_HELPERS,
    inputs: { t: v.sparse ? 'i32' : 'f32', x: 'f32', dy: 'f32' }, outputs: { dx: 'f32' },
    uniforms: { rows: 'u32', C: 'u32' }, workgroup: WG,
    body: ceGradBody(v),
  }));

/**
 * Per-row cross-entropy of `pred` [..., C] against `t`: i32 labels [...] when sparse, f32 targets [..., C] otherwise.
 * On 'cpu' a label outside [0, C) throws; on 'webgpu' its row's loss is NaN.
 */
export function crossEntropy(t: Tensor, pred: Tensor, v: CeVariant): Tensor {
  const C = pred.shape[pred.rank - 1]!, rows = sizeOf(pred.shape.slice(0, -1));
  const loss = Tensor.empty(pred.shape.slice(0, -1), 'f32', pred.device);
  if (pred.device === 'cpu') ceRowsCpu(t.storage.data, pred.storage.data, loss.storage.data, rows, C, v);
  else ceKernel(v).run({ t, x: pred, loss }, { rows, C }, grid1d(rows));
  return loss;
}

/** Gradient of crossEntropy with respect to `pred`, given dy [rows]. */
export function crossEntropyGrad(t: Tensor, pred: Tensor, dy: Tensor, v: CeVariant): Tensor {
  const C = pred.shape[pred.rank - 1]!, rows = sizeOf(pred.shape.slice(0, -1));
  const dx = Tensor.empty(pred.shape, 'f32', pred.device);
  if (pred.device === 'cpu') ceGradCpu(t.storage.data, pred.storage.data, dy.storage.data, dx.storage.data, rows, C, v);
  else ceGradKernel(v).run({ t, x: pred, dy, dx }, { rows, C }, grid1d(rows));
  return dx;
}
