// Keras losses as batch means ('sum_over_batch_size'). Like Keras, when a prediction came out of a sigmoid or
// softmax activation, the probability losses use the activation's input with from_logits (Keras caches it as
// `_keras_logits`): the notebook's sigmoid + sparse categorical cross-entropy models train exactly so in Keras.

import * as ops from '../autograd/api.js';
import type { Tensor } from '../tensor/tensor.js';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
export type LossName = 'sparse_categorical_crossentropy' | 'categorical_crossentropy' | 'mean_squared_error';

const cachedLogits = new WeakMap<Tensor, Tensor>();

/** Records that `probs` = activation(`logits`) for a sigmoid or softmax output (Keras's `_keras_logits`). */
export function rememberLogits(probs: Tensor, logits: Tensor): void {
  cachedLogits.set(probs, logits);
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

export function getLoss(loss: LossName | LossFn): LossFn {
  if (typeof loss === 'function') return loss;
  switch (loss) {
    case 'sparse_categorical_crossentropy': return sparseCategoricalCrossentropy();
    case 'categorical_crossentropy': return categoricalCrossentropy();
    case 'mean_squared_error': return meanSquaredError();
    default: throw new Error(`unknown loss '${loss as string}' (known: sparse_categorical_crossentropy, categorical_crossentropy, mean_squared_error)`);
  }
}
