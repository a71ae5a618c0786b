// Elementwise kernels built from the rows of elementwise.rows.ts: forward and derivative kernels, each with its
// Float64 CPU loop. Binary ops broadcast NumPy-style: one thread per output element, input offsets from broadcast
// strides; a binary derivative is shaped like the output and summed down to its input by the tape.

import { broadcastShapes, broadcastStrides, sameShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';
import { binaryOps, unaryOps, type BinaryOpName, type BinaryRow, type UnaryOpName, type UnaryRow } from './elementwise.rows.js';

export { binaryOps, unaryOps, type BinaryOpName, type BinaryRow, type UnaryOpName, type UnaryRow };

function binaryHelpers(op: BinaryOpName): string | undefined {
  return (binaryOps[op] as BinaryRow).helpers;
}

/**
 * A flat elementwise kernel: `out[i] = ew(ins[0][i], ...)`, where `ew` (declared in `fn`) computes one element.
 * The vec4 form (total divisible by 4) moves four elements per thread with 16-byte loads and stores and applies ew
 * lane by lane, so the scalar and vec4 kernels evaluate the same expression.
 */
export function laneKernel(name: string, ins: readonly string[], fn: string, vec4: boolean, o: { helpers?: string; scalarUniform?: boolean } = {}) {
  const T = vec4 ? 'vec4f' : 'f32';
  const loads = ins.map((n, k) => `  let v${k} = ${n}[i];`).join('\n');
  const call = (lane: string) => `ew(${ins.map((_, k) => `v${k}${lane}`).join(', ')})`;
  return kernel({
    name: `${name}${vec4 ? '_vec4' : ''}`,
    inputs: Object.fromEntries(ins.map((n) => [n, T])) as Record<string, 'f32' | 'vec4f'>,
    outputs: { out: T },
    uniforms: o.scalarUniform ? { total: 'u32', s: 'f32' } : { total: 'u32' },
    workgroup: WG, helpers: `${o.helpers ?? ''}\n${fn}`,
    body: `
${flatThread()}
${loads}
  out[i] = ${vec4 ? `vec4<f32>(${['.x', '.y', '.z', '.w'].map(call).join(', ')})` : call('')};`,
  });
}

/** Threads (one per element, or per four when the size allows) and the vec4 flag of a flat elementwise call. */
export function lanes(size: number): { vec4: boolean; total: number } {
  const vec4 = size % 4 === 0;
  return { vec4, total: vec4 ? size / 4 : size };
}

const unaryKernel = variants((p: { op: UnaryOpName; vec4: boolean }) =>
  laneKernel(`unary_${p.op}`, ['x'], `fn ew(a: f32) -> f32 { return ${unaryOps[p.op].wgsl}; }`, p.vec4));

const unaryGradKernel = variants((p: { op: UnaryOpName; vec4: boolean }) =>
  laneKernel(`unaryGrad_${p.op}`, ['x', 'dyIn'], `fn ew(a: f32, dy: f32) -> f32 {
  let y = ${unaryOps[p.op].wgsl};
  return ${unaryOps[p.op].grad};
}`, p.vec4));

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
    const { vec4, total } = lanes(x.size);
    unaryKernel({ op, vec4 }).run({ x, out: y }, { total }, grid1d(total));
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
    const { vec4, total } = lanes(x.size);
    unaryGradKernel({ op, vec4 }).run({ x, dyIn: dy, out: dx }, { total }, grid1d(total));
  }
  return dx;
}

const binarySameKernel = variants((p: { op: BinaryOpName; vec4: boolean }) =>
  laneKernel(`binary_${p.op}`, ['ina', 'inb'], `fn ew(a: f32, b: f32) -> f32 { return ${binaryOps[p.op].wgsl}; }`, p.vec4, { helpers: binaryHelpers(p.op) }));

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
${flatThread()}
${broadcastOffsets(['a', 'b'])}
  let a = ina[ia];
  let b = inb[ib];
  out[i] = ${binaryOps[p.op].wgsl};`,
  }));

// The scalar operand travels as the uniform u.s.
const scalarOperands = (scalarFirst: boolean): string => (scalarFirst ? 'let a = u.s; let b = x;' : 'let a = x; let b = u.s;');

const binaryScalarKernel = variants((p: { op: BinaryOpName; scalarFirst: boolean; vec4: boolean }) =>
  laneKernel(`binaryScalar_${p.op}${p.scalarFirst ? '_rev' : ''}`, ['x'], `fn ew(x: f32) -> f32 {
  ${scalarOperands(p.scalarFirst)}
  return ${binaryOps[p.op].wgsl};
}`, p.vec4, { helpers: binaryHelpers(p.op), scalarUniform: true }));

/** out = a (op) b with NumPy broadcasting. */
export function binary(op: BinaryOpName, a: Tensor, b: Tensor): Tensor {
  checkF32(op, a, b);
  const shape = broadcastShapes(a.shape, b.shape, op);
  if (shape.length > 8) throw new Error(`${op}: rank ${shape.length} is above the supported 8`);
  const out = Tensor.empty(shape, 'f32', a.device);
  const total = sizeOf(shape);
  if (a.device === 'cpu') {
    const f = binaryOps[op].cpu, os = out.storage.data;
    eachBroadcast(a, b, shape, (i, x, y) => (os[i] = f(x, y)));
  } else if (sameShape(a.shape, b.shape)) {
    const l = lanes(total);
    binarySameKernel({ op, vec4: l.vec4 }).run({ ina: a, inb: b, out }, { total: l.total }, grid1d(l.total));
  } else {
    binaryBroadcastKernel({ op }).run(
      { ina: a, inb: b, out },
      { total, rank: shape.length, outShape: shape, aStrides: broadcastStrides(a.shape, shape), bStrides: broadcastStrides(b.shape, shape) },
      grid1d(total),
    );
  }
  return out;
}

/** Calls fn(i, a at i, b at i) for every flat index i of the broadcast `shape`. */
function eachBroadcast(a: Tensor, b: Tensor, shape: Shape, fn: (i: number, a: number, b: number) => void): void {
  const as = a.storage.data, bs = b.storage.data, total = sizeOf(shape);
  const sa = broadcastStrides(a.shape, shape), sb = broadcastStrides(b.shape, shape);
  for (let i = 0; i < total; i++) {
    let rem = i, ia = 0, ib = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      ia += c * sa[d]!;
      ib += c * sb[d]!;
    }
    fn(i, as[ia]!, bs[ib]!);
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
    const { vec4, total } = lanes(x.size);
    binaryScalarKernel({ op, scalarFirst, vec4 }).run({ x, out }, { total, s }, grid1d(total));
  }
  return out;
}

const binaryGradKernel = variants((p: { op: BinaryOpName; side: 'a' | 'b' }) => {
  const row: BinaryRow = binaryOps[p.op];
  return kernel({
    name: `binaryGrad_${p.op}_${p.side}_broadcast`, helpers: row.helpers,
    inputs: { ina: 'f32', inb: 'f32', dyIn: 'f32' }, outputs: { dx: 'f32' },
    uniforms: { total: 'u32', rank: 'u32', outShape: 'shape', aStrides: 'shape', bStrides: 'shape' }, workgroup: WG,
    body: `
${flatThread()}
${broadcastOffsets(['a', 'b'])}
  let a = ina[ia];
  let b = inb[ib];
  let dy = dyIn[i];
  let y = ${row.wgsl};
  dx[i] = ${row.grad![p.side]};`,
  });
});

const binaryGradSameKernel = variants((p: { op: BinaryOpName; side: 'a' | 'b'; vec4: boolean }) => {
  const row: BinaryRow = binaryOps[p.op];
  return laneKernel(`binaryGrad_${p.op}_${p.side}`, ['ina', 'inb', 'dyIn'], `fn ew(a: f32, b: f32, dy: f32) -> f32 {
  let y = ${row.wgsl};
  return ${row.grad![p.side]};
}`, p.vec4, { helpers: row.helpers });
});

/** A derivative that reads only dy ('dy', '-dy'), or null when it needs the operands. */
function dyOnly(expr: string, dy: Tensor): Tensor | null {
  if (expr === 'dy') return dy.view(dy.shape);
  if (expr === '-dy') return unary('neg', dy);
  return null;
}

/** Whether a binary row's derivative with respect to either side reads the operands (so the op must save them). */
export function binaryGradReadsOperands(op: BinaryOpName): boolean {
  const g = (binaryOps[op] as BinaryRow).grad;
  return g !== null && ![g.a, g.b].every((e) => e === 'dy' || e === '-dy');
}

/** d(a op b)/d(side) * dy, shaped like the broadcast output dy (the tape sums it down to the input's shape). */
export function binaryGrad(op: BinaryOpName, side: 'a' | 'b', a: Tensor | undefined, b: Tensor | undefined, dy: Tensor): Tensor {
  const row: BinaryRow = binaryOps[op];
  if (!row.grad || !row.cpuGrad) throw new Error(`${op}: has no gradient`);
  const passed = dyOnly(row.grad[side], dy);
  if (passed) return passed;
  if (!a || !b) throw new Error(`${op}: the gradient for '${side}' needs both operands`);
  const shape = dy.shape;
  const dx = Tensor.empty(shape, 'f32', dy.device);
  if (dy.device === 'cpu') {
    const f = row.cpu, g = row.cpuGrad[side], ds = dy.storage.data, out = dx.storage.data;
    eachBroadcast(a, b, shape, (i, x, y) => (out[i] = g(x, y, f(x, y), ds[i]!)));
  } else {
    if (sameShape(a.shape, shape) && sameShape(b.shape, shape)) {
      const { vec4, total } = lanes(dy.size);
      binaryGradSameKernel({ op, side, vec4 }).run({ ina: a, inb: b, dyIn: dy, out: dx }, { total }, grid1d(total));
      return dx;
    }
    binaryGradKernel({ op, side }).run(
      { ina: a, inb: b, dyIn: dy, dx },
      { total: dy.size, rank: shape.length, outShape: shape, aStrides: broadcastStrides(a.shape, shape), bStrides: broadcastStrides(b.shape, shape) },
      grid1d(dy.size),
    );
  }
  return dx;
}

const binaryScalarGradKernel = variants((p: { op: BinaryOpName; scalarFirst: boolean; vec4: boolean }) => {
  const row: BinaryRow = binaryOps[p.op];
  return laneKernel(`binaryScalarGrad_${p.op}${p.scalarFirst ? '_rev' : ''}`, ['x', 'dyIn'], `fn ew(x: f32, dy: f32) -> f32 {
  ${scalarOperands(p.scalarFirst)}
  let y = ${row.wgsl};
  return ${row.grad![p.scalarFirst ? 'b' : 'a']};
}`, p.vec4, { helpers: row.helpers, scalarUniform: true });
});

/** d(x op s)/dx * dy, or d(s op x)/dx * dy when `scalarFirst`, from the same row as binaryGrad. */
export function binaryScalarGrad(op: BinaryOpName, x: Tensor, s: number, scalarFirst: boolean, dy: Tensor): Tensor {
  const row: BinaryRow = binaryOps[op];
  if (!row.grad || !row.cpuGrad) throw new Error(`${op}: has no gradient`);
  const side = scalarFirst ? 'b' : 'a';
  const passed = dyOnly(row.grad[side], dy);
  if (passed) return passed;
  const dx = Tensor.empty(x.shape, 'f32', x.device);
  if (x.device === 'cpu') {
    const f = row.cpu, g = row.cpuGrad[side], xs = x.storage.data, ds = dy.storage.data, out = dx.storage.data;
    for (let i = 0; i < xs.length; i++) {
      const [a, b] = scalarFirst ? [s, xs[i]!] : [xs[i]!, s];
      out[i] = g(a, b, f(a, b), ds[i]!);
    }
  } else {
    const { vec4, total } = lanes(x.size);
    binaryScalarGradKernel({ op, scalarFirst, vec4 }).run({ x, dyIn: dy, out: dx }, { total, s }, grid1d(total));
  }
  return dx;
}
