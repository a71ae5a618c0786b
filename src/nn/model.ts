// Models: the functional graph (layers applied to SymbolicTensors from Input(), as the notebook's ResNet and
// Xception code does) and Sequential. A Model is itself a Layer, so a base model nests inside a Sequential and
// `model.layers[0].trainable = false` freezes the whole base. Training lives in training.ts.

import type { Tensor } from '../tensor/tensor.js';
import type { History, Logs } from './callbacks/callback.js';
import { isSymbolic, Layer, SymbolicTensor, uniqueName, type CallContext, type LayerOptions, type LayerShape } from './layer.js';
import type { Optimizer } from './optimizers/index.js';
import { saveModelFile } from './io/model_file.js';
import { getWeights, loadWeights, saveWeights, setWeights, type LoadWeightsOptions } from './saving.js';
import { summary } from './summary.js';
import { compileOptions, evaluate, fit, predict, trainOnBatch, type BatchSource, type CompileOptions, type Compiled, type Data, type EvaluateOptions, type FitOptions } from './training.js';
import type { NamedTensor } from './weights.js';

/** Keras's Input(shape): a symbolic batch of `shape` (batch axis excluded). */
export function Input(shape: readonly number[], opts: { name?: string; batchSize?: number } = {}): SymbolicTensor {
  return new SymbolicTensor([opts.batchSize ?? null, ...shape], 'f32', null, opts.name ?? uniqueName('input'));
}

interface GraphNode {
  layer: Layer;
  inputs: SymbolicTensor[];
  output: SymbolicTensor;
  /** Whether the layer was applied to a list (Add, Concatenate) rather than one tensor. */
  isList: boolean;
}

/** Walks back from the outputs and returns the layer applications in execution order. */
function traceGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[], modelName: string): GraphNode[] {
  const nodes: GraphNode[] = [];
  const done = new Set<SymbolicTensor>(inputs);
  const visiting = new Set<SymbolicTensor>();
  const visit = (t: SymbolicTensor): void => {
    if (done.has(t)) return;
    if (!t.source) throw new Error(`Model ${modelName}: output depends on input '${t.name}' that is not among the model's inputs`);
    if (visiting.has(t)) throw new Error(`Model ${modelName}: the graph has a cycle at '${t.name}'`);
    visiting.add(t);
    for (const i of t.source.inputs) visit(i);
    visiting.delete(t);
    done.add(t);
    nodes.push({ layer: t.source.layer, inputs: t.source.inputs, output: t, isList: t.source.inputs.length > 1 || t.source.layer.takesList });
  };
  for (const o of outputs) visit(o);
  return nodes;
}

interface Fusion {
  /** The Activation node the layer's op absorbs. */
  node: GraphNode;
  activation: NonNullable<CallContext['fusedActivation']>;
}

/**
 * Pairs (layer node, Activation node) where the activation is the layer's only consumer, the layer's output is not
 * a model output, and the layer can apply that activation itself (BatchNormalization -> ReLU and the residual
 * Add -> ReLU in ResNet).
 * WEBGPU_NN_FUSE=off turns it off (to compare; the values are the same).
 */
function fuseActivations(nodes: GraphNode[], outputs: SymbolicTensor[]): Map<GraphNode, Fusion> {
  const fusions = new Map<GraphNode, Fusion>();
  if (process.env.WEBGPU_NN_FUSE === 'off') return fusions;
  const consumers = new Map<SymbolicTensor, GraphNode[]>();
  for (const n of nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  for (const n of nodes) {
    const next = consumers.get(n.output);
    if (outputs.includes(n.output) || next?.length !== 1) continue;
    const act = next[0]!.layer.fusableActivation;
    if (act !== null && next[0]!.inputs.length === 1 && n.layer.fusesActivation(act)) fusions.set(n, { node: next[0]!, activation: act });
  }
  return fusions;
}

export interface ModelOptions {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

export class Model extends Layer {
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  protected nodes: GraphNode[] = [];
  /** Activation nodes folded into the node before them (fuseActivations), keyed by that node. */
  protected fusions = new Map<GraphNode, Fusion>();
  /** The Activation nodes of `fusions`, which call() skips. */
  protected folded = new Set<GraphNode>();
  /** Set by compile(). */
  compiled: Compiled | null = null;
  /** Set by a callback (EarlyStopping, TerminateOnNaN) to end fit() after the current batch. */
  stopTraining = false;

  constructor(opts?: ModelOptions & { name?: string }) {
    super({ name: opts?.name ?? uniqueName(new.target === Model ? 'model' : 'sequential') });
    if (opts?.inputs) this.setGraph(opts.inputs, opts.outputs);
  }

  protected setGraph(inputs: SymbolicTensor | SymbolicTensor[], outputs: SymbolicTensor | SymbolicTensor[]): void {
    this.inputs = Array.isArray(inputs) ? inputs : [inputs];
    if (!this.inputs.length) throw new Error(`Model ${this.name}: needs at least one input`);
    this.outputs = Array.isArray(outputs) ? outputs : [outputs];
    if (this.outputs.length !== 1) throw new Error(`Model ${this.name}: exactly one output is supported, got ${this.outputs.length}`);
    this.nodes = traceGraph(this.inputs, this.outputs, this.name);
    this.fusions = fuseActivations(this.nodes, this.outputs);
    this.folded = new Set([...this.fusions.values()].map((f) => f.node));
    this.built = true;
  }

  /** Distinct layers in execution order (Keras's model.layers, without InputLayers). */
  get layers(): Layer[] {
    return [...new Set(this.nodes.map((n) => n.layer))];
  }

  override get sublayers(): Layer[] {
    return this.layers;
  }

  /** Layer applications in execution order, for summary(). */
  get graphNodes(): readonly GraphNode[] {
    return this.nodes;
  }

  override computeOutputShape(_inputShape: LayerShape | LayerShape[]): LayerShape {
    return this.outputs[0]!.shape;
  }

  /** Keras compile(): the optimiser (default 'rmsprop'), the loss and the metrics fit() reports. */
  compile(o: CompileOptions): void {
    this.compiled?.optimizer.dispose();
    this.compiled = compileOptions(o);
  }

  get optimizer(): Optimizer {
    if (!this.compiled) throw new Error(`Model ${this.name}: not compiled, so it has no optimizer yet`);
    return this.compiled.optimizer;
  }

  /** Trains for `epochs` over a DataLoader (or any BatchSource) or in-memory { x, y }; returns Keras's History. */
  fit(data: Data, o: FitOptions = {}): Promise<History> {
    return fit(this, data, o);
  }

  /** Keras train_on_batch: one optimisation step; resolves with the batch's { loss, accuracy } once read back. */
  trainOnBatch(x: Tensor, y: Tensor): Promise<Logs> {
    return trainOnBatch(this, { x, y });
  }

  /** Mean loss and metrics in inference mode: { loss, accuracy }. */
  evaluate(data: Data, o: EvaluateOptions = {}): Promise<Logs> {
    return evaluate(this, data, o);
  }

  /** Outputs for every sample, in inference mode; the caller owns (disposes) the result. */
  predict(x: Tensor | BatchSource, o: { batchSize?: number } = {}): Promise<Tensor> {
    return predict(this, x, o);
  }

  summary(): string {
    return summary(this);
  }

  saveWeights(path: string): Promise<void> {
    return saveWeights(this, path);
  }

  /** Architecture (Keras JSON), weights, compile config and optimiser state in one file; `loadModel` reads it back. */
  save(path: string): Promise<void> {
    return saveModelFile(this, path);
  }

  loadWeights(path: string, o?: LoadWeightsOptions): Promise<void> {
    return loadWeights(this, path, o);
  }

  /** Device-side copies of every weight, named `layer/weight`; the caller disposes them. */
  getWeights(): NamedTensor[] {
    return getWeights(this);
  }

  setWeights(weights: readonly NamedTensor[]): void {
    setWeights(this, weights);
  }

  override dispose(): void {
    this.compiled?.optimizer.dispose();
    this.compiled = null;
    super.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      className: this.className,
      inputs: this.inputs.map((i) => ({ name: i.name, shape: i.shape })),
      layers: this.nodes.map((n) => ({ className: n.layer.className, config: n.layer.getConfig(), inbound: n.inputs.map((i) => i.name) })),
    };
  }

  override call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== this.inputs.length) throw new Error(`Model ${this.name}: expects ${this.inputs.length} input(s) but got ${list.length}`);
    const values = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((s, i) => {
      const t = list[i]!;
      const want = s.shape.slice(1);
      if (t.rank !== s.shape.length || want.some((d, j) => d !== null && d !== t.shape[j + 1])) {
        throw new Error(`Model ${this.name}: input '${s.name}' expects shape (None, ${want.join(', ')}) but got [${t.shape.join(', ')}]`);
      }
      values.set(s, t);
    });
    for (const node of this.nodes) {
      if (this.folded.has(node)) continue;
      const ins = node.inputs.map((s) => values.get(s)!);
      // A fused node writes the Activation node's output, with the activation applied in its own op.
      const fusion = this.fusions.get(node);
      const out = node.layer.apply(node.isList ? ins : ins[0]!, fusion ? { ...ctx, fusedActivation: fusion.activation } : ctx);
      values.set(fusion ? fusion.node.output : node.output, out);
    }
    return values.get(this.outputs[0]!)!;
  }
}

/** Keras Sequential: a stack of single-input layers. */
export class Sequential extends Model {
  #stack: Layer[] = [];
  #input: SymbolicTensor | null = null;

  constructor(layers: Array<Layer | SymbolicTensor> = [], opts: { name?: string } = {}) {
    super(opts.name ? ({ name: opts.name } as ModelOptions) : undefined);
    for (const l of layers) this.add(l);
  }

  override get className(): string {
    return 'Sequential';
  }

  /** Appends a layer (or an Input, which fixes the input shape as keras.Input does). */
  add(layer: Layer | SymbolicTensor): this {
    if (isSymbolic(layer)) {
      if (this.#stack.length) throw new Error(`Sequential ${this.name}: an Input must come before the first layer`);
      this.#input = layer;
      return this;
    }
    this.#stack.push(layer);
    if (!this.#input && this.#stack.length === 1) {
      // The input shape comes from Keras's input_shape option, or from a nested model's own Input.
      const shape = layer.inputShape ?? (layer instanceof Model && layer.inputs.length ? (layer.inputs[0]!.shape.slice(1) as number[]) : undefined);
      if (shape) this.#input = Input(shape);
    }
    if (this.#input) this.rebuildGraph();
    return this;
  }

  override get layers(): Layer[] {
    return [...this.#stack];
  }

  /** Builds the symbolic graph once the input shape is known (from an Input, inputShape, or the first batch). */
  private rebuildGraph(): void {
    let x = this.#input!;
    for (const l of this.#stack) x = l.apply(x);
    this.setGraph(this.#input!, x);
  }

  override call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor {
    if (!this.#input) {
      const t = Array.isArray(inputs) ? inputs[0]! : inputs;
      this.#input = Input(t.shape.slice(1));
      this.rebuildGraph();
    }
    return super.call(inputs, ctx);
  }
}

export type { LayerOptions };
