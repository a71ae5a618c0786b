// The table from Keras layer class names to codecs (config -> layer, layer -> config), the one place both our
// saved models and Keras/TF.js topologies are read through. Models nested as layers are handled by model_config.ts.

import { Layer, type LayerOptions } from '../layer.js';
import { CONV_CODECS } from './codecs_conv.js';
import { CORE_CODECS } from './codecs_core.js';
import { ConfigReader, type JsonObject, KerasConfigError } from './keras_config.js';

export interface LayerCodec<L extends Layer = Layer> {
  /** The class it builds; layers are matched to codecs with instanceof, most derived first. */
  type: abstract new (...args: never[]) => L;
  /** The Keras class name written and read. */
  className: string;
  /** Other Keras class names read as this layer. */
  aliases?: string[];
  /** Builds the layer; `base` carries name and trainable. Every other key must be read or declared inert. */
  fromKeras(r: ConfigReader, base: LayerOptions): Layer;
  /** The class's own config keys (name, trainable and dtype are added by the caller). */
  toKeras(layer: L): JsonObject;
}

const CODECS: LayerCodec[] = [...CONV_CODECS, ...CORE_CODECS];
const BY_NAME = new Map<string, LayerCodec>(CODECS.flatMap((c) => [c.className, ...(c.aliases ?? [])].map((n) => [n, c] as const)));

/** Keras class names this engine reads (for error messages and docs). */
export const SUPPORTED_LAYER_CLASSES: readonly string[] = [...BY_NAME.keys()].sort();

const WHY_NOT: Record<string, string> = {
  Lambda: 'a Lambda layer holds Python code, which cannot be rebuilt outside Python',
};

export function codecFor(layer: Layer): LayerCodec {
  // Exact class first (a subclass such as a cyclical schedule must not pass for its base by accident).
  const exact = CODECS.find((c) => layer.constructor === c.type);
  const codec = exact ?? CODECS.find((c) => layer instanceof c.type);
  if (!codec) throw new KerasConfigError(`layer '${layer.name}' (${layer.className}) has no Keras config codec, so it cannot be saved as an architecture`);
  return codec;
}

/** A layer's Keras config: {class_name, config: {name, trainable, dtype, ...}}. */
export function layerToKeras(layer: Layer): { class_name: string; config: JsonObject } {
  const codec = codecFor(layer);
  return { class_name: codec.className, config: { name: layer.name, trainable: layer.trainable, dtype: 'float32', ...codec.toKeras(layer) } };
}

/** Builds a layer from a Keras class name and config; `where` names the file for errors. */
export function layerFromKeras(className: string, config: JsonObject, where: string, ignore: readonly string[] = []): Layer {
  const codec = BY_NAME.get(className);
  const name = typeof config.name === 'string' ? config.name : '?';
  if (!codec) {
    const why = WHY_NOT[className];
    throw new KerasConfigError(`${where}: layer '${name}' has class '${className}', which this engine cannot build` +
      (why ? ` (${why})` : ` (supported: ${SUPPORTED_LAYER_CLASSES.join(', ')})`));
  }
  const r = new ConfigReader(className, config, where);
  for (const k of ignore) r.raw(k);
  const base: LayerOptions = { trainable: r.bool('trainable', true) };
  const n = r.raw('name');
  if (typeof n === 'string') base.name = n;
  let layer: Layer;
  try {
    layer = codec.fromKeras(r, base);
  } catch (e) {
    if (e instanceof KerasConfigError) throw e;
    return r.fail((e as Error).message);
  }
  r.done();
  return layer;
}
