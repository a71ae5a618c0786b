// Conv2d input gradient (the transposed convolution) as an implicit GEMM on matmul's tiles:
// dx[M = N*H*W, C] = A[M, taps*K] @ B[taps*K, C] with A[(n, ih, iw), (tap, k)] = dy[n, oh, ow, k] where
// oh*SH = ih + padT - kh*DH (0 when that is not a whole in-range row; likewise ow), and B[(tap, k), c] =
// w[kh, kw, c, k], read along k in place (transposeB-style). ko = filter tap, ki = output channel.
// Strided, undilated convs run one GEMM per phase (ih mod SH, iw mod SW): within a phase only the taps with
// kh = (ih + padT) mod SH (step SH) reach a whole output row, so no FMA is spent on taps without a source
// (a 3x3 stride-2 conv does 9 tap-pixel products per 4 pixels instead of 36). Rows of a phase are scattered in dx,
// so these GEMMs store through mmOutRow.

import { Tensor } from '../tensor/tensor.js';
import { CONV_UNIFORMS, convUniforms, type ConvGeometry } from './conv2d.geometry.js';
import { fill } from './fill.js';
import { gemmKernel, gemmLaunch, tilesTag, type GemmTiles } from './gemm.js';
import { PIXEL_OF_ROW, scalarReadK4 } from './gemm.loaders.js';
import { variants } from './kernel.js';
import { chooseTiles, convClassFlags } from './tuning.js';

interface Variant {
  alignK: boolean;
  alignC: boolean;
  phased: boolean;
  tiles: GemmTiles;
}

// General: row = input pixel (n, ih, iw); tap (kh, kw) = ko. The step yields dy's offset of the source output
// pixel, or -1 when there is none.
const GENERAL = /* wgsl */ `
${PIXEL_OF_ROW}
fn mmRowA(batch: u32, row: u32) -> vec3<i32> {
  let p = mmPixel(row, u.H, u.W);
  return vec3<i32>(i32(p.x * u.OH * u.OW * u.K), i32(p.y + u.padT), i32(p.z + u.padL));
}
fn mmStepA(s: vec3<i32>, ko: u32) -> i32 {
  let th = s.y - i32((ko / u.KW) * u.DH);
  let tw = s.z - i32((ko % u.KW) * u.DW);
  let sh = i32(u.SH);
  let sw = i32(u.SW);
  let oh = th / sh;
  let ow = tw / sw;
  let ok = th >= 0 && tw >= 0 && th % sh == 0 && tw % sw == 0 && oh < i32(u.OH) && ow < i32(u.OW);
  return select(-1, s.x + (oh * i32(u.OW) + ow) * i32(u.K), ok);
}
fn tapOf(ko: u32) -> u32 { return ko; }`;

// Phased: row = (n, i, j) -> input pixel (ph + SH*i, pw + SW*j); tap index ko = (a, b) -> (kh0 + SH*a, kw0 + SW*b),
// whose source is output pixel (qh + i - a, qw + j - b).
const PHASED = /* wgsl */ `
${PIXEL_OF_ROW}
fn mmRowA(batch: u32, row: u32) -> vec3<i32> {
  let p = mmPixel(row, u.Hp, u.Wp);
  return vec3<i32>(i32(p.x * u.OH * u.OW * u.K), u.qh + i32(p.y), u.qw + i32(p.z));
}
fn mmStepA(s: vec3<i32>, ko: u32) -> i32 {
  let oh = s.y - i32(ko / u.KWp);
  let ow = s.z - i32(ko % u.KWp);
  let ok = oh >= 0 && oh < i32(u.OH) && ow >= 0 && ow < i32(u.OW);
  return select(-1, s.x + (oh * i32(u.OW) + ow) * i32(u.K), ok);
}
fn tapOf(ko: u32) -> u32 { return (u.kh0 + u.SH * (ko / u.KWp)) * u.KW + u.kw0 + u.SW * (ko % u.KWp); }
fn mmOutRow(row: u32) -> u32 {
  let t = row / u.Wp;
  return ((t / u.Hp) * u.H + u.ph + u.SH * (t % u.Hp)) * u.W + u.pw + u.SW * (row % u.Wp);
}`;

const PHASE_UNIFORMS = {
  ph: 'u32', pw: 'u32', Hp: 'u32', Wp: 'u32', kh0: 'u32', kw0: 'u32', KWp: 'u32', qh: 'i32', qw: 'i32',
} as const;

// A reads K contiguous output channels of dy; B reads w[tap, c, k..k+3], contiguous along k.
const readers = (vec: boolean): string => `${vec ? '' : scalarReadK4('readRowK4', 'dy')}
fn mmReadA4(p: i32, ki: u32) -> vec4<f32> {
  if (p < 0) { return vec4<f32>(0.0); }
  return ${vec ? 'dy[(u32(p) + ki) / 4u]' : 'readRowK4(u32(p), ki)'};
}
fn mmColB(batch: u32, col: u32) -> u32 { return min(col, u.C - 1u) * u.K; }
fn mmStepB(s: u32, ko: u32) -> u32 { return s + tapOf(ko) * u.C * u.K; }
${vec ? 'fn mmReadB4(s: u32, ki: u32) -> vec4<f32> { return w[(s + ki) / 4u]; }' : scalarReadK4('mmReadB4', 'w')}`;

const gradInputKernel = variants((v: Variant) => {
  const t = v.tiles;
  return gemmKernel({
    name: `conv2dGradInput_${tilesTag(t)}${v.phased ? '_phased' : ''}${v.alignK ? '' : '_scalarK'}`,
    tiles: t, aAlong: 'k', bAlong: 'k',
    inputs: { dy: v.alignK ? 'vec4f' : 'f32', w: v.alignK ? 'vec4f' : 'f32' },
    uniforms: v.phased ? { ...CONV_UNIFORMS, ...PHASE_UNIFORMS } : CONV_UNIFORMS,
    loaders: `${v.phased ? PHASED : GENERAL}\n${readers(v.alignK)}`,
    bias: false, act: 'linear', vecOut: v.alignC, splitK: false, outRow: v.phased,
  });
});

/** Records dx [N, H, W, C] = the transposed convolution of dy [N, OH, OW, K] with w [KH, KW, C, K]. */
export function conv2dGradInputGpu(dy: Tensor, w: Tensor, dx: Tensor, g: ConvGeometry, tiles?: GemmTiles): void {
  if (g.N * g.H * g.W === 0 || g.C === 0) return;
  const phased = (g.SH > 1 || g.SW > 1) && g.DH === 1 && g.DW === 1;
  const flags = { alignK: g.K % 4 === 0, alignC: g.C % 4 === 0, phased };
  // One tile choice for every phase: the tuner times the whole transposed convolution.
  tiles ??= chooseTiles({
    site: 'conv.gradInput', M: g.N * g.H * g.W, N: g.C, K: g.KH * g.KW * g.K, flags: convClassFlags(g, flags),
    replay: () => {
      const ops = [fill(dy.shape, 0), fill(w.shape, 0), Tensor.empty(dx.shape, 'f32', 'webgpu')] as const;
      return { run: (t) => conv2dGradInputGpu(ops[0], ops[1], ops[2], g, t), dispose: () => ops.forEach((o) => o.dispose()) };
    },
  });
  if (!phased) {
    const M = g.N * g.H * g.W;
    const t = tiles;
    const launch = gemmLaunch(t, { M, N: g.C, KO: g.KH * g.KW, KI: g.K, Z: 1 });
    gradInputKernel({ ...flags, tiles: t }).run({ dy, w, y: dx }, { ...launch.uniforms, ...convUniforms(g) }, launch.groups);
    return;
  }
  for (let ph = 0; ph < g.SH; ph++) {
    for (let pw = 0; pw < g.SW; pw++) {
      const Hp = Math.ceil((g.H - ph) / g.SH), Wp = Math.ceil((g.W - pw) / g.SW);
      if (Hp <= 0 || Wp <= 0) continue;
      const kh0 = (ph + g.padT) % g.SH, kw0 = (pw + g.padL) % g.SW;
      const KHp = Math.max(0, Math.ceil((g.KH - kh0) / g.SH)), KWp = Math.max(0, Math.ceil((g.KW - kw0) / g.SW));
      const M = g.N * Hp * Wp;
      const t = tiles;
      const launch = gemmLaunch(t, { M, N: g.C, KO: KHp * KWp, KI: g.K, Z: 1 });
      const phase = { ph, pw, Hp, Wp, kh0, kw0, KWp, qh: (ph + g.padT - kh0) / g.SH, qw: (pw + g.padL - kw0) / g.SW };
      gradInputKernel({ ...flags, tiles: t }).run({ dy, w, y: dx }, { ...launch.uniforms, ...convUniforms(g), ...phase }, launch.groups);
    }
  }
}
