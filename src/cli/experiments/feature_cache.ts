// Features of a frozen base, computed once per image and kept on disk: a frozen base maps an image to the same
// vector every epoch, so training a head on top needs the base's forward pass only once. A cache folder is keyed
// by everything the features depend on (the weights' bytes, the input size, the preprocessing, the images), holds
// <split>.f32 (one row of `dim` float32 per image of the split) and <split>.mask (1 where a row is filled), and is
// filled incrementally, so a --quick run computes only what it uses and a later full run reuses it.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSet } from '../../data/dataset.js';
import { DataLoader } from '../../data/loader.js';
import type { Model } from '../../nn/model.js';
import type { Tensor } from '../../tensor/tensor.js';

/** sha256 of files' contents, in order (the base's weight files). */
export async function hashFiles(paths: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  for (const p of paths) h.update(await readFile(p));
  return h.digest('hex');
}

/** sha256 of an image set's pixels, shape and labels. */
export function hashImages(set: ImageSet): string {
  return createHash('sha256').update(JSON.stringify(set.shape)).update(set.images).update(set.labels).digest('hex');
}

export interface FeatureKey {
  /** What the base is, e.g. 'resnet50-imagenet pooling=max'. */
  base: string;
  weightsHash: string;
  inputSize: readonly [number, number];
  /** How images become the base's input, e.g. 'mnist /255, bilinear resize, gray->rgb, caffe'. */
  preprocessing: string;
}

export interface FillStats {
  /** Images whose features were computed now (the others came from the cache). */
  computed: number;
  /** Wall time of the base's forward passes (batches uploaded, preprocessed, run and read back). */
  forwardMs: number;
}

export class FeatureCache {
  readonly dir: string;

  constructor(root: string, readonly key: FeatureKey, readonly dim: number) {
    const id = createHash('sha256').update(JSON.stringify({ format: 1, ...key, dim })).digest('hex').slice(0, 20);
    this.dir = join(root, 'features', id);
  }

  #file(split: string, ext: 'f32' | 'mask'): string {
    return join(this.dir, `${split}.${ext}`);
  }

  async #mask(split: string, n: number): Promise<Uint8Array> {
    const p = this.#file(split, 'mask');
    if (!existsSync(p)) return new Uint8Array(n);
    const m = new Uint8Array(await readFile(p));
    if (m.length !== n) throw new Error(`feature cache: ${p} covers ${m.length} images but ${split} has ${n}; delete ${this.dir} to rebuild it`);
    return m;
  }

  async #saveMask(split: string, mask: Uint8Array): Promise<void> {
    const p = this.#file(split, 'mask');
    await writeFile(`${p}.tmp`, mask);
    await rename(`${p}.tmp`, p);
  }

  /**
   * Makes sure the rows of `indices` in `split` are filled, computing the missing ones with `features` (a batch
   * of the set's images, normalised to 0..1 on the GPU -> [n, dim] features) in batches of `batchSize`.
   */
  async fill(split: string, set: ImageSet, indices: Int32Array, features: (x: Tensor) => Promise<Float32Array>, batchSize = 64, log?: (line: string) => void): Promise<FillStats> {
    const n = set.shape[0]!;
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, 'key.json'), JSON.stringify({ ...this.key, dim: this.dim, set: set.name, images: n }, null, 1));
    const mask = await this.#mask(split, n);
    const missing = Int32Array.from(new Set(indices)).filter((i) => !mask[i]).sort();
    if (!missing.length) return { computed: 0, forwardMs: 0 };
    log?.(`computing ${missing.length} ${split} features of ${set.name} (${this.dir})`);
    const fh = await open(this.#file(split, 'f32'), existsSync(this.#file(split, 'f32')) ? 'r+' : 'w+');
    const loader = new DataLoader(set, { batchSize, indices: missing, shuffle: false });
    const t0 = performance.now();
    let done = 0, lastLog = t0;
    try {
      for await (const batch of loader) {
        const rows = await features(batch.x);
        if (rows.length !== batch.size * this.dim) throw new Error(`feature cache: the base gave ${rows.length} values for ${batch.size} images; expected ${this.dim} each`);
        for (let i = 0; i < batch.size; i++) {
          const row = rows.subarray(i * this.dim, (i + 1) * this.dim);
          await fh.write(new Uint8Array(row.buffer, row.byteOffset, row.byteLength), 0, row.byteLength, batch.indices[i]! * this.dim * 4);
          mask[batch.indices[i]!] = 1;
        }
        done += batch.size;
        if (performance.now() - lastLog > 30_000) {
          lastLog = performance.now();
          await fh.sync();
          await this.#saveMask(split, mask);   // a killed run keeps what it computed
          log?.(`  ${done}/${missing.length} (${((lastLog - t0) / done).toFixed(1)} ms/image)`);
        }
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    const forwardMs = performance.now() - t0;
    await this.#saveMask(split, mask);
    return { computed: missing.length, forwardMs };
  }

  /** The rows of `indices` (all filled), one after another. */
  async read(split: string, n: number, indices: Int32Array): Promise<Float32Array> {
    const mask = await this.#mask(split, n);
    const hole = indices.find((i) => !mask[i]);
    if (hole !== undefined) throw new Error(`feature cache: ${split} row ${hole} is not filled in ${this.dir}`);
    const out = new Float32Array(indices.length * this.dim);
    const bytes = this.dim * 4;
    const fh = await open(this.#file(split, 'f32'), 'r');
    try {
      if (indices.length * 2 > n) {
        const all = new Float32Array(n * this.dim);
        await fh.read(new Uint8Array(all.buffer), 0, all.byteLength, 0);
        indices.forEach((j, i) => out.set(all.subarray(j * this.dim, (j + 1) * this.dim), i * this.dim));
      } else {
        for (const [i, j] of indices.entries()) await fh.read(new Uint8Array(out.buffer, i * bytes, bytes), 0, bytes, j * bytes);
      }
    } finally {
      await fh.close();
    }
    return out;
  }
}

/** Milliseconds `features` takes over the images at `indices` (nothing stored). */
export async function timeFeatures(set: ImageSet, indices: Int32Array, features: (x: Tensor) => Promise<Float32Array>, batchSize = 64): Promise<number> {
  const t0 = performance.now();
  for await (const batch of new DataLoader(set, { batchSize, indices, shuffle: false })) await features(batch.x);
  return performance.now() - t0;
}

/** Runs `model` in inference mode on a batch and reads the result back. */
export async function forwardRows(model: Model, x: Tensor): Promise<Float32Array> {
  const y = await model.predict(x);
  try {
    return await y.data() as Float32Array;
  } finally {
    y.dispose();
  }
}
