// Model weights on disk and in memory. Weights are named Keras-style `layer/weight` and written as safetensors
// (atomically: temp file, fsync, rename); loadWeights() also reads whole-model files (io/model_file.ts), by name or
// (as Keras) by weight order.

import type { Tensor } from '../tensor/tensor.js';
import { fmtShape, sameShape } from '../tensor/shape.js';
import { writeInto } from '../tensor/tensor.js';
import { entryValues, readSafetensors, saveSafetensors } from './safetensors.js';
import type { Model } from './model.js';
import { assignNamed, copyNamed, type NamedTensor } from './weights.js';

export function namedWeights(model: Model): NamedTensor[] {
  const seen = new Map<string, Tensor>();
  const out: NamedTensor[] = [];
  for (const w of model.weights) {
    const prev = seen.get(w.path);
    if (prev === w.value) continue;
    if (prev) throw new Error(`Model ${model.name}: two weights are named '${w.path}'; give the layers unique names`);
    seen.set(w.path, w.value);
    out.push({ name: w.path, tensor: w.value });
  }
  return out;
}

export async function saveWeights(model: Model, path: string): Promise<void> {
  await saveSafetensors(path, namedWeights(model), { metadata: { format: 'webgpu-nn/weights', model: model.name } });
}

/**
 * Loads weights by name when every name matches; otherwise, as Keras's load_weights does, by order (the model's
 * weight order, i.e. its topology), which lets a rebuilt model with other automatic layer names load a checkpoint.
 * Shapes and dtypes are checked before anything is written; the error lists every difference.
 */
export async function loadWeights(model: Model, path: string): Promise<void> {
  const targets = namedWeights(model);
  const file = await readSafetensors(path);
  const entries = [...file.tensors].filter(([n]) => !n.startsWith('optimizer/'));
  const byName = targets.every((t) => file.tensors.has(t.name));
  const pairs = byName ? targets.map((t) => [t, file.tensors.get(t.name)!] as const)
    : entries.length === targets.length ? targets.map((t, i) => [t, entries[i]![1]] as const) : null;
  if (!pairs) {
    const names = new Set(targets.map((t) => t.name));
    throw new Error(`loadWeights: ${path} holds ${entries.length} weights but model ${model.name} has ${targets.length}, and the names differ: ` +
      [...targets.filter((t) => !file.tensors.has(t.name)).map((t) => `'${t.name}' is missing from the file`),
        ...entries.filter(([n]) => !names.has(n)).map(([n]) => `'${n}' in the file is unexpected`)].join('; '));
  }
  const problems = pairs.flatMap(([t, e], i) => {
    const where = byName ? `'${t.name}'` : `weight ${i} ('${t.name}' in the model, '${entries[i]![0]}' in the file)`;
    if (!sameShape(e.shape, t.tensor.shape)) return [`${where}: shape ${fmtShape(e.shape)} in the file vs ${fmtShape(t.tensor.shape)} in the model`];
    if (e.dtype !== 'F32' && t.tensor.dtype === 'f32') return [`${where}: dtype ${e.dtype} in the file vs F32 in the model`];
    return [];
  });
  if (problems.length) throw new Error(`loadWeights: ${path} does not match model ${model.name}: ${problems.join('; ')}`);
  for (const [t, e] of pairs) writeInto(t.tensor, entryValues(e));
}

export function getWeights(model: Model): NamedTensor[] {
  return copyNamed(namedWeights(model));
}

export function setWeights(model: Model, weights: readonly NamedTensor[]): void {
  assignNamed(namedWeights(model), weights);
}
