// The order Keras lists a model's layers and a layer's weights in, which its weight files follow. A functional
// model's layers go by decreasing depth (the longest path to the output), ties in the order a depth-first walk
// from the outputs first reaches them; a layer's weights are its trainable ones, then the others (_legacy_weights).

import { snakeCase, type Layer, type SymbolicTensor, type Weight } from '../layer.js';
import { Model, Sequential } from '../model.js';

/** Keras's model.layers (InputLayers left out; they hold no weights). */
export function kerasLayers(model: Model): Layer[] {
  if (model instanceof Sequential) return model.layers;
  const nodes = model.graphNodes;
  const producer = new Map(nodes.map((n) => [n.output, n]));
  const firstSeen = new Map<Layer, number>();
  const postOrder: typeof nodes[number][] = [];
  const finished = new Set<typeof nodes[number]>();
  const walk = (t: SymbolicTensor): void => {
    const node = producer.get(t);
    if (!node || finished.has(node)) return;
    if (!firstSeen.has(node.layer)) firstSeen.set(node.layer, firstSeen.size);
    for (const i of node.inputs) walk(i);
    finished.add(node);
    postOrder.push(node);
  };
  for (const o of model.outputs) walk(o);
  const nodeDepth = new Map<typeof nodes[number], number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of [...postOrder].reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    nodeDepth.set(node, depth);
    layerDepth.set(node.layer, depth);
    for (const i of node.inputs) {
      const up = producer.get(i);
      if (up) nodeDepth.set(up, Math.max(depth + 1, nodeDepth.get(up) ?? 0));
    }
  }
  return [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || firstSeen.get(a)! - firstSeen.get(b)!);
}

/** A layer's weights as Keras 2 saves them: trainable now, then the rest; a nested model's over its layers. */
export function kerasLayerWeights(layer: Layer): Weight[] {
  const all = layer instanceof Model ? kerasLayers(layer).flatMap(kerasLayerWeights) : layer.weights;
  return [...all.filter((w) => w.trainable), ...all.filter((w) => !w.trainable)];
}

/** A layer's variables as Keras 3 saves them (vars/0, vars/1, ...): declared trainable first, then the others. */
export function keras3LayerWeights(layer: Layer): Weight[] {
  return [...layer.weights.filter((w) => w.isTrainableKind), ...layer.weights.filter((w) => !w.isTrainableKind)];
}

/** Keras 3's name for a layer inside its parent's `layers` list: the class in snake case, numbered per class. */
export function keras3ClassName(layer: Layer): string {
  if (layer instanceof Sequential) return 'sequential';
  if (layer instanceof Model) return 'functional';
  return snakeCase(layer.className);
}
