// GPU data augmentation, forward only: one per-image affine warp = Keras RandomRotation followed by
// RandomTranslation (the notebook's Sequential order), bilinear, with TF's fill modes (ImageProjectiveTransformV3,
// which Keras's layers run on): the sample point is mapped back inside by 'reflect' (Keras's default), 'wrap' or
// 'nearest'; with 'constant' a point outside [0, len - 1] takes fill_value outright. Keras's conventions
// (keras/src/layers/preprocessing/image_preprocessing: _compute_affine_matrix, _get_translation_matrix), with
// (x, y) = (column, row) pixel indices, y pointing down, centre c = ((W - 1) / 2, (H - 1) / 2):
//   out(p) = in(c + R(angle) (p - shift - c)),  R = [[cos, -sin], [sin, cos]]
// which rotates the picture counter-clockwise on screen for a positive angle and moves it right/down for a
// positive width/height shift. Keras interpolates twice (two layers); here the composed map is sampled once.
// Per-image draws come from the counter-based RNG at counters 3n, 3n+1, 3n+2 (angle, height shift, width shift),
// computed in the kernel, so nothing is uploaded per batch and the CPU twin draws the same numbers.
// Thread mapping: one thread per output pixel on an (x, y, image) grid, looping over channels (the coordinates are
// shared).

import { scalarValue, type Scalar } from '../tensor/capture.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor, tensor } from '../tensor/tensor.js';
import { kernel, pixelThread, variants } from './kernel.js';
import { RNG_WGSL, rand01, rngKey, seedKey } from './random.js';

/** Keras/TF fill modes: [abcd] extends as reflect dcba|abcd|dcba, wrap abcd|abcd|abcd, nearest aaaa|abcd|dddd. */
export type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';
const FILL_MODES: readonly FillMode[] = ['constant', 'reflect', 'wrap', 'nearest'];

function checkFillMode(op: string, m: FillMode | undefined): FillMode {
  const mode = m ?? 'constant';
  if (!FILL_MODES.includes(mode)) throw new Error(`${op}: fillMode must be one of ${FILL_MODES.join(', ')} but got '${mode as string}'`);
  return mode;
}

// TF's MapCoordinate (scipy's conventions) for one axis of length len, as WGSL and as its CPU twin. The
// integer casts in TF truncate toward zero, hence trunc().
const MAP_WGSL: Record<FillMode, string> = {
  constant: 'return v;',
  nearest: 'return clamp(v, 0.0, len - 1.0);',
  reflect: `
  var c = v;
  if (len <= 1.0) { return 0.0; }
  let sz2 = 2.0 * len;
  if (c < 0.0) {
    c = sz2 * trunc(-c / sz2) + c;
    c = select(-c - 1.0, c + sz2, c < -len);
  } else if (c > len - 1.0) {
    c -= sz2 * trunc(c / sz2);
    if (c >= len) { c = sz2 - c - 1.0; }
  }
  return clamp(c, 0.0, len - 1.0);`,
  wrap: `
  var c = v;
  if (len <= 1.0) { return 0.0; }
  let sz = len - 1.0;
  if (c < 0.0) { c += len * (trunc(-c / sz) + 1.0); } else if (c > len - 1.0) { c -= len * trunc(c / sz); }
  return clamp(c, 0.0, len - 1.0);`,
};

// NOTE: a point within BORDER_EPS pixels of the border counts as inside: cos(pi / 2) is -4e-8 in f32, and an exact
// right-angle rotation must not turn border pixels into fill.
const BORDER_EPS = 1e-3;

const clampTo = (v: number, len: number): number => Math.min(Math.max(v, 0), len - 1);
const MAP_CPU: Record<FillMode, (v: number, len: number) => number> = {
  constant: (v) => v,
  nearest: clampTo,
  reflect: (v, len) => {
    if (len <= 1) return 0;
    const sz2 = 2 * len;
    let c = v;
    if (c < 0) {
      c = sz2 * Math.trunc(-c / sz2) + c;
      c = c < -len ? c + sz2 : -c - 1;
    } else if (c > len - 1) {
      c -= sz2 * Math.trunc(c / sz2);
      if (c >= len) c = sz2 - c - 1;
    }
    return clampTo(c, len);
  },
  wrap: (v, len) => {
    if (len <= 1) return 0;
    const sz = len - 1;
    let c = v;
    if (c < 0) c += len * (Math.trunc(-c / sz) + 1);
    else if (c > len - 1) c -= len * Math.trunc(c / sz);
    return clampTo(c, len);
  },
};

/** A Keras factor: f means [-|f|, |f|]; [lower, upper] as given (lower <= upper). */
export type Factor = number | readonly [number, number];

export interface RandomAffineOptions {
  /** Keras RandomRotation(factor): angle uniform in [lower, upper] * 2pi; positive = counter-clockwise. */
  rotationFactor?: Factor;
  /** Keras RandomTranslation height_factor: shift uniform in [lower, upper] * H pixels; positive = down. */
  heightFactor?: Factor;
  /** Keras RandomTranslation width_factor: shift uniform in [lower, upper] * W pixels; positive = right. */
  widthFactor?: Factor;
  /** Value of output pixels that map outside the input (fill_mode 'constant'); default 0. */
  fillValue?: number;
  /** How points outside the input are filled; default 'constant' (Keras's layers default to 'reflect'). */
  fillMode?: FillMode;
  /** Seeds the draws; image n of a batch always gets the same draws for the same seed. */
  seed: Scalar;
}

/** Explicit per-image transforms: angles in radians (counter-clockwise), shifts in pixels (down, right). */
export interface AffineParams {
  angles: readonly number[];
  heightShifts: readonly number[];
  widthShifts: readonly number[];
  fillValue?: number;
  fillMode?: FillMode;
}

/** Resolves a factor to [lower, upper]; throws naming the option. */
export function factorRange(f: Factor | undefined, name: string): [number, number] {
  if (f === undefined) return [0, 0];
  const r: [number, number] = typeof f === 'number' ? [-Math.abs(f), Math.abs(f)] : [f[0], f[1]];
  if (!r.every(Number.isFinite) || r[0] > r[1]) {
    throw new Error(`randomAffine: ${name} must be a number or [lower, upper] but got ${JSON.stringify(f)}`);
  }
  return r;
}

/** One image's transform: angle in radians (counter-clockwise), shifts in pixels (down, right). */
export interface AffineDraw {
  angle: number;
  heightShift: number;
  widthShift: number;
}

/** The draws randomAffine makes for image n of an H x W batch (the host side of the kernel's RNG). */
export function affineDraws(n: number, H: number, W: number, o: RandomAffineOptions): AffineDraw {
  const key = rngKey(scalarValue(o.seed));
  const [r0, r1] = factorRange(o.rotationFactor, 'rotationFactor');
  const [h0, h1] = factorRange(o.heightFactor, 'heightFactor');
  const [w0, w1] = factorRange(o.widthFactor, 'widthFactor');
  return {
    angle: 2 * Math.PI * (r0 + (r1 - r0) * rand01(key, 3 * n)),
    heightShift: H * (h0 + (h1 - h0) * rand01(key, 3 * n + 1)),
    widthShift: W * (w0 + (w1 - w0) * rand01(key, 3 * n + 2)),
  };
}

/** Validates an augmentation input: rank 4 NHWC, f32 or u8. */
export function checkImages(op: string, shape: readonly number[], dtype: string): void {
  if (shape.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(shape)}`);
  if (dtype !== 'f32' && dtype !== 'u8') throw new Error(`${op}: input 'x' must be f32 or u8 but got ${dtype} ${fmtShape(shape)}`);
}

/** 8x8-pixel workgroups over (x, y, image): positions need no integer division. */
const imageGrid = (N: number, H: number, W: number): [number, number, number] => [Math.ceil(W / 8), Math.ceil(H / 8), N];

// Bilinear sample: the point is first mapped by the fill mode; taps outside the image read `fill` (they only get
// weight in 'constant' mode at the exact border).
const SAMPLE = (u8: boolean, mode: FillMode) => `
const BORDER_EPS = ${BORDER_EPS};
fn mapCoord(v: f32, len: f32) -> f32 {${MAP_WGSL[mode]}
}
fn load(i: u32) -> f32 { return ${u8 ? 'f32((x[i / 4u] >> ((i % 4u) * 8u)) & 0xffu)' : 'x[i]'}; }
fn tap(n: u32, yi: i32, xi: i32, c: u32) -> f32 {
  if (yi < 0 || xi < 0 || yi >= i32(u.H) || xi >= i32(u.W)) { return u.fill; }
  return load(((n * u.H + u32(yi)) * u.W + u32(xi)) * u.C + c);
}`;

const affineKernel = variants((p: { random: boolean; u8: boolean; mode: FillMode }) =>
  kernel({
    name: `affine${p.random ? 'Random' : 'Explicit'}${p.u8 ? '_u8' : ''}_${p.mode}`,
    inputs: p.random ? { x: p.u8 ? 'u8' : 'f32' } : { x: p.u8 ? 'u8' : 'f32', params: 'f32' },
    outputs: { y: 'f32' },
    uniforms: {
      H: 'u32', W: 'u32', C: 'u32', fill: 'f32', key: 'u32',
      rotLo: 'f32', rotHi: 'f32', hLo: 'f32', hHi: 'f32', wLo: 'f32', wHi: 'f32',
    },
    workgroup: [8, 8, 1],
    helpers: `${p.random ? RNG_WGSL : ''}${SAMPLE(p.u8, p.mode)}`,
    body: `
${pixelThread('px', 'py', 'u.W', 'u.H')}
  ${p.random ? `// rot* are radians, h*/w* pixels (factor ranges already scaled on the host).
  let angle = u.rotLo + (u.rotHi - u.rotLo) * rand01(u.key, 3u * n);
  let shiftY = u.hLo + (u.hHi - u.hLo) * rand01(u.key, 3u * n + 1u);
  let shiftX = u.wLo + (u.wHi - u.wLo) * rand01(u.key, 3u * n + 2u);` : `let angle = params[3u * n];
  let shiftY = params[3u * n + 1u];
  let shiftX = params[3u * n + 2u];`}
  let cx = 0.5 * f32(u.W - 1u);
  let cy = 0.5 * f32(u.H - 1u);
  let dx = f32(px) - shiftX - cx;
  let dy = f32(py) - shiftY - cy;
  let cs = cos(angle);
  let sn = sin(angle);
  let xm = mapCoord(cx + cs * dx - sn * dy, f32(u.W));
  let ym = mapCoord(cy + sn * dx + cs * dy, f32(u.H));
  let hi = vec2<f32>(f32(u.W - 1u), f32(u.H - 1u));
  if (xm < -BORDER_EPS || ym < -BORDER_EPS || xm > hi.x + BORDER_EPS || ym > hi.y + BORDER_EPS) {
    for (var c = 0u; c < u.C; c++) { y[i * u.C + c] = u.fill; }
    return;
  }
  let xs = clamp(xm, 0.0, hi.x);
  let ys = clamp(ym, 0.0, hi.y);
  let x0 = floor(xs);
  let y0 = floor(ys);
  let fx = xs - x0;
  let fy = ys - y0;
  let xi = i32(x0);
  let yi = i32(y0);
  for (var c = 0u; c < u.C; c++) {
    let top = mix(tap(n, yi, xi, c), tap(n, yi, xi + 1, c), fx);
    let bottom = mix(tap(n, yi + 1, xi, c), tap(n, yi + 1, xi + 1, c), fx);
    y[i * u.C + c] = mix(top, bottom, fy);
  }`,
  }));

function affineCpu(x: Tensor, y: Tensor, draw: (n: number) => AffineDraw, fill: number, mode: FillMode): void {
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const xs = x.storage.data, ys = y.storage.data;
  const tap = (n: number, yi: number, xi: number, c: number): number =>
    yi < 0 || xi < 0 || yi >= H || xi >= W ? fill : xs[((n * H + yi) * W + xi) * C + c]!;
  const cx = (W - 1) / 2, cy = (H - 1) / 2;
  for (let n = 0; n < N; n++) {
    const { angle, heightShift, widthShift } = draw(n);
    const cs = Math.cos(angle), sn = Math.sin(angle);
    for (let py = 0; py < H; py++) {
      for (let px = 0; px < W; px++) {
        const dx = px - widthShift - cx, dy = py - heightShift - cy;
        const mx = MAP_CPU[mode](cx + cs * dx - sn * dy, W), my = MAP_CPU[mode](cy + sn * dx + cs * dy, H);
        if (mx < -BORDER_EPS || my < -BORDER_EPS || mx > W - 1 + BORDER_EPS || my > H - 1 + BORDER_EPS) {
          for (let c = 0; c < C; c++) ys[((n * H + py) * W + px) * C + c] = fill;
          continue;
        }
        const sx = clampTo(mx, W), sy = clampTo(my, H);
        const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
        for (let c = 0; c < C; c++) {
          const top = tap(n, y0, x0, c) * (1 - fx) + tap(n, y0, x0 + 1, c) * fx;
          const bottom = tap(n, y0 + 1, x0, c) * (1 - fx) + tap(n, y0 + 1, x0 + 1, c) * fx;
          ys[((n * H + py) * W + px) * C + c] = top * (1 - fy) + bottom * fy;
        }
      }
    }
  }
}

/** The option ranges in radians and pixels for an H x W image; throws naming the op on bad options. */
function ranges(o: RandomAffineOptions, H: number, W: number) {
  if (!Number.isFinite(scalarValue(o.seed))) throw new Error(`randomAffine: seed must be a finite number but got ${scalarValue(o.seed)}`);
  if (!Number.isFinite(o.fillValue ?? 0)) throw new Error(`randomAffine: fillValue must be finite but got ${o.fillValue}`);
  const [r0, r1] = factorRange(o.rotationFactor, 'rotationFactor');
  const [h0, h1] = factorRange(o.heightFactor, 'heightFactor');
  const [w0, w1] = factorRange(o.widthFactor, 'widthFactor');
  return { rotLo: 2 * Math.PI * r0, rotHi: 2 * Math.PI * r1, hLo: H * h0, hHi: H * h1, wLo: W * w0, wHi: W * w1 };
}

/** Validates randomAffine's input and options (the op's shape rule calls it too). */
export function checkRandomAffine(shape: readonly number[], dtype: string, o: RandomAffineOptions): void {
  checkImages('randomAffine', shape, dtype);
  checkFillMode('randomAffine', o.fillMode);
  ranges(o, shape[1]!, shape[2]!);
}

/** Keras RandomRotation + RandomTranslation (constant fill, bilinear) with per-image draws from the seed. */
export function randomAffineForward(x: Tensor, o: RandomAffineOptions): Tensor {
  checkImages('randomAffine', x.shape, x.dtype);
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const r = ranges(o, H, W);
  const fill = o.fillValue ?? 0;
  const mode = checkFillMode('randomAffine', o.fillMode);
  const y = Tensor.empty(x.shape, 'f32', x.device);
  if (x.device === 'cpu') {
    affineCpu(x, y, (n) => affineDraws(n, H, W, o), fill, mode);
    return y;
  }
  affineKernel({ random: true, u8: x.dtype === 'u8', mode }).run({ x, y }, { H, W, C, fill, key: seedKey(o.seed), ...r }, imageGrid(N, H, W));
  return y;
}

/** The same warp with explicit per-image angle (radians) and shifts (pixels). */
export function affineTransformForward(x: Tensor, p: AffineParams): Tensor {
  checkImages('affineTransform', x.shape, x.dtype);
  const [N, H, W, C] = x.shape as [number, number, number, number];
  for (const [name, v] of Object.entries({ angles: p.angles, heightShifts: p.heightShifts, widthShifts: p.widthShifts })) {
    if (v.length !== N || !v.every(Number.isFinite)) {
      throw new Error(`affineTransform: '${name}' must hold ${N} finite numbers (one per image of ${fmtShape(x.shape)})`);
    }
  }
  const fill = p.fillValue ?? 0;
  const mode = checkFillMode('affineTransform', p.fillMode);
  if (!Number.isFinite(fill)) throw new Error(`affineTransform: fillValue must be finite but got ${fill}`);
  const y = Tensor.empty(x.shape, 'f32', x.device);
  if (x.device === 'cpu') {
    affineCpu(x, y, (n) => ({ angle: p.angles[n]!, heightShift: p.heightShifts[n]!, widthShift: p.widthShifts[n]! }), fill, mode);
    return y;
  }
  const host = new Float32Array(3 * N);
  for (let n = 0; n < N; n++) host.set([p.angles[n]!, p.heightShifts[n]!, p.widthShifts[n]!], 3 * n);
  const params = tensor(host, [N, 3], { dtype: 'f32', device: x.device });
  affineKernel({ random: false, u8: x.dtype === 'u8', mode }).run({ x, params, y }, {
    H, W, C, fill, key: 0, rotLo: 0, rotHi: 0, hLo: 0, hHi: 0, wLo: 0, wHi: 0,
  }, imageGrid(N, H, W));
  params.dispose();
  return y;
}
