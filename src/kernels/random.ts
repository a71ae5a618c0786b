// Counter-based random numbers: element i of a draw is a pure function of (seed, i), computed identically in WGSL
// and on the CPU, so a seeded run gives the same numbers on every device and no RNG state lives on the GPU.
// The mixer is the 'lowbias32' integer hash applied twice (seed, then counter).

import { sizeOf, type Shape } from '../tensor/shape.js';
import type { DeviceKind } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { FLAT_ID, grid1d, kernel } from './kernel.js';

const WG = 64;

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
// Uniform in (0, 1): never 0, so log() is finite.
fn rand01Open(key: u32, i: u32) -> f32 { return (f32(hash32(key + hash32(i)) >> 8u) + 0.5) * (1.0 / 16777216.0); }
fn randNormal(key: u32, i: u32) -> f32 {
  let r = sqrt(-2.0 * log(rand01Open(key, 2u * i)));
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
export const rand01 = (key: number, i: number): number => (hash32((key + hash32(i)) >>> 0) >>> 8) / 16777216;
const rand01Open = (key: number, i: number): number => ((hash32((key + hash32(i)) >>> 0) >>> 8) + 0.5) / 16777216;
export const randNormal = (key: number, i: number): number =>
  Math.sqrt(-2 * Math.log(rand01Open(key, 2 * i))) * Math.cos(2 * Math.PI * rand01(key, 2 * i + 1));

const uniformKernel = kernel({
  name: 'randomUniform', inputs: {}, outputs: { y: 'f32' }, uniforms: { total: 'u32', key: 'u32', lo: 'f32', hi: 'f32' }, workgroup: WG,
  helpers: RNG_WGSL,
  body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = u.lo + (u.hi - u.lo) * rand01(u.key, i); }`,
});

const normalKernel = kernel({
  name: 'randomNormal', inputs: {}, outputs: { y: 'f32' }, uniforms: { total: 'u32', key: 'u32', mean: 'f32', stddev: 'f32' }, workgroup: WG,
  helpers: RNG_WGSL,
  body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = u.mean + u.stddev * randNormal(u.key, i); }`,
});

/** Uniform samples in [lo, hi). */
export function randomUniform(shape: Shape, seed: number, lo = 0, hi = 1, device: DeviceKind = 'webgpu'): Tensor {
  const y = Tensor.empty(shape, 'f32', device);
  const n = sizeOf(shape), key = rngKey(seed);
  if (device === 'cpu') {
    const ys = y.storage.data;
    for (let i = 0; i < n; i++) ys[i] = lo + (hi - lo) * rand01(key, i);
  } else uniformKernel.run({ y }, { total: n, key, lo, hi }, grid1d(n, WG));
  return y;
}

/** Normal samples (Box-Muller). */
export function randomNormal(shape: Shape, seed: number, mean = 0, std = 1, device: DeviceKind = 'webgpu'): Tensor {
  const y = Tensor.empty(shape, 'f32', device);
  const n = sizeOf(shape), key = rngKey(seed);
  if (device === 'cpu') {
    const ys = y.storage.data;
    for (let i = 0; i < n; i++) ys[i] = mean + std * randNormal(key, i);
  } else normalKernel.run({ y }, { total: n, key, mean, stddev: std }, grid1d(n, WG));
  return y;
}
