// Inverted dropout: element i is kept when rand01(key(seed), i) >= rate and then scaled by 1 / (1 - rate). The mask
// is a pure function of (seed, i) through the counter-based RNG, so GPU and CPU draw the same mask and the backward
// regenerates it instead of saving it: with the mask fixed, dropout is linear and dx = dropout(dy, rate, seed).

import { scalarValue, type Scalar } from '../tensor/capture.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';
import { RNG_WGSL, rand01, seedKey } from './random.js';

const dropoutKernel = variants((p: { vec4: boolean }) =>
  kernel({
    name: `dropout${p.vec4 ? '_vec4' : ''}`,
    inputs: { x: p.vec4 ? 'vec4f' : 'f32' }, outputs: { y: p.vec4 ? 'vec4f' : 'f32' },
    uniforms: { total: 'u32', key: 'u32', rate: 'f32', scale: 'f32' }, workgroup: WG, helpers: RNG_WGSL,
    body: p.vec4 ? `
  // Thread i covers elements 4i..4i+3; each draws its own counter so the mask matches the scalar path.
${flatThread()}
  let e = 4u * i;
  let r = vec4<f32>(rand01(u.key, e), rand01(u.key, e + 1u), rand01(u.key, e + 2u), rand01(u.key, e + 3u));
  y[i] = select(vec4<f32>(0.0), x[i] * u.scale, r >= vec4<f32>(u.rate));` : `
${flatThread()}
  y[i] = select(0.0, x[i] * u.scale, rand01(u.key, i) >= u.rate);`,
  }));

/** Throws unless rate is in [0, 1) and seed is a finite number. */
export function checkDropout(rate: number, seed: Scalar, shape: readonly number[]): void {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1) but got ${rate} (input 'x' ${fmtShape(shape)})`);
  if (!Number.isFinite(scalarValue(seed))) throw new Error(`dropout: seed must be a finite number but got ${scalarValue(seed)}`);
}

/** x * mask / (1 - rate), mask[i] = rand01(rngKey(seed), i) >= rate. */
export function dropoutForward(x: Tensor, rate: number, seed: Scalar): Tensor {
  checkDropout(rate, seed, x.shape);
  const y = Tensor.empty(x.shape, 'f32', x.device);
  const key = seedKey(seed), scale = 1 / (1 - rate);
  if (x.device === 'cpu') {
    const xs = x.storage.data, ys = y.storage.data, k = scalarValue(key);
    for (let i = 0; i < xs.length; i++) ys[i] = rand01(k, i) >= rate ? xs[i]! * scale : 0;
  } else {
    const vec4 = x.size % 4 === 0, total = vec4 ? x.size / 4 : x.size;
    dropoutKernel({ vec4 }).run({ x, y }, { total, key, rate, scale }, grid1d(total));
  }
  return y;
}
