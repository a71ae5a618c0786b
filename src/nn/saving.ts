// Model weights on disk and in memory. Weights are named Keras-style `layer/weight` and written as safetensors
// (atomically: temp file, fsync, rename); loadWeights() also reads whole-model files (io/model_file.ts), by name or,
// when asked (byName: false), by the model's layer order as Keras does. A .h5 path means Keras's HDF5 layout.

import type { Tensor } from '../tensor/tensor.js';
import { fmtShape, sameShape } from '../tensor/shape.js';
import { writeInto } from '../tensor/tensor.js';
import { entryValues, readSafetensors, saveSafetensors, type SafetensorsEntry, type SafetensorsFile } from './safetensors.js';
import type { Model } from './model.js';
import { assignNamed, copyNamed, type NamedTensor } from './weights.js';
import { loadKerasH5 } from './io/keras_h5.js';
import { isH5Path, saveKerasH5 } from './io/keras_h5_write.js';

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

/** Metadata key listing the weight names in the saving model's order (what by-order loading follows). */
const ORDER_KEY = 'weight_order';

/** Safetensors, or Keras's HDF5 layout for a .h5 path (Keras 3's for .weights.h5). */
export async function saveWeights(model: Model, path: string): Promise<void> {
  if (isH5Path(path)) return saveKerasH5(model, path);
  const weights = namedWeights(model);
  await saveSafetensors(path, weights, {
    metadata: { format: 'webgpu-nn/weights', model: model.name, [ORDER_KEY]: JSON.stringify(weights.map((w) => w.name)) },
  });
}

export interface LoadWeightsOptions {
  /**
   * true (default): every model weight is found by its name ('layer/weight'); a difference is an error that lists
   * it. false: as Keras's load_weights for a rebuilt model, the file's weights pair with the model's in layer order.
   */
  byName?: boolean;
}

/** The file's model weights (optimiser and other training state left out) in the order the saving model held them. */
function weightsInSavedOrder(file: SafetensorsFile): Array<[string, SafetensorsEntry]> {
  // Training checkpoints (resume.ts) also hold optimiser state, metric sums and callback tensors: not weights.
  const entries = [...file.tensors].filter(([n]) => !/^(optimizer|metrics|callbacks)\//.test(n));
  let order: unknown = null;
  try {
    order = JSON.parse(file.metadata?.[ORDER_KEY] ?? 'null');
  } catch {
    order = null;
  }
  if (!Array.isArray(order) || order.length !== entries.length || !order.every((n) => typeof n === 'string' && file.tensors.has(n))) return entries;
  return order.map((n: string) => [n, file.tensors.get(n)!]);
}

/**
 * Loads weights by name (default) or, with `byName: false`, by order. Shapes and dtypes are checked before
 * anything is written; the error lists every difference. An unbuilt model (no weights created yet) is refused.
 */
export async function loadWeights(model: Model, path: string, o: LoadWeightsOptions = {}): Promise<void> {
  if (!model.built) {
    throw new Error(`loadWeights: model ${model.name} is not built yet, so it has no weights to load ${path} into; ` +
      'give its first layer an inputShape (or add an Input), or call it on a batch first');
  }
  const byName = o.byName ?? true;
  if (isH5Path(path)) return loadKerasH5(model, path, { byName });
  const targets = namedWeights(model);
  const file = await readSafetensors(path);
  const entries = weightsInSavedOrder(file);
  let pairs: Array<readonly [NamedTensor, SafetensorsEntry, string]>;
  if (byName) {
    const names = new Set(targets.map((t) => t.name));
    const differences = [...targets.filter((t) => !file.tensors.has(t.name)).map((t) => `'${t.name}' is missing from the file`),
      ...entries.filter(([n]) => !names.has(n)).map(([n]) => `'${n}' in the file is not in the model`)];
    if (differences.length) {
      throw new Error(`loadWeights: the weight names in ${path} do not match model ${model.name}: ${differences.join('; ')} ` +
        '(pass { byName: false } to load by layer order, as Keras does for a rebuilt model)');
    }
    pairs = targets.map((t) => [t, file.tensors.get(t.name)!, `'${t.name}'`] as const);
  } else {
    if (entries.length !== targets.length) {
      throw new Error(`loadWeights: ${path} holds ${entries.length} weights but model ${model.name} has ${targets.length}; loading by order needs equal counts`);
    }
    pairs = targets.map((t, i) => [t, entries[i]![1], `weight ${i} ('${t.name}' in the model, '${entries[i]![0]}' in the file)`] as const);
  }
  const problems = pairs.flatMap(([t, e, where]) => {
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
