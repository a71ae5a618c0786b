// Float64 CPU twins of the pooling kernels: plain loops over NHWC. The backward twins scatter from each window
// (the obvious formulation) so they check the GPU's gather formulation rather than repeat it.

import type { PoolGeometry } from './pool.js';

/** Visits the real (unpadded) cells of window (oh, ow) in row-major order: fn(h, w, local index kh*KW+kw). */
function forWindow(g: PoolGeometry, oh: number, ow: number, fn: (h: number, w: number, local: number) => void): void {
  for (let kh = 0; kh < g.KH; kh++) {
    const h = oh * g.SH - g.padT + kh;
    if (h < 0 || h >= g.H) continue;
    for (let kw = 0; kw < g.KW; kw++) {
      const w = ow * g.SW - g.padL + kw;
      if (w >= 0 && w < g.W) fn(h, w, kh * g.KW + kw);
    }
  }
}

/** Calls fn(n, oh, ow, c, flat output index) for every output element. */
function forOutputs(g: PoolGeometry, fn: (n: number, oh: number, ow: number, c: number, o: number) => void): void {
  let o = 0;
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) for (let c = 0; c < g.C; c++) fn(n, oh, ow, c, o++);
  }
}

const at = (g: PoolGeometry, n: number, h: number, w: number, c: number): number => ((n * g.H + h) * g.W + w) * g.C + c;

export function maxPoolForwardCpu(x: Float64Array, y: Float64Array, argmax: Float64Array | null, g: PoolGeometry): void {
  forOutputs(g, (n, oh, ow, c, o) => {
    let best = -Infinity, arg = -1;
    forWindow(g, oh, ow, (h, w, local) => {
      const v = x[at(g, n, h, w, c)]!;
      // First cell in row-major order wins ties; the first NaN wins over numbers.
      if (arg < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
        best = v;
        arg = local;
      }
    });
    y[o] = best;
    if (argmax) argmax[o] = arg;
  });
}

export function maxPoolBackwardCpu(dy: Float64Array, argmax: Float64Array, dx: Float64Array, g: PoolGeometry): void {
  dx.fill(0);
  forOutputs(g, (n, oh, ow, c, o) => {
    forWindow(g, oh, ow, (h, w, local) => {
      if (local === argmax[o]) dx[at(g, n, h, w, c)]! += dy[o]!;
    });
  });
}

function windowCount(g: PoolGeometry, oh: number, ow: number): number {
  let count = 0;
  forWindow(g, oh, ow, () => count++);
  return count;
}

export function avgPoolForwardCpu(x: Float64Array, y: Float64Array, g: PoolGeometry): void {
  forOutputs(g, (n, oh, ow, c, o) => {
    let sum = 0;
    forWindow(g, oh, ow, (h, w) => (sum += x[at(g, n, h, w, c)]!));
    y[o] = sum / windowCount(g, oh, ow);
  });
}

export function avgPoolBackwardCpu(dy: Float64Array, dx: Float64Array, g: PoolGeometry): void {
  dx.fill(0);
  forOutputs(g, (n, oh, ow, c, o) => {
    const share = dy[o]! / windowCount(g, oh, ow);
    forWindow(g, oh, ow, (h, w) => (dx[at(g, n, h, w, c)]! += share));
  });
}
