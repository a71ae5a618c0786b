// What one training run is, declaratively: model, data, optimiser, schedule, augmentation, stopping rules. The
// `train` command builds one from its options; the experiment table (table.ts) lists the notebook's.
import { randomAffine } from '../../autograd/api.js';
import { augmentSeed, cpuRandomAffine, type CpuTransform } from '../../data/augment.cpu.js';
import type { ImageSet } from '../../data/dataset.js';
import type { EpochStats, LoaderMode } from '../../data/loader.js';
import type { BatchSource } from '../../nn/training.js';
import type { Model } from '../../nn/model.js';
import { Adadelta, Adam, RMSprop, SGD, type Optimizer } from '../../nn/optimizers/index.js';
import { CosineDecay, CyclicalLearningRate, ExponentialDecay, type LearningRate } from '../../nn/schedules.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ImageShape } from '../registry/models.js';

export const OPTIMIZERS = ['adadelta', 'adam', 'rmsprop', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const SCHEDULES = ['constant', 'time-decay', 'cyclical', 'exponential', 'cosine'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/**
 * Rotation and translation: on the GPU Keras's RandomRotation(rotation) then RandomTranslation(translate,
 * fill_mode='constant'), on the CPU ImageDataGenerator's single warp with constant fill.
 */
export interface AugmentSpec {
  /** Fraction of a full turn (Keras's factor; ImageDataGenerator's rotation_range=5 is 5/360). */
  rotation: number;
  /** [height, width] fractions of the image size. */
  translate: readonly [number, number];
  /** 'gpu': a loader transform after upload; 'cpu': the CPU twin before upload (loader mode 'sync'). */
  on: 'gpu' | 'cpu';
}

export interface EarlyStoppingSpec {
  monitor: string;
  minDelta: number;
  patience: number;
}

export interface RunSpec {
  /** Names the run's folder inside a multi-run experiment ('lr0.1-constant'). */
  id: string;
  model: string;
  dataset: string;
  inputShape?: ImageShape;
  optimizer: OptimizerName;
  learningRate: number;
  schedule: ScheduleName;
  epochs: number;
  batchSize: number;
  augment: AugmentSpec | null;
  loaderMode: LoaderMode;
  /** sklearn's test_size for the train/validation split (0.2 in the notebook). */
  valSplit: number;
  earlyStopping: EarlyStoppingSpec | null;
  /** The best checkpoint is kept by this metric (the notebook: val_accuracy, mode max). */
  checkpointMonitor: string;
  seed: number;
  /** The results table's "schedule or optimiser" column. */
  label: string;
  /**
   * Optional: adjusts the model after it is built and before compile (e.g. freezes a transfer base, or loads
   * pretrained weights and an earlier run's checkpoint: `earlierRuns` maps run ids to their directories).
   */
  prepare?: (model: Model, ctx: { earlierRuns: ReadonlyMap<string, string>; log: (line: string) => void }) => void | Promise<void>;
  /** --subset does not shrink this run (it is cheap: e.g. a head trained on cached features); --quick still does. */
  keepFullData?: boolean;
  /** Optional: batch sources to use instead of DataLoaders over the images (e.g. cached features of a frozen base). */
  inputs?: (ctx: RunInputsContext) => Promise<RunInputs>;
  /** Optional: the id of an earlier run in the same experiment whose best checkpoint this run starts from. */
  initFrom?: string;
}

export interface RunInputsContext {
  train: ImageSet;
  test: ImageSet;
  /** Indices of the run's training and validation samples (into `train`) and test samples (into `test`). */
  trainIdx: Int32Array;
  valIdx: Int32Array;
  testIdx: Int32Array;
  log: (line: string) => void;
}

/** A training source with a known epoch length; `lastEpoch` feeds ms/step into the results when it has it. */
export type FeedSource = BatchSource & { readonly stepsPerEpoch: number; readonly lastEpoch?: EpochStats };

export interface RunInputs {
  train: FeedSource;
  val: BatchSource;
  test: BatchSource;
  /** Figures recorded in results.json (`measurements`) and listed in results.md. */
  measurements?: Record<string, number | string>;
  dispose?: () => void;
}

/** tfa CyclicalLearningRate as the notebook sets it, scaled so `maximal` is the given rate: 1/100 of it at the bottom. */
function cyclical(maximal: number): CyclicalLearningRate {
  return new CyclicalLearningRate({
    initialLearningRate: maximal / 100, maximalLearningRate: maximal, stepSize: 800, scaleFn: (x) => 1 / Math.pow(1.2, x - 1), scaleMode: 'cycle',
  });
}

/**
 * The optimiser's learning rate for a schedule. 'time-decay' is not a step schedule: it is the notebook's
 * lr_time_based_decay applied per epoch by a LearningRateScheduler callback (see session.ts).
 */
export function learningRate(spec: RunSpec, stepsPerEpoch: number): LearningRate {
  const lr = spec.learningRate;
  switch (spec.schedule) {
    case 'constant':
    case 'time-decay':
      return lr;
    case 'cyclical':
      return cyclical(lr);
    case 'exponential':
      return new ExponentialDecay({ initialLearningRate: lr, decaySteps: stepsPerEpoch, decayRate: 0.9 });
    case 'cosine':
      return new CosineDecay({ initialLearningRate: lr, decaySteps: spec.epochs * stepsPerEpoch });
  }
}

export function makeOptimizer(spec: RunSpec, stepsPerEpoch: number): Optimizer {
  const learningRateValue = learningRate(spec, stepsPerEpoch);
  const make = { adadelta: Adadelta, adam: Adam, rmsprop: RMSprop, sgd: SGD }[spec.optimizer];
  return new make({ learningRate: learningRateValue });
}

/**
 * The GPU augmentation of a spec, or undefined: the notebook's data_augmentation Sequential, two Keras layers and
 * so two warps, RandomRotation with its default fill_mode 'reflect', then RandomTranslation with 'constant' fill.
 */
export function gpuAugment(spec: RunSpec): ((x: Tensor, step: number) => Tensor) | undefined {
  const a = spec.augment;
  if (!a || a.on !== 'gpu') return undefined;
  return (x, step) => {
    const rotated = randomAffine(x, { rotationFactor: a.rotation, fillMode: 'reflect', seed: augmentSeed(spec.seed, step) });
    const shifted = randomAffine(rotated, {
      heightFactor: a.translate[0], widthFactor: a.translate[1], fillMode: 'constant', seed: augmentSeed(spec.seed ^ TRANSLATION_SEED, step),
    });
    rotated.dispose();
    return shifted;
  };
}
/** Decorrelates the translation's draws from the rotation's. */
const TRANSLATION_SEED = 0x5bd1e995;

/** The CPU augmentation (ImageDataGenerator's path), or undefined. */
export function cpuAugment(spec: RunSpec): CpuTransform | undefined {
  const a = spec.augment;
  if (!a || a.on !== 'cpu') return undefined;
  return cpuRandomAffine({ rotation: a.rotation, translate: a.translate, fillMode: 'constant', seed: spec.seed });
}

export function describeAugment(a: AugmentSpec | null): string {
  if (!a) return 'none';
  const deg = (a.rotation * 360).toFixed(a.rotation * 360 < 10 ? 1 : 0);
  // The GPU path is two Keras layers (rotation fills by reflection); the CPU path one ImageDataGenerator warp.
  const rotationFill = a.on === 'gpu' ? ' reflect' : '';
  return `rotation ±${deg}°${rotationFill}, shift ${a.translate[0]}/${a.translate[1]} constant (${a.on.toUpperCase()})`;
}
