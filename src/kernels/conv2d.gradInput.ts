// Conv2d input gradient (the transposed convolution) as an implicit GEMM on matmul's tiles:
// dx[M = N*H*W, C] = A[M, KH*KW*K] @ B[KH*KW*K, C] with A[(n, ih, iw), (tap, k)] = dy[n, oh, ow, k] where
// oh*SH = ih + padT - kh*DH (0 when that is not a whole in-range row; likewise ow), and B[(tap, k), c] =
// w[kh, kw, c, k], read along k in place (transposeB-style). ko = filter tap, ki = output channel. With strides > 1
// most (pixel, tap) pairs have no source and load zeros: the FMAs still run (see the bench for the cost).

import type { Tensor } from '../tensor/tensor.js';
import { CONV_UNIFORMS, convUniforms, type ConvGeometry } from './conv2d.geometry.js';
import { gemmKernel, gemmLaunch, type GemmTiles } from './gemm.js';
import { rowMajorB, scalarReadK4 } from './gemm.loaders.js';
import { variants } from './kernel.js';
import { defaultTiles } from './matmul.js';

interface Variant {
  alignK: boolean;
  alignC: boolean;
  tiles: GemmTiles;
}

// Row = input pixel (n, ih, iw): dy's image offset and ih + padT, iw + padL.
const ROW = /* wgsl */ `
fn mmRowA(batch: u32, row: u32) -> vec3<i32> {
  let r = min(row, u.mmM - 1u);
  let t = r / u.W;
  return vec3<i32>(i32((t / u.H) * u.OH * u.OW * u.K), i32(t % u.H + u.padT), i32(r % u.W + u.padL));
}
// Tap (kh, kw) = ko: the output pixel it came from, as dy's offset, or -1 when there is none.
fn mmStepA(s: vec3<i32>, ko: u32) -> i32 {
  let th = s.y - i32((ko / u.KW) * u.DH);
  let tw = s.z - i32((ko % u.KW) * u.DW);
  let sh = i32(u.SH);
  let sw = i32(u.SW);
  let oh = th / sh;
  let ow = tw / sw;
  let ok = th >= 0 && tw >= 0 && th % sh == 0 && tw % sw == 0 && oh < i32(u.OH) && ow < i32(u.OW);
  return select(-1, s.x + (oh * i32(u.OW) + ow) * i32(u.K), ok);
}`;

const readA = (vec: boolean): string => vec
  ? `fn mmReadA4(p: i32, ki: u32) -> vec4<f32> {
  if (p < 0) { return vec4<f32>(0.0); }
  return dy[(u32(p) + ki) / 4u];
}`
  : `${scalarReadK4('readRowK4', 'dy')}
fn mmReadA4(p: i32, ki: u32) -> vec4<f32> {
  if (p < 0) { return vec4<f32>(0.0); }
  return readRowK4(u32(p), ki);
}`;

const gradInputKernel = variants((v: Variant) => {
  const B = rowMajorB({ arr: 'w', alongK: true, alignN: v.alignC, alignK: v.alignK, base: '0u' });
  const t = v.tiles;
  return gemmKernel({
    name: `conv2dGradInput_${t.TM}x${t.TN}_wg${t.WGX}x${t.WGY}${v.alignK ? '' : '_scalarK'}`,
    tiles: t, aAlong: 'k', bAlong: 'k',
    inputs: { dy: v.alignK ? 'vec4f' : 'f32', w: B.vec ? 'vec4f' : 'f32' },
    uniforms: CONV_UNIFORMS,
    loaders: `${ROW}\n${readA(v.alignK)}\n${B.wgsl}`,
    bias: false, act: 'linear', vecOut: v.alignC, splitK: false,
  });
});

/** Records dx [N, H, W, C] = the transposed convolution of dy [N, OH, OW, K] with w [KH, KW, C, K]. */
export function conv2dGradInputGpu(dy: Tensor, w: Tensor, dx: Tensor, g: ConvGeometry, tiles?: GemmTiles): void {
  const M = g.N * g.H * g.W;
  if (M === 0 || g.C === 0) return;
  const t = tiles ?? defaultTiles(M, g.C, false, g.KH * g.KW * g.K);
  const k = gradInputKernel({ alignK: g.K % 4 === 0, alignC: g.C % 4 === 0, tiles: t });
  const launch = gemmLaunch(t, { M, N: g.C, KO: g.KH * g.KW, KI: g.K, Z: 1 });
  k.run({ dy, w, y: dx }, { ...launch.uniforms, ...convUniforms(g) }, launch.groups);
}
