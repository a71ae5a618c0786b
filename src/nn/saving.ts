// Model weights on disk and in memory. Weights are named Keras-style `layer/weight` and written as safetensors
// (atomically: temp file, fsync, rename). save() adds the optimiser state under `optimizer/...` and the model's
// config as metadata; loadWeights() accepts either kind of file.

import type { Tensor } from '../tensor/tensor.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';
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

/** Weights, optimiser state and the model's config (for inspection and for resuming training). */
export async function saveModel(model: Model, path: string): Promise<void> {
  const opt = model.compiled?.optimizer;
  const optWeights = opt ? opt.weights().map((w) => ({ name: `optimizer/${w.name}`, tensor: w.tensor })) : [];
  await saveSafetensors(path, [...namedWeights(model), ...optWeights], {
    metadata: { format: 'webgpu-nn/model', model: model.name, config: JSON.stringify(model.getConfig()) },
  });
}

export async function loadWeights(model: Model, path: string): Promise<void> {
  const res = await loadSafetensors(path, namedWeights(model), { strict: false });
  const unexpected = res.unexpected.filter((n) => !n.startsWith('optimizer/'));
  if (res.missing.length || unexpected.length) {
    // Nothing was partially trusted: report every difference (the model's weights may hold some of the file now).
    throw new Error(`loadWeights: ${path} does not match model ${model.name}: ` +
      [...res.missing.map((n) => `'${n}' is missing from the file`), ...unexpected.map((n) => `'${n}' in the file is unexpected`)].join('; '));
  }
}

export function getWeights(model: Model): NamedTensor[] {
  return copyNamed(namedWeights(model));
}

export function setWeights(model: Model, weights: readonly NamedTensor[]): void {
  assignNamed(namedWeights(model), weights);
}
