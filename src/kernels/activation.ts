// The activations GEMM-shaped kernels fuse into their epilogue (Dense, Conv2D): the forward WGSL expression in
// `x`, its CPU twin, and the derivative written in terms of the output `y` so a backward pass needs only the saved
// output. `activationGrad` is the elementwise dx = f'(y) * dy kernel the fused ops' backward rules use.

import { fmtShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { unaryOps } from './elementwise.js';
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

const gradKernel = variants((p: { act: Activation }) =>
  kernel({
    name: `activationGrad_${p.act}`,
    inputs: { yIn: 'f32', dyIn: 'f32' }, outputs: { dx: 'f32' }, uniforms: { total: 'u32' }, workgroup: WG,
    body: `
${flatThread()}
  let y = yIn[i];
  let dy = dyIn[i];
  dx[i] = ${activations[p.act].gradFromY};`,
  }));

/** dx = f'(x) * dy from the activation's output y (the pre-activation value is never stored). */
export function activationGrad(act: Activation, y: Tensor, dy: Tensor): Tensor {
  if (!sameShape(y.shape, dy.shape)) throw new Error(`activationGrad: y ${fmtShape(y.shape)} and dy ${fmtShape(dy.shape)} differ`);
  if (act === 'linear') return dy.view(dy.shape);
  const dx = Tensor.empty(y.shape, 'f32', y.device);
  if (y.device === 'cpu') {
    const g = activations[act].cpuGradFromY, ys = y.storage.data, ds = dy.storage.data, out = dx.storage.data;
    for (let i = 0; i < ys.length; i++) out[i] = g(ys[i]!, ds[i]!);
  } else {
    gradKernel({ act }).run({ yIn: y, dyIn: dy, dx }, { total: y.size }, grid1d(y.size));
  }
  return dx;
}
