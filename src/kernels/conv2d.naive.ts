// The naive direct conv2d forward: one thread per output element, scalar loads, no tiling. It shares nothing with
// the implicit-GEMM kernels, so tests use it as an independent GPU reference and benches as the baseline.

import { Tensor } from '../tensor/tensor.js';
import { checkF32, CONV_UNIFORMS, convGeometry, convUniforms, type ConvOptions } from './conv2d.geometry.js';
import { flatThread, grid1d, kernel, WG } from './kernel.js';

const naiveKernel = kernel({
  name: 'conv2dNaive', inputs: { x: 'f32', w: 'f32' }, outputs: { y: 'f32' },
  uniforms: { total: 'u32', ...CONV_UNIFORMS }, workgroup: WG,
  body: `
${flatThread('t')}
  let k = t % u.K;
  let ow = (t / u.K) % u.OW;
  let oh = (t / (u.K * u.OW)) % u.OH;
  let n = t / (u.K * u.OW * u.OH);
  var acc = 0.0;
  for (var kh = 0u; kh < u.KH; kh++) {
    let ih = i32(oh * u.SH + kh * u.DH) - i32(u.padT);
    if (ih < 0 || ih >= i32(u.H)) { continue; }
    for (var kw = 0u; kw < u.KW; kw++) {
      let iw = i32(ow * u.SW + kw * u.DW) - i32(u.padL);
      if (iw < 0 || iw >= i32(u.W)) { continue; }
      let xo = ((n * u.H + u32(ih)) * u.W + u32(iw)) * u.C;
      let wo = (kh * u.KW + kw) * u.C * u.K + k;
      for (var c = 0u; c < u.C; c++) { acc += x[xo + c] * w[wo + c * u.K]; }
    }
  }
  y[t] = acc;`,
});

/** y = conv2d(x, w) by the naive kernel (no bias, no activation). */
export function conv2dNaive(x: Tensor, w: Tensor, o: ConvOptions = {}): Tensor {
  checkF32('conv2dNaive', { x, w });
  const g = convGeometry('conv2dNaive', x.shape, w.shape, o);
  if (x.device !== 'webgpu') throw new Error('conv2dNaive: the naive kernel is a webgpu reference; use conv2d on the cpu device');
  const y = Tensor.empty([g.N, g.OH, g.OW, g.K], 'f32', 'webgpu');
  naiveKernel.run({ x, w, y }, { total: y.size, ...convUniforms(g) }, grid1d(y.size));
  return y;
}
