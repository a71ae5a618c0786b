// Optimisers with Keras's names, defaults and update formulas, and a resolver for Keras's string names.

import { Adadelta } from './adadelta.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export { Optimizer, clearGrads, type ApplyOptions } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adam, type AdamOptions } from './adam.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';

/** Resolves `compile(optimizer='rmsprop')`-style names to a new optimiser with Keras defaults, or passes one through. */
export function getOptimizer(o: Optimizer | string): Optimizer {
  if (typeof o !== 'string') return o;
  const make: Record<string, () => Optimizer> = {
    sgd: () => new SGD(), rmsprop: () => new RMSprop(), adam: () => new Adam(), adadelta: () => new Adadelta(),
  };
  const f = make[o.toLowerCase()];
  if (!f) throw new Error(`getOptimizer: unknown optimizer '${o}' (known: sgd, rmsprop, adam, adadelta)`);
  return f();
}
