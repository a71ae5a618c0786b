// The activations GEMM-shaped kernels fuse into their epilogue (Dense, Conv2D): the forward WGSL expression in
// `x`, its CPU twin, and the derivative written in terms of the output `y` so a backward pass needs only the saved
// output. `activationGrad` is the elementwise dx = f'(y) * dy kernel the fused ops' backward rules use, and
// `activationBiasGrad` the same pass that also sums the bias gradient.

import { fmtShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { laneKernel, lanes, unaryOps } from './elementwise.js';
import { reduce } from './reduce.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';

export interface ActivationRow {
  /** WGSL expression of the f32 `x`. */
  wgsl: string;
  cpu: (x: number) => number;
  /** WGSL expression of f'(x) * dy in terms of the output `y` and `dy`. */
  gradFromY: string;
  cpuGradFromY: (y: number, dy: number) => number;
}

// The forward expressions are the elementwise rows' (renamed from `a` to `x`) so fused and unfused layers agree
// bit for bit. relu's derivative at y = 0 is 0, as in the elementwise relu row.
export const activations = {
  linear: { wgsl: 'x', cpu: (x) => x, gradFromY: 'dy', cpuGradFromY: (_y, dy) => dy },
  relu: {
    wgsl: rename(unaryOps.relu.wgsl), cpu: unaryOps.relu.cpu,
    gradFromY: 'select(0.0, dy, y > 0.0)', cpuGradFromY: (y, dy) => (y > 0 ? dy : 0),
  },
  sigmoid: {
    wgsl: rename(unaryOps.sigmoid.wgsl), cpu: unaryOps.sigmoid.cpu,
    gradFromY: 'dy * y * (1.0 - y)', cpuGradFromY: (y, dy) => dy * y * (1 - y),
  },
  tanh: {
    wgsl: rename(unaryOps.tanh.wgsl), cpu: unaryOps.tanh.cpu,
    gradFromY: 'dy * (1.0 - y * y)', cpuGradFromY: (y, dy) => dy * (1 - y * y),
  },
} satisfies Record<string, ActivationRow>;

/** Activations that GEMM-shaped ops (dense, conv2d) can fuse into their output. */
export type Activation = keyof typeof activations;

function rename(expr: string): string {
  return expr.replace(/\ba\b/g, 'x');
}

/** Throws naming the op when `act` is not a fusable activation. */
export function checkActivation(op: string, act: string): asserts act is Activation {
  if (!Object.hasOwn(activations, act)) {
    throw new Error(`${op}: unknown activation '${act}'; expected one of ${Object.keys(activations).join(', ')}`);
  }
}

/** WGSL function `fn name(x: vec4<f32>) -> vec4<f32>` applying `act` to each lane (for vec4 epilogues). */
export function activationWgsl(act: Activation, name = 'activate'): string {
  const e = activations[act].wgsl;
  return `fn ${name}(v: vec4<f32>) -> vec4<f32> {
  var out = v;
  for (var i = 0u; i < 4u; i++) { let x = v[i]; out[i] = ${e}; }
  return out;
}
fn ${name}1(x: f32) -> f32 { return ${e}; }`;
}

// WGSL grad1(y, dy) and grad4: f'(y) * dy of one lane, and of four lane by lane (lavapipe scalarises vec4 maths anyway, but the
// loads and stores stay 16 bytes wide).
export function activationGradWgsl(act: Activation): string {
  return `fn grad1(y: f32, dy: f32) -> f32 { return ${activations[act].gradFromY}; }
fn grad4(y: vec4<f32>, dy: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(grad1(y.x, dy.x), grad1(y.y, dy.y), grad1(y.z, dy.z), grad1(y.w, dy.w));
}`;
}

const gradKernel = variants((p: { act: Activation; vec4: boolean }) =>
  kernel({
    name: `activationGrad_${p.act}${p.vec4 ? '_vec4' : ''}`,
    inputs: { yIn: p.vec4 ? 'vec4f' : 'f32', dyIn: p.vec4 ? 'vec4f' : 'f32' }, outputs: { dx: p.vec4 ? 'vec4f' : 'f32' },
    uniforms: { total: 'u32' }, workgroup: WG, helpers: activationGradWgsl(p.act),
    body: `
${flatThread()}
  dx[i] = grad${p.vec4 ? 4 : 1}(yIn[i], dyIn[i]);`,
  }));

/** Rows of dz one thread of activationBiasGrad walks (its share of the bias sum). */
const BIAS_ROWS = 64;

// One thread per (channel group g, block of BIAS_ROWS rows): writes dz for its column strip and its partial bias
// sum, so the bias gradient needs no second read of dz. Neighbouring threads take neighbouring channel groups, so
// each row is read contiguously.
const biasGradKernel = variants((p: { act: Activation; vec4: boolean }) => {
  const T = p.vec4 ? 'vec4<f32>' : 'f32';
  return kernel({
    name: `activationBiasGrad_${p.act}${p.vec4 ? '_vec4' : ''}`,
    inputs: { yIn: p.vec4 ? 'vec4f' : 'f32', dyIn: p.vec4 ? 'vec4f' : 'f32' },
    outputs: { dz: p.vec4 ? 'vec4f' : 'f32', partial: p.vec4 ? 'vec4f' : 'f32' },
    uniforms: { groups: 'u32', rows: 'u32', blocks: 'u32' }, workgroup: WG, helpers: activationGradWgsl(p.act),
    body: `
${flatThread('t', 'u.groups * u.blocks')}
  let g = t % u.groups;
  let block = t / u.groups;
  let r0 = block * ${BIAS_ROWS}u;
  var acc = ${T}(0.0);
  for (var r = r0; r < min(r0 + ${BIAS_ROWS}u, u.rows); r++) {
    let i = r * u.groups + g;
    let d = grad${p.vec4 ? 4 : 1}(yIn[i], dyIn[i]);
    dz[i] = d;
    acc += d;
  }
  partial[block * u.groups + g] = acc;`,
  });
});

function checkPair(op: string, y: Tensor, dy: Tensor): void {
  if (!sameShape(y.shape, dy.shape)) throw new Error(`${op}: y ${fmtShape(y.shape)} and dy ${fmtShape(dy.shape)} differ`);
}

/** dx = f'(x) * dy from the activation's output y (the pre-activation value is never stored). */
export function activationGrad(act: Activation, y: Tensor, dy: Tensor): Tensor {
  checkPair('activationGrad', y, dy);
  if (act === 'linear') return dy.view(dy.shape);
  const dx = Tensor.empty(y.shape, 'f32', y.device);
  if (y.device === 'cpu') {
    const g = activations[act].cpuGradFromY, ys = y.storage.data, ds = dy.storage.data, out = dx.storage.data;
    for (let i = 0; i < ys.length; i++) out[i] = g(ys[i]!, ds[i]!);
  } else {
    const { vec4, total } = lanes(y.size);
    gradKernel({ act, vec4 }).run({ yIn: y, dyIn: dy, dx }, { total }, grid1d(total));
  }
  return dx;
}

/**
 * A fused layer's dz = f'(y) * dy and its bias gradient db (dz summed over every axis but the last) in one pass
 * over dz, where activationGrad followed by a sum would read dz again.
 */
export function activationBiasGrad(act: Activation, y: Tensor, dy: Tensor): { dz: Tensor; db: Tensor } {
  checkPair('activationBiasGrad', y, dy);
  if (y.rank < 1) throw new Error(`activationBiasGrad: y must have a channel axis but got ${fmtShape(y.shape)}`);
  const C = y.shape[y.rank - 1]!, rows = y.size / C;
  const dz = Tensor.empty(y.shape, 'f32', y.device);
  if (y.device === 'cpu') {
    const g = activations[act].cpuGradFromY, ys = y.storage.data, ds = dy.storage.data, out = dz.storage.data;
    const db = Tensor.empty([C], 'f32', 'cpu'), sums = db.storage.data;
    for (let i = 0; i < ys.length; i++) sums[i % C] += (out[i] = g(ys[i]!, ds[i]!));
    return { dz, db };
  }
  const vec4 = C % 4 === 0, groups = vec4 ? C / 4 : C, blocks = Math.ceil(rows / BIAS_ROWS);
  const partial = Tensor.empty([blocks, C], 'f32', y.device);
  biasGradKernel({ act, vec4 }).run({ yIn: y, dyIn: dy, dz, partial }, { groups, rows, blocks }, grid1d(groups * blocks));
  const db = blocks === 1 ? partial.view([C]) : reduce('sum', partial, [0]);
  partial.dispose();
  return { dz, db };
}

const addActivationKernel = variants((p: { act: Activation; vec4: boolean }) =>
  laneKernel(`addActivation_${p.act}`, ['ina', 'inb'], `fn ew(a: f32, b: f32) -> f32 { let x = a + b; return ${activations[p.act].wgsl}; }`, p.vec4));

/** y = f(a + b) for same-shape a and b in one pass (a residual Add followed by its ReLU). */
export function addActivation(act: Activation, a: Tensor, b: Tensor): Tensor {
  if (!sameShape(a.shape, b.shape)) throw new Error(`addActivation: a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} differ`);
  const y = Tensor.empty(a.shape, 'f32', a.device);
  if (a.device === 'cpu') {
    const f = activations[act].cpu, as = a.storage.data, bs = b.storage.data, ys = y.storage.data;
    for (let i = 0; i < ys.length; i++) ys[i] = f(as[i]! + bs[i]!);
  } else {
    const { vec4, total } = lanes(a.size);
    addActivationKernel({ act, vec4 }).run({ ina: a, inb: b, out: y }, { total }, grid1d(total));
  }
  return y;
}
