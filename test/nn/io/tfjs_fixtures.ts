// Writes TF.js layers-format files the way the converter lays them out (model.json + little-endian shards, weights
// end to end across shards), so the importer is tested on files whose bytes these helpers control.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FixtureWeight {
  name: string;
  shape: number[];
  values: ArrayLike<number>;
  /** Stored type: float32 (default), int32, bool, float16, or uint8/uint16 quantized with scale and min. */
  as?: 'float32' | 'int32' | 'bool' | 'float16' | 'uint8' | 'uint16';
  /** Put the quantized type only in the spec's dtype (no quantization.dtype), as older manifests do. */
  legacyQuantization?: boolean;
}

export function floatToHalf(v: number): number {
  const f = new Float32Array([v]);
  const bits = new Uint32Array(f.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const frac = bits & 0x7fffff;
  if (exp <= 0) return sign + Math.round(Math.abs(v) / 2 ** -24);   // subnormal
  if (exp >= 31) return sign | 0x7c00;
  return sign + (exp << 10) + Math.round(frac / 2 ** 13);          // a rounding carry moves into the exponent
}

/** Encodes `weights` into one byte array and the manifest's weight specs (quantization chosen per weight). */
export function encodeWeights(weights: readonly FixtureWeight[]): { bytes: Uint8Array; specs: object[] } {
  const parts: Uint8Array[] = [];
  const specs: object[] = [];
  for (const w of weights) {
    const as = w.as ?? 'float32';
    const n = w.values.length;
    let spec: Record<string, unknown> = { name: w.name, shape: w.shape, dtype: as === 'int32' || as === 'bool' ? as : 'float32' };
    let buf: ArrayBuffer;
    if (as === 'float32') buf = Float32Array.from(w.values).buffer;
    else if (as === 'int32') buf = Int32Array.from(w.values).buffer;
    else if (as === 'bool') buf = Uint8Array.from(w.values).buffer;
    else if (as === 'float16') {
      buf = Uint16Array.from(Array.from(w.values, floatToHalf)).buffer;
      spec = { ...spec, quantization: { dtype: 'float16' } };
    } else {
      const levels = as === 'uint8' ? 255 : 65535;
      const vals = Array.from(w.values);
      const min = vals.reduce((a, b) => Math.min(a, b), Infinity), max = vals.reduce((a, b) => Math.max(a, b), -Infinity);
      const scale = max > min ? (max - min) / levels : 1;
      const q = vals.map((v) => Math.round((v - min) / scale));
      buf = (as === 'uint8' ? Uint8Array.from(q) : Uint16Array.from(q)).buffer;
      spec = w.legacyQuantization ? { ...spec, dtype: as, quantization: { scale, min } } : { ...spec, quantization: { dtype: as, scale, min } };
    }
    if (buf.byteLength !== n * ({ float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 }[as])) throw new Error('fixture size');
    parts.push(new Uint8Array(buf));
    specs.push(spec);
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { bytes.set(p, o); o += p.length; }
  return { bytes, specs };
}

/** Writes model.json (with `modelTopology` when given) and the shards, split every `shardBytes`. Returns model.json's path. */
export async function writeTfjsModel(dir: string, weights: readonly FixtureWeight[], opts: { modelTopology?: unknown; shardBytes?: number } = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  const { bytes, specs } = encodeWeights(weights);
  const shardBytes = opts.shardBytes ?? 4 * 1024 * 1024;
  const paths: string[] = [];
  for (let o = 0, i = 0; o < bytes.length || i === 0; o += shardBytes, i++) {
    const name = `group1-shard${i + 1}of${Math.max(1, Math.ceil(bytes.length / shardBytes))}.bin`;
    await writeFile(join(dir, name), bytes.subarray(o, o + shardBytes));
    paths.push(name);
  }
  const json = { format: 'layers-model', generatedBy: 'webgpu-nn tests', convertedBy: null, modelTopology: opts.modelTopology ?? null,
    weightsManifest: [{ paths, weights: specs }] };
  const path = join(dir, 'model.json');
  await writeFile(path, JSON.stringify(json));
  return path;
}
