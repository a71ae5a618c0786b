// A training step of a registry model on a fixed random batch kept on the GPU, with the notebook's optimiser for
// that model: what `profile` and `tune` time, so they measure the engine and not the input pipeline.
import { Adadelta, Adam, type Optimizer } from '../../nn/optimizers/index.js';
import type { Model } from '../../nn/model.js';
import { setSeed } from '../../kernels/random.js';
import { tensor, type Tensor } from '../../tensor/tensor.js';
import { buildModel, modelEntry, resolveInputShape } from '../registry/models.js';

/** The notebook's optimiser per model: Adadelta for the MLP and the CIFAR nets, Adam for the CNN and transfer nets. */
function notebookOptimizer(model: string): Optimizer {
  if (model === 'mlp') return new Adadelta({ learningRate: 0.1 });
  if (model === 'cifar-cnn' || model === 'resnet18') return new Adadelta({ learningRate: 0.5 });
  return new Adam({ learningRate: model === 'mnist-cnn' ? 1e-3 : 1e-4 });
}

export interface ResidentStep {
  model: Model;
  step: () => Promise<unknown>;
  dispose: () => void;
}

/** Builds and compiles the model (seed 1) and a batch of `batchSize` deterministic inputs and labels. */
export function residentStep(name: string, batchSize: number): ResidentStep {
  setSeed(1);
  const shape = resolveInputShape(name);
  const model = buildModel(name, shape);
  model.compile({ optimizer: notebookOptimizer(name), loss: 'sparse_categorical_crossentropy' });
  const per = shape[0] * shape[1] * shape[2];
  const xs = Float32Array.from({ length: batchSize * per }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const x: Tensor = tensor(xs, modelEntry(name).flat ? [batchSize, per] : [batchSize, ...shape]);
  const y: Tensor = tensor(Int32Array.from({ length: batchSize }, (_, i) => i % 10), [batchSize], { dtype: 'i32' });
  return {
    model,
    step: () => model.trainOnBatch(x, y),
    dispose: () => {
      for (const t of [model, x, y]) t.dispose();
    },
  };
}
