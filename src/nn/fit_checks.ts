// Checks fit() makes before and during training: its options, that the data is not empty, that the targets fit
// the model's output, and that one model runs one fit() at a time. Each failure names the option or tensor.

import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkNumber } from './check.js';
import type { Model } from './model.js';

export interface FitNumbers {
  epochs: number;
  initialEpoch: number;
  verbose: unknown;
}

/** epochs: a positive integer; initialEpoch: an integer in [0, epochs]; verbose: 0, 1 or 2. */
export function checkFitOptions({ epochs, initialEpoch, verbose }: FitNumbers): void {
  checkNumber('fit', 'epochs', epochs, { min: 1, integer: true });
  checkNumber('fit', 'initialEpoch', initialEpoch, { min: 0, max: epochs, integer: true });
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new Error(`fit: verbose must be 0, 1 or 2 but got ${String(verbose)}`);
}

/**
 * Float targets must hold as many values per sample as the prediction (Keras compares y and y_pred shapes);
 * integer labels go with a [N, C] prediction. Host-side shape check only: no readback.
 */
export function checkTargetShape(model: Model, y: Tensor, pred: Tensor): void {
  const n = pred.shape[0] ?? 1;
  if ((y.shape[0] ?? 1) !== n) {
    throw new Error(`fit: model ${model.name} got a batch of ${n} inputs but ${y.shape[0]} targets (y ${fmtShape(y.shape)})`);
  }
  const perSample = (t: Tensor): number => t.size / Math.max(1, t.shape[0] ?? 1);
  if (y.dtype === 'i32') {
    if (y.rank > 2 || (y.rank === 2 && y.shape[1] !== 1)) {
      throw new Error(`fit: integer labels must have shape (N) or (N, 1) but y has shape ${fmtShape(y.shape)}`);
    }
    return;
  }
  if (perSample(y) !== perSample(pred)) {
    throw new Error(`fit: model ${model.name} outputs shape ${fmtShape(pred.shape)} but y has shape ${fmtShape(y.shape)}: ` +
      `each target must hold ${perSample(pred)} values (as the model's output), found ${perSample(y)}`);
  }
}

const training = new WeakSet<Model>();

/** Runs `body` as the only fit() (or trainOnBatch) of `model`; a second concurrent call is refused. */
export async function exclusiveTraining<T>(model: Model, what: string, body: () => Promise<T>): Promise<T> {
  if (training.has(model)) {
    throw new Error(`${what}: model ${model.name} is already training (another fit() is in progress); await it before starting another`);
  }
  training.add(model);
  try {
    return await body();
  } finally {
    training.delete(model);
  }
}
