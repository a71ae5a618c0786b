// The conv family's one shape rule (conv2d and depthwise): input checks, Keras output sizes and padding
// (convAxis), the bias shape, and the shape letters every conv kernel receives as uniforms. The kernels and the
// autograd ops both call convRule, and the nn layers reach it through the ops' shape rules.

import { convAxis, fmtShape, type DType, type Padding, type Shape } from '../tensor/shape.js';
import { checkActivation, type Activation } from './activation.js';
import type { GemmTiles } from './gemm.js';

/** The options of every conv-family function: kernels, ops and (with a bias) the public API. */
export interface ConvOptions {
  /** [sh, sw] or one number for both; default 1. */
  strides?: number | readonly [number, number];
  /** Default 'valid' (Keras). 'same' puts the odd extra padding cell at the bottom/right, as TensorFlow does. */
  padding?: Padding;
  /** [dh, dw] or one number; default 1. */
  dilationRate?: number | readonly [number, number];
  /** Fused into the forward epilogue after the bias. */
  activation?: Activation;
  /** Tile override for the implicit-GEMM conv2d kernels (benches and tuning). */
  tiles?: GemmTiles;
}

/** Every size a conv2d kernel needs; shape letters as in the WGSL uniforms. */
export interface ConvGeometry {
  N: number;
  H: number;
  W: number;
  C: number;
  KH: number;
  KW: number;
  /** Filters (output channels). */
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

/** Depthwise geometry: the filter's last axis is the depth multiplier M, and there are C * M output channels. */
export type DepthwiseGeometry = Omit<ConvGeometry, 'K'> & { M: number };

/** Shape and dtype of a tensor or of a symbolic input (a Tensor is one). */
interface Meta {
  readonly shape: Shape;
  readonly dtype: DType;
}

function pairOf(op: string, name: string, v: number | readonly [number, number] | undefined): [number, number] {
  const p: [number, number] = v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair of them but got ${JSON.stringify(v)}`);
  }
  return p;
}

/**
 * Validates x [N, H, W, C] against filters w [KH, KW, C, K] (depthwise: [KH, KW, C, M]) and returns the geometry,
 * K holding M for depthwise. Errors name the op, the input and the shapes.
 */
export function convGeometry(op: string, x: Shape, w: Shape, o: ConvOptions): ConvGeometry {
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
  const axis = (size: number, k: number, s: number, d: number, name: string): { out: number; padBefore: number } => {
    const a = convAxis(size, k, s, padding, d);
    if (a.out < 1) {
      const reach = (k - 1) * d + 1;
      throw new Error(`${op}: kernel ${KH}x${KW} (dilation ${DH}x${DW}) spans ${reach} on the ${name} axis, larger than the input's ` +
        `${size} with padding '${padding}'; expected an input of at least ${reach} there (or padding 'same')`);
    }
    return a;
  };
  const h = axis(H, KH, SH, DH, 'height'), wd = axis(W, KW, SW, DW, 'width');
  return { N, H, W, C, KH, KW, K, OH: h.out, OW: wd.out, SH, SW, DH, DW, padT: h.padBefore, padL: wd.padBefore };
}

/** convGeometry for depthwise filters [KH, KW, C, M]. */
export function depthwiseGeometry(op: string, x: Shape, w: Shape, o: ConvOptions): DepthwiseGeometry {
  const { K, ...g } = convGeometry(op, x, w, o);
  return { ...g, M: K };
}

export function checkF32(op: string, ts: Record<string, Meta | undefined | null>): void {
  for (const [name, t] of Object.entries(ts)) {
    if (t && t.dtype !== 'f32') throw new Error(`${op}: input '${name}' must be f32 but got ${t.dtype} ${fmtShape(t.shape)}`);
  }
}

/**
 * The shape rule of a conv forward (conv2d, or depthwise when `depthwise`): dtypes, activation, geometry and the
 * bias shape, returning the geometry and the output shape [N, OH, OW, K] (depthwise: [N, OH, OW, C * M]).
 */
export function convRule(
  op: string, x: Meta, w: Meta, bias: Meta | undefined | null, o: ConvOptions, depthwise: boolean,
): { g: ConvGeometry; shape: number[] } {
  checkF32(op, { x, w, bias });
  checkActivation(op, o.activation ?? 'linear');
  const g = convGeometry(op, x.shape, w.shape, o);
  const channels = depthwise ? g.C * g.K : g.K;
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== channels)) {
    throw new Error(`${op}: bias must have shape [${channels}] but got ${fmtShape(bias.shape)}`);
  }
  return { g, shape: [g.N, g.OH, g.OW, channels] };
}

/** Throws naming the op unless dy has the conv's output shape. */
export function checkDy(op: string, dy: Meta, outShape: Shape): void {
  if (dy.shape.length !== outShape.length || dy.shape.some((d, i) => d !== outShape[i])) {
    throw new Error(`${op}: dy ${fmtShape(dy.shape)} does not match the output shape ${fmtShape(outShape)}`);
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

const { K: _filters, ...SPATIAL_UNIFORMS } = CONV_UNIFORMS;
/** The depthwise geometry as uniforms: CONV_UNIFORMS with the multiplier M in place of K. */
export const DEPTHWISE_UNIFORMS = { ...SPATIAL_UNIFORMS, M: 'u32' } as const;

export function depthwiseUniforms(g: DepthwiseGeometry): Record<keyof typeof DEPTHWISE_UNIFORMS, number> {
  const { K: _m, ...spatial } = convUniforms({ ...g, K: g.M });
  return { ...spatial, M: g.M };
}
