// Conv2d forward as an implicit GEMM on matmul's tiles: C[M = N*OH*OW, K] = A[M, KH*KW*C] @ W[KH*KW*C, K], where
// A is the im2col matrix, never materialised: its loader reads x directly. With C % 4 == 0 the reduction is
// two-level, ko = filter tap (kh, kw) and ki = channel, so each ko costs one bounds check per row and every ki step
// is one vec4 load of 4 channels; otherwise (C = 1, 3: first layers) it is flat and decoded per element.

import { Tensor } from '../tensor/tensor.js';
import type { Activation } from './activation.js';
import { CONV_UNIFORMS, convUniforms, type ConvGeometry } from './conv2d.geometry.js';
import { fill } from './fill.js';
import { gemmKernel, gemmLaunch, tilesTag, type GemmTiles } from './gemm.js';
import { PIXEL_OF_ROW, rowMajorB } from './gemm.loaders.js';
import { variants } from './kernel.js';
import { chooseTiles, convClassFlags } from './tuning.js';

interface Variant {
  alignC: boolean;
  alignK: boolean;
  /** KI % 4 == 0 (always true when alignC). */
  alignKI: boolean;
  bias: boolean;
  act: Activation;
  tiles: GemmTiles;
}

// Row = output pixel (n, oh, ow): the image's offset in x and the input coordinates of the filter's top-left tap.
const ROW = /* wgsl */ `
${PIXEL_OF_ROW}
fn mmRowA(batch: u32, row: u32) -> vec3<i32> {
  let p = mmPixel(row, u.OH, u.OW);
  return vec3<i32>(i32(p.x * u.H * u.W * u.C), i32(p.y * u.SH) - i32(u.padT), i32(p.z * u.SW) - i32(u.padL));
}`;

// Two-level: ko = kh * KW + kw; the step resolves the tap to x's offset of the pixel, or -1 inside the padding.
const TAPS = /* wgsl */ `
fn mmStepA(s: vec3<i32>, ko: u32) -> i32 {
  let ih = s.y + i32((ko / u.KW) * u.DH);
  let iw = s.z + i32((ko % u.KW) * u.DW);
  let inside = ih >= 0 && ih < i32(u.H) && iw >= 0 && iw < i32(u.W);
  return select(-1, s.x + (ih * i32(u.W) + iw) * i32(u.C), inside);
}
fn mmReadA4(p: i32, ki: u32) -> vec4<f32> {
  if (p < 0) { return vec4<f32>(0.0); }
  return x[(u32(p) + ki) / 4u];
}`;

// Flat: k = (kh * KW + kw) * C + c decoded per element (k is workgroup-uniform, so this is scalar work).
const FLAT = /* wgsl */ `
fn mmStepA(s: vec3<i32>, ko: u32) -> vec3<i32> { return s; }
fn mmReadA4(s: vec3<i32>, ki: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  for (var j = 0u; j < 4u; j++) {
    let k = ki + j;
    let tap = k / u.C;
    let ih = s.y + i32((tap / u.KW) * u.DH);
    let iw = s.z + i32((tap % u.KW) * u.DW);
    if (k < u.mmKI && ih >= 0 && ih < i32(u.H) && iw >= 0 && iw < i32(u.W)) {
      v[j] = x[u32(s.x + (ih * i32(u.W) + iw) * i32(u.C)) + k % u.C];
    }
  }
  return v;
}`;

const forwardKernel = variants((v: Variant) => {
  const B = rowMajorB({ arr: 'w', alongK: false, alignN: v.alignK, alignK: v.alignKI, base: '0u' });
  const t = v.tiles;
  return gemmKernel({
    name: `conv2dForward_${tilesTag(t)}${v.alignC ? '_taps' : '_flat'}${v.bias ? '_bias' : ''}_${v.act}`,
    tiles: t, aAlong: 'k', bAlong: 'n',
    inputs: { x: v.alignC ? 'vec4f' : 'f32', w: B.vec ? 'vec4f' : 'f32' },
    uniforms: CONV_UNIFORMS,
    loaders: `${ROW}\n${v.alignC ? TAPS : FLAT}\n${B.wgsl}`,
    bias: v.bias, act: v.act, vecOut: v.alignK, splitK: false,
  });
});

/** Records the forward conv into y [N, OH, OW, K]. */
export function conv2dForwardGpu(
  x: Tensor, w: Tensor, bias: Tensor | undefined, y: Tensor, g: ConvGeometry, act: Activation, tiles?: GemmTiles,
): void {
  const M = g.N * g.OH * g.OW;
  if (M === 0 || g.K === 0) return;
  const alignC = g.C % 4 === 0;
  const [KO, KI] = alignC ? [g.KH * g.KW, g.C] : [1, g.KH * g.KW * g.C];
  const flags = { alignC, alignK: g.K % 4 === 0, alignKI: KI % 4 === 0, bias: !!bias, act };
  const t = tiles ?? chooseTiles({
    site: 'conv.forward', M, N: g.K, K: g.KH * g.KW * g.C, flags: convClassFlags(g, flags),
    replay: () => {
      const ops = [fill([g.N, g.H, g.W, g.C], 0), fill([g.KH, g.KW, g.C, g.K], 0), Tensor.empty(y.shape, 'f32', 'webgpu')] as const;
      const b = bias ? fill([g.K], 0) : undefined;
      return {
        run: (tt) => conv2dForwardGpu(ops[0], ops[1], b, ops[2], g, act, tt),
        dispose: () => { ops.forEach((o) => o.dispose()); b?.dispose(); },
      };
    },
  });
  const k = forwardKernel({ ...flags, tiles: t });
  const launch = gemmLaunch(t, { M, N: g.K, KO, KI, Z: 1 });
  k.run({ x, w, y, bias }, { ...launch.uniforms, ...convUniforms(g) }, launch.groups);
}
