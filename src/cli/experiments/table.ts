// The notebook's experiments as data: one entry per `webgpu-nn experiment NAME`, each a list of runs with the
// notebook's settings (batch size 64 everywhere, the 80/20 split with seed 42, best checkpoint by val_accuracy)
// and what `--quick` shrinks them to. Another experiment is one registerExperiment() call in its own module,
// imported once from src/cli/index.ts (mnist_transfer.ts: a frozen run on cached features through RunSpec.inputs,
// then a fine-tuning run whose async prepare loads ImageNet and that run's head; its models join with registerModel()).
import { CIFAR10_JPEG } from '../registry/datasets.js';
import type { AugmentSpec, EarlyStoppingSpec, RunSpec } from './spec.js';

export interface QuickBudget {
  epochs: number;
  /** Training images per epoch (steps = trainSamples / 64). */
  trainSamples: number;
  valSamples: number;
  testSamples: number;
}

export interface ExperimentSpec {
  description: string;
  /** Runs in order; several runs make a sweep whose table is sorted by validation accuracy. */
  runs: RunSpec[];
  quick: QuickBudget;
  /** What the notebook reported, for the README and the results table. */
  notebook: string;
}

const BASE = { batchSize: 64, valSplit: 0.2, seed: 42, checkpointMonitor: 'val_accuracy', loaderMode: 'double-buffered', augment: null, earlyStopping: null } as const;
const stopOnValLoss = (patience: number): EarlyStoppingSpec => ({ monitor: 'val_loss', minDelta: 5e-4, patience });
/** The notebook's data_augmentation: RandomRotation(rotation) + RandomTranslation(0.05, 0.05, fill_mode='constant'). */
const gpuAug = (rotation: number): AugmentSpec => ({ rotation, translate: [0.05, 0.05], on: 'gpu' });
const MNIST_QUICK: QuickBudget = { epochs: 2, trainSamples: 6400, valSamples: 2000, testSamples: 2000 };
const CIFAR_QUICK: QuickBudget = { epochs: 1, trainSamples: 1280, valSamples: 500, testSamples: 500 };

/** The CIFAR-10 runs' common ground: the JPEG copy, augmentation with RandomRotation(0.1), Adadelta 0.5, patience 25. */
function cifarRun(id: string, model: string, o: Partial<RunSpec>): RunSpec {
  return {
    ...BASE, id, model, dataset: CIFAR10_JPEG, optimizer: 'adadelta', learningRate: 0.5, schedule: 'constant', epochs: 100,
    earlyStopping: stopOnValLoss(25), augment: gpuAug(0.1), label: 'Adadelta', ...o,
  };
}

function mlpSweep(): RunSpec[] {
  const runs: RunSpec[] = [];
  for (const lr of [0.1, 0.5, 0.8]) {
    for (const schedule of ['constant', 'time-decay'] as const) {
      runs.push({
        ...BASE, id: `lr${lr}-${schedule}`, model: 'mlp', dataset: 'mnist', optimizer: 'adadelta', learningRate: lr, schedule, epochs: 100,
        label: schedule === 'constant' ? 'Constant' : 'time based decay',
      });
    }
  }
  return runs;
}

export const EXPERIMENTS: Record<string, ExperimentSpec> = {
  'mlp-sweep': {
    description: 'MLP (dropout + BN) with Adadelta, lr 0.1/0.5/0.8 x constant/time-based decay, 100 epochs each',
    runs: mlpSweep(), quick: MNIST_QUICK, notebook: 'best test accuracy 98.7%',
  },
  'mnist-cnn': {
    description: 'MNIST CNN, Adadelta 0.1, EarlyStopping(val_loss, 5e-4, patience 15), up to 200 epochs',
    runs: [{ ...BASE, id: 'mnist-cnn', model: 'mnist-cnn', dataset: 'mnist', optimizer: 'adadelta', learningRate: 0.1, schedule: 'constant', epochs: 200, earlyStopping: stopOnValLoss(15), label: 'Adadelta' }],
    quick: MNIST_QUICK, notebook: 'test accuracy 99.1%',
  },
  'mnist-cnn-aug-cpu': {
    description: 'MNIST CNN with ImageDataGenerator-style augmentation on the CPU (rotation 5°, shifts 0.05), synchronous input, Adadelta 0.1',
    runs: [{
      ...BASE, id: 'mnist-cnn-aug-cpu', model: 'mnist-cnn', dataset: 'mnist', optimizer: 'adadelta', learningRate: 0.1, schedule: 'constant', epochs: 200,
      earlyStopping: stopOnValLoss(15), augment: { rotation: 5 / 360, translate: [0.05, 0.05], on: 'cpu' }, loaderMode: 'sync', label: 'Adadelta',
    }],
    quick: MNIST_QUICK, notebook: 'test accuracy 99.39%, 54 ms/step (input-bound)',
  },
  'mnist-cnn-aug': {
    description: 'MNIST CNN with RandomRotation(0.05) + RandomTranslation(0.05) on the GPU behind the double-buffered loader, Adam 1e-3',
    runs: [{
      ...BASE, id: 'mnist-cnn-aug', model: 'mnist-cnn', dataset: 'mnist', optimizer: 'adam', learningRate: 1e-3, schedule: 'constant', epochs: 200,
      earlyStopping: stopOnValLoss(15), augment: gpuAug(0.05), label: 'Adam',
    }],
    quick: MNIST_QUICK, notebook: 'test accuracy 99.38%, 6 ms/step',
  },
  'cifar-cnn': {
    description: 'shallow CIFAR-10 CNN, Adadelta 0.5, augmentation, EarlyStopping patience 15, 100 epochs',
    runs: [cifarRun('cifar-cnn', 'cifar-cnn', { earlyStopping: stopOnValLoss(15) })], quick: CIFAR_QUICK, notebook: 'test accuracy about 80%',
  },
  'cifar-resnet-adadelta': {
    description: 'CIFAR-10 ResNet18, Adadelta 0.5, augmentation, EarlyStopping patience 25, 100 epochs',
    runs: [cifarRun('cifar-resnet-adadelta', 'resnet18', {})], quick: CIFAR_QUICK, notebook: 'test accuracy 76.86%',
  },
  'cifar-resnet-cyclic': {
    description: 'CIFAR-10 ResNet18, Adam with tfa CyclicalLearningRate 5e-5..5e-3 (step 800, scale 1/1.2^(x-1)), patience 25, 100 epochs',
    runs: [cifarRun('cifar-resnet-cyclic', 'resnet18', { optimizer: 'adam', learningRate: 5e-3, schedule: 'cyclical', label: 'Adam, cyclical' })],
    quick: CIFAR_QUICK, notebook: 'test accuracy 72.13%',
  },
  'cifar-xception': {
    description: 'Xception (weights=None) + the notebook head at 71x71 (resized on the GPU), Adadelta 0.9, patience 5, 20 epochs',
    runs: [{
      ...BASE, id: 'cifar-xception', model: 'xception', dataset: CIFAR10_JPEG, inputShape: [71, 71, 3], optimizer: 'adadelta', learningRate: 0.9,
      schedule: 'constant', epochs: 20, earlyStopping: stopOnValLoss(5), augment: gpuAug(0.05), label: 'Adadelta',
    }],
    quick: { epochs: 1, trainSamples: 256, valSamples: 128, testSamples: 128 }, notebook: 'test accuracy 85.03%',
  },
};

/** Adds an experiment (the transfer helper's mnist-transfer, say) to `webgpu-nn experiment`. */
export function registerExperiment(name: string, spec: ExperimentSpec): void {
  EXPERIMENTS[name] = spec;
}
