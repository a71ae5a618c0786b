// Conv2d filter gradient as an implicit GEMM on matmul's tiles: dw[M = KH*KW*C, K] = A @ B with the reduction over
// every output pixel (n, oh, ow): A[(tap, c), (n, oh, ow)] = x[n, oh*SH - padT + kh*DH, ow*SW - padL + kw*DW, c]
// read along m (4 channels of one tap per vec4 when C % 4 == 0), B = dy as a [N*OH*OW, K] matrix. ko = (n, oh) and
// ki = ow, so x's row offset is resolved once per output row. The reduction is long and the output small, so it
// is split into slices of ko (gid.z) summed afterwards when the grid would otherwise leave the device idle.

import { availableParallelism } from 'node:os';
import { gpu } from '../tensor/device.js';
import { sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { CONV_UNIFORMS, convUniforms, type ConvGeometry } from './conv2d.geometry.js';
import { fill } from './fill.js';
import { gemmKernel, gemmLaunch, tilesTag, type GemmTiles } from './gemm.js';
import { rowMajorB } from './gemm.loaders.js';
import { variants } from './kernel.js';
import { reduce } from './reduce.js';
import { chooseTiles, convClassFlags } from './tuning.js';

interface Variant {
  alignC: boolean;
  alignK: boolean;
  alignOW: boolean;
  tiles: GemmTiles;
}

// C % 4 == 0: rows 4g..4g+3 are channels c..c+3 of one tap. State: (c, kh*DH - padT, kw*DW - padL).
const ALIGNED = (alignOW: boolean): string => /* wgsl */ `
fn mmRowA(batch: u32, row: u32) -> vec3<i32> {
  let r = min(row, u.mmM - 4u);
  let tap = r / u.C;
  return vec3<i32>(i32(r % u.C), i32((tap / u.KW) * u.DH) - i32(u.padT), i32((tap % u.KW) * u.DW) - i32(u.padL));
}
// ko = (n, oh): x's offset of input row ih plus the channel, or -1 when ih is in the padding; .y = kw*DW - padL.
fn mmStepA(s: vec3<i32>, ko: u32) -> vec2<i32> {
  let ih = i32((ko % u.OH) * u.SH) + s.y;
  let ok = ih >= 0 && ih < i32(u.H);
  return vec2<i32>(select(-1, (i32(ko / u.OH) * i32(u.H) + ih) * i32(u.W * u.C) + s.x, ok), s.z);
}
fn mmReadA4(p: vec2<i32>, ow: u32) -> vec4<f32> {
  let iw = i32(ow * u.SW) + p.y;
  if (p.x < 0 || iw < 0 || iw >= i32(u.W)${alignOW ? '' : ' || ow >= u.OW'}) { return vec4<f32>(0.0); }
  return x[u32(p.x + iw * i32(u.C)) / 4u];
}`;

// Any C: each of the 4 rows carries its own (c, tap) decode, as vec4 lanes.
const UNALIGNED = /* wgsl */ `
struct Rows4 { c: vec4<i32>, h: vec4<i32>, w: vec4<i32> }
fn mmRowA(batch: u32, row: u32) -> Rows4 {
  var s: Rows4;
  for (var i = 0u; i < 4u; i++) {
    let r = min(row + i, u.mmM - 1u);
    let tap = r / u.C;
    s.c[i] = i32(r % u.C);
    s.h[i] = i32((tap / u.KW) * u.DH) - i32(u.padT);
    s.w[i] = i32((tap % u.KW) * u.DW) - i32(u.padL);
  }
  return s;
}
fn mmStepA(s: Rows4, ko: u32) -> Rows4 {
  let ih = vec4<i32>(i32((ko % u.OH) * u.SH)) + s.h;
  let ok = (ih >= vec4<i32>(0)) & (ih < vec4<i32>(i32(u.H)));
  let base = (vec4<i32>(i32(ko / u.OH) * i32(u.H)) + ih) * i32(u.W * u.C) + s.c;
  return Rows4(select(vec4<i32>(-1), base, ok), s.w, vec4<i32>(0));
}
fn mmReadA4(p: Rows4, ow: u32) -> vec4<f32> {
  let iw = vec4<i32>(i32(ow * u.SW)) + p.h;
  let ok = (p.c >= vec4<i32>(0)) & (iw >= vec4<i32>(0)) & (iw < vec4<i32>(i32(u.W))) & vec4<bool>(ow < u.OW);
  let i = vec4<u32>(select(vec4<i32>(0), p.c + iw * i32(u.C), ok));
  return select(vec4<f32>(0.0), vec4<f32>(x[i.x], x[i.y], x[i.z], x[i.w]), ok);
}`;

const gradFilterKernel = variants((v: Variant) => {
  const B = rowMajorB({ arr: 'dy', alongK: false, alignN: v.alignK, alignK: v.alignOW, base: '0u' });
  const t = v.tiles;
  return gemmKernel({
    name: `conv2dGradFilter_${tilesTag(t)}${v.alignC ? '' : '_scalarC'}`,
    tiles: t, aAlong: 'm', bAlong: 'n',
    inputs: { x: v.alignC ? 'vec4f' : 'f32', dy: B.vec ? 'vec4f' : 'f32' },
    uniforms: CONV_UNIFORMS,
    loaders: `${v.alignC ? ALIGNED(v.alignOW) : UNALIGNED}\n${B.wgsl}`,
    bias: false, act: 'linear', vecOut: v.alignK, splitK: true,
  });
});

/** Workgroups that keep the device busy: a few per core on a CPU adapter, many on a GPU. */
export function busyGroups(): number {
  return gpu().info.isSoftware ? 2 * availableParallelism() : 1024;
}

/** dw [KH, KW, C, K] from x [N, H, W, C] and dy [N, OH, OW, K]. */
export function conv2dGradFilterGpu(x: Tensor, dy: Tensor, wShape: Shape, g: ConvGeometry, tiles?: GemmTiles): Tensor {
  const M = g.KH * g.KW * g.C, KO = g.N * g.OH;
  const flags = { alignC: g.C % 4 === 0, alignK: g.K % 4 === 0, alignOW: g.OW % 4 === 0 };
  const t = tiles ?? chooseTiles({
    site: 'conv.gradFilter', M, N: g.K, K: g.N * g.OH * g.OW, flags: convClassFlags(g, flags),
    replay: () => {
      const ops = [fill(x.shape, 0), fill(dy.shape, 0)] as const;
      return { run: (tt) => conv2dGradFilterGpu(ops[0], ops[1], wShape, g, tt).dispose(), dispose: () => ops.forEach((o) => o.dispose()) };
    },
  });
  const k = gradFilterKernel({ ...flags, tiles: t });
  const groups = gemmLaunch(t, { M, N: g.K, KO, KI: g.OW, Z: 1 }).groups;
  // Slices of at least 16 ko (output rows) each, only as many as it takes to fill the device.
  const slices = Math.max(1, Math.min(Math.ceil(busyGroups() / (groups[0] * groups[1])), Math.floor(KO / 16)));
  const koChunk = Math.max(1, Math.ceil(KO / slices));
  const Z = Math.max(1, Math.ceil(KO / koChunk));
  const launch = gemmLaunch(t, { M, N: g.K, KO, KI: g.OW, Z, koChunk });
  const partial = Tensor.empty(Z > 1 ? [Z, sizeOf(wShape)] : wShape, 'f32', 'webgpu');
  k.run({ x, dy, y: partial }, { ...launch.uniforms, ...convUniforms(g) }, launch.groups);
  if (Z === 1) return partial;
  const summed = reduce('sum', partial, [0]);
  partial.dispose();
  const dw = summed.view(wShape);
  summed.dispose();
  return dw;
}
