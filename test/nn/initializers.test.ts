// Initialisers: Keras's fan rules and limits, sample statistics of large draws, seeding, GPU/CPU agreement.
import { describe, expect, it } from 'vitest';
import { nextSeed, setSeed } from '../../src/kernels/random.js';
import {
  computeFans, constant, getInitializer, glorotNormal, glorotUniform, heNormal, heUniform, lecunUniform, ones, RandomNormal,
  RandomUniform, TruncatedNormal, VarianceScaling, zeros, type Initializer,
} from '../../src/nn/initializers.js';
import { expectClose } from '../helpers.js';

interface Stats { min: number; max: number; mean: number; std: number }
function stats(xs: ArrayLike<number>): Stats {
  let min = Infinity, max = -Infinity, sum = 0, sq = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    min = Math.min(min, x); max = Math.max(max, x); sum += x; sq += x * x;
  }
  const mean = sum / xs.length;
  return { min, max, mean, std: Math.sqrt(sq / xs.length - mean * mean) };
}

async function draw(init: Initializer, shape: number[], device: 'webgpu' | 'cpu' = 'webgpu'): Promise<Float32Array> {
  const t = init.apply(shape, device);
  const d = (await t.data()) as Float32Array;
  t.dispose();
  return d;
}

describe('initialisers', () => {
  it('Keras: compute_fans for Dense [in, out], conv [KH, KW, C, K], rank 1 and scalars', () => {
    expect(computeFans([784, 256])).toEqual({ fanIn: 784, fanOut: 256 });
    expect(computeFans([3, 3, 32, 64])).toEqual({ fanIn: 3 * 3 * 32, fanOut: 3 * 3 * 64 });
    expect(computeFans([5, 4, 3])).toEqual({ fanIn: 20, fanOut: 15 });
    expect(computeFans([10])).toEqual({ fanIn: 10, fanOut: 10 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
  });

  it('Keras: glorot_uniform limit sqrt(6 / (fan_in + fan_out)), he_uniform sqrt(6 / fan_in), lecun_uniform sqrt(3 / fan_in)', () => {
    expect(glorotUniform().spread([784, 256])).toBeCloseTo(Math.sqrt(6 / (784 + 256)), 15);
    expect(glorotUniform().spread([3, 3, 16, 32])).toBeCloseTo(Math.sqrt(6 / (9 * 16 + 9 * 32)), 15);
    expect(heUniform().spread([3, 3, 3, 32])).toBeCloseTo(Math.sqrt(6 / 27), 15);
    expect(lecunUniform().spread([100, 7])).toBeCloseTo(Math.sqrt(3 / 100), 15);
    // Truncated normals: stddev sqrt(scale / n) divided by the truncation correction 0.8796...
    expect(glorotNormal().spread([100, 300])).toBeCloseTo(Math.sqrt(1 / 200) / 0.87962566103423978, 15);
    expect(heNormal().spread([3, 3, 8, 4])).toBeCloseTo(Math.sqrt(2 / 72) / 0.87962566103423978, 15);
    expect(new VarianceScaling({ scale: 2, mode: 'fan_out', distribution: 'untruncated_normal' }).spread([10, 50])).toBeCloseTo(Math.sqrt(2 / 50), 15);
  });

  it('Keras: uniform samples fill [-limit, limit) with mean 0 and variance limit^2 / 3', async () => {
    for (const [init, shape] of [[glorotUniform({ seed: 0 }), [256, 512]], [heUniform({ seed: 3 }), [3, 3, 64, 128]]] as const) {
      const limit = (init as VarianceScaling).spread(shape);
      const s = stats(await draw(init, [...shape]));
      expect(s.min).toBeGreaterThanOrEqual(-limit);
      expect(s.max).toBeLessThan(limit);
      expect(s.min).toBeLessThan(-0.999 * limit);
      expect(s.max).toBeGreaterThan(0.999 * limit);
      expect(Math.abs(s.mean)).toBeLessThan(0.01 * limit);
      expect(s.std / (limit / Math.sqrt(3))).toBeCloseTo(1, 2);
    }
  });

  it('Keras: truncated normals stay within two raw stddevs and have the target stddev after truncation', async () => {
    const shape = [300, 500];
    const raw = glorotNormal({ seed: 1 }).spread(shape);
    const s = stats(await draw(glorotNormal({ seed: 1 }), shape));
    expect(s.max).toBeLessThanOrEqual(2 * raw * (1 + 1e-6));
    expect(s.min).toBeGreaterThanOrEqual(-2 * raw * (1 + 1e-6));
    expect(s.max).toBeGreaterThan(1.99 * raw);
    expect(s.std / Math.sqrt(1 / 400)).toBeCloseTo(1, 2); // the 0.8796 correction restores sqrt(scale / fan_avg)
    const t = stats(await draw(new TruncatedNormal(1, 0.5, 9), [100_000]));
    expect(t.min).toBeGreaterThanOrEqual(0);
    expect(t.max).toBeLessThanOrEqual(2);
    expect(t.mean).toBeCloseTo(1, 2);
    expect(t.std).toBeCloseTo(0.5 * 0.87962566103423978, 2);
  });

  it('Keras: RandomUniform / RandomNormal defaults (+-0.05, stddev 0.05) and constants', async () => {
    expect(new RandomUniform().getConfig()).toEqual({ minval: -0.05, maxval: 0.05, seed: null });
    const n = stats(await draw(new RandomNormal(0, 0.05, 4), [100_000]));
    expect(n.std).toBeCloseTo(0.05, 3);
    expect(Math.abs(n.mean)).toBeLessThan(1e-3);
    expect(Array.from(await draw(zeros(), [3]))).toEqual([0, 0, 0]);
    expect(Array.from(await draw(ones(), [2, 2]))).toEqual([1, 1, 1, 1]);
    expect(Array.from(await draw(constant(0.25), [2]))).toEqual([0.25, 0.25]);
  });

  it('Keras: a seeded initialiser gives the same values on every call (the notebook\'s glorot_uniform(seed=0)), on GPU and CPU alike', async () => {
    const a = await draw(glorotUniform({ seed: 0 }), [3, 3, 16, 16]);
    const b = await draw(glorotUniform({ seed: 0 }), [3, 3, 16, 16]);
    const c = await draw(glorotUniform({ seed: 1 }), [3, 3, 16, 16]);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (const init of [glorotUniform({ seed: 0 }), heNormal({ seed: 5 }), new RandomNormal(0, 1, 2)]) {
      expectClose(await draw(init, [1000], 'webgpu'), await draw(init, [1000], 'cpu'), 1e-6, 1e-5, init.className);
    }
  });

  it('unseeded initialisers take the next global seed: different on each call, reproducible after setSeed', async () => {
    setSeed(42);
    const first = [await draw(heUniform(), [50]), await draw(heUniform(), [50])];
    expect(Array.from(first[0]!)).not.toEqual(Array.from(first[1]!));
    setSeed(42);
    const again = [await draw(heUniform(), [50]), await draw(heUniform(), [50])];
    expect(again.map((x) => Array.from(x))).toEqual(first.map((x) => Array.from(x)));
    setSeed(7);
    const s7 = nextSeed();
    setSeed(7);
    expect(nextSeed()).toBe(s7);
    expect(() => setSeed(1.5)).toThrow(/integer/);
  });

  it('Keras: string names resolve', () => {
    expect(getInitializer('glorot_uniform').className).toBe('GlorotUniform');
    expect(getInitializer('HeUniform').className).toBe('HeUniform');
    expect(getInitializer('zeros').className).toBe('Zeros');
    expect(() => getInitializer('orthogonal')).toThrow(/unknown initializer 'orthogonal'/);
  });
});
