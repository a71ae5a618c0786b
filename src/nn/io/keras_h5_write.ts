// Writes a model's weights as Keras does, so Keras can load them: a path ending in .weights.h5 gets Keras 3's
// layout (layers/<class>/vars/<i>), any other .h5 Keras 2's (layer_names, weight_names, <layer>/<weight>:0, what
// tf.keras's save_weights and ModelCheckpoint write). Written to a temporary sibling and renamed into place.

import { randomBytes } from 'node:crypto';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Weight } from '../layer.js';
import { Model, Sequential } from '../model.js';
import { createH5, isGroup, writeStringList, type Group, type H5File } from './h5.js';
import { keras3Layout } from './keras_h5.js';
import { kerasLayers, kerasLayerWeights } from './keras_order.js';

/** The Keras release whose layout the Keras 2 writer follows (Keras converts files it thinks are Keras 1's). */
const KERAS2_VERSION = '2.15.0';

export const isKeras3WeightsPath = (path: string): boolean => /\.weights\.h5$/i.test(path);
export const isH5Path = (path: string): boolean => /\.(h5|hdf5)$/i.test(path);

/** The group at `path` below `root`, created with its parents as needed (h5py's create_dataset does this). */
function groupAt(root: Group, path: string): Group {
  let g = root;
  for (const part of path.split('/').filter(Boolean)) {
    const next = g.get(part);
    g = isGroup(next) ? next : g.create_group(part);
  }
  return g;
}

async function writeDataset(root: Group, path: string, w: Weight): Promise<void> {
  const cut = path.lastIndexOf('/');
  const data = await w.value.data() as Float32Array;
  const parent = cut < 0 ? root : groupAt(root, path.slice(0, cut));
  parent.create_dataset({ name: path.slice(cut + 1), data, shape: [...w.value.shape], dtype: '<f' });
}

async function writeKeras2(f: H5File, model: Model): Promise<void> {
  const layers = kerasLayers(model);
  const inputs = model instanceof Sequential ? [] : model.inputs.map((i) => i.name);
  writeStringList(f, 'layer_names', [...inputs, ...layers.map((l) => l.name)]);
  f.create_attribute('backend', 'tensorflow');
  f.create_attribute('keras_version', KERAS2_VERSION);
  for (const name of inputs) writeStringList(f.create_group(name), 'weight_names', []);
  for (const layer of [...layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const g = f.create_group(layer.name);
    const weights = kerasLayerWeights(layer);
    writeStringList(g, 'weight_names', weights.map((w) => `${w.path}:0`));
    for (const w of weights) await writeDataset(g, `${w.path}:0`, w);
  }
  writeStringList(f.create_group('top_level_model_weights'), 'weight_names', []);
}

async function writeKeras3(f: H5File, model: Model): Promise<void> {
  f.create_group('vars');
  for (const { path, weights } of keras3Layout(model)) {
    const vars = groupAt(f, `${path}/vars`);
    for (const [i, w] of weights.entries()) await writeDataset(vars, String(i), w);
  }
}

/** Writes `model`'s weights to `path` in the Keras layout its extension names. */
export async function saveKerasH5(model: Model, path: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const f = await createH5(tmp);
  try {
    await (isKeras3WeightsPath(path) ? writeKeras3(f, model) : writeKeras2(f, model));
    f.close();
    await rename(tmp, path);
  } catch (err) {
    try { f.close(); } catch { /* closed already */ }
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
