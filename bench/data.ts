// Seeded bench inputs (normal values from the engine's counter-based RNG), so every run times the same numbers.
import { randNormal, rngKey } from '../src/kernels/random.js';

export function randomData(n: number, seed: number, scale = 1): Float32Array {
  const key = rngKey(seed);
  return Float32Array.from({ length: n }, (_, i) => randNormal(key, i) * scale);
}
