// In-place weight constraints applied after an optimiser update: rescaling by the L2 norm over some axes (Keras
// MaxNorm, UnitNorm, MinMaxNorm) and clamping to non-negative values. Thread mapping for the norm kernel: one
// thread per norm group (each slice over the kept axes) sums its squares, then rescales its own elements, so the
// in-place write never races with another thread's read.

import { normalizeAxes, sizeOf, stridesOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { flatThread, grid1d, kernel, WG } from './kernel.js';

/** Keras backend.epsilon(): the constraints divide by (epsilon + norm). */
export const KERAS_EPSILON = 1e-7;

export type NormRule = 'maxNorm' | 'unitNorm' | 'minMaxNorm';

export interface NormParams {
  minValue: number;
  maxValue: number;
  rate: number;
}

// desired norm as a function of the current one; the weights are multiplied by desired / (epsilon + norm).
const DESIRED_WGSL: Record<NormRule, string> = {
  maxNorm: 'clamp(norm, 0.0, u.maxValue)',
  unitNorm: '1.0',
  minMaxNorm: 'u.rate * clamp(norm, u.minValue, u.maxValue) + (1.0 - u.rate) * norm',
};
const DESIRED_CPU: Record<NormRule, (norm: number, o: NormParams) => number> = {
  maxNorm: (n, o) => Math.min(Math.max(n, 0), o.maxValue),
  unitNorm: () => 1,
  minMaxNorm: (n, o) => o.rate * Math.min(Math.max(n, o.minValue), o.maxValue) + (1 - o.rate) * n,
};

const normKernels = new Map<string, ReturnType<typeof makeNormKernel>>();

/**
 * `oneAxis`: the norm runs over a single axis (Keras's default axis 0 of a Dense kernel), so element r sits at
 * base + r * stride; the general path decomposes r with integer divisions, which lavapipe runs slowly.
 */
function makeNormKernel(rule: NormRule, oneAxis: boolean) {
  return kernel({
    name: `constraint_${rule}${oneAxis ? '_axis' : ''}`, inputs: {}, outputs: { w: 'f32' },
    uniforms: {
      groups: 'u32', keptRank: 'u32', kept: 'shape', keptStrides: 'shape', redRank: 'u32', red: 'shape', redStrides: 'shape',
      R: 'u32', minValue: 'f32', maxValue: 'f32', rate: 'f32', epsilon: 'f32',
    },
    workgroup: WG,
    helpers: /* wgsl */ `
fn redOffset(r: u32) -> u32 { return ${oneAxis ? 'r * dim(u.redStrides, 0u)' : 'stridedOffset(r, u.redRank, u.red, u.redStrides)'}; }`,
    body: `
${flatThread('o', 'u.groups')}
  let base = stridedOffset(o, u.keptRank, u.kept, u.keptStrides);
  var ss = 0.0;
  for (var r = 0u; r < u.R; r++) {
    let v = w[base + redOffset(r)];
    ss += v * v;
  }
  let norm = sqrt(ss);
  let scale = (${DESIRED_WGSL[rule]}) / (u.epsilon + norm);
  for (var r = 0u; r < u.R; r++) {
    let off = base + redOffset(r);
    w[off] = w[off] * scale;
  }`,
  });
}

interface Split {
  kept: number[];
  keptStrides: number[];
  red: number[];
  redStrides: number[];
}

function split(shape: Shape, axes: readonly number[]): Split {
  const strides = stridesOf(shape);
  const s: Split = { kept: [], keptStrides: [], red: [], redStrides: [] };
  shape.forEach((d, i) => {
    if (axes.includes(i)) {
      s.red.push(d);
      s.redStrides.push(strides[i]!);
    } else {
      s.kept.push(d);
      s.keptStrides.push(strides[i]!);
    }
  });
  return s;
}

/** Rescales `w` in place so each slice over `axis` has the norm the rule asks for. */
export function normConstraint(rule: NormRule, w: Tensor, axis: number | readonly number[], params: NormParams, op: string): void {
  w.assertAlive(op, 'w');
  if (w.dtype !== 'f32') throw new Error(`${op}: expects an f32 weight but got ${w.dtype}`);
  if (w.rank > 8) throw new Error(`${op}: rank ${w.rank} is above the supported 8`);
  const axes = normalizeAxes(axis, w.rank, op);
  const s = split(w.shape, axes);
  const groups = sizeOf(s.kept), R = sizeOf(s.red);
  if (groups === 0 || R === 0) return;
  if (w.device === 'cpu') {
    normCpu(rule, w.storage.data, s, groups, R, params);
    return;
  }
  const oneAxis = s.red.length === 1, key = `${rule}/${oneAxis}`;
  let k = normKernels.get(key);
  if (!k) normKernels.set(key, (k = makeNormKernel(rule, oneAxis)));
  k.run(
    { w },
    {
      groups, keptRank: s.kept.length, kept: s.kept, keptStrides: s.keptStrides, redRank: s.red.length, red: s.red,
      redStrides: s.redStrides, R, ...params, epsilon: KERAS_EPSILON,
    },
    grid1d(groups),
  );
}

function offsetOf(index: number, dims: number[], strides: number[]): number {
  let rem = index, off = 0;
  for (let d = dims.length - 1; d >= 0; d--) {
    off += (rem % dims[d]!) * strides[d]!;
    rem = Math.floor(rem / dims[d]!);
  }
  return off;
}

function normCpu(rule: NormRule, w: Float64Array, s: Split, groups: number, R: number, params: NormParams): void {
  for (let o = 0; o < groups; o++) {
    const base = offsetOf(o, s.kept, s.keptStrides);
    let ss = 0;
    for (let r = 0; r < R; r++) ss += w[base + offsetOf(r, s.red, s.redStrides)]! ** 2;
    const norm = Math.sqrt(ss);
    const scale = DESIRED_CPU[rule](norm, params) / (KERAS_EPSILON + norm);
    for (let r = 0; r < R; r++) w[base + offsetOf(r, s.red, s.redStrides)]! *= scale;
  }
}

const nonNegKernel = kernel({
  name: 'constraint_nonNeg', inputs: {}, outputs: { w: 'f32' }, uniforms: { total: 'u32' }, workgroup: WG,
  body: `
${flatThread()}
  let v = w[i];
  w[i] = select(v, 0.0, v < 0.0);`,
});

/** Clamps negative weights to zero in place (NaN stays NaN). */
export function nonNegConstraint(w: Tensor): void {
  w.assertAlive('nonNeg', 'w');
  if (w.dtype !== 'f32') throw new Error(`nonNeg: expects an f32 weight but got ${w.dtype}`);
  if (w.device === 'cpu') {
    const d = w.storage.data;
    for (let i = 0; i < d.length; i++) if (d[i]! < 0) d[i] = 0;
    return;
  }
  nonNegKernel.run({ w }, { total: w.size }, grid1d(w.size));
}
