// Float64 CPU twins of depthwise conv2d (the oracle). Filters [KH, KW, C, M]; output channel c*M + m (TensorFlow's
// order): y[n, oh, ow, c*M + m] = sum over (kh, kw) of x[n, oh*SH - padT + kh*DH, ow*SW - padL + kw*DW, c] * w[kh, kw, c, m].

import { activations, type Activation } from './activation.js';
import type { ConvGeometry } from './conv2d.geometry.js';

/** Calls fn(x offset of the pixel, w offset of the tap, y offset of the output pixel) for every in-bounds pair. */
function eachTap(g: ConvGeometry, fn: (xOff: number, wTap: number, yOff: number) => void): void {
  const OC = g.C * g.K;
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      for (let ow = 0; ow < g.OW; ow++) {
        for (let kh = 0; kh < g.KH; kh++) {
          const ih = oh * g.SH - g.padT + kh * g.DH;
          if (ih < 0 || ih >= g.H) continue;
          for (let kw = 0; kw < g.KW; kw++) {
            const iw = ow * g.SW - g.padL + kw * g.DW;
            if (iw < 0 || iw >= g.W) continue;
            fn(((n * g.H + ih) * g.W + iw) * g.C, (kh * g.KW + kw) * OC, ((n * g.OH + oh) * g.OW + ow) * OC);
          }
        }
      }
    }
  }
}

export function depthwiseForwardCpu(
  x: Float64Array, w: Float64Array, bias: Float64Array | null, y: Float64Array, g: ConvGeometry, act: Activation,
): void {
  y.fill(0);
  eachTap(g, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      for (let m = 0; m < g.K; m++) y[yOff + c * g.K + m] += x[xOff + c]! * w[wTap + c * g.K + m]!;
    }
  });
  const f = activations[act].cpu, OC = g.C * g.K;
  for (let i = 0; i < y.length; i++) y[i] = f(y[i]! + (bias ? bias[i % OC]! : 0));
}

export function depthwiseGradInputCpu(dy: Float64Array, w: Float64Array, dx: Float64Array, g: ConvGeometry): void {
  dx.fill(0);
  eachTap(g, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      for (let m = 0; m < g.K; m++) dx[xOff + c] += dy[yOff + c * g.K + m]! * w[wTap + c * g.K + m]!;
    }
  });
}

export function depthwiseGradFilterCpu(x: Float64Array, dy: Float64Array, dw: Float64Array, g: ConvGeometry): void {
  dw.fill(0);
  eachTap(g, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      for (let m = 0; m < g.K; m++) dw[wTap + c * g.K + m] += x[xOff + c]! * dy[yOff + c * g.K + m]!;
    }
  });
}
