// Data-movement kernels: broadcastTo, transpose, slice, pad (strided or bounded index maps) and concat.
// Thread mapping: for f32/i32 one thread copies a run of RUN elements along the last axis (coordinates decoded
// once per run); u8 tensors are packed four to a u32 word, so one thread assembles one output word from the four
// sources `src(o)` names (-1 = the fill value). Any dtype moves except in concat (f32, i32). Twins: layout.cpu.ts.

import { broadcastShapes, broadcastStrides, fmtShape, sameShape, stridesOf, type DType, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { FLAT_ID, flatThread, grid1d, kernel, variants, WG } from './kernel.js';
import { boundedCpu, copyIntoCpu, stridedCpu } from './layout.cpu.js';

const MAX_RANK = 8;

/** The body shared by every index-map kernel: y[o] = x[src(o)], or the fill value where src(o) < 0. */
export function mapBody(dtype: DType): string {
  if (dtype === 'u8') {
    return `
  let w = ${FLAT_ID};
  if (w >= (u.total + 3u) / 4u) { return; }
  var word = 0u;
  for (var b = 0u; b < 4u; b++) {
    let o = 4u * w + b;
    if (o >= u.total) { break; }
    let s = src(o);
    var byte = u32(u.fill) & 0xffu;
    if (s >= 0) { byte = (x[u32(s) / 4u] >> ((u32(s) % 4u) * 8u)) & 0xffu; }
    word |= byte << (8u * b);
  }
  y[w] = word;`;
  }
  return `
${flatThread('o')}
  let s = src(o);
  if (s < 0) { y[o] = ${dtype === 'f32' ? 'u.fill' : 'i32(u.fill)'}; } else { y[o] = x[u32(s)]; }`;
}

export function checkRank(op: string, x: Tensor | Shape, name = 'x'): void {
  const shape = 'isTensor' in x ? x.shape : x;
  if (shape.length > MAX_RANK) throw new Error(`${op}: input '${name}' ${fmtShape(shape)} has rank ${shape.length}, above the supported ${MAX_RANK}`);
}

/** Elements one thread copies along the last axis in the strided and concat kernels. */
const RUN = 8;

/**
 * Merges adjacent axes that are contiguous in both layouts (stride[d] = stride[d+1] * shape[d+1]) and drops size-1
 * axes, so the kernels decode fewer coordinates; always keeps at least one axis.
 */
export function collapse(shape: Shape, strides: readonly number[]): { shape: number[]; strides: number[] } {
  const outS: number[] = [], outT: number[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const last = outS.length - 1;
    if (last >= 0 && outT[last] === strides[i]! * d) {
      outS[last]! *= d;
      outT[last] = strides[i]!;
    } else {
      outS.push(d);
      outT.push(strides[i]!);
    }
  });
  return outS.length ? { shape: outS, strides: outT } : { shape: [1], strides: [0] };
}

// Strided view: source = offset + sum_d coord_d * strides[d]. Covers transpose (permuted strides), slice (an offset)
// and broadcast (zero strides). The (u32) divisions that decode coordinates are scalar on CPU adapters, so f32/i32
// threads decode once and then copy a run of RUN outputs along the last axis by adding its stride.
const stridedKernel = variants((p: { dtype: DType }) =>
  kernel({
    name: `strided_${p.dtype}`, inputs: { x: p.dtype }, outputs: { y: p.dtype },
    uniforms: { total: 'u32', rank: 'u32', outShape: 'shape', strides: 'shape', offset: 'u32', fill: 'f32' }, workgroup: WG,
    helpers: `
fn src(o: u32) -> i32 { return i32(u.offset + stridedOffset(o, u.rank, u.outShape, u.strides)); }`,
    body: p.dtype === 'u8' ? mapBody('u8') : `
  let L = dim(u.outShape, u.rank - 1u);
  let runs = (L + ${RUN}u - 1u) / ${RUN}u;
  let t = ${FLAT_ID};
  if (t >= (u.total / L) * runs) { return; }
  let c0 = (t % runs) * ${RUN}u;
  let o0 = (t / runs) * L + c0;
  let s0 = u32(src(o0));
  let step = dim(u.strides, u.rank - 1u);
  for (var k = 0u; k < ${RUN}u && c0 + k < L; k++) { y[o0 + k] = x[s0 + k * step]; }`,
  }));

function strided(x: Tensor, outShape: Shape, strides: readonly number[], offset: number): Tensor {
  const y = Tensor.empty(outShape, x.dtype, x.device);
  const total = y.size;
  if (x.device === 'cpu') stridedCpu(x.storage.data, y.storage.data, outShape, strides, offset);
  else if (total > 0) {
    const c = collapse(outShape, strides);
    const L = c.shape[c.shape.length - 1]!;
    const threads = x.dtype === 'u8' ? Math.ceil(total / 4) : (total / L) * Math.ceil(L / RUN);
    stridedKernel({ dtype: x.dtype }).run(
      { x, y }, { total, rank: c.shape.length, outShape: c.shape, strides: c.strides, offset, fill: 0 }, grid1d(threads));
  }
  return y;
}

/** Copies x broadcast (NumPy rules) to `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const out = broadcastShapes(x.shape, shape, 'broadcastTo');
  if (!sameShape(out, shape)) throw new Error(`broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
  checkRank('broadcastTo', shape);
  return strided(x, shape, broadcastStrides(x.shape, shape), 0);
}

/** Validates a permutation of x's axes (default: reversed) and returns it with negative axes resolved. */
export function resolvePerm(shape: Shape, perm: readonly number[] | undefined): number[] {
  const rank = shape.length;
  if (!perm) return [...Array(rank).keys()].reverse();
  const p = perm.map((a) => (a < 0 ? a + rank : a));
  const ok = p.length === rank && p.every((a) => Number.isInteger(a) && a >= 0 && a < rank) && new Set(p).size === rank;
  if (!ok) throw new Error(`transpose: perm ${fmtShape(perm)} is not a permutation of the ${rank} axes of x ${fmtShape(shape)}`);
  return p;
}

/** y[i0, i1, ...] = x[...] with y's axis d being x's axis perm[d]. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkRank('transpose', x);
  const p = resolvePerm(x.shape, perm);
  const xs = stridesOf(x.shape);
  return strided(x, p.map((a) => x.shape[a]!), p.map((a) => xs[a]!), 0);
}

/** Resolves slice `size` (-1 = to the end) and checks the window lies inside x. */
export function resolveSlice(shape: Shape, begin: readonly number[], size: readonly number[]): number[] {
  const bad = (why: string): Error => new Error(`slice: begin ${fmtShape(begin)} and size ${fmtShape(size)} ${why} for x ${fmtShape(shape)}`);
  if (begin.length !== shape.length || size.length !== shape.length) throw bad(`must both have ${shape.length} entries (the rank of x)`);
  return shape.map((d, i) => {
    const b = begin[i]!, s = size[i] === -1 ? d - b : size[i]!;
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > d) throw bad(`leave the bounds on axis ${i}`);
    return s;
  });
}

/** The block of x starting at `begin` with extent `size` (-1 = to the end of that axis). */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  checkRank('slice', x);
  const out = resolveSlice(x.shape, begin, size);
  const xs = stridesOf(x.shape);
  return strided(x, out, xs, begin.reduce((acc, b, i) => acc + b * xs[i]!, 0));
}

// Bounded map: coordinate c of the output reads c - before[d] of the input when that lies inside, else the fill.
// f32/i32 threads decode the row once and then fill a run of RUN outputs along the last axis.
const PAD_SRC = `
fn src(o: u32) -> i32 {
  var rem = o;
  var s = 0u;
  var stride = 1u;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let n = dim(u.outShape, u32(d));
    let c = i32(rem % n) - i32(dim(u.before, u32(d)));
    rem = rem / n;
    let len = dim(u.inShape, u32(d));
    if (c < 0 || c >= i32(len)) { return -1; }
    s += u32(c) * stride;
    stride *= len;
  }
  return i32(s);
}`;

const padKernel = variants((p: { dtype: DType }) =>
  kernel({
    name: `pad_${p.dtype}`, inputs: { x: p.dtype }, outputs: { y: p.dtype },
    uniforms: { total: 'u32', rank: 'u32', outShape: 'shape', inShape: 'shape', before: 'shape', fill: 'f32' }, workgroup: WG,
    helpers: p.dtype === 'u8' ? PAD_SRC : undefined,
    body: p.dtype === 'u8' ? mapBody('u8') : `
  let last = u.rank - 1u;
  let L = dim(u.outShape, last);
  let runs = (L + ${RUN}u - 1u) / ${RUN}u;
  let t = ${FLAT_ID};
  if (t >= (u.total / L) * runs) { return; }
  let c0 = (t % runs) * ${RUN}u;
  var rem = t / runs;
  let o0 = rem * L + c0;
  let inLen = dim(u.inShape, last);
  var base = 0u;
  var stride = inLen;
  var inside = true;
  for (var d = i32(last) - 1; d >= 0; d--) {
    let n = dim(u.outShape, u32(d));
    let c = i32(rem % n) - i32(dim(u.before, u32(d)));
    rem = rem / n;
    let len = dim(u.inShape, u32(d));
    inside = inside && c >= 0 && c < i32(len);
    base += u32(max(c, 0)) * stride;
    stride *= len;
  }
  let fillV = ${p.dtype === 'f32' ? 'u.fill' : 'i32(u.fill)'};
  for (var k = 0u; k < ${RUN}u && c0 + k < L; k++) {
    let c = i32(c0 + k) - i32(dim(u.before, last));
    if (inside && c >= 0 && c < i32(inLen)) { y[o0 + k] = x[base + u32(c)]; } else { y[o0 + k] = fillV; }
  }`,
  }));

/** Checks `paddings` ([before, after] per axis of x, non-negative integers). */
export function resolvePad(shape: Shape, paddings: ReadonlyArray<readonly [number, number]>): number[] {
  if (paddings.length !== shape.length) {
    throw new Error(`pad: paddings has ${paddings.length} entries but x ${fmtShape(shape)} has rank ${shape.length}`);
  }
  return shape.map((d, i) => {
    const [b, a] = paddings[i]!;
    if (![b, a].every((v) => Number.isInteger(v) && v >= 0)) {
      throw new Error(`pad: paddings[${i}] = [${b}, ${a}] must be non-negative integers (x ${fmtShape(shape)})`);
    }
    return d + b + a;
  });
}

/** Constant padding: x surrounded by `value`, paddings[d] = [before, after] cells on axis d. */
export function pad(x: Tensor, paddings: ReadonlyArray<readonly [number, number]>, value = 0): Tensor {
  checkRank('pad', x);
  const outShape = resolvePad(x.shape, paddings);
  const ok = x.dtype === 'f32' || (Number.isInteger(value) && (x.dtype === 'i32' || (value >= 0 && value <= 255)));
  if (!ok) throw new Error(`pad: value ${value} does not fit a ${x.dtype} tensor (x ${fmtShape(x.shape)})`);
  const before = paddings.map((p) => p[0]);
  const y = Tensor.empty(outShape, x.dtype, x.device);
  if (x.device === 'cpu') boundedCpu(x.storage.data, y.storage.data, x.shape, outShape, before, value);
  else if (y.size > 0) {
    // A scalar is padded as [1] with no padding.
    const [o, i, b] = outShape.length ? [outShape, x.shape, before] : [[1], [1], [0]];
    const L = o[o.length - 1]!;
    const threads = x.dtype === 'u8' ? Math.ceil(y.size / 4) : (y.size / L) * Math.ceil(L / RUN);
    padKernel({ dtype: x.dtype }).run(
      { x, y }, { total: y.size, rank: o.length, outShape: o, inShape: i, before: b, fill: value }, grid1d(threads));
  }
  return y;
}

// Concat writes each input into its block of the output: one thread per run of RUN input elements along the
// last axis (contiguous in the output too), destination from the output's strides plus the block's offset.
const copyIntoKernel = variants((p: { dtype: 'f32' | 'i32' }) =>
  kernel({
    name: `copyInto_${p.dtype}`, inputs: { x: p.dtype }, outputs: { y: p.dtype },
    uniforms: { total: 'u32', rank: 'u32', xShape: 'shape', outStrides: 'shape', offset: 'u32' }, workgroup: WG,
    body: `
  let L = dim(u.xShape, u.rank - 1u);
  let runs = (L + ${RUN}u - 1u) / ${RUN}u;
  let t = ${FLAT_ID};
  if (t >= (u.total / L) * runs) { return; }
  let c0 = (t % runs) * ${RUN}u;
  let i0 = (t / runs) * L + c0;
  var rem = i0;
  var dst = u.offset;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let n = dim(u.xShape, u32(d));
    dst += (rem % n) * dim(u.outStrides, u32(d));
    rem = rem / n;
  }
  let step = dim(u.outStrides, u.rank - 1u);
  for (var k = 0u; k < ${RUN}u && c0 + k < L; k++) { y[dst + k * step] = x[i0 + k]; }`,
  }));

/** Output shape of concatenating `shapes` along `axis` (already normalised); throws naming the mismatch. */
export function concatShape(shapes: readonly Shape[], axis: number): number[] {
  const first = shapes[0]!;
  const out = [...first];
  for (const [k, s] of shapes.entries()) {
    if (k === 0) continue;
    const ok = s.length === first.length && s.every((d, i) => i === axis || d === first[i]);
    if (!ok) {
      throw new Error(`concat: input ${k} ${fmtShape(s)} does not match input 0 ${fmtShape(first)} outside axis ${axis}`);
    }
    out[axis]! += s[axis]!;
  }
  return out;
}

/** Joins tensors of one dtype along an existing axis. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0]!;
  checkRank('concat', first, 'xs[0]');
  const outShape = concatShape(xs.map((x) => x.shape), axis);
  const dtype = first.dtype;
  if (dtype === 'u8') throw new Error(`concat: u8 tensors are not supported (xs[0] ${fmtShape(first.shape)}); cast them first`);
  const y = Tensor.empty(outShape, dtype, first.device);
  const outStrides = stridesOf(outShape);
  let offset = 0;
  for (const x of xs) {
    if (x.device === 'cpu') copyIntoCpu(x.storage.data, y.storage.data, x.shape, outStrides, offset);
    else if (x.size > 0) {
      const c = collapse(x.shape, outStrides);
      const L = c.shape[c.shape.length - 1]!;
      copyIntoKernel({ dtype: dtype as 'f32' | 'i32' }).run(
        { x, y }, { total: x.size, rank: c.shape.length, xShape: c.shape, outStrides: c.strides, offset },
        grid1d((x.size / L) * Math.ceil(L / RUN), WG));
    }
    offset += x.shape[axis]! * outStrides[axis]!;
  }
  return y;
}
