// Conv geometry shared by conv2d and depthwise: input checks, Keras output sizes and padding (convAxis), and the
// shape letters every conv kernel receives as uniforms.

import { convAxis, fmtShape, type Padding, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ConvShapeOptions {
  strides?: number | readonly [number, number];
  padding?: Padding;
  dilationRate?: number | readonly [number, number];
}

/** Every size a conv kernel needs; shape letters as in the WGSL uniforms. */
export interface ConvGeometry {
  N: number;
  H: number;
  W: number;
  C: number;
  KH: number;
  KW: number;
  /** Filters (output channels); the depth multiplier for depthwise. */
  K: number;
  OH: number;
  OW: number;
  SH: number;
  SW: number;
  DH: number;
  DW: number;
  padT: number;
  padL: number;
}

function pairOf(op: string, name: string, v: number | readonly [number, number] | undefined): [number, number] {
  const p: [number, number] = v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair of them but got ${JSON.stringify(v)}`);
  }
  return p;
}

/**
 * Validates x [N, H, W, C] against filters w [KH, KW, C, K] (depthwise: [KH, KW, C, M]) and returns the geometry.
 * Errors name the op, the input and the shapes.
 */
export function convGeometry(op: string, x: Shape, w: Shape, o: ConvShapeOptions): ConvGeometry {
  if (x.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(x)}`);
  if (w.length !== 4) {
    const layout = op.startsWith('depthwise') ? '[KH, KW, C, M]' : '[KH, KW, C, K]';
    throw new Error(`${op}: filter 'w' must be rank 4 (${layout}) but got ${fmtShape(w)}`);
  }
  const [N, H, W, C] = x as [number, number, number, number];
  const [KH, KW, WC, K] = w as [number, number, number, number];
  if (WC !== C) throw new Error(`${op}: input 'x' ${fmtShape(x)} has ${C} channels but filter 'w' ${fmtShape(w)} expects ${WC}`);
  const padding = o.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${op}: padding must be 'valid' or 'same' but got '${padding}'`);
  const [SH, SW] = pairOf(op, 'strides', o.strides);
  const [DH, DW] = pairOf(op, 'dilationRate', o.dilationRate);
  if (KH < 1 || KW < 1 || K < 1) throw new Error(`${op}: filter 'w' ${fmtShape(w)} has an empty dimension`);
  const h = convAxis(H, KH, SH, padding, DH), wd = convAxis(W, KW, SW, padding, DW);
  return { N, H, W, C, KH, KW, K, OH: h.out, OW: wd.out, SH, SW, DH, DW, padT: h.padBefore, padL: wd.padBefore };
}

export function checkF32(op: string, ts: Record<string, Tensor | undefined>): void {
  for (const [name, t] of Object.entries(ts)) {
    if (t && t.dtype !== 'f32') throw new Error(`${op}: input '${name}' must be f32 but got ${t.dtype} ${fmtShape(t.shape)}`);
  }
}

/** The geometry as uniforms (u32), in the order of CONV_UNIFORMS. */
export const CONV_UNIFORMS = {
  N: 'u32', H: 'u32', W: 'u32', C: 'u32', KH: 'u32', KW: 'u32', K: 'u32', OH: 'u32', OW: 'u32',
  SH: 'u32', SW: 'u32', DH: 'u32', DW: 'u32', padT: 'u32', padL: 'u32',
} as const;

export function convUniforms(g: ConvGeometry): Record<keyof typeof CONV_UNIFORMS, number> {
  const { N, H, W, C, KH, KW, K, OH, OW, SH, SW, DH, DW, padT, padL } = g;
  return { N, H, W, C, KH, KW, K, OH, OW, SH, SW, DH, DW, padT, padL };
}
