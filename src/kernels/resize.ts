// Bilinear resizing of NHWC images, TF2 convention (tf.image.resize / Keras Resizing 'bilinear', antialias off):
// half-pixel centres by default (src = (dst + 0.5) * in/out - 0.5), align-corners false, source coordinates
// clamped to the edge. Input f32, or packed u8 (raw uploaded images) with the value normalisation
// y = resized * scale + offset fused in. Forward: one thread per output pixel. Gradient: one thread per input
// pixel gathering from the outputs whose taps hit it (deterministic, no atomics).

import { fmtShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { kernel, pixelThread, variants } from './kernel.js';

export interface ResizeOptions {
  /** TF2 / Keras 3 default true; false is TF1's legacy src = dst * in/out. Align-corners is not offered. */
  halfPixelCenters?: boolean;
  /** Value normalisation fused into the kernel: y = resized * scale + offset (Keras Rescaling's names). */
  scale?: number;
  offset?: number;
}

/** Output shape [N, outH, outW, C]; throws naming the op on a bad input or size. */
export function resizeShape(shape: Shape, size: readonly [number, number], op = 'resizeBilinear'): number[] {
  if (shape.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(shape)}`);
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: size must be [outH, outW] positive integers but got ${JSON.stringify(size)}`);
  }
  if (shape[1] === 0 || shape[2] === 0) throw new Error(`${op}: input 'x' ${fmtShape(shape)} has an empty spatial axis`);
  return [shape[0]!, size[0], size[1], shape[3]!];
}

/** Source taps of output index o on one axis: rows lo and hi, weight t on hi (TF's compute_interpolation_weights). */
export function axisTaps(o: number, scale: number, inSize: number, halfPixel: boolean): { lo: number; hi: number; t: number } {
  const src = halfPixel ? (o + 0.5) * scale - 0.5 : o * scale;
  const f = Math.floor(src);
  return { lo: Math.max(f, 0), hi: Math.min(Math.ceil(src), inSize - 1), t: src - f };
}

const UNIFORMS = {
  H: 'u32', W: 'u32', C: 'u32', OH: 'u32', OW: 'u32', scaleH: 'f32', scaleW: 'f32', mul: 'f32', add: 'f32',
} as const;

// NOTE: the taps are computed from the same f32 expression in the forward and the gradient, so the gradient is
// exactly the transpose of the forward the GPU ran.
const TAPS = (halfPixel: boolean) => `
struct Taps { lo: u32, hi: u32, t: f32 }
fn taps(o: u32, scale: f32, inSize: u32) -> Taps {
  let src = ${halfPixel ? '(f32(o) + 0.5) * scale - 0.5' : 'f32(o) * scale'};
  let f = floor(src);
  return Taps(u32(max(i32(f), 0)), u32(min(i32(ceil(src)), i32(inSize) - 1)), src - f);
}`;

const forwardKernel = variants((p: { halfPixel: boolean; u8: boolean }) =>
  kernel({
    name: `resizeBilinear${p.u8 ? '_u8' : ''}${p.halfPixel ? '' : '_legacy'}`,
    inputs: { x: p.u8 ? 'u8' : 'f32' }, outputs: { y: 'f32' }, uniforms: UNIFORMS, workgroup: [8, 8, 1],
    helpers: `${TAPS(p.halfPixel)}
fn load(i: u32) -> f32 { return ${p.u8 ? 'f32((x[i / 4u] >> ((i % 4u) * 8u)) & 0xffu)' : 'x[i]'}; }`,
    body: `
  // One thread per output pixel (grid x, y, image: no integer division); the taps are shared by its channels.
${pixelThread('ox', 'oy', 'u.OW', 'u.OH')}
  let ty = taps(oy, u.scaleH, u.H);
  let tx = taps(ox, u.scaleW, u.W);
  let row0 = (n * u.H + ty.lo) * u.W;
  let row1 = (n * u.H + ty.hi) * u.W;
  for (var c = 0u; c < u.C; c++) {
    let a = load((row0 + tx.lo) * u.C + c);
    let b = load((row0 + tx.hi) * u.C + c);
    let d = load((row1 + tx.lo) * u.C + c);
    let e = load((row1 + tx.hi) * u.C + c);
    let top = a + (b - a) * tx.t;
    let bottom = d + (e - d) * tx.t;
    y[i * u.C + c] = (top + (bottom - top) * ty.t) * u.mul + u.add;
  }`,
  }));

const gradKernel = variants((p: { halfPixel: boolean }) =>
  kernel({
    name: `resizeBilinearGrad${p.halfPixel ? '' : '_legacy'}`,
    inputs: { dy: 'f32' }, outputs: { dx: 'f32' }, uniforms: UNIFORMS, workgroup: [8, 8, 1],
    helpers: `${TAPS(p.halfPixel)}
// Weight of input row h in output row o's interpolation (both taps may be h at a clamped edge).
fn weight(tp: Taps, h: u32) -> f32 { return select(0.0, 1.0 - tp.t, tp.lo == h) + select(0.0, tp.t, tp.hi == h); }
// Candidate outputs whose source coordinate lies within one input cell of h, widened by one for f32 rounding.
fn first(h: u32, scale: f32) -> u32 {
  let s = ${p.halfPixel ? '(f32(h) - 0.5) / scale - 0.5' : '(f32(h) - 1.0) / scale'};
  return u32(max(i32(floor(s)) - 1, 0));
}
fn last(h: u32, scale: f32, outSize: u32) -> u32 {
  let s = ${p.halfPixel ? '(f32(h) + 1.5) / scale - 0.5' : '(f32(h) + 1.0) / scale'};
  return u32(min(i32(ceil(s)) + 1, i32(outSize) - 1));
}`,
    body: `
  // One thread per input pixel; the tap weights are shared by its channels.
${pixelThread('w', 'h', 'u.W', 'u.H')}
  let oy1 = last(h, u.scaleH, u.OH);
  let ox0 = first(w, u.scaleW);
  let ox1 = last(w, u.scaleW, u.OW);
  for (var c = 0u; c < u.C; c++) { dx[i * u.C + c] = 0.0; }
  for (var oy = first(h, u.scaleH); oy <= oy1; oy++) {
    let wy = weight(taps(oy, u.scaleH, u.H), h);
    if (wy == 0.0) { continue; }
    for (var ox = ox0; ox <= ox1; ox++) {
      let wxy = wy * weight(taps(ox, u.scaleW, u.W), w) * u.mul;
      if (wxy == 0.0) { continue; }
      let o = ((n * u.OH + oy) * u.OW + ox) * u.C;
      for (var c = 0u; c < u.C; c++) { dx[i * u.C + c] += wxy * dy[o + c]; }
    }
  }`,
  }));

interface Resolved {
  N: number; H: number; W: number; C: number; OH: number; OW: number;
  halfPixel: boolean; mul: number; add: number;
}

function resolve(xShape: Shape, size: readonly [number, number], o: ResizeOptions): Resolved {
  const [N, OH, OW, C] = resizeShape(xShape, size) as [number, number, number, number];
  const mul = o.scale ?? 1, add = o.offset ?? 0;
  if (!Number.isFinite(mul) || !Number.isFinite(add)) {
    throw new Error(`resizeBilinear: scale and offset must be finite but got ${mul}, ${add}`);
  }
  return { N, H: xShape[1]!, W: xShape[2]!, C, OH, OW, halfPixel: o.halfPixelCenters ?? true, mul, add };
}

const uniformsOf = (g: Resolved) => ({
  H: g.H, W: g.W, C: g.C, OH: g.OH, OW: g.OW, scaleH: g.H / g.OH, scaleW: g.W / g.OW, mul: g.mul, add: g.add,
});

type AxisTaps = ReturnType<typeof axisTaps>;

/** Calls fn(flat output index, n, c, row taps, column taps) for every output element in order (the CPU twins). */
function eachOutput(g: Resolved, fn: (i: number, n: number, c: number, ty: AxisTaps, tx: AxisTaps) => void): void {
  let i = 0;
  for (let n = 0; n < g.N; n++) {
    for (let oy = 0; oy < g.OH; oy++) {
      const ty = axisTaps(oy, g.H / g.OH, g.H, g.halfPixel);
      for (let ox = 0; ox < g.OW; ox++) {
        const tx = axisTaps(ox, g.W / g.OW, g.W, g.halfPixel);
        for (let c = 0; c < g.C; c++) fn(i++, n, c, ty, tx);
      }
    }
  }
}

/** Resizes NHWC `x` (f32 or u8) to [outH, outW] bilinearly; returns f32 `resized * scale + offset`. */
export function resizeBilinearForward(x: Tensor, size: readonly [number, number], o: ResizeOptions = {}): Tensor {
  if (x.dtype === 'i32') throw new Error(`resizeBilinear: input 'x' must be f32 or u8 but got i32 ${fmtShape(x.shape)}`);
  const g = resolve(x.shape, size, o);
  const y = Tensor.empty([g.N, g.OH, g.OW, g.C], 'f32', x.device);
  if (x.device === 'cpu') {
    const xs = x.storage.data, ys = y.storage.data;
    const at = (n: number, h: number, w: number, c: number): number => xs[((n * g.H + h) * g.W + w) * g.C + c]!;
    eachOutput(g, (i, n, c, ty, tx) => {
      const top = at(n, ty.lo, tx.lo, c) + (at(n, ty.lo, tx.hi, c) - at(n, ty.lo, tx.lo, c)) * tx.t;
      const bottom = at(n, ty.hi, tx.lo, c) + (at(n, ty.hi, tx.hi, c) - at(n, ty.hi, tx.lo, c)) * tx.t;
      ys[i] = (top + (bottom - top) * ty.t) * g.mul + g.add;
    });
    return y;
  }
  const groups: [number, number, number] = [Math.ceil(g.OW / 8), Math.ceil(g.OH / 8), g.N];
  forwardKernel({ halfPixel: g.halfPixel, u8: x.dtype === 'u8' }).run({ x, y }, uniformsOf(g), groups);
  return y;
}

/** Gradient of resizeBilinearForward with respect to its (f32) input. */
export function resizeBilinearBackward(dy: Tensor, xShape: Shape, size: readonly [number, number], o: ResizeOptions = {}): Tensor {
  const g = resolve(xShape, size, o);
  const dx = Tensor.empty(xShape, 'f32', dy.device);
  if (dy.device === 'cpu') {
    // Scatter each output's dy to its four taps (the obvious form; the GPU gathers).
    const ds = dy.storage.data, xs = dx.storage.data;
    xs.fill(0);
    const add = (n: number, h: number, w: number, c: number, v: number): void => { xs[((n * g.H + h) * g.W + w) * g.C + c]! += v; };
    eachOutput(g, (i, n, c, ty, tx) => {
      const v = ds[i]! * g.mul;
      add(n, ty.lo, tx.lo, c, v * (1 - ty.t) * (1 - tx.t));
      add(n, ty.lo, tx.hi, c, v * (1 - ty.t) * tx.t);
      add(n, ty.hi, tx.lo, c, v * ty.t * (1 - tx.t));
      add(n, ty.hi, tx.hi, c, v * ty.t * tx.t);
    });
    return dx;
  }
  gradKernel({ halfPixel: g.halfPixel }).run({ dy, dx }, uniformsOf(g), [Math.ceil(g.W / 8), Math.ceil(g.H / 8), g.N]);
  return dx;
}
