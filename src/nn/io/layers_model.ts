// TF.js layers-format import, as tf.loadLayersModel: model.json's modelTopology (a Keras architecture, Sequential
// or functional, Keras 2 or 3 style) is built through the same config reader as our own model files, and the
// weights manifest's shards are read and placed by name.

import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Model } from '../model.js';
import { isObject, KerasConfigError } from './keras_config.js';
import { modelFromKeras } from './model_config.js';
import { readTfjsWeights, type TfjsManifestGroup } from './tfjs_weights.js';
import { assignHostWeights } from './weights_by_name.js';

/** Builds the model of a TF.js layers-format model.json and loads its weights by name. */
export async function loadLayersModel(path: string): Promise<Model> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new KerasConfigError(`loadLayersModel: cannot read ${path} as JSON: ${(e as Error).message}`);
  }
  return layersModelFromJson(json, path);
}

/** loadLayersModel on an already parsed model.json; shards are read relative to `path`'s folder. */
export async function layersModelFromJson(json: unknown, path: string): Promise<Model> {
  if (!isObject(json) || json.modelTopology === undefined || json.modelTopology === null) {
    throw new KerasConfigError(`loadLayersModel: ${path} has no 'modelTopology' (a TF.js graph model or weights-only file is not a layers model)`);
  }
  if (!Array.isArray(json.weightsManifest)) throw new KerasConfigError(`loadLayersModel: ${path} has no 'weightsManifest' list`);
  const model = modelFromKeras(json.modelTopology, path);
  try {
    if (!model.inputs.length) throw new KerasConfigError(`loadLayersModel: ${path}: the model has no input shape, so its weights cannot be built`);
    const weights = await readTfjsWeights(json.weightsManifest as unknown as TfjsManifestGroup[], dirname(path));
    assignHostWeights(model, weights, `loadLayersModel: ${path}`);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}
