// 2-D max and average pooling over NHWC with Keras/TF 'valid' / 'same' geometry (convAxis: the odd padding cell
// goes after). Forward: one thread per output element. Backward: one thread per input element that gathers from
// every window covering it, so overlapping windows (strides < pool) need no atomics and sum in a fixed order; when
// the windows tile the input (the usual 2x2 / stride 2), max pooling's backward scatters one window per thread.
// With C % 4 == 0 a thread handles four channels through vec4 loads. CPU twins live in pool.cpu.ts.

import { convAxis, fmtShape, type Padding, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { kernel, variants, WG } from './kernel.js';
import { avgPoolBackwardCpu, avgPoolForwardCpu, maxPoolBackwardCpu, maxPoolForwardCpu } from './pool.cpu.js';

export interface Pool2dOptions {
  /** Window size, one number for both axes or [h, w]. */
  poolSize: number | readonly [number, number];
  /** Step between windows; defaults to poolSize (as Keras). */
  strides?: number | readonly [number, number];
  /** 'valid' (default) or 'same' (TF's rule: the extra padding cell goes at the bottom/right). */
  padding?: Padding;
}

/** Resolved pooling geometry of one call; padT/padL are the leading (top/left) pads. */
export interface PoolGeometry {
  N: number; H: number; W: number; C: number;
  OH: number; OW: number; KH: number; KW: number; SH: number; SW: number; padT: number; padL: number;
}

function pair(v: number | readonly [number, number], what: string, op: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${what} must be positive integers but got ${JSON.stringify(v)}`);
  }
  return p;
}

/** Validates a pooling call and returns its geometry; errors name the op and the shapes. */
export function poolGeometry(shape: Shape, o: Pool2dOptions, op: string): PoolGeometry {
  if (shape.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(shape)}`);
  const [KH, KW] = pair(o.poolSize, 'poolSize', op);
  const [SH, SW] = pair(o.strides ?? o.poolSize, 'strides', op);
  const padding = o.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') {
    throw new Error(`${op}: padding must be 'valid' or 'same' but got '${String(padding)}'`);
  }
  const [N, H, W, C] = shape as [number, number, number, number];
  const ah = convAxis(H, KH, SH, padding), aw = convAxis(W, KW, SW, padding);
  if (ah.out <= 0 || aw.out <= 0) {
    throw new Error(
      `${op}: pool [${KH}, ${KW}] does not fit input ${fmtShape(shape)} with padding '${padding}' (output would be empty)`,
    );
  }
  return { N, H, W, C, OH: ah.out, OW: aw.out, KH, KW, SH, SW, padT: ah.padBefore, padL: aw.padBefore };
}

const UNIFORMS = {
  H: 'u32', W: 'u32', C: 'u32', OH: 'u32', OW: 'u32', KH: 'u32', KW: 'u32', SH: 'u32', SW: 'u32', padT: 'u32', padL: 'u32',
} as const;

interface Lanes {
  /** Value type, index type, bool type, and the NaN test for one thread's channel group. */
  T: string; A: string; B: string; nan: string;
  /** Loads the argmax group of output group `o`; writes `v` to group `i`. */
  loadArg: (o: string) => string;
  storeArg: (i: string, v: string) => string;
}

const SCALAR: Lanes = {
  T: 'f32', A: 'i32', B: 'bool', nan: 'isNan',
  loadArg: (o) => `argmax[${o}]`, storeArg: (i, v) => `argmax[${i}] = ${v};`,
};
// The vec4 path packs the four window-local indices into one u32, a byte each (so it needs KH * KW <= 255); the
// "no cell" index -1 becomes 255, which no window position matches. A quarter of the argmax traffic.
const VEC4: Lanes = {
  T: 'vec4<f32>', A: 'vec4<i32>', B: 'vec4<bool>', nan: 'isNan4',
  loadArg: (o) => `vec4<i32>((vec4<u32>(argmax[${o}]) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(0xffu))`,
  storeArg: (i, v) => `let packed = bitcast<vec4<u32>>(${v}) & vec4<u32>(0xffu);
  argmax[${i}] = packed.x | (packed.y << 8u) | (packed.z << 16u) | (packed.w << 24u);`,
};
/** Largest window the vec4 path's byte-packed argmax can index. */
const VEC4_MAX_WINDOW = 255;
const NAN4 = `fn isNan4(v: vec4<f32>) -> vec4<bool> {
  return (bitcast<vec4<u32>>(v) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u);
}`;

// Grid (x: ow * C + c, y: oh, z: n), so the position costs one integer division (slow on CPU adapters) instead
// of three. Decodes the output position, its flat index i, and the window origin (h0, w0), which may be negative.
const OUT_POS = `
  if (gid.x >= u.OW * u.C) { return; }
  let c = gid.x % u.C;
  let ow = gid.x / u.C;
  let oh = gid.y;
  let n = gid.z;
  let i = (n * u.OH + oh) * u.OW * u.C + gid.x;
  let h0 = i32(oh * u.SH) - i32(u.padT);
  let w0 = i32(ow * u.SW) - i32(u.padL);`;

// The cells of window (h0, w0) that lie inside the image, row-major: \`body\` sees kh, kw and the flat index cell.
const windowCells = (body: string): string => `
  for (var kh = 0; kh < i32(u.KH); kh++) {
    let h = h0 + kh;
    if (h < 0 || h >= i32(u.H)) { continue; }
    for (var kw = 0; kw < i32(u.KW); kw++) {
      let w = w0 + kw;
      if (w < 0 || w >= i32(u.W)) { continue; }
      let cell = ((n * u.H + u32(h)) * u.W + u32(w)) * u.C + c;
      ${body}
    }
  }`;

// Grid (x: w * C + c, y: h, z: n). Decodes the input position, its flat index i, and the range of windows
// [ohLo, ohHi] x [owLo, owHi] that cover it: window oh covers padded rows [oh*SH, oh*SH + KH), so
// oh >= ceil((hp - KH + 1) / SH) and oh <= hp / SH.
const IN_POS = `
  if (gid.x >= u.W * u.C) { return; }
  let c = gid.x % u.C;
  let wp = i32(gid.x / u.C) + i32(u.padL);
  let hp = i32(gid.y) + i32(u.padT);
  let n = gid.z;
  let i = (n * u.H + gid.y) * u.W * u.C + gid.x;
  let KH = i32(u.KH); let KW = i32(u.KW); let SH = i32(u.SH); let SW = i32(u.SW);
  let ohLo = select(0, (hp - KH + SH) / SH, hp >= KH);
  let ohHi = min(i32(u.OH) - 1, hp / SH);
  let owLo = select(0, (wp - KW + SW) / SW, wp >= KW);
  let owHi = min(i32(u.OW) - 1, wp / SW);`;

// Number of real (unpadded) cells in window (oh, ow): the divisor of average pooling.
const AVG_COUNT = `
fn windowCount(oh: i32, ow: i32) -> f32 {
  let h0 = oh * i32(u.SH) - i32(u.padT);
  let w0 = ow * i32(u.SW) - i32(u.padL);
  let hs = max(h0, 0); let he = min(h0 + i32(u.KH), i32(u.H));
  let ws = max(w0, 0); let we = min(w0 + i32(u.KW), i32(u.W));
  return f32((he - hs) * (we - ws));
}`;

const maxForwardKernel = variants((p: { vec4: boolean; withArg: boolean }) => {
  const L = p.vec4 ? VEC4 : SCALAR;
  return kernel({
    name: `maxPool2d${p.vec4 ? '_vec4' : ''}${p.withArg ? '_arg' : ''}`,
    inputs: { x: p.vec4 ? 'vec4f' : 'f32' },
    outputs: p.withArg ? { y: p.vec4 ? 'vec4f' : 'f32', argmax: p.vec4 ? 'u32' : 'i32' } : { y: p.vec4 ? 'vec4f' : 'f32' },
    uniforms: UNIFORMS, workgroup: WG, helpers: p.vec4 ? NAN4 : undefined,
    body: `
  // Ties keep the first cell in row-major window order (strict >); a NaN wins and the first NaN is kept.${OUT_POS}
  var best = ${L.T}(-posInf());
  var arg = ${L.A}(-1);
  var first = true;
${windowCells(`let v = x[cell];
      let take = ${L.B}(first) | (v > best) | (${L.nan}(v) & !${L.nan}(best));
      best = select(best, v, take);
      arg = select(arg, ${L.A}(kh * i32(u.KW) + kw), take);
      first = false;`)}
  y[i] = best;
  ${p.withArg ? L.storeArg('i', 'arg') : ''}`,
  });
});

// The gather form: dx[cell] = sum of dy over the windows whose saved argmax is this cell. When the windows tile the
// input (stride == pool, every cell inside one window), the scatter form instead gives each window one thread that
// reads its dy and argmax once and writes all its cells (dy at the argmax, 0 elsewhere), with no window search.
const maxBackwardKernel = variants((p: { vec4: boolean; tiled: boolean }) => {
  const L = p.vec4 ? VEC4 : SCALAR;
  const gather = `${IN_POS}
  var acc = ${L.T}(0.0);
  for (var oh = ohLo; oh <= ohHi; oh++) {
    for (var ow = owLo; ow <= owHi; ow++) {
      let o = ((n * u.OH + u32(oh)) * u.OW + u32(ow)) * u.C + c;
      let local = (hp - oh * SH) * KW + (wp - ow * SW);
      acc += select(${L.T}(0.0), dy[o], ${L.loadArg('o')} == ${L.A}(local));
    }
  }
  dx[i] = acc;`;
  const scatter = `${OUT_POS}
  let g = dy[i];
  let arg = ${L.loadArg('i')};
${windowCells(`dx[cell] = select(${L.T}(0.0), g, arg == ${L.A}(kh * i32(u.KW) + kw));`)}`;
  return kernel({
    name: `maxPool2dGrad${p.tiled ? 'Tiled' : ''}${p.vec4 ? '_vec4' : ''}`,
    inputs: { dy: p.vec4 ? 'vec4f' : 'f32', argmax: p.vec4 ? 'u32' : 'i32' }, outputs: { dx: p.vec4 ? 'vec4f' : 'f32' },
    uniforms: UNIFORMS, workgroup: WG, body: p.tiled ? scatter : gather,
  });
});

/** Whether the windows tile the input: no overlap, no gaps, and every cell inside some window. */
const tiles = (g: PoolGeometry): boolean =>
  g.SH === g.KH && g.SW === g.KW && g.OH * g.KH - g.padT >= g.H && g.OW * g.KW - g.padL >= g.W;

const avgForwardKernel = variants((p: { vec4: boolean }) => {
  const T = p.vec4 ? 'vec4<f32>' : 'f32';
  return kernel({
    name: `avgPool2d${p.vec4 ? '_vec4' : ''}`,
    inputs: { x: p.vec4 ? 'vec4f' : 'f32' }, outputs: { y: p.vec4 ? 'vec4f' : 'f32' },
    uniforms: UNIFORMS, workgroup: WG, helpers: AVG_COUNT,
    body: `
  // Padded cells are left out of both the sum and the count (Keras/TF 'same' average pooling).${OUT_POS}
  var acc = ${T}(0.0);
  for (var h = max(h0, 0); h < min(h0 + i32(u.KH), i32(u.H)); h++) {
    for (var w = max(w0, 0); w < min(w0 + i32(u.KW), i32(u.W)); w++) {
      acc += x[((n * u.H + u32(h)) * u.W + u32(w)) * u.C + c];
    }
  }
  y[i] = acc / windowCount(i32(oh), i32(ow));`,
  });
});

const avgBackwardKernel = variants((p: { vec4: boolean }) => {
  const T = p.vec4 ? 'vec4<f32>' : 'f32';
  return kernel({
    name: `avgPool2dGrad${p.vec4 ? '_vec4' : ''}`,
    inputs: { dy: p.vec4 ? 'vec4f' : 'f32' }, outputs: { dx: p.vec4 ? 'vec4f' : 'f32' },
    uniforms: UNIFORMS, workgroup: WG, helpers: AVG_COUNT,
    body: `
  // Each covering window hands this cell its dy divided by the window's count of real cells.${IN_POS}
  var acc = ${T}(0.0);
  for (var oh = ohLo; oh <= ohHi; oh++) {
    for (var ow = owLo; ow <= owHi; ow++) {
      acc += dy[((n * u.OH + u32(oh)) * u.OW + u32(ow)) * u.C + c] / windowCount(oh, ow);
    }
  }
  dx[i] = acc;`,
  });
});

/** Workgroups for a (row elements, rows, images) grid. */
const grid = (rowElems: number, rows: number, images: number): [number, number, number] => [Math.ceil(rowElems / WG), rows, images];

function uniforms(g: PoolGeometry, groups: number) {
  return { H: g.H, W: g.W, C: groups, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW, SH: g.SH, SW: g.SW, padT: g.padT, padL: g.padL };
}

/** Whether a call takes the four-channel path (C % 4 == 0, and windows small enough for the packed argmax). */
const useVec4 = (g: PoolGeometry): boolean => g.C % 4 === 0 && g.KH * g.KW <= VEC4_MAX_WINDOW;

/**
 * Max pooling; with `withArgmax` also the window-local index (kh * KW + kw) of each output's maximum, for
 * maxPool2dBackward on the same device. NOTE: its layout is private to the device: one i32 per output on the CPU
 * and for the scalar GPU path, four bytes packed per channel group on the vec4 GPU path.
 */
export function maxPool2dForward(x: Tensor, o: Pool2dOptions, withArgmax: boolean): { y: Tensor; argmax: Tensor | null } {
  const g = poolGeometry(x.shape, o, 'maxPool2d');
  const outShape = [g.N, g.OH, g.OW, g.C];
  const y = Tensor.empty(outShape, 'f32', x.device);
  const vec4 = x.device === 'webgpu' && useVec4(g), groups = vec4 ? g.C / 4 : g.C;
  const argmax = withArgmax ? Tensor.empty([g.N, g.OH, g.OW, groups], 'i32', x.device) : null;
  if (x.device === 'cpu') {
    maxPoolForwardCpu(x.storage.data, y.storage.data, argmax?.storage.data ?? null, g);
  } else {
    const k = maxForwardKernel({ vec4, withArg: withArgmax });
    k.run(argmax ? { x, y, argmax } : { x, y }, uniforms(g, groups), grid(g.OW * groups, g.OH, g.N));
  }
  return { y, argmax };
}

/** Gradient of max pooling: dy routed to the saved argmax of each window. */
export function maxPool2dBackward(dy: Tensor, argmax: Tensor, xShape: Shape, o: Pool2dOptions): Tensor {
  const g = poolGeometry(xShape, o, 'maxPool2d');
  const dx = Tensor.empty(xShape, 'f32', dy.device);
  if (dy.device === 'cpu') {
    maxPoolBackwardCpu(dy.storage.data, argmax.storage.data, dx.storage.data, g);
  } else {
    const vec4 = useVec4(g), groups = vec4 ? g.C / 4 : g.C;
    const tiled = tiles(g);
    const k = maxBackwardKernel({ vec4, tiled });
    k.run({ dy, argmax, dx }, uniforms(g, groups), tiled ? grid(g.OW * groups, g.OH, g.N) : grid(g.W * groups, g.H, g.N));
  }
  return dx;
}

/** Average pooling; 'same' padding leaves padded cells out of the count. */
export function avgPool2dForward(x: Tensor, o: Pool2dOptions): Tensor {
  const g = poolGeometry(x.shape, o, 'avgPool2d');
  const y = Tensor.empty([g.N, g.OH, g.OW, g.C], 'f32', x.device);
  if (x.device === 'cpu') {
    avgPoolForwardCpu(x.storage.data, y.storage.data, g);
  } else {
    const vec4 = g.C % 4 === 0, groups = vec4 ? g.C / 4 : g.C;
    avgForwardKernel({ vec4 }).run({ x, y }, uniforms(g, groups), grid(g.OW * groups, g.OH, g.N));
  }
  return y;
}

/** Gradient of average pooling: each window's dy spread evenly over its counted cells. */
export function avgPool2dBackward(dy: Tensor, xShape: Shape, o: Pool2dOptions): Tensor {
  const g = poolGeometry(xShape, o, 'avgPool2d');
  const dx = Tensor.empty(xShape, 'f32', dy.device);
  if (dy.device === 'cpu') {
    avgPoolBackwardCpu(dy.storage.data, dx.storage.data, g);
  } else {
    const vec4 = g.C % 4 === 0, groups = vec4 ? g.C / 4 : g.C;
    avgBackwardKernel({ vec4 }).run({ dy, dx }, uniforms(g, groups), grid(g.W * groups, g.H, g.N));
  }
  return dx;
}
