// CPU data augmentation for the loader's synchronous "slow path" (the notebook's ImageDataGenerator / tf.data map
// on the CPU): Keras's RandomRotation + RandomTranslation run through the augmentation kernel's own Float64 CPU
// twin (src/kernels/augment.ts), so the slow path draws and warps exactly as the GPU transform does for the same
// seed and step. It exists so the bench can show what preparing input on the CPU costs.

import { randomAffineForward, type FillMode } from '../kernels/augment.js';
import { tensor } from '../tensor/tensor.js';
import { unscoped } from '../tensor/scope.js';

export interface AffineOptions {
  /** Keras RandomRotation factor: angles uniform in [-factor, factor] of a full turn (0.05 = +-18 degrees). */
  rotation?: number;
  /** Keras RandomTranslation [height_factor, width_factor]: shifts uniform in [-f, f] of the image size. */
  translate?: readonly [number, number];
  /** Value outside the image (Keras fill_value). Default 0. */
  fillValue?: number;
  /** Default 'constant' (the notebook's RandomTranslation); Keras's layers default to 'reflect'. */
  fillMode?: FillMode;
  seed: number;
}

/** A CPU batch transform: takes a normalised NHWC batch and its shape, returns the transformed batch. */
export type CpuTransform = (x: Float32Array, shape: readonly [number, number, number, number], step: number) => Float32Array;

/** The seed a given training step's augmentation uses (shared with the GPU transform so both paths agree). */
export const augmentSeed = (seed: number, step: number): number => (seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0;

export function cpuRandomAffine(o: AffineOptions): CpuTransform {
  const [heightFactor, widthFactor] = o.translate ?? [0, 0];
  return (x, shape, step) => unscoped(() => {
    const input = tensor(x, shape, { dtype: 'f32', device: 'cpu' });
    const y = randomAffineForward(input, {
      rotationFactor: o.rotation ?? 0, heightFactor, widthFactor, fillValue: o.fillValue ?? 0, fillMode: o.fillMode, seed: augmentSeed(o.seed, step),
    });
    const out = Float32Array.from(y.storage.data);
    input.dispose();
    y.dispose();
    return out;
  });
}
