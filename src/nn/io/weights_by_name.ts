// Host arrays (from a TF.js manifest or one of our files) written into a model's weights by name. A weight is
// found under its Keras path ('conv1/kernel'), with TF's ':0' suffix, or under a prefix naming an enclosing model
// ('resnet50/conv1/kernel'); every weight must be found with its shape, and every array must be used.

import { fmtShape, sameShape } from '../../tensor/shape.js';
import { writeInto } from '../../tensor/tensor.js';
import type { Model } from '../model.js';
import { namedWeights } from '../saving.js';
import type { NamedTensor } from '../weights.js';

export interface HostWeight {
  shape: readonly number[];
  values: Float32Array | Int32Array | Uint8Array | Float64Array;
}

/** Pairs each model weight with its source array; throws listing every weight missing, unused or misshapen. */
export function matchWeights(targets: readonly NamedTensor[], sources: ReadonlyMap<string, HostWeight>, where: string, modelName: string): Array<[NamedTensor, HostWeight]> {
  const used = new Set<string>();
  const problems: string[] = [];
  const pairs: Array<[NamedTensor, HostWeight]> = [];
  const names = [...sources.keys()];
  for (const t of targets) {
    let key = [t.name, `${t.name}:0`].find((k) => sources.has(k));
    if (!key) {
      const suffixed = names.filter((n) => n.endsWith(`/${t.name}`) || n.endsWith(`/${t.name}:0`));
      if (suffixed.length > 1) problems.push(`'${t.name}' matches several weights in the file (${suffixed.join(', ')})`);
      key = suffixed.length === 1 ? suffixed[0] : undefined;
    }
    if (!key) {
      problems.push(`'${t.name}' ${fmtShape(t.tensor.shape)} is missing from the file`);
      continue;
    }
    const s = sources.get(key)!;
    used.add(key);
    if (!sameShape(s.shape, t.tensor.shape)) problems.push(`'${key}': shape ${fmtShape(s.shape)} in the file vs ${fmtShape(t.tensor.shape)} in the model`);
    else pairs.push([t, s]);
  }
  for (const n of names) if (!used.has(n)) problems.push(`'${n}' ${fmtShape(sources.get(n)!.shape)} in the file has no place in the model`);
  if (problems.length) throw new Error(`${where}: the weights do not fit model '${modelName}': ${problems.join('; ')}`);
  return pairs;
}

/** Writes `sources` into every weight of `model` (all checked before anything is written). */
export function assignHostWeights(model: Model, sources: ReadonlyMap<string, HostWeight>, where: string): void {
  const pairs = matchWeights(namedWeights(model), sources, where, model.name);
  for (const [t, s] of pairs) {
    const v = s.values;
    writeInto(t.tensor, t.tensor.dtype === 'f32' && !(v instanceof Float32Array) ? Float32Array.from(v) : v);
  }
}
