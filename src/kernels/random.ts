// Counter-based random numbers: element i of a draw is a pure function of (seed, i), computed identically in WGSL
// and on the CPU, so a seeded run gives the same numbers on every device and no RNG state lives on the GPU.
// The mixer is the 'lowbias32' integer hash applied twice (seed, then counter).

import type { Scalar } from '../tensor/capture.js';
import { sizeOf, type Shape } from '../tensor/shape.js';
import type { DeviceKind } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';

export const RNG_WGSL = /* wgsl */ `
fn hash32(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u; h *= 0x7feb352du;
  h ^= h >> 15u; h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}
// Uniform in [0, 1) with 24 random bits.
fn rand01(key: u32, i: u32) -> f32 { return f32(hash32(key + hash32(i)) >> 8u) * (1.0 / 16777216.0); }
// Uniform in (0, 1]: never 0, so log() is finite. (h + 1) <= 2^24 is exact in f32, so both devices agree exactly.
fn rand01Open(key: u32, i: u32) -> f32 { return f32((hash32(key + hash32(i)) >> 8u) + 1u) * (1.0 / 16777216.0); }
// NOTE: WGSL only bounds log() near 1 to an absolute error of 2^-21, which is most of log(u) as u -> 1 (and of
// the small normal values made from it), so there a series in t = 1 - u (exact in f32) replaces it.
fn logNear1(u: f32) -> f32 {
  let t = 1.0 - u;
  if (t >= 0.03125) { return log(u); }
  return -t * (1.0 + t * (0.5 + t * (0.33333334 + t * (0.25 + t * (0.2 + t * 0.16666667)))));
}
fn randNormal(key: u32, i: u32) -> f32 {
  let r = sqrt(-2.0 * logNear1(rand01Open(key, 2u * i)));
  return r * cos(6.283185307179586 * rand01(key, 2u * i + 1u));
}`;

function hash32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16; h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15; h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The per-draw key both devices derive from a user seed. */
export function rngKey(seed: number): number {
  return hash32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
}
/** rngKey of a seed that may be drawn per step (capture.ts): a replayed step derives the key of each new draw. */
export const seedKey = (seed: Scalar): Scalar => (typeof seed === 'number' ? rngKey(seed) : seed.map(rngKey));
export const rand01 = (key: number, i: number): number => (hash32((key + hash32(i)) >>> 0) >>> 8) / 16777216;
const rand01Open = (key: number, i: number): number => ((hash32((key + hash32(i)) >>> 0) >>> 8) + 1) / 16777216;
export const randNormal = (key: number, i: number): number =>
  Math.sqrt(-2 * Math.log(rand01Open(key, 2 * i))) * Math.cos(2 * Math.PI * rand01(key, 2 * i + 1));

// Truncated normal (TF/Keras truncated_normal): a draw outside ±2 standard deviations is redrawn with a fresh key.
// After 16 rejections (probability 0.0455^16, about 1e-21) the element is 0 rather than looping on.
const TRUNC_WGSL = /* wgsl */ `
fn randTruncNormal(key: u32, i: u32) -> f32 {
  var k = key;
  for (var a = 0u; a < 16u; a++) {
    let z = randNormal(k, i);
    if (abs(z) <= 2.0) { return z; }
    k = hash32(k + 0x9e3779b9u);
  }
  return 0.0;
}`;

export function randTruncNormal(key: number, i: number): number {
  let k = key;
  for (let a = 0; a < 16; a++) {
    const z = randNormal(k, i);
    if (Math.abs(z) <= 2) return z;
    k = hash32((k + 0x9e3779b9) >>> 0);
  }
  return 0;
}

interface Distribution {
  /** WGSL value of element i from u.key and the two parameters u.a, u.b. */
  wgsl: string;
  cpu: (key: number, i: number, a: number, b: number) => number;
  helpers: string;
}

// One row per distribution; a and b are [lo, hi) for uniform and (mean, standard deviation) for the normals.
const DISTRIBUTIONS = {
  randomUniform: { wgsl: 'u.a + (u.b - u.a) * rand01(u.key, i)', cpu: (key, i, lo, hi) => lo + (hi - lo) * rand01(key, i), helpers: RNG_WGSL },
  randomNormal: { wgsl: 'u.a + u.b * randNormal(u.key, i)', cpu: (key, i, mean, std) => mean + std * randNormal(key, i), helpers: RNG_WGSL },
  randomTruncatedNormal: {
    wgsl: 'u.a + u.b * randTruncNormal(u.key, i)', cpu: (key, i, mean, std) => mean + std * randTruncNormal(key, i), helpers: RNG_WGSL + TRUNC_WGSL,
  },
} satisfies Record<string, Distribution>;

const drawKernel = variants((p: { dist: keyof typeof DISTRIBUTIONS }) =>
  kernel({
    name: p.dist, inputs: {}, outputs: { y: 'f32' }, uniforms: { total: 'u32', key: 'u32', a: 'f32', b: 'f32' }, workgroup: WG,
    helpers: DISTRIBUTIONS[p.dist].helpers,
    body: `
${flatThread()}
  y[i] = ${DISTRIBUTIONS[p.dist].wgsl};`,
  }));

function draw(dist: keyof typeof DISTRIBUTIONS, shape: Shape, seed: number, a: number, b: number, device: DeviceKind): Tensor {
  const y = Tensor.empty(shape, 'f32', device);
  const n = sizeOf(shape), key = rngKey(seed);
  if (device === 'cpu') {
    const f = DISTRIBUTIONS[dist].cpu, ys = y.storage.data;
    for (let i = 0; i < n; i++) ys[i] = f(key, i, a, b);
  } else drawKernel({ dist }).run({ y }, { total: n, key, a, b }, grid1d(n));
  return y;
}

/** Uniform samples in [lo, hi). */
export function randomUniform(shape: Shape, seed: number, lo = 0, hi = 1, device: DeviceKind = 'webgpu'): Tensor {
  return draw('randomUniform', shape, seed, lo, hi, device);
}

/** Normal samples (Box-Muller). */
export function randomNormal(shape: Shape, seed: number, mean = 0, std = 1, device: DeviceKind = 'webgpu'): Tensor {
  return draw('randomNormal', shape, seed, mean, std, device);
}

/** Normal samples (times std, plus mean) with every draw within two standard deviations of the mean. */
export function randomTruncatedNormal(shape: Shape, seed: number, mean = 0, std = 1, device: DeviceKind = 'webgpu'): Tensor {
  return draw('randomTruncatedNormal', shape, seed, mean, std, device);
}

// The global seed sequence: draws without an explicit seed (initialisers, and later dropout and shuffles) take the
// next seed from here, so `setSeed(n)` makes a whole run reproducible. Unset, it starts from a random base, as
// Keras does without a global seed.
let seedBase = (Math.random() * 0x100000000) >>> 0;
let seedCounter = 0;

/** Restarts the global seed sequence from `seed` (Keras `keras.utils.set_random_seed`). */
export function setSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new Error(`setSeed: seed must be an integer but got ${seed}`);
  seedBase = seed >>> 0;
  seedCounter = 0;
}

/** The next seed of the global sequence (a u32). */
export function nextSeed(): number {
  return hash32((rngKey(seedBase) + hash32(seedCounter++)) >>> 0);
}
