// Float64 twins of the softmax family (the oracle for softmax.ts): plain loops over rows of C values, the same
// formulas as the WGSL, written out without shortcuts. Labels outside [0, C) throw here instead of giving NaN.

import type { CeVariant } from './softmax.js';

/** Keras's backend epsilon (1e-7) and 1 - epsilon, both as the f32 values TensorFlow clips with. */
export const CLIP_LO = Math.fround(1e-7);
export const CLIP_HI = Math.fround(1 - CLIP_LO);
const LO = CLIP_LO, HI = CLIP_HI;
const clip = (p: number): number => Math.min(Math.max(p, LO), HI);
const clipMask = (p: number): number => (p >= LO && p <= HI ? 1 : 0);

function rowMax(x: Float64Array, base: number, C: number): number {
  let m = -Infinity;
  for (let c = 0; c < C; c++) {
    const v = x[base + c]!;
    if (Number.isNaN(v) || v > m) m = v;
    if (Number.isNaN(m)) break;
  }
  return m;
}

function logSumExp(x: Float64Array, base: number, C: number): { m: number; s: number } {
  const m = rowMax(x, base, C);
  let s = 0;
  for (let c = 0; c < C; c++) s += Math.exp(x[base + c]! - m);
  return { m, s };
}

export function softmaxCpu(x: Float64Array, y: Float64Array, rows: number, C: number, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    const { m, s } = logSumExp(x, base, C);
    for (let c = 0; c < C; c++) y[base + c] = log ? x[base + c]! - m - Math.log(s) : Math.exp(x[base + c]! - m) / s;
  }
}

export function softmaxGradCpu(y: Float64Array, dy: Float64Array, dx: Float64Array, rows: number, C: number, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    let s = 0;
    for (let c = 0; c < C; c++) s += log ? dy[base + c]! : dy[base + c]! * y[base + c]!;
    for (let c = 0; c < C; c++) {
      dx[base + c] = log ? dy[base + c]! - Math.exp(y[base + c]!) * s : y[base + c]! * (dy[base + c]! - s);
    }
  }
}

function labelAt(t: Float64Array, r: number, C: number, op: string): number {
  const l = t[r]!;
  if (!(Number.isInteger(l) && l >= 0 && l < C)) {
    throw new Error(`${op}: label ${l} at row ${r} is outside [0, ${C}) for predictions with ${C} classes`);
  }
  return l;
}

const OP = 'sparseCategoricalCrossentropy';

export function ceRowsCpu(t: Float64Array, x: Float64Array, loss: Float64Array, rows: number, C: number, v: CeVariant): void {
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    if (v.logits) {
      const { m, s } = logSumExp(x, base, C);
      const lse = m + Math.log(s);
      if (v.sparse) loss[r] = lse - x[base + labelAt(t, r, C, OP)]!;
      else {
        let acc = 0;
        for (let c = 0; c < C; c++) acc += t[base + c]! * (lse - x[base + c]!);
        loss[r] = acc;
      }
    } else if (v.sparse) {
      const l = labelAt(t, r, C, OP);
      let S = 0;
      for (let c = 0; c < C; c++) S += clip(x[base + c]!);
      loss[r] = Math.log(S) - Math.log(clip(x[base + l]!));
    } else {
      let s = 0;
      for (let c = 0; c < C; c++) s += x[base + c]!;
      let acc = 0;
      for (let c = 0; c < C; c++) acc -= t[base + c]! * Math.log(clip(x[base + c]! / s));
      loss[r] = acc;
    }
  }
}

export function ceGradCpu(t: Float64Array, x: Float64Array, dy: Float64Array, dx: Float64Array, rows: number, C: number, v: CeVariant): void {
  for (let r = 0; r < rows; r++) {
    const base = r * C, d = dy[r]!;
    if (v.logits) {
      const { m, s } = logSumExp(x, base, C);
      const l = v.sparse ? labelAt(t, r, C, OP) : -1;
      let T = 0;
      if (!v.sparse) for (let c = 0; c < C; c++) T += t[base + c]!;
      for (let c = 0; c < C; c++) {
        const p = Math.exp(x[base + c]! - m) / s;
        dx[base + c] = d * (v.sparse ? p - (c === l ? 1 : 0) : T * p - t[base + c]!);
      }
    } else if (v.sparse) {
      const l = labelAt(t, r, C, OP);
      let S = 0;
      for (let c = 0; c < C; c++) S += clip(x[base + c]!);
      for (let c = 0; c < C; c++) {
        dx[base + c] = d * clipMask(x[base + c]!) * (1 / S - (c === l ? 1 / clip(x[base + l]!) : 0));
      }
    } else {
      let s = 0;
      for (let c = 0; c < C; c++) s += x[base + c]!;
      const g = new Float64Array(C);
      let A = 0;
      for (let c = 0; c < C; c++) {
        const q = x[base + c]! / s;
        g[c] = (-t[base + c]! * clipMask(q)) / clip(q);
        A += g[c]! * q;
      }
      for (let c = 0; c < C; c++) dx[base + c] = (d * (g[c]! - A)) / s;
    }
  }
}
