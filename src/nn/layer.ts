// Layer base class with Keras semantics: weights are created once by build(inputShape) on first use, `trainable`
// propagates to nested layers and decides which weights get gradients, and applying a layer to a SymbolicTensor
// records a graph node instead of computing (the functional API), inferring output shapes from the shape rule.

import type { Op } from '../autograd/op.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/shape.js';
import { untrack } from '../tensor/scope.js';
import type { Constraint } from './constraints.js';

export type { Constraint };

/** A Keras-style shape: the batch axis (first) is null when unknown. */
export type LayerShape = readonly (number | null)[];

/** What call() gets besides its inputs. */
export interface CallContext {
  /** Training mode: dropout and augmentation active, BatchNorm uses batch statistics. */
  training: boolean;
  /**
   * Set by Model for a layer whose only consumer is an Activation layer of this kind (see Layer.fusesActivation):
   * the layer applies it in its own op, and the Activation layer is skipped.
   */
  fusedActivation?: 'relu';
}

/** One named weight of a layer. `value` is a leaf tensor owned by the layer. */
export class Weight {
  constructor(
    readonly layer: Layer,
    readonly name: string,
    public value: Tensor,
    /** Declared trainability (BatchNorm moving statistics are never trainable). */
    readonly isTrainableKind: boolean,
    readonly constraint?: Constraint,
  ) {}

  /** Keras's weight path: `layerName/weightName`. */
  get path(): string {
    return `${this.layer.name}/${this.name}`;
  }

  /** Trainable now: declared trainable and its layer (and every layer above it) is trainable. */
  get trainable(): boolean {
    return this.isTrainableKind && this.layer.trainable;
  }
}

/** A placeholder flowing through the functional API: a shape plus the layer application that produced it. */
export class SymbolicTensor {
  readonly isSymbolic = true;
  constructor(
    readonly shape: LayerShape,
    readonly dtype: DType,
    /** The layer application that produced it, or null for an Input. */
    readonly source: { layer: Layer; inputs: SymbolicTensor[] } | null,
    readonly name: string,
  ) {}
}

const nameCounts = new Map<string, number>();

/** Keras-style unique names: 'dense', 'dense_1', 'dense_2', ... */
export function uniqueName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Restarts automatic layer names (Keras's clear_session), e.g. between tests. */
export function resetNames(): void {
  nameCounts.clear();
}

/** Keras's to_snake_case: 'Conv2D' -> 'conv2d', 'BatchNormalization' -> 'batch_normalization' (digits stay attached). */
export function snakeCase(className: string): string {
  return className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export interface LayerOptions {
  name?: string;
  trainable?: boolean;
  /** Keras's input_shape (without the batch axis) for the first layer of a Sequential model. */
  inputShape?: readonly number[];
}

export function isSymbolic(x: unknown): x is SymbolicTensor {
  return (x as { isSymbolic?: boolean } | null)?.isSymbolic === true;
}

export abstract class Layer {
  readonly name: string;
  readonly inputShape: readonly number[] | undefined;
  built = false;
  protected readonly ownWeights: Weight[] = [];
  #trainable: boolean;

  constructor(opts: LayerOptions = {}) {
    this.name = opts.name ?? uniqueName(snakeCase(this.className));
    this.#trainable = opts.trainable ?? true;
    this.inputShape = opts.inputShape;
  }

  /** The Keras class name shown by summary(). */
  get className(): string {
    return this.constructor.name;
  }

  /** Whether call() can apply this activation itself when CallContext.fusedActivation asks (BatchNormalization). */
  fusesActivation(_activation: string): _activation is 'relu' {
    return false;
  }

  /** The activation an Activation layer applies, so a model can fuse it into the layer before; null otherwise. */
  get fusableActivation(): string | null {
    return null;
  }

  /** Merge layers (Add, Concatenate) take a list of inputs even when it has one element. */
  get takesList(): boolean {
    return false;
  }

  /** Layers nested inside this one (models); their weights count as this layer's. */
  get sublayers(): Layer[] {
    return [];
  }

  get trainable(): boolean {
    return this.#trainable;
  }

  /** Setting trainable on a layer sets it on every nested layer, as Keras does. */
  set trainable(value: boolean) {
    this.#trainable = value;
    for (const l of this.sublayers) l.trainable = value;
    this.syncRequiresGrad();
  }

  /** Own weights only; `weights` adds nested layers'. */
  get weights(): Weight[] {
    return [...this.ownWeights, ...this.sublayers.flatMap((l) => l.weights)];
  }

  get trainableWeights(): Weight[] {
    return this.weights.filter((w) => w.trainable);
  }

  get nonTrainableWeights(): Weight[] {
    return this.weights.filter((w) => !w.trainable);
  }

  countParams(): number {
    return this.weights.reduce((n, w) => n + w.value.size, 0);
  }

  /** Makes every weight's requiresGrad follow its current trainability. */
  protected syncRequiresGrad(): void {
    for (const w of this.ownWeights) w.value.requiresGrad = w.trainable;
  }

  /** Registers a weight created by an initialiser. The layer owns (and disposes) it. */
  protected addWeight(name: string, value: Tensor, opts: { trainable?: boolean; constraint?: Constraint } = {}): Tensor {
    untrack(value);
    value.name = `${this.name}/${name}`;
    const w = new Weight(this, name, value, opts.trainable ?? true, opts.constraint);
    value.requiresGrad = w.trainable;
    this.ownWeights.push(w);
    return value;
  }

  /** Creates the weights for an input shape. Layers without weights need not override it. */
  build(_inputShape: LayerShape | LayerShape[]): void {}

  /** Output shape for an input shape (batch axis included, possibly null). */
  abstract computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape;

  /** The computation on real tensors. */
  abstract call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor;

  /** Constructor arguments that rebuild this layer (Keras's get_config). */
  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable };
  }

  protected ensureBuilt(shape: LayerShape | LayerShape[]): void {
    if (this.built) return;
    const before = this.ownWeights.length;
    try {
      this.build(shape);
    } catch (err) {
      // A weight that cannot be allocated (over the device's buffer limit) is reported by layer; those made before it go.
      for (const w of this.ownWeights.splice(before)) w.value.dispose();
      if (err instanceof Error && err.message.startsWith('buffer pool:')) err.message = `${this.name}: building its weights: ${err.message}`;
      throw err;
    }
    this.built = true;
  }

  /**
   * Applies the layer: on SymbolicTensors it records a graph node and returns the symbolic output; on Tensors it
   * computes (building first if needed).
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor;
  apply(inputs: Tensor | Tensor[], ctx?: CallContext): Tensor;
  apply(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], ctx: CallContext = { training: false }): SymbolicTensor | Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length && list.every(isSymbolic)) {
      const syms = list as SymbolicTensor[];
      const shapes = syms.map((s) => s.shape);
      const inShape = Array.isArray(inputs) ? shapes : shapes[0]!;
      this.ensureBuilt(inShape);
      const out = this.computeOutputShape(inShape);
      return new SymbolicTensor(out, 'f32', { layer: this, inputs: syms }, this.name);
    }
    if (list.some(isSymbolic)) throw new Error(`${this.name}: cannot mix symbolic and real tensors as inputs`);
    const tensors = list as Tensor[];
    const shapes = tensors.map((t) => t.shape);
    this.ensureBuilt(Array.isArray(inputs) ? shapes : shapes[0]!);
    return this.call(inputs as Tensor | Tensor[], ctx);
  }

  /** Counters of this layer's own random streams (dropout masks, augmentation), kept by training checkpoints. */
  getRandomState(): number[] {
    return [];
  }
  setRandomState(_calls: readonly number[]): void {}

  /** Frees the layer's weights (and nested layers'). */
  dispose(): void {
    for (const w of this.ownWeights) w.value.dispose();
    this.ownWeights.length = 0;
    for (const l of this.sublayers) l.dispose();
    this.built = false;
  }
}

/** Checks a real or symbolic input's rank, naming the layer. */
export function expectRank(layer: Layer, shape: LayerShape, rank: number, what: string): void {
  if (shape.length !== rank) {
    throw new Error(`${layer.name} (${layer.className}): expects ${what} (rank ${rank}) but got shape (${shape.map((d) => d ?? 'None').join(', ')})`);
  }
}

export function fmtLayerShape(shape: LayerShape): string {
  return `(${shape.map((d) => d ?? 'None').join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * The output shape of `op` on this layer's (possibly symbolic) input shapes, from the op's own shape rule, so a
 * layer never re-derives it. Errors are renamed from the op to the layer.
 */
export function inferOutputShape<I extends string, A>(layer: Layer, op: Op<I, A>, shapes: { [K in I]: LayerShape }, attrs: A): LayerShape {
  const metas = {} as { [K in I]: { shape: LayerShape; dtype: DType } };
  for (const name of op.inputs) metas[name] = { shape: shapes[name], dtype: 'f32' };
  try {
    return op.infer(metas, attrs).shape;
  } catch (err) {
    if (err instanceof Error) err.message = err.message.replace(/^\w+: /, `${layer.name} (${layer.className}): `);
    throw err;
  }
}
