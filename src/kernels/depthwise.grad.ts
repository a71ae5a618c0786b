// Depthwise conv2d gradients. gradInput: each invocation computes TW input pixels along a row x 4 input channels,
// summing over the depth multiplier and the taps whose output pixel exists (oh*SH = ih + padT - kh*DH); unit
// strides skip the divisibility tests at compile time. gradFilter: the reduction runs over every output pixel and
// the output is tiny, so each invocation owns (4 output channels, one tap, one slice of output rows) and the
// slices are summed afterwards.

import { gpu } from '../tensor/device.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { DEPTHWISE_UNIFORMS, depthwiseUniforms, type DepthwiseGeometry } from './conv2d.geometry.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';
import { reduce } from './reduce.js';

/** Output pixels per invocation along a row. */
export const TW = 4;

/** WGSL reading 4 channels: a vec4 load when aligned, else 4 scalar loads at the lanes' clamped channel indices. */
export const read4 = (arr: string, vec: boolean, off: string, first: string, lanes: string): string =>
  vec ? `${arr}[(${off} + ${first}) / 4u]` : `vec4<f32>(${['x', 'y', 'z', 'w'].map((l) => `${arr}[${off} + ${lanes}.${l}]`).join(', ')})`;

const range = (n: number): number[] => [...Array(n).keys()];

interface InputVariant {
  /** M = 1 and C % 4 == 0: dy, w and dx are read and written as vec4. */
  vec: boolean;
  unitStride: boolean;
  /** Compile-time KW when SW = DW = 1: dy's row segment is loaded once per kh and reused by every kw. */
  segKW: number;
}

// Any stride/dilation: each (tap, pixel) pair finds its output pixel, if any, and loads dy there.
const strideTaps = (v: InputVariant): string => `      for (var kw = 0u; kw < u.KW; kw++) {
        let wv = ${read4('w', v.vec, '(kh * u.KW + kw) * OC', 'c0', 'ocs')};
        let twBase = i32(iw0 + u.padL) - i32(kw * u.DW);
${range(TW).map((p) => `        let tw${p} = twBase + ${p};
        let ow${p} = ${v.unitStride ? `tw${p}` : `tw${p} / i32(u.SW)`};
        if (tw${p} >= 0 && ow${p} < i32(u.OW)${v.unitStride ? '' : ` && tw${p} % i32(u.SW) == 0`}) {
          acc${p} += ${read4('dy', v.vec, `dyRow + u32(ow${p}) * OC`, 'c0', 'ocs')} * wv;
        }`).join('\n')}
      }`;

// Unit stride and dilation along W: pixel iw0 + p meets tap kw at ow = iw0 + p + padL - kw, so TW + KW - 1 loads of
// dy per kh serve all TW * KW pairs.
const segmentTaps = (KW: number, vec: boolean): string => `      let owBase = i32(iw0 + u.padL) - ${KW - 1};
${range(TW + KW - 1).map((j) => `      var ys${j} = vec4<f32>(0.0);
      if (owBase + ${j} >= 0 && owBase + ${j} < i32(u.OW)) { ys${j} = ${read4('dy', vec, `dyRow + u32(owBase + ${j}) * OC`, 'c0', 'ocs')}; }`).join('\n')}
${range(KW).map((kw) => `      let wv${kw} = ${read4('w', vec, `(kh * ${KW}u + ${kw}u) * OC`, 'c0', 'ocs')};
${range(TW).map((p) => `      acc${p} += ys${p + KW - 1 - kw} * wv${kw};`).join('\n')}`).join('\n')}`;

const gradInputKernel = variants((v: InputVariant) =>
  kernel({
    name: `depthwiseGradInput${v.segKW ? `_seg${v.segKW}` : ''}${v.vec ? '_vec' : ''}${v.unitStride ? '_s1' : ''}`,
    inputs: { dy: v.vec ? 'vec4f' : 'f32', w: v.vec ? 'vec4f' : 'f32' },
    outputs: { dx: v.vec ? 'vec4f' : 'f32' },
    uniforms: { total: 'u32', CB: 'u32', IWB: 'u32', ...DEPTHWISE_UNIFORMS },
    workgroup: WG,
    body: `
${flatThread('t')}
  let c0 = (t % u.CB) * 4u;
  let r = t / u.CB;
  let iw0 = (r % u.IWB) * ${TW}u;
  let ih = (r / u.IWB) % u.H;
  let n = r / (u.IWB * u.H);
  let OC = u.C * u.M;
  let cs = min(vec4<u32>(c0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(u.C - 1u));
${range(TW).map((p) => `  var acc${p} = vec4<f32>(0.0);`).join('\n')}
  for (var m = 0u; m < u.M; m++) {
    let ocs = cs * u.M + vec4<u32>(m);
    for (var kh = 0u; kh < u.KH; kh++) {
      let th = i32(ih + u.padT) - i32(kh * u.DH);
      ${v.unitStride ? 'let oh = th;' : 'let oh = th / i32(u.SH);\n      if (th < 0 || th % i32(u.SH) != 0) { continue; }'}
      if (oh < 0 || oh >= i32(u.OH)) { continue; }
      let dyRow = (n * u.OH + u32(oh)) * u.OW * OC;
${v.segKW ? segmentTaps(v.segKW, v.vec) : strideTaps(v)}
    }
  }
${range(TW).map((p) => `  if (iw0 + ${p}u < u.W) {
    let o = ((n * u.H + ih) * u.W + iw0 + ${p}u) * u.C + c0;
    ${v.vec ? `dx[o / 4u] = acc${p};` : `for (var i = 0u; i < 4u; i++) { if (c0 + i < u.C) { dx[o + i] = acc${p}[i]; } }`}
  }`).join('\n')}`,
  }));

/** Records dx [N, H, W, C] from dy [N, OH, OW, C*M] and w [KH, KW, C, M]. */
export function depthwiseGradInputGpu(dy: Tensor, w: Tensor, dx: Tensor, g: DepthwiseGeometry): void {
  const CB = Math.ceil(g.C / 4), IWB = Math.ceil(g.W / TW);
  const total = g.N * g.H * IWB * CB;
  if (total === 0) return;
  const seg = g.SW === 1 && g.DW === 1 && g.KW <= 7 ? g.KW : 0;
  const k = gradInputKernel({ vec: g.M === 1 && g.C % 4 === 0, unitStride: g.SH === 1 && g.SW === 1, segKW: seg });
  k.run({ dy, w, dx }, { total, CB, IWB, ...depthwiseUniforms(g) }, grid1d(total));
}

interface FilterVariant {
  /** M = 1 and C % 4 == 0: x is read as vec4. */
  xVec: boolean;
  /** C*M % 4 == 0: dy is read and the partial sums written as vec4. */
  ocVec: boolean;
}

const gradFilterKernel = variants((v: FilterVariant) =>
  kernel({
    name: `depthwiseGradFilter${v.xVec ? '_vecX' : ''}${v.ocVec ? '' : '_scalarOC'}`,
    inputs: { x: v.xVec ? 'vec4f' : 'f32', dy: v.ocVec ? 'vec4f' : 'f32' },
    outputs: { partial: v.ocVec ? 'vec4f' : 'f32' },
    uniforms: { total: 'u32', OCB: 'u32', rowsPerSlice: 'u32', ...DEPTHWISE_UNIFORMS },
    workgroup: WG,
    body: `
${flatThread('t')}
  let OC = u.C * u.M;
  let taps = u.KH * u.KW;
  let oc0 = (t % u.OCB) * 4u;
  let tap = (t / u.OCB) % taps;
  let slice = t / (u.OCB * taps);
  let ocs = min(vec4<u32>(oc0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(OC - 1u));
  let cs = ocs / u.M;
  let dh = (tap / u.KW) * u.DH;
  let dw = (tap % u.KW) * u.DW;
  var acc = vec4<f32>(0.0);
  let first = slice * u.rowsPerSlice;
  for (var row = first; row < min(first + u.rowsPerSlice, u.N * u.OH); row++) {
    let ih = i32((row % u.OH) * u.SH + dh) - i32(u.padT);
    if (ih < 0 || ih >= i32(u.H)) { continue; }
    let xRow = ((row / u.OH) * u.H + u32(ih)) * u.W * u.C;
    let dyRow = row * u.OW * OC;
    for (var ow = 0u; ow < u.OW; ow++) {
      let iw = i32(ow * u.SW + dw) - i32(u.padL);
      if (iw >= 0 && iw < i32(u.W)) {
        acc += ${read4('x', v.xVec, 'xRow + u32(iw) * u.C', 'oc0', 'cs')} * ${read4('dy', v.ocVec, 'dyRow + ow * OC', 'oc0', 'ocs')};
      }
    }
  }
  let o = (slice * taps + tap) * OC + oc0;
  ${v.ocVec ? 'partial[o / 4u] = acc;' : 'for (var i = 0u; i < 4u; i++) { if (oc0 + i < OC) { partial[o + i] = acc[i]; } }'}`,
  }));

/** dw [KH, KW, C, M] from x [N, H, W, C] and dy [N, OH, OW, C*M]. */
export function depthwiseGradFilterGpu(x: Tensor, dy: Tensor, wShape: Shape, g: DepthwiseGeometry): Tensor {
  const OC = g.C * g.M, OCB = Math.ceil(OC / 4), taps = g.KH * g.KW, rows = g.N * g.OH;
  // Enough slices to keep the device busy, each at least 4 output rows long.
  const target = gpu().info.isSoftware ? 4096 : 65536;
  const slices = Math.max(1, Math.min(Math.ceil(target / (OCB * taps)), Math.ceil(rows / 4)));
  const rowsPerSlice = Math.max(1, Math.ceil(rows / slices));
  const S = Math.max(1, Math.ceil(rows / rowsPerSlice));
  const partial = Tensor.empty(S > 1 ? [S, taps * OC] : wShape, 'f32', 'webgpu');
  const total = S * taps * OCB;
  const k = gradFilterKernel({ xVec: g.M === 1 && g.C % 4 === 0, ocVec: OC % 4 === 0 });
  k.run({ x, dy, partial }, { total, OCB, rowsPerSlice, ...depthwiseUniforms(g) }, grid1d(total));
  if (S === 1) return partial;
  const summed = reduce('sum', partial, [0]);
  partial.dispose();
  const dw = summed.view(wShape);
  summed.dispose();
  return dw;
}
