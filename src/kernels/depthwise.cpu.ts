// Float64 CPU twins of depthwise conv2d (the oracle). Filters [KH, KW, C, M]; output channel c*M + m (TensorFlow's
// order): y[n, oh, ow, c*M + m] = sum over (kh, kw) of x[n, oh*SH - padT + kh*DH, ow*SW - padL + kw*DW, c] * w[kh, kw, c, m].

import { activations, type Activation } from './activation.js';
import { eachTap as eachConvTap } from './conv2d.cpu.js';
import type { DepthwiseGeometry } from './conv2d.geometry.js';

/** Depthwise taps: a tap spans C * M filter values and output channels. */
const eachTap = (g: DepthwiseGeometry, fn: (xOff: number, wTap: number, yOff: number) => void): void => eachConvTap(g, g.M, g.C * g.M, fn);

export function depthwiseForwardCpu(
  x: Float64Array, w: Float64Array, bias: Float64Array | null, y: Float64Array, g: DepthwiseGeometry, act: Activation,
): void {
  y.fill(0);
  eachTap(g, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      for (let m = 0; m < g.M; m++) y[yOff + c * g.M + m] += x[xOff + c]! * w[wTap + c * g.M + m]!;
    }
  });
  const f = activations[act].cpu, OC = g.C * g.M;
  for (let i = 0; i < y.length; i++) y[i] = f(y[i]! + (bias ? bias[i % OC]! : 0));
}

export function depthwiseGradInputCpu(dy: Float64Array, w: Float64Array, dx: Float64Array, g: DepthwiseGeometry): void {
  dx.fill(0);
  eachTap(g, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      for (let m = 0; m < g.M; m++) dx[xOff + c] += dy[yOff + c * g.M + m]! * w[wTap + c * g.M + m]!;
    }
  });
}

export function depthwiseGradFilterCpu(x: Float64Array, dy: Float64Array, dw: Float64Array, g: DepthwiseGeometry): void {
  dw.fill(0);
  eachTap(g, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      for (let m = 0; m < g.M; m++) dw[wTap + c * g.M + m] += x[xOff + c]! * dy[yOff + c * g.M + m]!;
    }
  });
}
