// Whole-model files, as Keras's model.save / keras.models.load_model: one safetensors file holding the weights
// (named 'layer/weight'), the optimiser state ('optimizer/<Name>/...'), and as metadata the architecture in Keras's
// JSON shape (model_config) and the compile config. loadModel rebuilds the model from them with no code.

import { tensor } from '../../tensor/tensor.js';
import { readSafetensors, entryValues, saveSafetensors, type SafetensorsFile } from '../safetensors.js';
import type { Model } from '../model.js';
import { namedWeights } from '../saving.js';
import { compileFromKeras, compileToKeras } from './compile_config.js';
import { KerasConfigError } from './keras_config.js';
import { isH5Path } from './keras_h5_write.js';
import { modelFromKeras, modelToKeras } from './model_config.js';
import { assignHostWeights, type HostWeight } from './weights_by_name.js';

export const MODEL_FORMAT = 'webgpu-nn/model';
const OPTIMIZER_PREFIX = 'optimizer/';
const H5_WHOLE_MODEL = (what: string, path: string): string => `${what}: ${path}: whole models are not kept in Keras .h5 files here; ` +
  'use a .safetensors path for the model, or saveWeights / loadWeights for Keras .h5 weights';

/** Writes the architecture, weights, compile config and optimiser state of `model` to `path` (atomically). */
export async function saveModelFile(model: Model, path: string): Promise<void> {
  if (isH5Path(path)) throw new Error(H5_WHOLE_MODEL('model.save', path));
  const opt = model.compiled?.optimizer;
  const optWeights = opt ? opt.weights().map((w) => ({ name: `${OPTIMIZER_PREFIX}${w.name}`, tensor: w.tensor })) : [];
  const metadata: Record<string, string> = { format: MODEL_FORMAT, model: model.name, model_config: JSON.stringify(modelToKeras(model)) };
  if (model.compiled) metadata.compile_config = JSON.stringify(compileToKeras(model.compiled));
  await saveSafetensors(path, [...namedWeights(model), ...optWeights], { metadata });
}

export interface LoadModelOptions {
  /** Compile with the saved optimiser (state restored) and loss, as Keras's load_model(compile=True). Default true. */
  compile?: boolean;
}

export interface ModelFile {
  file: SafetensorsFile;
  /** The compile config as saved, or null (the model was never compiled). */
  compileConfig: unknown;
}

/** Reads a model file: the architecture rebuilt and the weights written; compile and optimiser state as asked. */
export async function loadModel(path: string, opts: LoadModelOptions = {}): Promise<Model> {
  return (await loadModelFile(path, opts)).model;
}

/** loadModel, also returning the saved compile config (for tools that compile differently, such as evaluate). */
export async function loadModelFile(path: string, opts: LoadModelOptions = {}): Promise<ModelFile & { model: Model }> {
  if (isH5Path(path)) throw new Error(H5_WHOLE_MODEL('loadModel', path));
  const file = await readSafetensors(path);
  const meta = file.metadata ?? {};
  if (meta.format !== MODEL_FORMAT || !meta.model_config) {
    const what = meta.format === 'webgpu-nn/weights' ? 'holds weights only (saveWeights / saveWeightsOnly)' : meta.format === MODEL_FORMAT ? 'was written by an older version without the architecture' : 'is not a webgpu-nn model file';
    throw new KerasConfigError(`loadModel: ${path} ${what}; expected metadata format '${MODEL_FORMAT}' with a model_config (written by model.save)`);
  }
  const model = modelFromKeras(parseJson(meta.model_config, path, 'model_config'), path);
  try {
    const weights = new Map<string, HostWeight>();
    for (const [name, e] of file.tensors) if (!name.startsWith(OPTIMIZER_PREFIX)) weights.set(name, { shape: e.shape, values: entryValues(e) });
    assignHostWeights(model, weights, `loadModel: ${path}`);
    const compileConfig = meta.compile_config ? parseJson(meta.compile_config, path, 'compile_config') : null;
    if ((opts.compile ?? true) && compileConfig) {
      model.compile(compileFromKeras(compileConfig, `loadModel: ${path}`));
      await restoreOptimizer(model, file, path);
    }
    return { model, file, compileConfig };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function parseJson(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KerasConfigError(`loadModel: ${path}: metadata '${what}' is not valid JSON: ${(e as Error).message}`);
  }
}

/** Restores iterations and the slots of every parameter the saved optimiser had updated. */
async function restoreOptimizer(model: Model, file: SafetensorsFile, path: string): Promise<void> {
  const opt = model.optimizer;
  const prefix = `${OPTIMIZER_PREFIX}${opt.name}/`;
  const saved = [...file.tensors].filter(([n]) => n.startsWith(prefix));
  if (!saved.length) return;   // saved before the first update
  const named = saved.map(([n, e]) => ({ name: n.slice(OPTIMIZER_PREFIX.length), tensor: tensor(entryValues(e), e.shape, { dtype: e.dtype === 'I32' ? 'i32' : 'f32' }) }));
  try {
    const names = new Set(named.map((w) => w.name));
    const params = model.trainableWeights.map((w) => w.value).filter((p) => opt.slotNames.every((s) => names.has(`${opt.name}/${p.name}/${s}`)));
    const expected = 1 + params.length * opt.slotNames.length;
    if (expected !== named.length) {
      const known = new Set([`${opt.name}/iter`, ...params.flatMap((p) => opt.slotNames.map((s) => `${opt.name}/${p.name}/${s}`))]);
      const stray = named.filter((w) => !known.has(w.name)).map((w) => `'${w.name}'`);
      throw new KerasConfigError(`loadModel: ${path}: optimizer state ${stray.join(', ')} matches no trainable weight of model '${model.name}'`);
    }
    await opt.setWeights(named, params);
  } finally {
    for (const w of named) w.tensor.dispose();
  }
}
