// TF.js weights manifests: a model.json's `weightsManifest` (groups of binary shards, each group's shards
// concatenated and its weights laid end to end, little-endian) read into named Float32Arrays. Decodes float32,
// int32, bool, float16, and uint8/uint16 quantization (q * scale + min, both manifest spellings).

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** How a weight is stored: `dtype` the stored type; without it, the spec's dtype names the stored type (float32 out). */
export interface TfjsQuantization {
  dtype?: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
}

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: TfjsQuantization;
}

export interface TfjsManifestGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

/** One decoded weight: `dtype` is the manifest's (after dequantization); `values` always Float32. */
export interface TfjsWeight {
  name: string;
  shape: number[];
  dtype: string;
  values: Float32Array;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * Reads every weight of `manifest` from the shards in `dir` (shard paths are relative to it), in manifest order.
 * A dtype this engine cannot decode, a missing shard, or shards shorter than the manifest says give an error
 * naming the weight and the file.
 */
export async function readTfjsWeights(manifest: readonly TfjsManifestGroup[], dir: string): Promise<Map<string, TfjsWeight>> {
  if (!Array.isArray(manifest)) throw new Error(`readTfjsWeights: weightsManifest must be an array of {paths, weights} groups but got ${typeof manifest}`);
  const out = new Map<string, TfjsWeight>();
  for (const [g, group] of manifest.entries()) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      throw new Error(`readTfjsWeights: weightsManifest[${g}] must have 'paths' and 'weights' arrays`);
    }
    const shards = await Promise.all(group.paths.map(async (p: string) => {
      if (typeof p !== 'string') throw new Error(`readTfjsWeights: weightsManifest[${g}].paths holds ${JSON.stringify(p)}; expected shard file names`);
      try { return await readFile(join(dir, p)); }
      catch (e) { throw new Error(`readTfjsWeights: cannot read shard '${p}' of weightsManifest[${g}] in ${dir}: ${(e as Error).message}`); }
    }));
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const spec of group.weights) {
      if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string') {
        throw new Error(`readTfjsWeights: weightsManifest[${g}].weights holds ${JSON.stringify(spec)}; expected {name, shape, dtype}`);
      }
      const w = decodeWeight(spec, bytes, offset, group.paths.join(', '));
      offset += w.byteLength;
      if (out.has(spec.name)) throw new Error(`readTfjsWeights: weight '${spec.name}' appears twice in the manifest`);
      out.set(spec.name, w.weight);
    }
    if (offset !== bytes.length) {
      throw new Error(`readTfjsWeights: shards ${group.paths.join(', ')} hold ${bytes.length} bytes but the manifest's weights take ${offset}`);
    }
  }
  return out;
}

/** Reads model.json at `path` and the shards next to it. */
export async function readTfjsModelWeights(path: string): Promise<Map<string, TfjsWeight>> {
  let json: { weightsManifest?: TfjsManifestGroup[] } | null;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`readTfjsModelWeights: ${path} is not valid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || !json.weightsManifest) throw new Error(`readTfjsModelWeights: ${path} has no 'weightsManifest'`);
  return readTfjsWeights(json.weightsManifest, dirname(path));
}

function decodeWeight(spec: TfjsWeightSpec, bytes: Buffer, offset: number, files: string): { weight: TfjsWeight; byteLength: number } {
  const where = `weight '${spec.name}'`;
  if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`readTfjsWeights: ${where} has shape ${JSON.stringify(spec.shape)}; expected non-negative integers`);
  }
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const q = spec.quantization;
  const stored = q?.dtype ?? spec.dtype;
  const size = BYTES[stored];
  if (!size || (stored === 'uint8' || stored === 'uint16') && !q) {
    throw new Error(`readTfjsWeights: ${where} has dtype '${stored}'; this reader decodes float32, int32, bool, float16 and uint8/uint16 quantization`);
  }
  if (q && stored !== 'float16' && (typeof q.scale !== 'number' || typeof q.min !== 'number')) {
    throw new Error(`readTfjsWeights: ${where} is quantized to ${stored} without numeric 'scale' and 'min'`);
  }
  const byteLength = count * size;
  if (offset + byteLength > bytes.length) {
    throw new Error(`readTfjsWeights: ${where} needs bytes ${offset}..${offset + byteLength} but shards ${files} hold ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, byteLength);
  const values = new Float32Array(count);
  const dtype = q && !q.dtype ? 'float32' : spec.dtype;
  const round = q !== undefined && dtype === 'int32';
  for (let i = 0; i < count; i++) {
    let v: number;
    switch (stored) {
      case 'float32': v = view.getFloat32(i * 4, true); break;
      case 'int32': v = view.getInt32(i * 4, true); break;
      case 'bool': case 'uint8': v = view.getUint8(i); break;
      case 'uint16': v = view.getUint16(i * 2, true); break;
      default: v = halfToFloat(view.getUint16(i * 2, true));
    }
    if (q && stored !== 'float16') v = v * q.scale! + q.min!;
    values[i] = round ? Math.round(v) : v;
  }
  return { weight: { name: spec.name, shape: [...spec.shape], dtype, values }, byteLength };
}

/** IEEE 754 binary16 -> number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
