// A model's compile config as Keras records it ({optimizer: {class_name, config}, loss, metrics}), both ways. The
// optimiser's learning rate may be a schedule ({class_name, config}); a plain function cannot be written down, so a
// model compiled with one is saved with that noted and loads only with compile: false.

import { canonicalLoss } from '../losses.js';
import { Adadelta, Adam, RMSprop, SGD, type Optimizer } from '../optimizers/index.js';
import * as schedules from '../schedules.js';
import type { LearningRate } from '../schedules.js';
import type { CompileOptions, Compiled } from '../training.js';
import { isObject, KerasConfigError, type Json, type JsonObject } from './keras_config.js';

export interface KerasCompileConfig {
  optimizer: { class_name: string; config: JsonObject };
  loss: string | null;
  metrics: string[];
}

export function compileToKeras(c: Compiled): KerasCompileConfig {
  return {
    optimizer: { class_name: c.optimizer.name, config: c.optimizer.getConfig() as JsonObject },
    loss: c.lossName,
    metrics: c.accuracy ? ['accuracy'] : [],
  };
}

/** CompileOptions from a saved compile config; throws naming what cannot be rebuilt. */
export function compileFromKeras(c: unknown, where: string): CompileOptions {
  if (!isObject(c)) throw new KerasConfigError(`${where}: compile config must be an object`);
  const loss = typeof c.loss === 'string' ? canonicalLoss(c.loss) : null;
  if (!loss) {
    throw new KerasConfigError(`${where}: the loss ${JSON.stringify(c.loss)} cannot be rebuilt (known: sparse_categorical_crossentropy, categorical_crossentropy, mean_squared_error, mean_absolute_error and their Keras aliases); load with { compile: false } and compile() yourself`);
  }
  const metrics = Array.isArray(c.metrics) ? c.metrics : [];
  for (const m of metrics) if (m !== 'accuracy' && m !== 'acc') throw new KerasConfigError(`${where}: metric ${JSON.stringify(m)} is not supported (known: accuracy)`);
  return { optimizer: optimizerFromKeras(c.optimizer, where), loss, metrics: metrics.length ? ['accuracy'] : [] };
}

const n = (c: JsonObject, k: string): number | undefined => (typeof c[k] === 'number' ? (c[k] as number) : undefined);
const b = (c: JsonObject, k: string): boolean | undefined => (typeof c[k] === 'boolean' ? (c[k] as boolean) : undefined);

export function optimizerFromKeras(o: Json | undefined, where: string): Optimizer {
  if (!isObject(o) || typeof o.class_name !== 'string') throw new KerasConfigError(`${where}: optimizer must be {class_name, config} but is ${JSON.stringify(o)}`);
  const c = isObject(o.config) ? o.config : {};
  const learningRate = learningRateFromKeras(c.learning_rate ?? c.lr, `${where}: optimizer ${o.class_name}`);
  switch (o.class_name) {
    case 'SGD': return new SGD({ learningRate, momentum: n(c, 'momentum'), nesterov: b(c, 'nesterov') });
    case 'RMSprop': return new RMSprop({ learningRate, rho: n(c, 'rho'), momentum: n(c, 'momentum'), epsilon: n(c, 'epsilon'), centered: b(c, 'centered') });
    case 'Adam': return new Adam({ learningRate, beta1: n(c, 'beta_1'), beta2: n(c, 'beta_2'), epsilon: n(c, 'epsilon'), amsgrad: b(c, 'amsgrad') });
    case 'Adadelta': return new Adadelta({ learningRate, rho: n(c, 'rho'), epsilon: n(c, 'epsilon') });
    default: throw new KerasConfigError(`${where}: optimizer class '${o.class_name}' is not supported (known: SGD, RMSprop, Adam, Adadelta)`);
  }
}

function learningRateFromKeras(lr: Json | undefined, where: string): LearningRate | undefined {
  if (lr === undefined || lr === null) return undefined;
  if (typeof lr === 'number') return lr;
  if (!isObject(lr) || typeof lr.class_name !== 'string') throw new KerasConfigError(`${where}: learning_rate ${JSON.stringify(lr)} cannot be read`);
  const c = isObject(lr.config) ? lr.config : {};
  const decay = { initialLearningRate: n(c, 'initial_learning_rate')!, decaySteps: n(c, 'decay_steps')!, decayRate: n(c, 'decay_rate')!, staircase: b(c, 'staircase') };
  const cyclical = {
    initialLearningRate: n(c, 'initial_learning_rate')!, maximalLearningRate: n(c, 'maximal_learning_rate')!, stepSize: n(c, 'step_size')!,
    scaleMode: c.scale_mode as schedules.CyclicalScaleMode | undefined,
  };
  switch (lr.class_name) {
    case 'Constant': return new schedules.Constant(n(c, 'learning_rate')!);
    case 'ExponentialDecay': return new schedules.ExponentialDecay(decay);
    case 'InverseTimeDecay': return new schedules.InverseTimeDecay(decay);
    case 'CosineDecay': return new schedules.CosineDecay({
      initialLearningRate: n(c, 'initial_learning_rate')!, decaySteps: n(c, 'decay_steps')!, alpha: n(c, 'alpha'),
      warmupTarget: n(c, 'warmup_target') ?? null, warmupSteps: n(c, 'warmup_steps'),
    });
    case 'PiecewiseConstantDecay': return new schedules.PiecewiseConstantDecay(c.boundaries as number[], c.values as number[]);
    case 'TriangularCyclicalLearningRate': return new schedules.TriangularCyclicalLearningRate(cyclical);
    case 'Triangular2CyclicalLearningRate': return new schedules.Triangular2CyclicalLearningRate(cyclical);
    case 'ExponentialCyclicalLearningRate': return new schedules.ExponentialCyclicalLearningRate({ ...cyclical, gamma: n(c, 'gamma') });
    default:
      throw new KerasConfigError(`${where}: learning-rate schedule '${lr.class_name}' cannot be rebuilt from its config` +
        `${lr.class_name === 'CyclicalLearningRate' || lr.class_name === 'function' ? ' (it holds a function)' : ''}; load with { compile: false } and compile() yourself`);
  }
}
