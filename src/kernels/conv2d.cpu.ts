// Float64 CPU twins of conv2d forward, gradInput and gradFilter (the oracle): direct loops over the definition
// y[n, oh, ow, k] = sum over (kh, kw, c) of x[n, oh*SH - padT + kh*DH, ow*SW - padL + kw*DW, c] * w[kh, kw, c, k].

import { activations, type Activation } from './activation.js';
import type { ConvGeometry } from './conv2d.geometry.js';

/**
 * Calls fn(x offset of the pixel, w offset of the tap, y offset of the output pixel) for every in-bounds pair.
 * Filter taps are C * `perC` apart and output pixels `yChannels` apart (K and K for conv2d, M and C * M for
 * depthwise).
 */
export function eachTap(
  g: Omit<ConvGeometry, 'K'>, perC: number, yChannels: number, fn: (xOff: number, wTap: number, yOff: number) => void,
): void {
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      for (let ow = 0; ow < g.OW; ow++) {
        const yOff = ((n * g.OH + oh) * g.OW + ow) * yChannels;
        for (let kh = 0; kh < g.KH; kh++) {
          const ih = oh * g.SH - g.padT + kh * g.DH;
          if (ih < 0 || ih >= g.H) continue;
          for (let kw = 0; kw < g.KW; kw++) {
            const iw = ow * g.SW - g.padL + kw * g.DW;
            if (iw < 0 || iw >= g.W) continue;
            fn(((n * g.H + ih) * g.W + iw) * g.C, (kh * g.KW + kw) * g.C * perC, yOff);
          }
        }
      }
    }
  }
}

export function conv2dForwardCpu(
  x: Float64Array, w: Float64Array, bias: Float64Array | null, y: Float64Array, g: ConvGeometry, act: Activation,
): void {
  y.fill(0);
  eachTap(g, g.K, g.K, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      const xv = x[xOff + c]!;
      for (let k = 0; k < g.K; k++) y[yOff + k] += xv * w[wTap + c * g.K + k]!;
    }
  });
  const f = activations[act].cpu;
  for (let i = 0; i < y.length; i++) y[i] = f(y[i]! + (bias ? bias[i % g.K]! : 0));
}

export function conv2dGradInputCpu(dy: Float64Array, w: Float64Array, dx: Float64Array, g: ConvGeometry): void {
  dx.fill(0);
  eachTap(g, g.K, g.K, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      let acc = 0;
      for (let k = 0; k < g.K; k++) acc += dy[yOff + k]! * w[wTap + c * g.K + k]!;
      dx[xOff + c] += acc;
    }
  });
}

export function conv2dGradFilterCpu(x: Float64Array, dy: Float64Array, dw: Float64Array, g: ConvGeometry): void {
  dw.fill(0);
  eachTap(g, g.K, g.K, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      const xv = x[xOff + c]!;
      for (let k = 0; k < g.K; k++) dw[wTap + c * g.K + k] += xv * dy[yOff + k]!;
    }
  });
}
