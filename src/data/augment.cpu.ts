// CPU data augmentation for the loader's synchronous "slow path" (the notebook's tf.data map on the CPU): Keras's
// RandomRotation + RandomTranslation with fill_mode='constant' and bilinear interpolation, fused into one resample.
// The GPU path is a transform kernel; this exists so the bench can show what preparing input on the CPU costs.

import { rand01, rngKey } from '../kernels/random.js';

export interface AffineOptions {
  /** Keras RandomRotation factor: angles uniform in [-factor, factor] of a full turn (0.05 = +-18 degrees). */
  rotation?: number;
  /** Keras RandomTranslation [height_factor, width_factor]: shifts uniform in [-f, f] of the image size. */
  translate?: readonly [number, number];
  /** Value outside the image (Keras fill_value). Default 0. */
  fillValue?: number;
  seed: number;
}

/** A CPU batch transform: takes a normalised NHWC batch and its shape, returns the transformed batch. */
export type CpuTransform = (x: Float32Array, shape: readonly [number, number, number, number], step: number) => Float32Array;

/**
 * Keras-semantics random rotation and translation on the CPU, one draw per sample from (seed, step, sample).
 * Output pixel (x, y) samples the input at R(x - dx, y - dy) about the image centre (Keras's rotation matrix), as
 * TF's ImageProjectiveTransform does: bilinear, each of the four neighbours outside the image reads `fillValue`.
 */
export function cpuRandomAffine(o: AffineOptions): CpuTransform {
  const factor = o.rotation ?? 0, [hf, wf] = o.translate ?? [0, 0], fill = o.fillValue ?? 0;
  return (x, [n, h, w, c], step) => {
    const out = new Float32Array(x.length);
    const key = rngKey((o.seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0);
    const read = (base: number, yy: number, xx: number, ch: number): number =>
      yy >= 0 && yy < h && xx >= 0 && xx < w ? x[base + (yy * w + xx) * c + ch]! : fill;
    for (let i = 0; i < n; i++) {
      const angle = (2 * rand01(key, 3 * i) - 1) * factor * 2 * Math.PI;
      const dy = (2 * rand01(key, 3 * i + 1) - 1) * hf * h, dx = (2 * rand01(key, 3 * i + 2) - 1) * wf * w;
      const cos = Math.cos(angle), sin = Math.sin(angle);
      const xOff = (w - 1 - (cos * (w - 1) - sin * (h - 1))) / 2, yOff = (h - 1 - (sin * (w - 1) + cos * (h - 1))) / 2;
      const base = i * h * w * c;
      for (let oy = 0; oy < h; oy++) {
        for (let ox = 0; ox < w; ox++) {
          const sx = cos * (ox - dx) - sin * (oy - dy) + xOff, sy = sin * (ox - dx) + cos * (oy - dy) + yOff;
          const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
          for (let ch = 0; ch < c; ch++) {
            const top = (1 - fx) * read(base, y0, x0, ch) + fx * read(base, y0, x0 + 1, ch);
            const bottom = (1 - fx) * read(base, y0 + 1, x0, ch) + fx * read(base, y0 + 1, x0 + 1, ch);
            out[base + (oy * w + ox) * c + ch] = (1 - fy) * top + fy * bottom;
          }
        }
      }
    }
    return out;
  };
}
