// Index-driven kernels: gather along an axis (an index map, any dtype), its deterministic scatter-add gradient,
// and oneHot. x is viewed as [outer, D, inner] around the gather axis and the indices as a flat list of K.
// On 'cpu' an index outside [0, D) throws. On 'webgpu' it reads nothing (0 there) and is recorded in a fault
// buffer that comes back with the next readback (queue.ts's probes), which then throws naming the index and range.

import { gpu, onClose } from '../tensor/device.js';
import { addReadbackProbe, writeBuffer } from '../tensor/queue.js';
import { fmtShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { fill } from './fill.js';
import { FLAT_ID, flatThread, grid1d, kernel, variants, WG } from './kernel.js';
import { checkRank, mapBody } from './layout.js';
import type { DType } from '../tensor/shape.js';

const RUN = 8;
const NONE = 0x7fffffff;

/**
 * The first bad index since the last readback: [index, gather call serial]. The host remembers which call
 * (x shape, axis) each recent serial was, for the message.
 */
const faults = {
  buffer: null as GPUBuffer | null,
  armed: false,
  serial: 0,
  calls: new Map<number, string>(),
};
onClose(() => {
  faults.buffer = null;
  faults.armed = false;
  faults.calls.clear();
});
function faultBuffer(): GPUBuffer {
  if (!faults.buffer) {
    faults.buffer = gpu().device.createBuffer({ size: 8, usage: 0x80 | 0x4 | 0x8, label: 'gather faults' });
    writeBuffer(faults.buffer, 0, new Int32Array([NONE, 0]));
  }
  return faults.buffer;
}
addReadbackProbe({
  armed: () => faults.armed,
  buffer: faultBuffer,
  bytes: 8,
  inspect(data) {
    const [index, serial] = new Int32Array(data);
    faults.armed = false;
    const call = faults.calls.get(serial!);
    faults.calls.clear();
    if (index === NONE) return;
    writeBuffer(faultBuffer(), 0, new Int32Array([NONE, 0]));
    throw new Error(`gather: index ${index} is outside [0, ${call ?? '?'}; that gather gave 0 there ` +
      '(found on the GPU and reported at this readback)');
  },
});
// NOTE: threads of one dispatch may race to write different bad indices; each is a true fault, and the serial is
// the same for all of them, so the pair stays consistent enough to name the call.
const RECORD = `
  if (fault[0] == ${NONE}) { fault[0] = j; fault[1] = i32(u.serial); }`;

// f32/i32: one thread per run of RUN elements of a gathered row (contiguous in x and y), so the index and the
// coordinates are decoded once per run. u8 goes through the shared per-word index map.
const gatherKernel = variants((p: { dtype: DType }) =>
  kernel({
    name: `gather_${p.dtype}`, inputs: { x: p.dtype, idx: 'i32' }, outputs: { y: p.dtype, fault: 'i32' },
    uniforms: { total: 'u32', inner: 'u32', K: 'u32', D: 'u32', fill: 'f32', serial: 'u32' }, workgroup: WG,
    helpers: p.dtype !== 'u8' ? undefined : `
fn src(o: u32) -> i32 {
  let i = o % u.inner;
  let t = o / u.inner;
  let j = idx[t % u.K];
  if (j < 0 || j >= i32(u.D)) {${RECORD}
    return -1;
  }
  return i32(((t / u.K) * u.D + u32(j)) * u.inner + i);
}`,
    body: p.dtype === 'u8' ? mapBody('u8') : `
  let runs = (u.inner + ${RUN}u - 1u) / ${RUN}u;
  let t = ${FLAT_ID};
  if (t >= (u.total / u.inner) * runs) { return; }
  let c0 = (t % runs) * ${RUN}u;
  let row = t / runs;
  let o0 = row * u.inner + c0;
  let n = min(${RUN}u, u.inner - c0);
  let j = idx[row % u.K];
  if (j < 0 || j >= i32(u.D)) {${RECORD}
    for (var k = 0u; k < n; k++) { y[o0 + k] = ${p.dtype === 'f32' ? 'u.fill' : 'i32(u.fill)'}; }
    return;
  }
  let s0 = ((row / u.K) * u.D + u32(j)) * u.inner + c0;
  for (var k = 0u; k < n; k++) { y[o0 + k] = x[s0 + k]; }`,
  }));

interface GatherPlan {
  outer: number;
  D: number;
  inner: number;
  K: number;
  outShape: number[];
}

/** Output shape of gather: x.shape[:axis] + indices.shape + x.shape[axis+1:]; axis already normalised. */
export function gatherShape(xShape: Shape, indicesShape: Shape, axis: number): number[] {
  return [...xShape.slice(0, axis), ...indicesShape, ...xShape.slice(axis + 1)];
}

function plan(xShape: Shape, indicesShape: Shape, axis: number): GatherPlan {
  return {
    outer: sizeOf(xShape.slice(0, axis)), D: xShape[axis]!, inner: sizeOf(xShape.slice(axis + 1)), K: sizeOf(indicesShape),
    outShape: gatherShape(xShape, indicesShape, axis),
  };
}

function checkIndicesCpu(idx: Float64Array, D: number, xShape: Shape, axis: number): void {
  idx.forEach((j, k) => {
    if (!(j >= 0 && j < D)) throw new Error(`gather: index ${j} at position ${k} is outside [0, ${D}) for axis ${axis} of x ${fmtShape(xShape)}`);
  });
}

/** y = x taken at `indices` (i32) along `axis` (normalised). */
export function gather(x: Tensor, indices: Tensor, axis: number): Tensor {
  checkRank('gather', x);
  const p = plan(x.shape, indices.shape, axis);
  checkRank('gather', p.outShape, 'output');
  const y = Tensor.empty(p.outShape, x.dtype, x.device);
  if (x.device === 'cpu') {
    const xs = x.storage.data, is = indices.storage.data, ys = y.storage.data;
    checkIndicesCpu(is, p.D, x.shape, axis);
    for (let o = 0; o < ys.length; o++) {
      const i = o % p.inner, t = Math.floor(o / p.inner);
      ys[o] = xs[(Math.floor(t / p.K) * p.D + is[t % p.K]!) * p.inner + i]!;
    }
  } else if (y.size > 0) {
    const threads = x.dtype === 'u8' ? Math.ceil(y.size / 4) : (y.size / p.inner) * Math.ceil(p.inner / RUN);
    const serial = faults.serial = (faults.serial + 1) & 0x7fffffff;
    // Only the calls since the last readback can be named; a long readback-free run keeps the latest thousand.
    if (faults.calls.size >= 1024) faults.calls.delete(faults.calls.keys().next().value!);
    faults.calls.set(serial, `${p.D}) for axis ${axis} of x ${fmtShape(x.shape)}`);
    faults.armed = true;
    gatherKernel({ dtype: x.dtype }).run(
      { x, idx: indices, y, fault: { buffer: faultBuffer(), offset: 0, size: 8 } }, { total: y.size, inner: p.inner, K: p.K, D: p.D, fill: 0, serial }, grid1d(threads));
  }
  return y;
}

// Scatter-add without atomics, so the sum order is fixed (deterministic): pass 1 links every index position k to
// the next position holding the same index (a linked list per distinct index, in increasing k) and records the
// head of each list; pass 2 gives each dx element one thread that walks its list. Pass 1 costs O(K^2) compares.
const gatherLinksKernel = kernel({
  name: 'gatherLinks', inputs: { idx: 'i32' }, outputs: { head: 'i32', next: 'i32' }, uniforms: { K: 'u32', D: 'u32' }, workgroup: WG,
  body: `
${flatThread('k', 'u.K')}
  let j = idx[k];
  var nxt = -1;
  for (var k2 = k + 1u; k2 < u.K; k2++) {
    if (idx[k2] == j) { nxt = i32(k2); break; }
  }
  next[k] = nxt;
  if (j < 0 || j >= i32(u.D)) { return; }
  for (var k2 = 0u; k2 < k; k2++) {
    if (idx[k2] == j) { return; }
  }
  head[u32(j)] = i32(k);`,
});

const gatherGradKernel = kernel({
  name: 'gatherGrad', inputs: { dy: 'f32', head: 'i32', next: 'i32' }, outputs: { dx: 'f32' },
  uniforms: { total: 'u32', inner: 'u32', K: 'u32', D: 'u32' }, workgroup: WG,
  body: `
${flatThread('o')}
  let i = o % u.inner;
  let t = o / u.inner;
  let outer = t / u.D;
  var k = head[t % u.D];
  var acc = 0.0;
  while (k >= 0) {
    acc += dy[(outer * u.K + u32(k)) * u.inner + i];
    k = next[u32(k)];
  }
  dx[o] = acc;`,
});

/** Gradient of gather with respect to x: dy summed into the rows it was gathered from (in index order). */
export function gatherGrad(dy: Tensor, indices: Tensor, xShape: Shape, axis: number): Tensor {
  const p = plan(xShape, indices.shape, axis);
  const dx = Tensor.empty(xShape, 'f32', dy.device);
  if (dy.device === 'cpu') {
    const ds = dy.storage.data, is = indices.storage.data, out = dx.storage.data;
    checkIndicesCpu(is, p.D, xShape, axis);
    out.fill(0);
    for (let outer = 0; outer < p.outer; outer++) {
      for (let k = 0; k < p.K; k++) {
        for (let i = 0; i < p.inner; i++) out[(outer * p.D + is[k]!) * p.inner + i]! += ds[(outer * p.K + k) * p.inner + i]!;
      }
    }
    return dx;
  }
  const head = fill([Math.max(1, p.D)], -1, 'i32', 'webgpu');
  const next = Tensor.empty([Math.max(1, p.K)], 'i32', 'webgpu');
  gatherLinksKernel.run({ idx: indices, head, next }, { K: p.K, D: p.D }, grid1d(p.K));
  gatherGradKernel.run({ dy, head, next, dx }, { total: dx.size, inner: p.inner, K: p.K, D: p.D }, grid1d(dx.size));
  head.dispose();
  next.dispose();
  return dx;
}

const oneHotKernel = kernel({
  name: 'oneHot', inputs: { idx: 'i32' }, outputs: { y: 'f32' }, uniforms: { total: 'u32', depth: 'u32' }, workgroup: WG,
  body: `
${flatThread('o')}
  y[o] = select(0.0, 1.0, idx[o / u.depth] == i32(o % u.depth));`,
});

/** f32 [..., depth] with 1 at each index and 0 elsewhere; an index outside [0, depth) gives a row of zeros (as in TF). */
export function oneHot(indices: Tensor, depth: number): Tensor {
  const y = Tensor.empty([...indices.shape, depth], 'f32', indices.device);
  if (indices.device === 'cpu') {
    const is = indices.storage.data, ys = y.storage.data;
    for (let o = 0; o < ys.length; o++) ys[o] = is[Math.floor(o / depth)] === o % depth ? 1 : 0;
  } else oneHotKernel.run({ idx: indices, y }, { total: y.size, depth }, grid1d(y.size));
  return y;
}
