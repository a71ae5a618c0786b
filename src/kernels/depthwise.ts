// Depthwise conv2d (NHWC, filters [KH, KW, C, M], output channel c*M + m as in TensorFlow): forward with fused bias +
// activation, the family functions for both gradients (kernels in depthwise.grad.ts), and the naive reference.
// Not GEMM-shaped (the reduction is only KH*KW long), so it is a blocked direct kernel: each invocation computes TW
// output pixels along a row (TH rows of them with unit strides) x 4 output channels (vec4 loads of w, and of x when
// M = 1 and C % 4 == 0). Thread mapping: channel blocks fastest, then pixel blocks, rows (or row blocks), images.
// Separable conv = this + a 1x1 conv2d.

import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { activationWgsl, type Activation } from './activation.js';
import {
  checkDy, checkF32, convRule, DEPTHWISE_UNIFORMS, depthwiseGeometry, depthwiseUniforms, type ConvOptions, type DepthwiseGeometry,
} from './conv2d.geometry.js';
import { depthwiseForwardCpu, depthwiseGradFilterCpu, depthwiseGradInputCpu } from './depthwise.cpu.js';
import { depthwiseGradFilterGpu, depthwiseGradInputGpu, read4, TW } from './depthwise.grad.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';

export type { ConvOptions };

interface Variant {
  /** Compile-time KW when SW = DW = 1: each kh loads one row segment that all kw taps reuse; 0 otherwise. */
  segKW: number;
  /**
   * Compile-time KH when also SH = DH = 1: each invocation computes TH rows, and every input row segment it loads
   * serves all the output rows and taps that read it (the filter sits in registers); 0 otherwise.
   */
  rowsKH: number;
  /** Output pixels per invocation along a row. */
  tw: number;
  /** Output rows per invocation of the row-block form (rowBlockShape); 0 otherwise. */
  th: number;
  /** M = 1 and C % 4 == 0: x is read as vec4. */
  xVec: boolean;
  /** C*M % 4 == 0: w, bias and y are read and written as vec4. */
  ocVec: boolean;
  bias: boolean;
  act: Activation;
}

const range = (n: number): number[] => [...Array(n).keys()];

// Any stride/dilation: each (tap, pixel) pair loads its own x.
const strideTaps = (v: Variant): string => `    for (var kw = 0u; kw < u.KW; kw++) {
      let wv = ${read4('w', v.ocVec, '(kh * u.KW + kw) * OC', 'oc0', 'ocs')};
      let iwBase = i32(ow0 * u.SW + kw * u.DW) - i32(u.padL);
${range(v.tw).map((p) => `      let iw${p} = iwBase + i32(${p}u * u.SW);
      if (iw${p} >= 0 && iw${p} < i32(u.W)) { acc${p} += ${read4('x', v.xVec, `xRow + u32(iw${p}) * u.C`, 'oc0', 'cs')} * wv; }`).join('\n')}
    }`;

// Unit stride and dilation along W: TW + KW - 1 loads of x per kh serve all TW * KW taps.
const segmentTaps = (v: Variant): string => {
  const KW = v.segKW;
  return `    let iwBase = i32(ow0) - i32(u.padL);
${range(v.tw + KW - 1).map((j) => `    var xs${j} = vec4<f32>(0.0);
    if (iwBase + ${j} >= 0 && iwBase + ${j} < i32(u.W)) { xs${j} = ${read4('x', v.xVec, `xRow + u32(iwBase + ${j}) * u.C`, 'oc0', 'cs')}; }`).join('\n')}
${range(KW).map((kw) => `    let wv${kw} = ${read4('w', v.ocVec, `(kh * ${KW}u + ${kw}u) * OC`, 'oc0', 'ocs')};
${range(v.tw).map((p) => `    acc${p} += xs${p + kw} * wv${kw};`).join('\n')}`).join('\n')}`;
};

// Unit strides and dilations: the TH + KH - 1 input rows of a TH x TW block are loaded once each (TW + KW - 1 pixels)
// and the KH x KW filter once, so a block costs (TH + KH - 1)(TW + KW - 1) + KH KW loads instead of TH KH (TW + 2KW - 1).
// lavapipe turns each load into per-lane scalar loads, so this, not the FMAs, sets the speed.
const rowBlock = (v: Variant): string => {
  const KH = v.rowsKH, KW = v.segKW, SEG = v.tw + KW - 1, TH = v.th;
  const lines: string[] = [];
  for (const kh of range(KH)) for (const kw of range(KW)) lines.push(`  let wv${kh}_${kw} = ${read4('w', v.ocVec, `${kh * KW + kw}u * OC`, 'oc0', 'ocs')};`);
  lines.push(`  let iwBase = i32(ow0) - i32(u.padL);`);
  for (const j of range(TH + KH - 1)) {
    lines.push(`  {`, `    let ih = i32(oh0) + ${j} - i32(u.padT);`, `    let rowIn = ih >= 0 && ih < i32(u.H);`);
    lines.push(`    let xRow = (n * u.H + u32(max(ih, 0))) * u.W * u.C;`);
    for (const q of range(SEG)) {
      lines.push(`    var xs${q} = vec4<f32>(0.0);`);
      lines.push(`    if (rowIn && iwBase + ${q} >= 0 && iwBase + ${q} < i32(u.W)) { xs${q} = ${read4('x', v.xVec, `xRow + u32(iwBase + ${q}) * u.C`, 'oc0', 'cs')}; }`);
    }
    for (const r of range(TH)) {
      const kh = j - r;
      if (kh < 0 || kh >= KH) continue;
      for (const kw of range(KW)) for (const p of range(v.tw)) lines.push(`    acc${r}_${p} += xs${p + kw} * wv${kh}_${kw};`);
    }
    lines.push(`  }`);
  }
  return lines.join('\n');
};

// Thread mapping: channel blocks fastest, then pixel blocks, rows (row blocks of TH in the row-block form), images.
const prologue = (v: Variant, rowBlocks: boolean): string => `
${flatThread('t')}
  let ocb = t % u.OCB;
  let r = t / u.OCB;
  let ow0 = (r % u.OWB) * ${v.tw}u;
  ${rowBlocks ? `let oh0 = ((r / u.OWB) % u.OHB) * ${v.th}u;` : 'let oh = (r / u.OWB) % u.OH;'}
  let n = r / (u.OWB * ${rowBlocks ? 'u.OHB' : 'u.OH'});
  let OC = u.C * u.M;
  let oc0 = ocb * 4u;
  let ocs = min(vec4<u32>(oc0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(OC - 1u));
  let cs = ocs / u.M;`;

/** + bias, activation, and the guarded store of output (row expression, pixel p) from accumulator `acc`. */
const store = (v: Variant, row: string, rowOk: string, p: number, acc: string): string => `  if (${rowOk}ow0 + ${p}u < u.OW) {
    let o = ((n * u.OH + ${row}) * u.OW + ow0 + ${p}u) * OC + oc0;
    let v = activate(${acc} + b);
    ${v.ocVec ? 'y[o / 4u] = v;' : 'for (var i = 0u; i < 4u; i++) { if (oc0 + i < OC) { y[o + i] = v[i]; } }'}
  }`;

const biasLine = (v: Variant): string =>
  `  ${v.bias ? 'let b = vec4<f32>(bias[ocs.x], bias[ocs.y], bias[ocs.z], bias[ocs.w]);' : 'let b = vec4<f32>(0.0);'}`;

const rowsBody = (v: Variant): string => `${prologue(v, true)}
${range(v.th).flatMap((r) => range(v.tw).map((p) => `  var acc${r}_${p} = vec4<f32>(0.0);`)).join('\n')}
${rowBlock(v)}
${biasLine(v)}
${range(v.th).flatMap((r) => range(v.tw).map((p) => store(v, `oh0 + ${r}u`, `oh0 + ${r}u < u.OH && `, p, `acc${r}_${p}`))).join('\n')}`;

const rowBody = (v: Variant): string => `${prologue(v, false)}
${range(v.tw).map((p) => `  var acc${p} = vec4<f32>(0.0);`).join('\n')}
  for (var kh = 0u; kh < u.KH; kh++) {
    let ih = i32(oh * u.SH + kh * u.DH) - i32(u.padT);
    if (ih < 0 || ih >= i32(u.H)) { continue; }
    let xRow = (n * u.H + u32(ih)) * u.W * u.C;
${v.segKW ? segmentTaps(v) : strideTaps(v)}
  }
${biasLine(v)}
${range(v.tw).map((p) => store(v, 'oh', '', p, `acc${p}`)).join('\n')}`;

const forwardKernel = variants((v: Variant) =>
  kernel({
    name: `depthwiseForward_tw${v.tw}${v.rowsKH ? `_rows${v.th}x${v.rowsKH}` : ''}${v.segKW ? `_seg${v.segKW}` : ''}${v.xVec ? '_vecX' : ''}${v.ocVec ? '' : '_scalarOC'}` +
      `${v.bias ? '_bias' : ''}_${v.act}`,
    inputs: { x: v.xVec ? 'vec4f' : 'f32', w: v.ocVec ? 'vec4f' : 'f32', ...(v.bias ? { bias: 'f32' as const } : {}) },
    outputs: { y: v.ocVec ? 'vec4f' : 'f32' },
    uniforms: { total: 'u32', OCB: 'u32', OWB: 'u32', OHB: 'u32', ...DEPTHWISE_UNIFORMS },
    workgroup: WG,
    helpers: activationWgsl(v.act),
    body: v.rowsKH ? rowsBody(v) : rowBody(v),
  }));

/**
 * The row-block form's TW x TH: the candidate with the fewest loads over the padded output, (TH + KH - 1)(TW + KW - 1)
 * + KH KW per block. Bigger blocks load less per pixel (8 x 8 ran 16x35x35x128 3x3 1.2-1.35x faster than 4 x 4 on
 * the Xeon) but waste more on small maps (a 9 x 9 map keeps 4 x 4).
 */
export function rowBlockShape(g: Pick<DepthwiseGeometry, 'OH' | 'OW' | 'KH' | 'KW'>): [number, number] {
  let best: [number, number] = [TW, 4], bestCost = Infinity;
  for (const [tw, th] of [[4, 4], [8, 4], [4, 8], [8, 8]] as const) {
    const blocks = Math.ceil(g.OW / tw) * Math.ceil(g.OH / th);
    const cost = blocks * ((th + g.KH - 1) * (tw + g.KW - 1) + g.KH * g.KW);
    if (cost < bestCost) [best, bestCost] = [[tw, th], cost];
  }
  return best;
}

/** y = activation(depthwiseConv2d(x, w) + bias) -> [N, OH, OW, C*M]. */
export function depthwiseConv2d(x: Tensor, w: Tensor, bias: Tensor | undefined, o: ConvOptions = {}): Tensor {
  const { shape } = convRule('depthwiseConv2d', x, w, bias, o, true);
  const g = depthwiseGeometry('depthwiseConv2d', x.shape, w.shape, o);
  const act = o.activation ?? 'linear';
  const OC = g.C * g.M;
  const y = Tensor.empty(shape, 'f32', x.device);
  if (x.device === 'cpu') {
    depthwiseForwardCpu(x.storage.data, w.storage.data, bias?.storage.data ?? null, y.storage.data, g, act);
    return y;
  }
  // Segment reuse unrolls KW (and the row blocks KH too): kept to common filter sizes so the variant count stays small.
  const seg = g.SW === 1 && g.DW === 1 && g.KW <= 7;
  // Up to 5 x 5: each invocation holds the whole filter in registers (measured on 3 x 3).
  const rows = seg && g.SH === 1 && g.DH === 1 && g.KH <= 5 && g.KW <= 5;
  const [tw, th] = rows ? rowBlockShape(g) : [TW, 0];
  const OCB = Math.ceil(OC / 4), OWB = Math.ceil(g.OW / tw), OHB = Math.ceil(g.OH / (rows ? th : 1));
  const total = g.N * (rows ? OHB : g.OH) * OWB * OCB;
  if (total === 0) return y;
  const k = forwardKernel({
    segKW: seg ? g.KW : 0, rowsKH: rows ? g.KH : 0, tw, th, xVec: g.M === 1 && g.C % 4 === 0, ocVec: OC % 4 === 0, bias: !!bias, act,
  });
  k.run({ x, w, y, bias }, { total, OCB, OWB, OHB, ...depthwiseUniforms(g) }, grid1d(total));
  return y;
}

const outShape = (g: DepthwiseGeometry): number[] => [g.N, g.OH, g.OW, g.C * g.M];

/** dx of depthwiseConv2d, shaped like x. */
export function depthwiseGradInput(dy: Tensor, w: Tensor, xShape: Shape, o: ConvOptions = {}): Tensor {
  checkF32('depthwiseGradInput', { dy, w });
  const g = depthwiseGeometry('depthwiseGradInput', xShape, w.shape, o);
  checkDy('depthwiseGradInput', dy, outShape(g));
  const dx = Tensor.empty(xShape, 'f32', dy.device);
  if (dy.device === 'cpu') depthwiseGradInputCpu(dy.storage.data, w.storage.data, dx.storage.data, g);
  else depthwiseGradInputGpu(dy, w, dx, g);
  return dx;
}

/** dw of depthwiseConv2d, shaped [KH, KW, C, M]. */
export function depthwiseGradFilter(x: Tensor, dy: Tensor, wShape: Shape, o: ConvOptions = {}): Tensor {
  checkF32('depthwiseGradFilter', { x, dy });
  const g = depthwiseGeometry('depthwiseGradFilter', x.shape, wShape, o);
  checkDy('depthwiseGradFilter', dy, outShape(g));
  if (x.device === 'cpu') {
    const dw = Tensor.empty(wShape, 'f32', 'cpu');
    depthwiseGradFilterCpu(x.storage.data, dy.storage.data, dw.storage.data, g);
    return dw;
  }
  return depthwiseGradFilterGpu(x, dy, wShape, g);
}

const naiveKernel = kernel({
  name: 'depthwiseNaive', inputs: { x: 'f32', w: 'f32' }, outputs: { y: 'f32' },
  uniforms: { total: 'u32', ...DEPTHWISE_UNIFORMS }, workgroup: WG,
  body: `
${flatThread('t')}
  let OC = u.C * u.M;
  let oc = t % OC;
  let ow = (t / OC) % u.OW;
  let oh = (t / (OC * u.OW)) % u.OH;
  let n = t / (OC * u.OW * u.OH);
  var acc = 0.0;
  for (var kh = 0u; kh < u.KH; kh++) {
    for (var kw = 0u; kw < u.KW; kw++) {
      let ih = i32(oh * u.SH + kh * u.DH) - i32(u.padT);
      let iw = i32(ow * u.SW + kw * u.DW) - i32(u.padL);
      if (ih >= 0 && ih < i32(u.H) && iw >= 0 && iw < i32(u.W)) {
        acc += x[((n * u.H + u32(ih)) * u.W + u32(iw)) * u.C + oc / u.M] * w[(kh * u.KW + kw) * OC + oc];
      }
    }
  }
  y[t] = acc;`,
});

/** The naive reference: one thread per output element, no bias or activation. */
export function depthwiseNaive(x: Tensor, w: Tensor, o: ConvOptions = {}): Tensor {
  checkF32('depthwiseNaive', { x, w });
  const g = depthwiseGeometry('depthwiseNaive', x.shape, w.shape, o);
  if (x.device !== 'webgpu') {
    throw new Error('depthwiseNaive: the naive kernel is a webgpu reference; use depthwiseConv2d on the cpu device');
  }
  const y = Tensor.empty(outShape(g), 'f32', 'webgpu');
  naiveKernel.run({ x, w, y }, { total: y.size, ...depthwiseUniforms(g) }, grid1d(y.size));
  return y;
}
