// Reductions over any set of axes: sum, mean, max, min, and argmax/argmin along one axis.
// Thread mapping: one thread per output element walks the reduced sub-block through input strides, so no
// transpose is needed. Long reductions with few outputs (bias gradients) split into partial sums first.

import { normalizeAxes, reducedShape, sizeOf, stridesOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';

/** Above this many reduced elements per output, and with few outputs, reduce in two passes. */
const SPLIT_ABOVE = 4096;
const SPLIT_CHUNK = 1024;

const INIT: Record<ReduceOp, string> = { sum: '0.0', mean: '0.0', max: '-posInf()', min: 'posInf()' };
// NOTE: max/min propagate NaN explicitly (WGSL max() with NaN is undefined).
const COMBINE: Record<ReduceOp, string> = {
  sum: 'acc + v', mean: 'acc + v',
  max: 'select(select(acc, v, v > acc), v, isNan(v))',
  min: 'select(select(acc, v, v < acc), v, isNan(v))',
};

interface Plan {
  outShape: number[];
  kept: number[];
  keptStrides: number[];
  red: number[];
  redStrides: number[];
  R: number;
}

function plan(shape: Shape, axes: readonly number[], keepDims: boolean): Plan {
  const strides = stridesOf(shape);
  const kept: number[] = [], keptStrides: number[] = [], red: number[] = [], redStrides: number[] = [];
  shape.forEach((d, i) => {
    const [dims, st] = axes.includes(i) ? [red, redStrides] : [kept, keptStrides];
    // Adjacent axes of one kind merge into one (row-major order is kept, so argmax indices do not change): a bias
    // gradient's N, H, W become one strided axis, indexed without integer divisions.
    if (i > 0 && axes.includes(i) === axes.includes(i - 1) && dims.length) {
      dims[dims.length - 1]! *= d;
      st[st.length - 1] = strides[i]!;
    } else {
      dims.push(d);
      st.push(strides[i]!);
    }
  });
  return { outShape: reducedShape(shape, axes, keepDims), kept, keptStrides, red, redStrides, R: sizeOf(red) };
}

const reduceKernel = variants((p: { op: ReduceOp; arg: boolean }) =>
  kernel({
    name: p.arg ? `reduceArg_${p.op}` : `reduce_${p.op}`,
    inputs: { x: 'f32' },
    outputs: { y: p.arg ? 'i32' : 'f32' },
    uniforms: {
      total: 'u32', keptRank: 'u32', kept: 'shape', keptStrides: 'shape',
      redRank: 'u32', red: 'shape', redStrides: 'shape', chunks: 'u32', count: 'u32', R: 'u32', scale: 'f32',
    },
    workgroup: WG,
    body: `
  // Thread t = (output o, chunk); a chunk covers reduced elements [chunk*count, (chunk+1)*count) below R.
${flatThread('t')}
  let chunks = max(1u, u.chunks);
  let o = t / chunks;
  let chunk = t % chunks;
  let base = stridedOffset(o, u.keptRank, u.kept, u.keptStrides);
  var acc: f32 = ${INIT[p.op]};
  var best: i32 = 0;
  let first = chunk * u.count;
  for (var r = first; r < min(first + u.count, u.R); r++) {
    var off = r * dim(u.redStrides, 0u);
    if (u.redRank > 1u) { off = stridedOffset(r, u.redRank, u.red, u.redStrides); }
    let v = x[base + off];
    ${p.arg ? `if (r == first || ${p.op === 'max' ? 'v > acc' : 'v < acc'} || (isNan(v) && !isNan(acc))) { acc = v; best = i32(r); }` : `acc = ${COMBINE[p.op]};`}
  }
  ${p.arg ? 'y[t] = best;' : 'y[t] = acc * u.scale;'}`,
  }));

function runReduce(op: ReduceOp, x: Tensor, pl: Plan, arg: boolean): Tensor {
  const outElems = sizeOf(pl.kept);
  const y = Tensor.empty(pl.outShape, arg ? 'i32' : 'f32', x.device);
  const scale = op === 'mean' ? 1 / Math.max(1, pl.R) : 1;
  if (x.device === 'cpu') {
    reduceCpu(op, x.storage.data, y.storage.data, pl, arg, scale);
    return y;
  }
  const base = { keptRank: pl.kept.length, kept: pl.kept, keptStrides: pl.keptStrides, redRank: pl.red.length, red: pl.red, redStrides: pl.redStrides };
  if (!arg && pl.R > SPLIT_ABOVE && outElems < 256 && pl.red.length <= 8) {
    // Pass 1: each (output, chunk) sums SPLIT_CHUNK elements; pass 2 combines the chunks of each output.
    const chunks = Math.ceil(pl.R / SPLIT_CHUNK);
    const partial = Tensor.empty([outElems, chunks], 'f32', x.device);
    const pass1Op = op === 'mean' ? 'sum' : op;
    reduceKernel({ op: pass1Op, arg }).run({ x, y: partial }, { ...base, total: outElems * chunks, chunks, count: SPLIT_CHUNK, R: pl.R, scale: 1 }, grid1d(outElems * chunks));
    reduceKernel({ op: pass1Op, arg }).run(
      { x: partial, y },
      { total: outElems, keptRank: 1, kept: [outElems], keptStrides: [chunks], redRank: 1, red: [chunks], redStrides: [1], chunks: 0, count: chunks, R: chunks, scale },
      grid1d(outElems),
    );
    partial.dispose();
    return y;
  }
  reduceKernel({ op, arg }).run({ x, y }, { ...base, total: outElems, chunks: 0, count: pl.R, R: pl.R, scale }, grid1d(outElems));
  return y;
}

function reduceCpu(op: ReduceOp, xs: Float64Array, ys: Float64Array, pl: Plan, arg: boolean, scale: number): void {
  for (let o = 0; o < ys.length; o++) {
    let rem = o, base = 0;
    for (let d = pl.kept.length - 1; d >= 0; d--) {
      base += (rem % pl.kept[d]!) * pl.keptStrides[d]!;
      rem = Math.floor(rem / pl.kept[d]!);
    }
    let acc = op === 'max' ? -Infinity : op === 'min' ? Infinity : 0;
    let best = 0;
    for (let r = 0; r < pl.R; r++) {
      let rr = r, off = base;
      for (let d = pl.red.length - 1; d >= 0; d--) {
        off += (rr % pl.red[d]!) * pl.redStrides[d]!;
        rr = Math.floor(rr / pl.red[d]!);
      }
      const v = xs[off]!;
      if (arg) {
        if (r === 0 || (op === 'max' ? v > acc : v < acc) || (Number.isNaN(v) && !Number.isNaN(acc))) {
          acc = v;
          best = r;
        }
      } else if (op === 'max') acc = Number.isNaN(v) || v > acc ? v : acc;
      else if (op === 'min') acc = Number.isNaN(v) || v < acc ? v : acc;
      else acc += v;
    }
    ys[o] = arg ? best : acc * scale;
  }
}

/** Reduces `axes` (all when omitted) with sum, mean, max or min. */
export function reduce(op: ReduceOp, x: Tensor, axes?: number | readonly number[] | null, keepDims = false): Tensor {
  if (x.dtype !== 'f32') throw new Error(`${op}: expects an f32 tensor but got ${x.dtype}`);
  const ax = normalizeAxes(axes, x.rank, op);
  if (x.rank > 8) throw new Error(`${op}: rank ${x.rank} is above the supported 8`);
  return runReduce(op, x, plan(x.shape, ax, keepDims), false);
}

/** Index (i32) of the largest / smallest value along one axis; ties and NaN resolve to the first occurrence. */
export function argReduce(op: 'max' | 'min', x: Tensor, axis: number, keepDims = false): Tensor {
  if (x.dtype !== 'f32') throw new Error(`arg${op}: expects an f32 tensor but got ${x.dtype}`);
  const ax = normalizeAxes(axis, x.rank, `arg${op}`);
  return runReduce(op, x, plan(x.shape, ax, keepDims), true);
}
