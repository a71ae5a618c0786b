// Keras HDF5 weight files, read and placed. Keras 2 (model.save_weights('x.h5'), ModelCheckpoint with
// save_weights_only; also a whole-model .h5's 'model_weights' group): root attribute `layer_names`, one group per
// layer with attribute `weight_names`, datasets at <layer>/<weight name>. Keras 3 (.weights.h5): layers/<class in
// snake case, numbered per class>/vars/<index>, nested models under their own layers/ group.

import { fmtShape, sameShape } from '../../tensor/shape.js';
import { writeInto } from '../../tensor/tensor.js';
import type { Layer, Weight } from '../layer.js';
import { Model } from '../model.js';
import { isDataset, isGroup, openH5, readFloatDataset, stringListAttr, withH5, type Group, type H5File } from './h5.js';
import { keras3ClassName, keras3LayerWeights, kerasLayers, kerasLayerWeights } from './keras_order.js';

export interface H5Weight {
  /** Keras 2: the weight's name ('conv1/kernel:0'); Keras 3: its index under vars/ ('0'). */
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface H5Layer {
  /** Keras 2: the layer's name; Keras 3: its path ('layers/conv2d_1'). */
  name: string;
  weights: H5Weight[];
}

export interface KerasH5Weights {
  layout: 'keras2' | 'keras3';
  /** In the file's order (Keras 2: layer_names). */
  layers: H5Layer[];
}

const WHAT = 'keras h5';

/** Reads every layer's weights of a Keras 2 or Keras 3 weight file. */
export async function readKerasH5(path: string): Promise<KerasH5Weights> {
  const f = await openH5(path, WHAT);
  return withH5(f, path, WHAT, (file) => readLayout(file, path));
}

function readLayout(f: H5File, path: string): KerasH5Weights {
  const where = `${WHAT}: ${path}`;
  const nested = f.get('model_weights');
  const root = stringListAttr(f, 'layer_names', where) === undefined && isGroup(nested) ? nested : f;
  const names = stringListAttr(root, 'layer_names', where);
  if (names !== undefined) return { layout: 'keras2', layers: names.map((n) => readKeras2Layer(root, n, where)) };
  const layers = f.get('layers');
  if (isGroup(layers)) {
    const out: H5Layer[] = [];
    readKeras3Layers(layers, 'layers', out, where);
    return { layout: 'keras3', layers: out };
  }
  throw new Error(`${where}: not a Keras weight file: expected a root attribute 'layer_names' (Keras 2 .h5) or a 'layers' group (Keras 3 .weights.h5) but found ${JSON.stringify(f.keys().slice(0, 8))}`);
}

function readKeras2Layer(root: Group, name: string, where: string): H5Layer {
  const g = root.get(name);
  if (!isGroup(g)) throw new Error(`${where}: layer '${name}' is listed in layer_names but has no group`);
  const names = stringListAttr(g, 'weight_names', `${where}: layer '${name}'`);
  if (names === undefined) throw new Error(`${where}: layer '${name}' has no 'weight_names' attribute`);
  return {
    name, weights: names.map((wn) => {
      const d = g.get(wn);
      if (!isDataset(d)) throw new Error(`${where}: layer '${name}' lists weight '${wn}' but ${name}/${wn} is not a dataset`);
      return { name: wn, ...readFloatDataset(d, `${where}: ${name}/${wn}`) };
    }),
  };
}

function readKeras3Layers(layers: Group, prefix: string, out: H5Layer[], where: string): void {
  for (const key of layers.keys()) {
    const entry = layers.get(key);
    if (!isGroup(entry)) continue;
    const path = `${prefix}/${key}`;
    const vars = entry.get('vars');
    if (isGroup(vars)) {
      const ids = vars.keys();
      if (ids.some((k) => !/^\d+$/.test(k))) throw new Error(`${where}: ${path}/vars holds ${JSON.stringify(ids)}; expected datasets named 0, 1, ...`);
      ids.sort((a, b) => Number(a) - Number(b));
      if (ids.some((k, i) => Number(k) !== i)) throw new Error(`${where}: ${path}/vars holds ${JSON.stringify(ids)}; expected 0..${ids.length - 1}`);
      out.push({
        name: path, weights: ids.map((k) => {
          const d = vars.get(k);
          if (!isDataset(d)) throw new Error(`${where}: ${path}/vars/${k} is not a dataset`);
          return { name: k, ...readFloatDataset(d, `${where}: ${path}/vars/${k}`) };
        }),
      });
    }
    const inner = entry.get('layers');
    if (isGroup(inner)) readKeras3Layers(inner, `${path}/layers`, out, where);
  }
}

export interface LoadH5Options {
  /** Keras 2 files: true (default) matches layers by name; false pairs them in Keras's layer order. */
  byName?: boolean;
}

type Pair = [Weight, H5Weight, string];

const describe = (l: Layer, ws: readonly Weight[]): string => `'${l.name}' (${l.className}, ${ws.length} weight${ws.length === 1 ? '' : 's'})`;
const stripped = (n: string): string => n.replace(/:0$/, '');

/** Pairs a layer's weights with a file layer's: by weight name when every one is found, else by position (Keras). */
function pairLayer(layer: Layer, ws: readonly Weight[], fileLayer: H5Layer, problems: string[]): Pair[] {
  const fw = fileLayer.weights;
  if (fw.length !== ws.length) {
    problems.push(`layer ${describe(layer, ws)} [${ws.map((w) => w.name).join(', ')}] vs file layer '${fileLayer.name}' with ${fw.length} [${fw.map((w) => w.name).join(', ')}]`);
    return [];
  }
  const byName = ws.map((w) => fw.find((f) => stripped(f.name) === w.path || stripped(f.name).endsWith(`/${w.path}`)));
  const chosen = byName.every((f, i) => f && byName.indexOf(f) === i) ? (byName as H5Weight[]) : fw;
  return ws.map((w, i) => [w, chosen[i]!, `layer '${layer.name}' weight '${w.path}' <- file '${fileLayer.name}/${chosen[i]!.name}'`]);
}

function keras2Pairs(model: Model, file: KerasH5Weights, byName: boolean, problems: string[]): Pair[] {
  const modelLayers = kerasLayers(model).map((l) => [l, kerasLayerWeights(l)] as const).filter(([, ws]) => ws.length);
  const fileLayers = file.layers.filter((l) => l.weights.length);
  if (!byName) {
    if (modelLayers.length !== fileLayers.length) {
      problems.push(`the file has ${fileLayers.length} layers with weights but the model has ${modelLayers.length} (loading by order pairs them one to one; ` +
        `first in the file: ${fileLayers.slice(0, 3).map((l) => `'${l.name}'`).join(', ')}, in the model: ${modelLayers.slice(0, 3).map(([l]) => `'${l.name}'`).join(', ')})`);
      return [];
    }
    return modelLayers.flatMap(([l, ws], i) => pairLayer(l, ws, fileLayers[i]!, problems));
  }
  const byLayer = new Map(fileLayers.map((l) => [l.name, l]));
  const used = new Set<string>();
  const pairs: Pair[] = [];
  for (const [l, ws] of modelLayers) {
    const fl = byLayer.get(l.name);
    if (!fl) {
      problems.push(`layer ${describe(l, ws)} is not in the file`);
      continue;
    }
    used.add(l.name);
    pairs.push(...pairLayer(l, ws, fl, problems));
  }
  for (const fl of fileLayers) if (!used.has(fl.name)) problems.push(`file layer '${fl.name}' (${fl.weights.length} weights) matches no layer of the model`);
  return pairs;
}

/** The Keras 3 path and variables of every layer, as Keras 3 would save this model. */
export function keras3Layout(model: Model, prefix = 'layers'): Array<{ path: string; layer: Layer; weights: Weight[] }> {
  const counts = new Map<string, number>();
  const out: Array<{ path: string; layer: Layer; weights: Weight[] }> = [];
  for (const layer of kerasLayers(model)) {
    const base = keras3ClassName(layer);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    const path = `${prefix}/${n ? `${base}_${n}` : base}`;
    if (layer instanceof Model) out.push(...keras3Layout(layer, `${path}/layers`));
    else out.push({ path, layer, weights: keras3LayerWeights(layer) });
  }
  return out;
}

function keras3Pairs(model: Model, file: KerasH5Weights, problems: string[]): Pair[] {
  const byPath = new Map(file.layers.map((l) => [l.name, l]));
  const expected = keras3Layout(model).filter((e) => e.weights.length);
  const pairs: Pair[] = [];
  for (const e of expected) {
    const fl = byPath.get(e.path);
    if (!fl) problems.push(`layer ${describe(e.layer, e.weights)} should be at ${e.path}/vars, which is not in the file`);
    else pairs.push(...pairLayer(e.layer, e.weights, fl, problems));
  }
  const paths = new Set(expected.map((e) => e.path));
  for (const fl of file.layers) if (fl.weights.length && !paths.has(fl.name)) problems.push(`${fl.name}/vars (${fl.weights.length} weights) matches no layer of the model`);
  return pairs;
}

/** Loads a Keras .h5 / .weights.h5 into `model`: everything is checked before anything is written. */
export async function loadKerasH5(model: Model, path: string, o: LoadH5Options = {}): Promise<void> {
  const file = await readKerasH5(path);
  const problems: string[] = [];
  const pairs = file.layout === 'keras3' ? keras3Pairs(model, file, problems) : keras2Pairs(model, file, o.byName ?? true, problems);
  for (const [w, f, where] of pairs) {
    if (!sameShape(f.shape, w.value.shape)) problems.push(`${where}: shape ${fmtShape(f.shape)} in the file vs ${fmtShape(w.value.shape)} in the model`);
  }
  if (problems.length) {
    const hint = file.layout === 'keras2' && (o.byName ?? true) ? ' (pass { byName: false } to pair layers in order, as Keras does for a rebuilt model)' : '';
    throw new Error(`loadWeights: ${path} (${file.layout === 'keras2' ? 'Keras 2 .h5' : 'Keras 3 .weights.h5'}) does not fit model '${model.name}': ${problems.join('; ')}${hint}`);
  }
  for (const [w, f] of pairs) writeInto(w.value, f.values);
}
