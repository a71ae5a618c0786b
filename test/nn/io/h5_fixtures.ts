// Keras weight files written the way Keras writes them, with h5wasm directly (not through src/): Keras 2's
// h5py layout (fixed-length byte-string attributes, groups created in sorted order, datasets at
// <layer>/<weight name>) and Keras 3's .weights.h5 (layers/<class>/vars/<i>).
import h5wasm, { type Group as H5Group } from 'h5wasm/node';

export interface FixtureLayer {
  name: string;
  weights: Array<{ name: string; shape: number[]; values: Float32Array }>;
}

function strings(obj: H5Group, name: string, list: string[]): void {
  if (!list.length) obj.create_attribute(name, new Float64Array(0), [0], '<d');
  else obj.create_attribute(name, list, [list.length], `S${Math.max(...list.map((s) => s.length))}`);
}

function subgroup(g: H5Group, path: string): H5Group {
  for (const part of path.split('/').filter(Boolean)) {
    const next = g.get(part);
    g = next instanceof h5wasm.Group ? next : g.create_group(part);
  }
  return g;
}

function dataset(g: H5Group, path: string, shape: number[], values: Float32Array): void {
  const cut = path.lastIndexOf('/');
  (cut < 0 ? g : subgroup(g, path.slice(0, cut))).create_dataset({ name: path.slice(cut + 1), data: values, shape, dtype: '<f' });
}

/** tf.keras 2's save_weights: `layers` in model.layers order (InputLayers included, with no weights). */
export async function writeKeras2H5(path: string, layers: FixtureLayer[], o: { splitLayerNames?: boolean; underModelWeights?: boolean } = {}): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  const root = o.underModelWeights ? f.create_group('model_weights') : f;
  if (o.underModelWeights) f.create_attribute('model_config', '{"class_name": "Functional"}');
  const names = layers.map((l) => l.name);
  if (o.splitLayerNames) {
    // h5py's save_attributes_to_hdf5_group splits a list too long for one object header into name0, name1, ...
    const half = Math.ceil(names.length / 2);
    strings(root, 'layer_names0', names.slice(0, half));
    strings(root, 'layer_names1', names.slice(half));
  } else strings(root, 'layer_names', names);
  root.create_attribute('backend', 'tensorflow');
  root.create_attribute('keras_version', '2.13.1');
  for (const layer of [...layers].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const g = root.create_group(layer.name);
    strings(g, 'weight_names', layer.weights.map((w) => w.name));
    for (const w of layer.weights) dataset(g, w.name, w.shape, w.values);
  }
  f.close();
}

/** Keras 3's save_weights('x.weights.h5'): `layers` named by their paths ('layers/conv2d_1'); vars by index. */
export async function writeKeras3H5(path: string, layers: FixtureLayer[]): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  f.create_group('vars');
  for (const layer of layers) {
    const vars = subgroup(f, `${layer.name}/vars`);
    layer.weights.forEach((w, i) => dataset(vars, String(i), w.shape, w.values));
  }
  subgroup(f, 'optimizer/vars').create_dataset({ name: '0', data: new BigInt64Array([3n]), shape: [], dtype: '<q' });
  f.close();
}
