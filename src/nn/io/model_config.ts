// Architectures as Keras JSON, both ways: Sequential ({name, layers}) and Functional ({name, layers with
// inbound_nodes, input_layers, output_layers}), models nested as layers included. Reads Keras 2 inbound nodes
// ([[name, node, tensor, kwargs], ...]) and Keras 3 ones ({args: [__keras_tensor__ ...], kwargs}); writes Keras 2's,
// which TF.js also uses. Node indices count a layer's applications inside the model, from 0, as Keras re-indexes them.

import { Layer, SymbolicTensor } from '../layer.js';
import { Input, Model, Sequential } from '../model.js';
import { isObject, KerasConfigError, type Json, type JsonObject } from './keras_config.js';
import { layerFromKeras, layerToKeras } from './layer_codecs.js';

export interface KerasModelJson {
  class_name: string;
  config: JsonObject;
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);
const INPUT_SHAPE_KEYS = ['batch_input_shape', 'batch_shape', 'input_shape'];

// ---- writing ----

function inputLayerEntry(t: SymbolicTensor): JsonObject {
  const config = { batch_input_shape: [...t.shape], dtype: 'float32', sparse: false, ragged: false, name: t.name };
  return { class_name: 'InputLayer', config, name: t.name, inbound_nodes: [] };
}

function layerEntry(layer: Layer): JsonObject {
  return (layer instanceof Model ? modelToKeras(layer) : layerToKeras(layer)) as unknown as JsonObject;
}

/** The model's architecture in Keras's JSON shape (what model.to_json() holds). */
export function modelToKeras(model: Model): KerasModelJson {
  if (model instanceof Sequential) {
    const layers: JsonObject[] = model.inputs.length ? [inputLayerEntry(model.inputs[0]!)] : [];
    layers.push(...model.layers.map(layerEntry));
    return { class_name: 'Sequential', config: { name: model.name, trainable: model.trainable, layers } };
  }
  const refs = new Map<SymbolicTensor, Json>(model.inputs.map((t) => [t, [t.name, 0, 0]]));
  const entries = new Map<Layer, JsonObject>();
  const layers: JsonObject[] = model.inputs.map(inputLayerEntry);
  for (const node of model.graphNodes) {
    let entry = entries.get(node.layer);
    if (!entry) {
      entry = { ...layerEntry(node.layer), name: node.layer.name, inbound_nodes: [] };
      entries.set(node.layer, entry);
      layers.push(entry);
    }
    const inbound = entry.inbound_nodes as Json[];
    inbound.push(node.inputs.map((t) => [...(refs.get(t) as Json[]), {}]));
    refs.set(node.output, [node.layer.name, inbound.length - 1, 0]);
  }
  return {
    class_name: 'Functional',
    config: {
      name: model.name, trainable: model.trainable, layers,
      input_layers: model.inputs.map((t) => refs.get(t)!), output_layers: model.outputs.map((t) => refs.get(t)!),
    },
  };
}

// ---- reading ----

/** Accepts {class_name, config}, TF.js's {model_config: {...}} wrapper, or a JSON string of either. */
export function unwrapTopology(topology: unknown, where: string): KerasModelJson {
  let t = typeof topology === 'string' ? JSON.parse(topology) as unknown : topology;
  if (isObject(t) && isObject(t.model_config)) t = t.model_config;
  if (!isObject(t) || typeof t.class_name !== 'string' || t.config === undefined) {
    throw new KerasConfigError(`${where}: the model topology must be {class_name, config} but got ${JSON.stringify(t)?.slice(0, 100)}`);
  }
  return t as unknown as KerasModelJson;
}

/** Builds a model (untrained, freshly initialised) from its Keras architecture; `where` names the file in errors. */
export function modelFromKeras(json: unknown, where: string): Model {
  const { class_name: cls, config } = unwrapTopology(json, where);
  if (cls === 'Sequential') return sequentialFromKeras(config, where);
  if (cls === 'Functional' || cls === 'Model') return functionalFromKeras(config, where);
  throw new KerasConfigError(`${where}: the top-level class is '${cls}'; expected Sequential, Functional or Model`);
}

function inputShapeOf(config: JsonObject, where: string, layerName: string): number[] | null {
  for (const key of INPUT_SHAPE_KEYS) {
    const s = config[key];
    if (s === undefined || s === null) continue;
    if (!Array.isArray(s)) throw new KerasConfigError(`${where}: layer '${layerName}': '${key}' must be a list but is ${JSON.stringify(s)}`);
    const dims = key === 'input_shape' ? s : s.slice(1);
    if (!dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
      throw new KerasConfigError(`${where}: layer '${layerName}': input shape ${JSON.stringify(s)} must be known (positive integers after the batch axis)`);
    }
    return dims as number[];
  }
  return null;
}

function inputFromEntry(entry: JsonObject, where: string): SymbolicTensor {
  const c = isObject(entry.config) ? entry.config : {};
  const name = typeof c.name === 'string' ? c.name : typeof entry.name === 'string' ? entry.name : 'input';
  for (const [k, ok] of [['sparse', false], ['ragged', false]] as const) {
    if (c[k] !== undefined && c[k] !== null && c[k] !== ok) throw new KerasConfigError(`${where}: InputLayer '${name}': option '${k}' = ${JSON.stringify(c[k])} is not supported`);
  }
  const dtype = c.dtype;
  if (dtype !== undefined && dtype !== null && dtype !== 'float32' && !(isObject(dtype) && isObject(dtype.config) && dtype.config.name === 'float32')) {
    throw new KerasConfigError(`${where}: InputLayer '${name}': dtype ${JSON.stringify(dtype)} is not supported (float32 only)`);
  }
  const shape = inputShapeOf(c, where, name);
  if (!shape) throw new KerasConfigError(`${where}: InputLayer '${name}' has no batch_input_shape, batch_shape or input_shape`);
  return Input(shape, { name });
}

/** A layer entry (a layer or a nested model) built from its config. */
function buildEntry(entry: JsonObject, where: string): Layer {
  const cls = entry.class_name;
  const config = entry.config;
  if (typeof cls !== 'string' || !isObject(config) && !Array.isArray(config)) {
    throw new KerasConfigError(`${where}: a layer entry must have 'class_name' and 'config' but got ${JSON.stringify(entry).slice(0, 100)}`);
  }
  if (MODEL_CLASSES.has(cls)) {
    const m = modelFromKeras({ class_name: cls, config }, `${where} (nested model '${isObject(config) ? config.name : '?'}')`);
    if (isObject(config) && config.trainable === false) m.trainable = false;
    return m;
  }
  return layerFromKeras(cls, config as JsonObject, where, INPUT_SHAPE_KEYS);
}

function sequentialFromKeras(config: JsonObject | Json[], where: string): Sequential {
  const entries = (Array.isArray(config) ? config : config.layers) as Json[] | undefined;
  if (!Array.isArray(entries)) throw new KerasConfigError(`${where}: a Sequential config must have a 'layers' list`);
  const name = !Array.isArray(config) && typeof config.name === 'string' ? config.name : undefined;
  const model = new Sequential([], name ? { name } : {});
  entries.forEach((e, i) => {
    if (!isObject(e)) throw new KerasConfigError(`${where}: layer ${i} of Sequential '${name ?? '?'}' is not an object`);
    if (e.class_name === 'InputLayer') {
      if (i !== 0) throw new KerasConfigError(`${where}: an InputLayer may only come first in Sequential '${name ?? '?'}'`);
      model.add(inputFromEntry(e, where));
      return;
    }
    if (i === 0 && isObject(e.config)) {
      const shape = inputShapeOf(e.config, where, String(e.config.name ?? '?'));
      if (shape) model.add(Input(shape));
    }
    model.add(buildEntry(e, where));
  });
  if (!Array.isArray(config) && config.trainable === false) model.trainable = false;
  return model;
}

type Ref = [string, number, number];

function asRef(v: unknown, where: string, layer: string): Ref {
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number' && typeof v[2] === 'number') return [v[0], v[1], v[2]];
  throw new KerasConfigError(`${where}: layer '${layer}': cannot read tensor reference ${JSON.stringify(v)?.slice(0, 100)}`);
}

/** Keras 3 __keras_tensor__ objects (possibly in nested lists) -> refs; `isList` when args[0] was a list. */
function keras3Refs(arg: Json, where: string, layer: string): Ref[] {
  if (Array.isArray(arg)) return arg.flatMap((a) => keras3Refs(a, where, layer));
  if (isObject(arg) && arg.class_name === '__keras_tensor__' && isObject(arg.config)) return [asRef(arg.config.keras_history, where, layer)];
  throw new KerasConfigError(`${where}: layer '${layer}': call argument ${JSON.stringify(arg)?.slice(0, 100)} is not a tensor`);
}

function checkKwargs(kwargs: Json | undefined, where: string, layer: string): void {
  if (!isObject(kwargs)) return;
  const bad = Object.entries(kwargs).filter(([, v]) => v !== null);
  if (bad.length) {
    throw new KerasConfigError(`${where}: layer '${layer}': call arguments ${bad.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')} are not supported`);
  }
}

/** One inbound node: the refs it consumes and whether the layer took them as a list. */
function parseNode(node: Json, where: string, layer: string): { refs: Ref[]; isList: boolean } {
  if (isObject(node)) {   // Keras 3
    const args = Array.isArray(node.args) ? node.args : [];
    if (args.length !== 1) throw new KerasConfigError(`${where}: layer '${layer}': expected one call argument but got ${args.length}`);
    checkKwargs(node.kwargs, where, layer);
    return { refs: keras3Refs(args[0]!, where, layer), isList: Array.isArray(args[0]) };
  }
  if (!Array.isArray(node)) throw new KerasConfigError(`${where}: layer '${layer}': cannot read inbound node ${JSON.stringify(node)?.slice(0, 100)}`);
  for (const r of node) if (Array.isArray(r)) checkKwargs(r[3], where, layer);
  return { refs: node.map((r) => asRef(r, where, layer)), isList: node.length > 1 };
}

function refList(v: Json | undefined, where: string, what: string): Ref[] {
  if (!Array.isArray(v) || !v.length) throw new KerasConfigError(`${where}: the model config needs a non-empty '${what}'`);
  return typeof v[0] === 'string' ? [asRef(v, where, what)] : v.map((r) => asRef(r, where, what));
}

function functionalFromKeras(config: JsonObject, where: string): Model {
  const entries = config.layers;
  if (!Array.isArray(entries)) throw new KerasConfigError(`${where}: a Functional config must have a 'layers' list`);
  const outputs = new Map<string, SymbolicTensor[]>();
  const pending: Array<{ layer: Layer; name: string; node: { refs: Ref[]; isList: boolean }; index: number }> = [];
  for (const e of entries) {
    if (!isObject(e)) throw new KerasConfigError(`${where}: a layer entry is not an object`);
    const name = typeof e.name === 'string' ? e.name : isObject(e.config) && typeof e.config.name === 'string' ? e.config.name : '?';
    if (outputs.has(name)) throw new KerasConfigError(`${where}: two layers are named '${name}'`);
    if (e.class_name === 'InputLayer') {
      outputs.set(name, [inputFromEntry(e, where)]);
      continue;
    }
    outputs.set(name, []);
    const layer = buildEntry(e, where);
    const nodes = Array.isArray(e.inbound_nodes) ? e.inbound_nodes : [];
    nodes.forEach((n, index) => pending.push({ layer, name, node: parseNode(n, where, name), index }));
  }
  const lookup = ([name, node, tensor]: Ref): SymbolicTensor | undefined => {
    if (tensor !== 0) throw new KerasConfigError(`${where}: tensor ${tensor} of layer '${name}' is used, but every layer here has one output`);
    return outputs.get(name)?.[node];
  };
  // Apply nodes whose inputs exist until none are left (a layer may be listed before the layers that feed it).
  while (pending.length) {
    const ready = pending.findIndex((p) => outputs.get(p.name)!.length === p.index && p.node.refs.every((r) => lookup(r)));
    if (ready < 0) {
      const p = pending[0]!;
      const missing = p.node.refs.find((r) => !lookup(r))!;
      throw new KerasConfigError(`${where}: layer '${p.name}' takes node ${missing[1]} of '${missing[0]}', which the config never produces`);
    }
    const p = pending.splice(ready, 1)[0]!;
    const ins = p.node.refs.map((r) => lookup(r)!);
    outputs.get(p.name)!.push(p.node.isList || p.layer.takesList ? p.layer.apply(ins) : p.layer.apply(ins[0]!));
  }
  const resolve = (refs: Ref[], what: string): SymbolicTensor[] => refs.map((r) => {
    const t = lookup(r);
    if (!t) throw new KerasConfigError(`${where}: ${what} names node ${r[1]} of '${r[0]}', which does not exist`);
    return t;
  });
  const ins = resolve(refList(config.input_layers, where, 'input_layers'), 'input_layers');
  const outs = resolve(refList(config.output_layers, where, 'output_layers'), 'output_layers');
  if (outs.length !== 1) throw new KerasConfigError(`${where}: the model has ${outs.length} outputs; this engine supports exactly one`);
  const model = new Model({ inputs: ins, outputs: outs, ...(typeof config.name === 'string' ? { name: config.name } : {}) });
  if (config.trainable === false) model.trainable = false;
  return model;
}
