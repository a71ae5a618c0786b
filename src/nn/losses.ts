// Keras losses as batch means ('sum_over_batch_size'). Like Keras, when a prediction came out of a sigmoid or
// softmax activation, the probability losses use the activation's input with from_logits (Keras caches it as
// `_keras_logits`): the notebook's sigmoid + sparse categorical cross-entropy models train exactly so in Keras.

import * as ops from '../autograd/api.js';
import type { Tensor } from '../tensor/tensor.js';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
/** The canonical (Keras function) names; `LossAlias` adds Keras's other spellings of them. */
export type LossName = 'sparse_categorical_crossentropy' | 'categorical_crossentropy' | 'mean_squared_error' | 'mean_absolute_error';

const cachedLogits = new WeakMap<Tensor, Tensor>();

/** Records that `probs` = activation(`logits`) for a sigmoid or softmax output (Keras's `_keras_logits`). */
export function rememberLogits(probs: Tensor, logits: Tensor): void {
  cachedLogits.set(probs, logits);
}

/** The pre-activation a sigmoid or softmax output was computed from, if it is still cached. */
export function logitsOf(probs: Tensor): Tensor | undefined {
  return cachedLogits.get(probs);
}

export interface CrossentropyOptions {
  /** y_pred already holds logits. */
  fromLogits?: boolean;
}

/** Keras SparseCategoricalCrossentropy: integer labels [N] against predictions [N, C]. */
export function sparseCategoricalCrossentropy({ fromLogits = false }: CrossentropyOptions = {}): LossFn {
  return (yTrue, yPred) => {
    const logits = fromLogits ? null : cachedLogits.get(yPred);
    const perSample = logits ? ops.sparseCategoricalCrossentropy(yTrue, logits, { fromLogits: true })
      : ops.sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits });
    return ops.mean(perSample);
  };
}

/** Keras CategoricalCrossentropy: one-hot (or probability) targets [N, C]. */
export function categoricalCrossentropy({ fromLogits = false }: CrossentropyOptions = {}): LossFn {
  return (yTrue, yPred) => {
    const logits = fromLogits ? null : cachedLogits.get(yPred);
    const perSample = logits ? ops.categoricalCrossentropy(yTrue, logits, { fromLogits: true })
      : ops.categoricalCrossentropy(yTrue, yPred, { fromLogits });
    return ops.mean(perSample);
  };
}

export function meanSquaredError(): LossFn {
  return (yTrue, yPred) => ops.mean(ops.square(ops.sub(yPred, yTrue)));
}

export function meanAbsoluteError(): LossFn {
  return (yTrue, yPred) => ops.mean(ops.abs(ops.sub(yPred, yTrue)));
}

// Keras accepts each loss by its function name, its short alias and its class name.
const ALIASES = {
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy', SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy', CategoricalCrossentropy: 'categorical_crossentropy',
  mean_squared_error: 'mean_squared_error', mse: 'mean_squared_error', MSE: 'mean_squared_error', MeanSquaredError: 'mean_squared_error',
  mean_absolute_error: 'mean_absolute_error', mae: 'mean_absolute_error', MAE: 'mean_absolute_error', MeanAbsoluteError: 'mean_absolute_error',
} as const satisfies Record<string, LossName>;
export type LossAlias = keyof typeof ALIASES;

/** The canonical name of a Keras loss spelling ('mse' -> 'mean_squared_error'), or null for an unknown one. */
export function canonicalLoss(name: string): LossName | null {
  return Object.hasOwn(ALIASES, name) ? ALIASES[name as LossAlias] : null;
}

const MAKERS: Record<LossName, () => LossFn> = {
  sparse_categorical_crossentropy: () => sparseCategoricalCrossentropy(),
  categorical_crossentropy: () => categoricalCrossentropy(),
  mean_squared_error: meanSquaredError,
  mean_absolute_error: meanAbsoluteError,
};

export function getLoss(loss: LossAlias | LossFn): LossFn {
  if (typeof loss === 'function') return loss;
  const name = canonicalLoss(loss);
  if (!name) throw new Error(`unknown loss '${loss as string}' (known: ${Object.keys(ALIASES).join(', ')})`);
  return MAKERS[name]();
}
