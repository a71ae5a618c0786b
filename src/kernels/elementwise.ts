// Elementwise kernels from one table row per op: the WGSL expression, its Float64 CPU twin and the derivative.
// Unary rows read `a` (input) and, in `grad`, `dy` and `y` (the forward value, recomputed rather than saved).
// Binary ops broadcast NumPy-style: one thread per output element, input offsets from broadcast strides.

import { broadcastShapes, broadcastStrides, sameShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { FLAT_ID, grid1d, kernel, variants } from './kernel.js';

export interface UnaryRow {
  wgsl: string;
  cpu: (a: number) => number;
  /** dx in terms of a, y and dy; null for ops with no useful gradient (sign, step). */
  grad: string | null;
  cpuGrad: ((a: number, y: number, dy: number) => number) | null;
}

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

// NOTE: WGSL leaves max/min with a NaN operand undefined, so relu-like rows use select() in an order that
// lets NaN through (NaN < 0 is false).
export const unaryOps = {
  neg: { wgsl: '-a', cpu: (a) => -a, grad: '-dy', cpuGrad: (_a, _y, dy) => -dy },
  abs: { wgsl: 'abs(a)', cpu: Math.abs, grad: 'select(dy, -dy, a < 0.0)', cpuGrad: (a, _y, dy) => (a < 0 ? -dy : dy) },
  square: { wgsl: 'a * a', cpu: (a) => a * a, grad: '2.0 * a * dy', cpuGrad: (a, _y, dy) => 2 * a * dy },
  sqrt: { wgsl: 'sqrt(a)', cpu: Math.sqrt, grad: 'dy * 0.5 / y', cpuGrad: (_a, y, dy) => (dy * 0.5) / y },
  rsqrt: { wgsl: 'inverseSqrt(a)', cpu: (a) => 1 / Math.sqrt(a), grad: '-0.5 * dy * y / a', cpuGrad: (a, y, dy) => (-0.5 * dy * y) / a },
  exp: { wgsl: 'exp(a)', cpu: Math.exp, grad: 'dy * y', cpuGrad: (_a, y, dy) => dy * y },
  log: { wgsl: 'log(a)', cpu: Math.log, grad: 'dy / a', cpuGrad: (a, _y, dy) => dy / a },
  reciprocal: { wgsl: '1.0 / a', cpu: (a) => 1 / a, grad: '-dy * y * y', cpuGrad: (_a, y, dy) => -dy * y * y },
  relu: { wgsl: 'select(a, 0.0, a < 0.0)', cpu: (a) => (a < 0 ? 0 : a), grad: 'select(0.0, dy, a > 0.0)', cpuGrad: (a, _y, dy) => (a > 0 ? dy : 0) },
  relu6: {
    wgsl: 'select(select(a, 6.0, a > 6.0), 0.0, a < 0.0)', cpu: (a) => (a < 0 ? 0 : a > 6 ? 6 : a),
    grad: 'select(0.0, dy, a > 0.0 && a < 6.0)', cpuGrad: (a, _y, dy) => (a > 0 && a < 6 ? dy : 0),
  },
  sigmoid: {
    // Written as two branches so neither exp() overflows for large |a|.
    wgsl: 'select(exp(a) / (1.0 + exp(a)), 1.0 / (1.0 + exp(-a)), a >= 0.0)', cpu: sigmoid,
    grad: 'dy * y * (1.0 - y)', cpuGrad: (_a, y, dy) => dy * y * (1 - y),
  },
  tanh: {
    // tanh() of large |a| is NaN on some drivers (exp overflow), so it is clamped where it is already ±1 in f32.
    wgsl: 'tanh(clamp(a, -15.0, 15.0))', cpu: Math.tanh, grad: 'dy * (1.0 - y * y)', cpuGrad: (_a, y, dy) => dy * (1 - y * y),
  },
  softplus: {
    wgsl: 'max(a, 0.0) + log(1.0 + exp(-abs(a)))', cpu: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    grad: 'dy * select(exp(a) / (1.0 + exp(a)), 1.0 / (1.0 + exp(-a)), a >= 0.0)', cpuGrad: (a, _y, dy) => dy * sigmoid(a),
  },
  elu: {
    wgsl: 'select(a, exp(a) - 1.0, a < 0.0)', cpu: (a) => (a < 0 ? Math.expm1(a) : a),
    grad: 'select(dy, dy * (y + 1.0), a < 0.0)', cpuGrad: (a, y, dy) => (a < 0 ? dy * (y + 1) : dy),
  },
  sin: { wgsl: 'sin(a)', cpu: Math.sin, grad: 'dy * cos(a)', cpuGrad: (a, _y, dy) => dy * Math.cos(a) },
  cos: { wgsl: 'cos(a)', cpu: Math.cos, grad: '-dy * sin(a)', cpuGrad: (a, _y, dy) => -dy * Math.sin(a) },
  sign: { wgsl: 'sign(a)', cpu: Math.sign, grad: null, cpuGrad: null },
  floor: { wgsl: 'floor(a)', cpu: Math.floor, grad: null, cpuGrad: null },
  round: { wgsl: 'round(a)', cpu: roundHalfEven, grad: null, cpuGrad: null },
  isNaN: { wgsl: 'select(0.0, 1.0, isNan(a))', cpu: (a) => (Number.isNaN(a) ? 1 : 0), grad: null, cpuGrad: null },
  isFinite: {
    // NOTE: written on the bit pattern: a compiler that assumes finite floats may fold isinf/isnan tests away.
    wgsl: 'select(0.0, 1.0, (bitcast<u32>(a) & 0x7f800000u) != 0x7f800000u)', cpu: (a) => (Number.isFinite(a) ? 1 : 0), grad: null, cpuGrad: null,
  },
} satisfies Record<string, UnaryRow>;

export type UnaryOpName = keyof typeof unaryOps;

/** WGSL round() is round-half-to-even; the CPU twin matches it. */
function roundHalfEven(a: number): number {
  const r = Math.round(a);
  return Math.abs(a % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface BinaryRow {
  wgsl: string;
  cpu: (a: number, b: number) => number;
  /** WGSL functions the expression calls. */
  helpers?: string;
}

// pow: WGSL pow() is undefined for a <= 0, so zero and negative bases are spelled out: a negative base takes
// |a|^b with the sign of an odd integer exponent, and NaN for a fractional one (as Math.pow).
const POW_HELPER = /* wgsl */ `
fn powSigned(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a > 0.0) { return pow(a, b); }
  if (a == 0.0) { return select(0.0, posInf(), b < 0.0); }
  if (fract(b) != 0.0) { return nanF32(); }
  let m = pow(-a, b);
  return select(m, -m, fract(b * 0.5) != 0.0);
}`;

export const binaryOps = {
  add: { wgsl: 'a + b', cpu: (a, b) => a + b },
  sub: { wgsl: 'a - b', cpu: (a, b) => a - b },
  mul: { wgsl: 'a * b', cpu: (a, b) => a * b },
  div: { wgsl: 'a / b', cpu: (a, b) => a / b },
  pow: { wgsl: 'powSigned(a, b)', cpu: (a, b) => Math.pow(a, b), helpers: POW_HELPER },
  maximum: { wgsl: 'select(select(a, b, b > a), a + b, isNan(a) || isNan(b))', cpu: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)) },
  minimum: { wgsl: 'select(select(a, b, b < a), a + b, isNan(a) || isNan(b))', cpu: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)) },
  equal: { wgsl: 'select(0.0, 1.0, a == b)', cpu: (a, b) => (a === b ? 1 : 0) },
  notEqual: { wgsl: 'select(0.0, 1.0, a != b)', cpu: (a, b) => (a !== b ? 1 : 0) },
  less: { wgsl: 'select(0.0, 1.0, a < b)', cpu: (a, b) => (a < b ? 1 : 0) },
  lessEqual: { wgsl: 'select(0.0, 1.0, a <= b)', cpu: (a, b) => (a <= b ? 1 : 0) },
  greater: { wgsl: 'select(0.0, 1.0, a > b)', cpu: (a, b) => (a > b ? 1 : 0) },
  greaterEqual: { wgsl: 'select(0.0, 1.0, a >= b)', cpu: (a, b) => (a >= b ? 1 : 0) },
} satisfies Record<string, BinaryRow>;

export type BinaryOpName = keyof typeof binaryOps;

const WG = 64;

function binaryHelpers(op: BinaryOpName): string | undefined {
  return (binaryOps[op] as BinaryRow).helpers;
}

const unaryKernel = variants((p: { op: UnaryOpName }) =>
  kernel({
    name: `unary_${p.op}`,
    inputs: { x: 'f32' }, outputs: { y: 'f32' }, uniforms: { total: 'u32' }, workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i >= u.total) { return; }
  let a = x[i];
  y[i] = ${unaryOps[p.op].wgsl};`,
  }));

const unaryGradKernel = variants((p: { op: UnaryOpName }) =>
  kernel({
    name: `unaryGrad_${p.op}`,
    inputs: { x: 'f32', dyIn: 'f32' }, outputs: { dx: 'f32' }, uniforms: { total: 'u32' }, workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i >= u.total) { return; }
  let a = x[i];
  let dy = dyIn[i];
  let y = ${unaryOps[p.op].wgsl};
  dx[i] = ${unaryOps[p.op].grad};`,
  }));

function checkF32(op: string, ...ts: Tensor[]): void {
  for (const t of ts) if (t.dtype !== 'f32') throw new Error(`${op}: expects f32 tensors but got ${t.dtype} ${JSON.stringify(t.shape)}; cast it first`);
}

/** y = f(x) for a unary table row. */
export function unary(op: UnaryOpName, x: Tensor): Tensor {
  checkF32(op, x);
  const y = Tensor.empty(x.shape, 'f32', x.device);
  if (x.device === 'cpu') {
    const f = unaryOps[op].cpu, xs = x.storage.data, ys = y.storage.data;
    for (let i = 0; i < xs.length; i++) ys[i] = f(xs[i]!);
  } else {
    unaryKernel({ op }).run({ x, y }, { total: x.size }, grid1d(x.size, WG));
  }
  return y;
}

/** dx = f'(x) * dy for a unary table row. */
export function unaryGrad(op: UnaryOpName, x: Tensor, dy: Tensor): Tensor {
  const row: UnaryRow = unaryOps[op];
  if (!row.grad || !row.cpuGrad) throw new Error(`${op}: has no gradient`);
  const dx = Tensor.empty(x.shape, 'f32', x.device);
  if (x.device === 'cpu') {
    const f = row.cpu, g = row.cpuGrad, xs = x.storage.data, ds = dy.storage.data, out = dx.storage.data;
    for (let i = 0; i < xs.length; i++) out[i] = g(xs[i]!, f(xs[i]!), ds[i]!);
  } else {
    unaryGradKernel({ op }).run({ x, dyIn: dy, dx }, { total: x.size }, grid1d(x.size, WG));
  }
  return dx;
}

const binarySameKernel = variants((p: { op: BinaryOpName }) =>
  kernel({
    name: `binary_${p.op}`, helpers: binaryHelpers(p.op),
    inputs: { ina: 'f32', inb: 'f32' }, outputs: { out: 'f32' }, uniforms: { total: 'u32' }, workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i >= u.total) { return; }
  let a = ina[i];
  let b = inb[i];
  out[i] = ${binaryOps[p.op].wgsl};`,
  }));

/**
 * WGSL that decodes the flat output index `i` into each operand's offset `i<x>` from the uniforms `outShape`,
 * `rank` and `<x>Strides` (0 on broadcast axes). Shared by the broadcasting binary kernels and where.
 */
export function broadcastOffsets(operands: readonly string[]): string {
  return `  var rem = i;
${operands.map((x) => `  var i${x} = 0u;`).join('\n')}
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let n = dim(u.outShape, u32(d));
    let c = rem % n;
    rem = rem / n;
${operands.map((x) => `    i${x} += c * dim(u.${x}Strides, u32(d));`).join('\n')}
  }`;
}

const binaryBroadcastKernel = variants((p: { op: BinaryOpName }) =>
  kernel({
    name: `binaryBroadcast_${p.op}`, helpers: binaryHelpers(p.op),
    inputs: { ina: 'f32', inb: 'f32' }, outputs: { out: 'f32' },
    uniforms: { total: 'u32', rank: 'u32', outShape: 'shape', aStrides: 'shape', bStrides: 'shape' }, workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i >= u.total) { return; }
${broadcastOffsets(['a', 'b'])}
  let a = ina[ia];
  let b = inb[ib];
  out[i] = ${binaryOps[p.op].wgsl};`,
  }));

const binaryScalarKernel = variants((p: { op: BinaryOpName; scalarFirst: boolean }) =>
  kernel({
    name: `binaryScalar_${p.op}${p.scalarFirst ? '_rev' : ''}`, helpers: binaryHelpers(p.op),
    inputs: { x: 'f32' }, outputs: { out: 'f32' }, uniforms: { total: 'u32', s: 'f32' }, workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i >= u.total) { return; }
  let ${p.scalarFirst ? 'b = x[i]; let a = u.s' : 'a = x[i]; let b = u.s'};
  out[i] = ${binaryOps[p.op].wgsl};`,
  }));

/** out = a (op) b with NumPy broadcasting. */
export function binary(op: BinaryOpName, a: Tensor, b: Tensor): Tensor {
  checkF32(op, a, b);
  const shape = broadcastShapes(a.shape, b.shape, op);
  if (shape.length > 8) throw new Error(`${op}: rank ${shape.length} is above the supported 8`);
  const out = Tensor.empty(shape, 'f32', a.device);
  const total = sizeOf(shape);
  if (a.device === 'cpu') {
    binaryCpu(binaryOps[op].cpu, a, b, out, shape);
  } else if (sameShape(a.shape, b.shape)) {
    binarySameKernel({ op }).run({ ina: a, inb: b, out }, { total }, grid1d(total, WG));
  } else {
    binaryBroadcastKernel({ op }).run(
      { ina: a, inb: b, out },
      { total, rank: shape.length, outShape: shape, aStrides: broadcastStrides(a.shape, shape), bStrides: broadcastStrides(b.shape, shape) },
      grid1d(total, WG),
    );
  }
  return out;
}

function binaryCpu(f: (a: number, b: number) => number, a: Tensor, b: Tensor, out: Tensor, shape: Shape): void {
  const as = a.storage.data, bs = b.storage.data, os = out.storage.data;
  const sa = broadcastStrides(a.shape, shape), sb = broadcastStrides(b.shape, shape);
  for (let i = 0; i < os.length; i++) {
    let rem = i, ia = 0, ib = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      ia += c * sa[d]!;
      ib += c * sb[d]!;
    }
    os[i] = f(as[ia]!, bs[ib]!);
  }
}

/** out = x (op) s, or s (op) x when `scalarFirst`; the scalar travels as a uniform. */
export function binaryScalar(op: BinaryOpName, x: Tensor, s: number, scalarFirst = false): Tensor {
  checkF32(op, x);
  const out = Tensor.empty(x.shape, 'f32', x.device);
  if (x.device === 'cpu') {
    const f = binaryOps[op].cpu, xs = x.storage.data, os = out.storage.data;
    for (let i = 0; i < xs.length; i++) os[i] = scalarFirst ? f(s, xs[i]!) : f(xs[i]!, s);
  } else {
    binaryScalarKernel({ op, scalarFirst }).run({ x, out }, { total: x.size, s }, grid1d(x.size, WG));
  }
  return out;
}
